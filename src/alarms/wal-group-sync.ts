import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';

/**
 * Group commit for the alarm journal's WAL: appends commit without an fsync each (SQLite
 * `synchronous=NORMAL`, durable against a process crash or kill -9), and one fsync of the WAL file
 * follows within `delayMs` for all the appends since, off the event loop. A transition reaches the
 * operators in microseconds instead of after a 2-8 ms fsync (measured here), and power loss can
 * cost at most the last `delayMs` of transitions.
 */
export class WalGroupSync {
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private syncing = false;
  private dirtyWhileSyncing = false;
  private closed = false;
  /** Completed group fsyncs and failures, for tests and metrics. */
  readonly stats = { syncs: 0, failures: 0 };

  constructor(
    private readonly walFile: string,
    private readonly delayMs: number,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Call after every commit. */
  touched(): void {
    if (this.closed) return;
    if (this.syncing) {
      this.dirtyWhileSyncing = true;
      return;
    }
    this.timer ??= setTimeout(() => this.sync(), this.delayMs);
  }

  /**
   * Syncs now, synchronously (shutdown). A group fsync still in flight keeps its descriptor: it is
   * closed when that fsync completes, never under it.
   */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const fd = this.open();
    this.closed = true;
    if (fd === null) return;
    fsyncSync(fd);
    if (!this.syncing) closeSync(fd);
    this.fd = null;
  }

  private sync(): void {
    this.timer = null;
    const fd = this.open();
    if (fd === null) return;
    this.syncing = true;
    fsync(fd, (err) => {
      this.syncing = false;
      if (this.closed) {
        closeSync(fd); // close() left it open for us
        return;
      }
      if (err) {
        this.stats.failures++;
        this.onError(err);
        this.dirtyWhileSyncing = true; // retry: the commits since the last good sync are not safe yet
      } else this.stats.syncs++;
      if (this.dirtyWhileSyncing) {
        this.dirtyWhileSyncing = false;
        this.touched();
      }
    });
  }

  private open(): number | null {
    if (this.fd !== null) return this.fd;
    try {
      this.fd = openSync(this.walFile, 'r');
    } catch (e) {
      // No WAL file yet means nothing was committed since open: nothing to sync.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(e as Error);
      return null;
    }
    return this.fd;
  }
}
