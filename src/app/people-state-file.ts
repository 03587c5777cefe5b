import { closeSync, copyFileSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../core/index.js';
import { isPeopleSnapshot, type PeopleSnapshot } from '../engine/people/index.js';
import type { PeopleWiring } from './people-wiring.js';

/**
 * Who was where, kept on disk so a restart does not empty the mine: tags placed only by readers
 * (which report changes, not states) would otherwise count nowhere until each miner passed a reader
 * again. Written whole to a temporary file and renamed, so a crash leaves the old or the new one.
 */
export class PeopleStateFile {
  private lastWritten = -Infinity;

  constructor(
    readonly file: string,
    private readonly logger: Logger,
    /** How often `keep` writes, ms: what a crash can cost is this much of reader events. */
    private readonly periodMs = 10_000,
  ) {}

  /** Puts back what the file holds into the people wiring (start, before retained alarms are seeded). */
  restoreInto(people: PeopleWiring, now: number): void {
    if (people.monitor === null) return;
    const s = this.read();
    if (s !== undefined) people.restore(s, now);
  }

  /** Writes the wiring's state when the period has passed (called every tick), or always when `force` (stop). */
  keep(people: PeopleWiring, now: number, force = false): void {
    if (!force && now - this.lastWritten < this.periodMs) return;
    const s = people.snapshot(now);
    if (s === null) return;
    this.lastWritten = now;
    this.write(s);
  }

  /** The snapshot written last; undefined when there is none or it cannot be read (logged: the gateway starts empty). */
  read(): PeopleSnapshot | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn({ code: 'HG_ERR_STORE_OPEN', file: this.file, err: String(e) }, 'personnel location state cannot be read; starting with nobody placed');
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isPeopleSnapshot(parsed)) return parsed;
    } catch {
      // reported below
    }
    const kept = `${this.file}.unreadable`;
    try {
      copyFileSync(this.file, kept);
    } catch {
      // reported below without the copy
    }
    this.logger.warn({ code: 'HG_ERR_STORE_OPEN', file: this.file, kept }, `personnel location state is not a snapshot this version reads (kept as ${kept}); starting with nobody placed`);
    return undefined;
  }

  /**
   * Writes a snapshot durably: the temporary file is synced before the rename and the folder after
   * it, so a power loss leaves the old file or the new one, never an empty one. False (logged) when
   * the disk refuses: the next one is tried at the next period.
   */
  write(s: PeopleSnapshot): boolean {
    const tmp = `${this.file}.tmp`;
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, JSON.stringify(s));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      syncFolder(dirname(this.file));
      return true;
    } catch (e) {
      this.logger.warn({ code: 'HG_ERR_STORE_WRITE', file: this.file, err: String(e) }, 'personnel location state could not be written; retried at the next period');
      return false;
    }
  }
}

/** Makes a rename durable (best effort: some file systems refuse to open a folder for sync). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // the rename itself succeeded; only its durability across a power loss is weaker here
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
