import type { HistorianDb } from './historian-db.js';
import { inTransaction } from './maintenance.js';
import type { PointDictionary } from './point-dictionary.js';
import type { ReasonDictionary } from './reason-dictionary.js';
import type { RecentGeneration } from './recent-generation.js';
import type { SampleBuffer } from './sample-buffer.js';
import { saveDictionaries } from './schema.js';
import { RECENT_TABLE } from './tables.js';

/** What a flush writes and where: the buffer, the dictionaries its samples refer to, the recent file. */
export interface FlushSource {
  readonly buffer: SampleBuffer;
  readonly points: PointDictionary;
  readonly reasons: ReasonDictionary;
  readonly generation: RecentGeneration;
}

/**
 * Writes everything buffered (and any new or changed points and reasons) to the database. The
 * dictionaries commit first, in the store file, then the samples, in the recent file (DuckDB lets
 * one transaction write to one file only): a stored sample never names a point or reason the
 * store file does not hold. The samples leave the buffer only after their commit; when anything
 * fails, the samples and the unsaved entries stay pending for the next flush and the error is
 * rethrown. Returns how many samples were written.
 */
export async function flushBuffered(db: HistorianDb, src: FlushSource): Promise<number> {
  const { buffer, points, reasons, generation } = src;
  // Taken together, synchronously: every point or reason a sample of this batch names is taken or stored.
  const batch = buffer.beginFlush();
  const dirty = points.takeDirty();
  const newReasons = reasons.takePending();
  const dictionaryChanges = dirty.added.length + dirty.changed.length + newReasons.length;
  if (batch.length === 0 && dictionaryChanges === 0) {
    buffer.endFlush('written');
    return 0;
  }
  try {
    if (dictionaryChanges > 0) await inTransaction(db, () => saveDictionaries(db, dirty, newReasons));
    points.saved(dirty);
  } catch (e) {
    points.restore(dirty);
    reasons.restore(newReasons);
    buffer.endFlush('failed');
    throw e;
  }
  try {
    await generation.ensureFresh(db);
    if (batch.length > 0) await inTransaction(db, () => db.appendSamples(RECENT_TABLE, batch));
  } catch (e) {
    buffer.endFlush('failed');
    throw e;
  }
  buffer.endFlush('written');
  return batch.length;
}
