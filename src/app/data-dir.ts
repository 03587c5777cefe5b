import { statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentStatus } from '../core/index.js';
import { usersDirOf } from './auth-paths.js';
import type { SiteConfig } from './site-config.js';

/**
 * The data folder is short of space (the store, journal and spools all write there) below
 * MIN_FREE_BYTES, or below MIN_FREE_RATIO of its volume while also below ROOMY_FREE_BYTES: a few
 * per cent of a large volume is still plenty.
 */
export const MIN_FREE_BYTES = 1024 ** 3;
export const MIN_FREE_RATIO = 0.05;
export const ROOMY_FREE_BYTES = 20 * 1024 ** 3;

export interface DiskSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/** Free space of the file system holding `dir` (for an unprivileged user); null when it cannot be read. */
export function diskSpaceOf(dir: string): DiskSpace | null {
  try {
    const s = statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

/** Why the data folder is short of space, or undefined when it is not. */
export function lowSpaceReason(dir: string, space: DiskSpace): string | undefined {
  const ratio = space.totalBytes === 0 ? 1 : space.freeBytes / space.totalBytes;
  const short = space.freeBytes < MIN_FREE_BYTES || (ratio < MIN_FREE_RATIO && space.freeBytes < ROOMY_FREE_BYTES);
  if (!short) return undefined;
  return `${dir} has ${formatBytes(space.freeBytes)} free (${(ratio * 100).toFixed(1)} % of ${formatBytes(space.totalBytes)}); below 1 GiB, or below 5 % and 20 GiB, the store, journal and spools may fail to write`;
}

/** /readyz's `disk`: degraded when short of space or unreadable (the gateway keeps running either way). */
export function diskStatus(dir: string, space: DiskSpace | null, since: number): ComponentStatus {
  if (space === null) return { state: 'degraded', reason: `free space of ${dir} cannot be read`, since };
  const reason = lowSpaceReason(dir, space);
  return reason === undefined ? { state: 'up', since } : { state: 'degraded', reason, since };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i] ?? 'B'}`;
}

/** The site's SQLite databases by name: where each lives (absent files are not listed by sizes). */
export function databaseFiles(config: Pick<SiteConfig, 'store' | 'auth' | 'uplink'>): ReadonlyArray<{ readonly database: string; readonly file: string }> {
  const out = [
    { database: 'journal', file: join(config.store.dir, 'journal.db') },
    { database: 'users', file: join(usersDirOf(config), 'users.db') },
  ];
  const u = config.uplink;
  if (u !== undefined) {
    out.push({ database: 'uplink', file: join(u.outbox.dir ?? join(config.store.dir, 'uplink'), 'uplink.db') });
    if (u.kj !== undefined) out.push({ database: 'uplink-kj', file: join(u.kj.dir ?? join(config.store.dir, 'uplink-kj'), 'uplink.db') });
  }
  return out;
}

/** Bytes of a database file with its write-ahead log; 0 for a file that is not there. */
export function databaseBytes(file: string): number {
  return sizeOf(file) + sizeOf(`${file}-wal`);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
