export { createLocationMqttAdapter, LocationMqttAdapter, locationMqttFactory, parseLocationMqttAdapterConfig, type LocationAdapterIo } from './adapter.js';
export { backoffDelay, systemTimers, type CancelTimer, type Timers } from './backoff.js';
export type { ConnectLocationClient, LocationClientEvents, LocationClientPort, LocationConnectOptions, SubscribeOutcome } from './client-port.js';
export { connectLocationMqttJs } from './client-port.js';
export { EARLIEST_TS, LATEST_TS, toEpochMs, type TimeUnit } from './fields.js';
export { parseGenericPosition, parseReaderEvent } from './generic.js';
export { decodeLocationPayload, LOCATION_FORMATS, type DecodedLocation, type LocationFormat, type PayloadFormat } from './payload.js';
export { lengthConverter, UNIT_DIVISORS, type LengthUnit, type PositionOptions } from './position-options.js';
export { parsePozyxEntry } from './pozyx.js';
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
export { topicFilterProblems, topicMatches } from './topic-filter.js';
