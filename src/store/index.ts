export { EmbeddedStore, STORE_FILE, type PointHistory } from './duckdb-store.js';
export { openDuckDbHistorian, recentFileFor } from './duckdb-historian.js';
export type { Catalog, DbRow, DbValue, HistorianDb, OpenHistorianDb } from './historian-db.js';
export type { SampleBatch, SampleColumns } from './sample-batch.js';
export type { EmbeddedStoreOptions, StoreStats } from './store-options.js';
export { InfluxSink, influxMetrics, type InfluxSinkOptions, type InfluxSinkStats } from './influx/index.js';
