import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Bytes on disk of the store's DuckDB files and their companions: the write-ahead logs and the
 * spill folder (`<file>.tmp`, one for both). Other files in the same folder (the alarm journal,
 * adapter state) are not the store's.
 */
export function duckDbFileBytes(file: string, recentFile: string): number {
  return sizeOf(file) + sizeOf(`${file}.wal`) + sizeOf(recentFile) + sizeOf(`${recentFile}.wal`) + folderBytes(`${file}.tmp`);
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
