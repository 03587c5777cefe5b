/**
 * Runs `step` again while SQLite says the database is busy or locked, for up to `ms`. For start-up
 * only (it blocks the thread between tries, 20 ms at a time): processes that open one new database
 * at once (two centre processes on one centre.db and users.db) race to switch it to WAL and create
 * its tables, and SQLite may answer such a race "database is locked" at once, without its busy wait.
 */
export function whileBusy<T>(step: () => T, ms: number): T {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
      if (!busy || Date.now() >= deadline) throw e;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}
