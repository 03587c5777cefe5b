import type { HistorianDb } from './historian-db.js';
import { inTransaction } from './maintenance.js';
import type { PointDictionary } from './point-dictionary.js';
import type { SampleBuffer } from './sample-buffer.js';
import { RECENT_TABLE, savePoints } from './schema.js';

/**
 * Writes everything buffered (and any new or changed points) in one transaction. The samples
 * leave the buffer only after the commit; when anything fails the transaction rolls back, the
 * samples and dictionary changes stay pending for the next flush, and the error is rethrown.
 * Returns how many samples were written.
 */
export async function flushBuffered(db: HistorianDb, buffer: SampleBuffer, points: PointDictionary): Promise<number> {
  // Taken together, synchronously: every point a sample of this batch names is in `dirty` or stored.
  const batch = buffer.beginFlush();
  const dirty = points.takeDirty();
  if (batch.length === 0 && dirty.length === 0) {
    buffer.endFlush('written');
    return 0;
  }
  try {
    await inTransaction(db, async () => {
      if (dirty.length > 0) await savePoints(db, dirty);
      if (batch.length > 0) await db.appendSamples(RECENT_TABLE, batch);
    });
  } catch (e) {
    buffer.endFlush('failed');
    points.restore(dirty);
    throw e;
  }
  buffer.endFlush('written');
  return batch.length;
}
