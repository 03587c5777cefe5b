export { EmbeddedStore, STORE_FILE } from './duckdb-store.js';
export { openDuckDbHistorian } from './duckdb-historian.js';
export type { DbRow, DbValue, HistorianDb, OpenHistorianDb } from './historian-db.js';
export type { SampleBatch } from './sample-batch.js';
export type { EmbeddedStoreOptions, StoreStats } from './store-options.js';
