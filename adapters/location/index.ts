export { createLocationMqttAdapter, LocationMqttAdapter, locationMqttFactory, parseLocationMqttAdapterConfig, type LocationAdapterIo } from './adapter.js';
export { EARLIEST_TS, LATEST_TS, quoted, toEpochMs, type TimeUnit } from './fields.js';
export { parseGenericPosition, parseReaderEvent } from './generic.js';
export {
  DEFAULT_MAX_ENTRIES,
  decodeLocationPayload,
  LOCATION_FORMATS,
  MAX_DETAIL_CHARS,
  MAX_DETAILED,
  type DecodedLocation,
  type LocationFormat,
  type PayloadFormat,
} from './payload.js';
export { lengthConverter, UNIT_DIVISORS, type LengthUnit, type PositionOptions } from './position-options.js';
export { parsePozyxEntry, type NoFix } from './pozyx.js';
export { REASON_CODES, REJECT_REASONS, type RejectReason, type Rejection } from './rejection.js';
export { rejectionErrors } from './rejection-errors.js';
export {
  locationMqttAdapterSchema,
  locationSubscriptionSchema,
  locationTimeUnitSchema,
  type LocationMqttAdapterConfig,
  type LocationMqttAdapterConfigInput,
  type LocationSubscriptionConfig,
} from './schema.js';
export { emptyLocationStats, locationMetrics, type LocationAdapterStats } from './stats.js';
export { compileLocationSubscription, findLocationSubscription, type CompiledLocationSubscription } from './subscription.js';
