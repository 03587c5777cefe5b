import { join } from 'node:path';
import { verifyJournalFile } from '../alarms/index.js';
import type { SiteConfig } from '../app/index.js';
import { EXIT } from './commands.js';

/** The site's alarm journal: `<store dir>/journal.db`. */
export function journalFileOf(config: SiteConfig): string {
  return join(config.store.dir, 'journal.db');
}

/**
 * `hazgate journal verify`: checks the hash chain; prints the record count and the head hash (to
 * be noted elsewhere: a rewrite of the whole chain is caught only against it), or the first broken
 * record. Exit 0 when intact, 1 when broken or unreadable.
 */
export function runJournalVerify(file: string): number {
  let verdict;
  try {
    verdict = verifyJournalFile(file);
  } catch (e) {
    process.stderr.write(`${file}: cannot be read: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.invalidConfig;
  }
  if (!verdict.ok) {
    process.stdout.write(`${file}: BROKEN at record ${verdict.seq}: ${verdict.problem} (${verdict.records} records before it are intact)\n`);
    return EXIT.invalidConfig;
  }
  const legacy = verdict.unchained > 0 ? `, ${verdict.unchained} from before the chain` : '';
  process.stdout.write(`${file}: ok, ${verdict.records} records${legacy}; head ${verdict.head}\n`);
  return EXIT.ok;
}
