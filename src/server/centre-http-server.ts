import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ComponentStatus, Logger } from '../core/index.js';
import type { CentreScope } from './centre-scope.js';
import { registerConsole } from './console-assets.js';
import type { CentreWsHub } from './centre-ws-hub.js';
import type { HttpAuth } from './http-auth.js';
import { registerErrorHandling } from './http-errors.js';
import { auditRefusal, registerAuthentication } from './routes-auth.js';
import { admitUpgrade } from './ws-admission.js';
import { registerCentreFeedRoute, type FeedReceiver } from './routes-centre-feed.js';
import { registerCentreRoutes, type CentreReadModel } from './routes-centre.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerOpenApi } from './openapi.js';

export interface CentreHttpServerDeps {
  readonly centreId: string;
  readonly version: string;
  readonly read: CentreReadModel;
  readonly feed: FeedReceiver;
  readonly hub: CentreWsHub;
  readonly metrics: Registry;
  readonly components: () => Readonly<Record<string, ComponentStatus>>;
  readonly now: () => number;
  readonly maxBatchBytes: number;
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /** Authentication (createHttpAuth): every route but the probes, the login, /metrics (its own token) and the signed feed needs it. */
  readonly http: HttpAuth;
  readonly scope: CentreScope;
  /** server.bodyLimit of the API (the feed has maxBatchBytes); default 64 KiB. */
  readonly bodyLimitBytes?: number;
  /** The built supervisor console (dist/console) served at `/`; null or absent: `/` answers 503. */
  readonly consoleDir?: string | null;
  /** Where the console's boot warning goes (none when absent). */
  readonly logger?: Logger;
}

/** The centre's fastify app: the feed input, the read-only API, health, metrics, the console's files and the /ws upgrade. */
export function createCentreHttpServer(deps: CentreHttpServerDeps): FastifyInstance {
  const options = { logger: false, bodyLimit: deps.bodyLimitBytes ?? 64 * 1024, forceCloseConnections: true } as const;
  // fastify types an HTTPS server apart; the routes do not care which it is.
  const app = (deps.tls === undefined ? Fastify(options) : Fastify({ ...options, https: { key: deps.tls.key, cert: deps.tls.cert } })) as unknown as FastifyInstance;
  const { http, hub } = deps;
  registerErrorHandling(app, (req, e) => auditRefusal(http, req, e));
  registerAuthentication(app, http);
  registerHealthRoutes(app, { components: deps.components, metrics: deps.metrics });
  registerCentreRoutes(app, { centreId: deps.centreId, version: deps.version, read: deps.read, scope: deps.scope, now: deps.now });
  registerCentreFeedRoute(app, { feed: deps.feed, maxBatchBytes: deps.maxBatchBytes });
  registerConsole(app, { dir: deps.consoleDir ?? null, mode: 'centre', ...(deps.logger === undefined ? {} : { logger: deps.logger }) });
  registerOpenApi(app, { mode: 'centre', version: deps.version });
  app.server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') return void socket.destroy();
    void admitUpgrade(req, socket, { http, connections: hub.guard.connections, check: (c, url) => hub.checkSite(c, url) }).then((credentials) => {
      if (credentials === null) hub.stats.refusedUpgrades++;
      else hub.handleUpgrade(req, socket, head, credentials);
    });
  });
  return app;
}
