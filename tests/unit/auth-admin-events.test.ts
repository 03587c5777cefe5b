import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wireAuth } from '../../src/app/auth-wiring.js';
import { SqliteUserStore } from '../../src/auth/index.js';
import { silentLogger, type AuditEvent } from '../../src/core/index.js';

/** Changes made with `hazgate user` reach the journal through the running gateway, once. */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('user administration in the audit', () => {
  it('journals what the CLI left in users.db at start and at the next pass, then not again', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-admin-events-'));
    const store = new SqliteUserStore(dir);
    store.adminEvents.add({ at: 1000, kind: 'user-added', subject: 'li.wei', actor: 'root', message: 'user li.wei added with hazgate user' });
    store.close();
    const recorded: AuditEvent[] = [];
    let now = 10_000;
    const auth = wireAuth(undefined, { dir, clock: { now: () => now }, logger: silentLogger, https: false, audit: { record: (e) => void recorded.push(e) }, firstUser: 'x' });
    expect(recorded).toEqual([{ kind: 'user-added', user: 'li.wei', address: null, time: 1000, message: 'user li.wei added with hazgate user', details: { by: 'root', via: 'hazgate user' } }]);
    const cli = new SqliteUserStore(dir);
    cli.adminEvents.add({ at: 11_000, kind: 'token-revoked', subject: 'li.wei', actor: 'root', message: 'API token t1 of li.wei revoked with hazgate user' });
    cli.close();
    now = 12_000;
    auth.tick(now); // within 5 s of the last pass: not yet
    expect(recorded).toHaveLength(1);
    now = 15_001;
    auth.tick(now);
    now = 30_000;
    auth.tick(now);
    expect(recorded.map((e) => e.kind)).toEqual(['user-added', 'token-revoked']);
    auth.close();
  });
});
