import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmTransition } from '../../src/core/index.js';
import { SqliteAlarmJournal } from '../../src/alarms/index.js';
import { T0, SHOWN } from './alarms-fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;

/** Transpiles src/core and the journal into `<work>/src` so a plain `node` child runs the real code. */
function buildJournalModule(): string {
  const files = [...readdirSync(join(ROOT, 'src/core')).map((f) => `src/core/${f}`), 'src/alarms/journal-sqlite.ts', 'src/alarms/audit-sqlite.ts', 'src/alarms/wal-group-sync.ts', 'src/alarms/chain.ts'];
  for (const rel of files.filter((f) => f.endsWith('.ts'))) {
    const out = ts.transpileModule(readFileSync(join(ROOT, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(work, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  return pathToFileURL(join(work, 'src/alarms/journal-sqlite.js')).href;
}

const CHILD = `
  const { SqliteAlarmJournal } = await import(process.env.HG_JOURNAL_MODULE);
  const journal = new SqliteAlarmJournal({ dir: process.env.HG_JOURNAL_DIR, synchronous: process.env.HG_JOURNAL_SYNC });
  journal.append(JSON.parse(process.env.HG_TRANSITION));
  process.kill(process.pid, 'SIGKILL'); // no close(), no exit handlers: as if the power went
`;

describe('SqliteAlarmJournal durability', () => {
  let moduleUrl: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hazgate-kill-'));
    moduleUrl = buildJournalModule();
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(['full', 'group', 'normal'])('keeps a transition appended by a process killed with SIGKILL right after append returned (%s)', (mode) => {
    const dir = join(work, `data-${mode}`);
    const t: AlarmTransition = {
      ...SHOWN,
      eventId: 'ev-kill-1', conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 'site-1', pointId: 'GT-101',
      from: 'normal', state: 'active-unacked', reason: 'activate', active: true, acked: false, level: 'HH', priority: 1,
      severity: 1000, value: 62.5, time: T0, rts: T0 + 5, message: 'GT-101 HH 62.5 %LEL (limit 50)',
    };
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { ...process.env, HG_JOURNAL_MODULE: moduleUrl, HG_JOURNAL_DIR: dir, HG_JOURNAL_SYNC: mode, HG_TRANSITION: JSON.stringify(t) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    // The row lives in the WAL the dead process left behind: recovery has to replay it.
    expect(existsSync(join(dir, 'journal.db-wal'))).toBe(true);

    const journal = new SqliteAlarmJournal({ dir });
    try {
      expect(journal.loadRetained()).toEqual([t]);
    } finally {
      journal.close();
    }
  });
});
