export { createOpcuaAdapter, OpcuaAdapter, opcuaAdapterFactory, opcuaMetrics, opcuaPkiDir, parseOpcuaAdapterConfig } from './adapter.js';
export { browsePathProblems, parseBrowsePath, type BrowsePathElement } from './browse-path.js';
export type { OpcuaStats } from './connection.js';
export { readingOf, type DataValueLike } from './data-value.js';
export { effectiveLimit, partition } from './partition.js';
export type { OpcuaAdapterConfig, OpcuaAdapterConfigInput, OpcuaItemConfig } from './schema.js';
export { opcuaAdapterSchema, opcuaItemSchema, opcuaSubscriptionSchema, SECURITY_MODES, SECURITY_POLICIES } from './schema.js';
export { qualityOfStatus } from './status.js';
export { listPki, trustCertificates, type CertificateInfo, type PkiListing } from './pki.js';
