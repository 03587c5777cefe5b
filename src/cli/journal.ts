import { join } from 'node:path';
import { readAuditFile, verifyJournalFile } from '../alarms/index.js';
import type { SiteConfig } from '../app/index.js';
import { isAuditKind, type AuditQuery } from '../core/audit.js';
import { parseSince, type CliArgs, type JournalAuditArgs } from './args.js';
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
  const audit = verdict.audit > 0 ? ` (${verdict.audit} audit)` : '';
  const legacy = verdict.unchained > 0 ? `, ${verdict.unchained} from before the chain` : '';
  process.stdout.write(`${file}: ok, ${verdict.records} records${audit}${legacy}; head ${verdict.head}\n`);
  return EXIT.ok;
}

/** `hazgate journal verify` or `hazgate journal audit` on a journal file. */
export function runJournal(args: CliArgs, file: string): number {
  if (args.journalAudit === undefined) return runJournalVerify(file);
  return runJournalAudit(file, args.journalAudit, Date.now(), (line) => process.stdout.write(`${line}\n`));
}

/**
 * `hazgate journal audit`: the newest `limit` audit records (after the filters), printed oldest
 * first, one JSON object a line with its journal `seq`. Read-only: a running gateway keeps
 * writing. Exit 0 (also when there are none), 1 when the journal cannot be read.
 */
export function runJournalAudit(file: string, a: JournalAuditArgs, now: number, write: (line: string) => void): number {
  const since = a.since === undefined ? undefined : parseSince(a.since, now);
  const q: AuditQuery = {
    limit: a.limit,
    ...(since === undefined ? {} : { since }),
    ...(a.kind !== undefined && isAuditKind(a.kind) ? { kind: a.kind } : {}),
    ...(a.user === undefined ? {} : { user: a.user }),
  };
  let entries;
  try {
    entries = readAuditFile(file, q);
  } catch (e) {
    process.stderr.write(`${file}: cannot be read: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.invalidConfig;
  }
  for (const { seq, ...record } of entries.reverse()) write(JSON.stringify({ seq, ...record }));
  return EXIT.ok;
}
