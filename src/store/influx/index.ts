export { InfluxSink, influxMetrics, type InfluxSinkOptions, type InfluxSinkStats } from './influx-sink.js';
export { measurementOf, sampleLine, transitionLine } from './line-protocol.js';
export { Spool, type SpooledBatch } from './spool.js';
export { backoffMs, retryAfterMs, writeOutcome, type RetryPolicy, type WriteOutcome } from './write-outcome.js';
