export { VideoWebhookAdapter, createVideoWebhookAdapter, parseVideoWebhookConfig, videoWebhookFactory } from './webhook-adapter.js';
export { VideoMqttAdapter, createVideoMqttAdapter, parseVideoMqttConfig, videoMqttFactory } from './mqtt-adapter.js';
export {
  videoAuthSchema,
  videoCameraSchema,
  videoMqttSchema,
  videoMqttSubscriptionSchema,
  videoPayloadFormatSchema,
  videoWebhookSchema,
  type VideoAuthConfig,
  type VideoCameraConfig,
  type VideoMqttConfig,
  type VideoMqttConfigInput,
  type VideoMqttSubscriptionConfig,
  type VideoPayloadFormat,
  type VideoWebhookConfig,
  type VideoWebhookConfigInput,
} from './schema.js';
export { emptyVideoStats, videoMetrics, VIDEO_REJECT_REASONS, type VideoIgnoreReason, type VideoRejectReason, type VideoStats } from './metrics.js';
export { BUILT_IN_TYPES, buildTypeTable, builtInNames, meaningOf, typeKey, TYPE_MEANINGS, type TypeMeaning, type TypeTable } from './event-types.js';
export { isapiAlertFromJson, isapiAlertFromXml, ISAPI_ROOT, type IsapiAlert, type IsapiParse } from './isapi-alert.js';
export { genericEventsFromJson, MAX_GENERIC_BATCH, type GenericEvent, type GenericParse } from './generic.js';
export { normaliseGeneric, normaliseIsapi, type NormaliseContext, type VideoOutcome } from './normalise.js';
export { DetectionDeduplicator } from './dedup.js';
export { CameraDirectory } from './cameras.js';
export { parseXml, XmlSyntaxError, DEFAULT_XML_LIMITS, type XmlElement, type XmlLimits } from './xml.js';
export { multipartBoundary, splitMultipart, type MultipartPart } from './multipart.js';
export { sourceTime, EARLIEST_SOURCE_TIME, MAX_FUTURE_MS } from './source-time.js';
export { VideoIngest, type IngestSummary, type VideoSinks } from './ingest.js';
