import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WalGroupSync } from '../../src/alarms/wal-group-sync.js';
import { waitFor } from '../support/wait.js';

describe('WalGroupSync', () => {
  it('syncs once for a burst of commits, and again for commits after it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hg-wal-')), 'j.db-wal');
    writeFileSync(file, 'x');
    const errors: Error[] = [];
    const sync = new WalGroupSync(file, 5, (e) => errors.push(e));
    for (let i = 0; i < 100; i++) sync.touched();
    await waitFor(() => sync.stats.syncs === 1, 2000, 'the first group sync');
    sync.touched();
    await waitFor(() => sync.stats.syncs === 2, 2000, 'the second group sync');
    sync.close();
    expect(errors).toEqual([]);
  });

  it('treats a missing WAL as nothing to sync, and reports other failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-wal-'));
    const errors: Error[] = [];
    new WalGroupSync(join(dir, 'absent-wal'), 1, (e) => errors.push(e)).close();
    expect(errors).toEqual([]);
    const bad = new WalGroupSync(join(dir, 'no-such-dir', 'x', '\0bad'), 1, (e) => errors.push(e));
    bad.touched();
    await waitFor(() => errors.length === 1, 2000, 'an error report');
  });
});
