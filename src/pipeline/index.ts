export { ThrottledErrorLog } from './error-log.js';
export { Ingest, type IngestOptions, type IngestStats } from './ingest.js';
export { LiveValueCache } from './live-cache.js';
export { EARLIEST_TS, normalizeReading, type NormalizeContext } from './normalize.js';
export { RunningAdapter, type AdapterCounters } from './running-adapter.js';
export { scaleCurrentLoop, scaleValue, worstQuality, type Scaled } from './scale.js';
