import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Bytes on disk of a DuckDB file and its companions: the write-ahead log and the spill folder.
 * Other files in the same folder (the alarm journal, adapter state) are not the store's.
 */
export function duckDbFileBytes(file: string): number {
  return sizeOf(file) + sizeOf(`${file}.wal`) + folderBytes(`${file}.tmp`);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // absent (no WAL right after a checkpoint): takes no space
  }
}

function folderBytes(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  return names.reduce((sum, name) => sum + sizeOf(join(dir, name)), 0);
}
