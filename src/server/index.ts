export { createHttpServer, listen, type HttpServerDeps } from './http-server.js';
export { createMetricsRegistry, type MetricsSources } from './metrics.js';
export { WsHub, type WsHubOptions, type WsHubStats } from './ws-hub.js';
export { parseClientMessage, type ClientMessage } from './ws-protocol.js';
