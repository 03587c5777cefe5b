import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HazgateError, type AlarmHealthService, type AlarmJournal, type AlarmService, type BypassService, type ComponentStatus, type PeopleService, type HistoryReader, type Logger, type PointDirectory } from '../core/index.js';
import { registerConsole } from './console-assets.js';
import type { HttpAuth } from './http-auth.js';
import { registerErrorHandling } from './http-errors.js';
import { auditRefusal, registerAuthentication } from './routes-auth.js';
import type { SiteScope } from './site-scope.js';
import { admitUpgrade } from './ws-admission.js';
import { registerAlarmRoutes } from './routes-alarms.js';
import { registerBypassRoutes } from './routes-bypass.js';
import { registerConfigRoutes, type ConfigReloadService } from './routes-config.js';
import { registerPeopleRoutes } from './routes-people.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerOpenApi } from './openapi.js';
import { registerPointRoutes } from './routes-points.js';
import { httpsOptions, type ServerTlsMaterial } from './tls.js';
import { principalOf } from './access.js';
import { noQuery, parseRequest } from './parse.js';
import type { WsHub } from './ws-hub.js';

export interface HttpServerDeps {
  readonly siteId: string;
  readonly version: string;
  readonly alarms: AlarmService;
  readonly journal: AlarmJournal;
  readonly health: AlarmHealthService;
  readonly bypasses: BypassService;
  /** Personnel location; null (or absent) when the site has no people section. */
  readonly people?: PeopleService | null;
  readonly points: PointDirectory;
  readonly history: HistoryReader;
  readonly hub: WsHub;
  readonly metrics: Registry;
  readonly components: () => Readonly<Record<string, ComponentStatus>>;
  readonly now: () => number;
  readonly logger: Logger;
  /** server.bodyLimit: the largest request body (413 above it); default 64 KiB. */
  readonly bodyLimitBytes?: number;
  /** Serve HTTPS, and WSS on /ws, instead of plain HTTP and WS (readServerTls). */
  readonly tls?: ServerTlsMaterial;
  /** Authentication (createHttpAuth): every route but the probes, the login and /metrics (its own token) needs it. */
  readonly http: HttpAuth;
  /** Where the site's things lie, for the principals' scopes. */
  readonly scope: SiteScope;
  /** The built supervisor console (dist/console) served at `/`; null or absent: `/` answers 503. */
  readonly consoleDir?: string | null;
  /** The configuration reload (GET /api/config, POST /api/config/reload); absent: they answer HG_ERR_CONFIG_RELOAD. */
  readonly reload?: ConfigReloadService;
}

/**
 * The fastify app: REST under /api, health, metrics, the console's files and the /ws upgrade handed
 * to the hub. With `tls` it is an HTTPS server; upgrades arrive on it after the handshake, so /ws is
 * WSS. Every route and the WebSocket need a user (docs/auth.md) except /healthz, /readyz,
 * POST /api/login, the console's files and /metrics, which wants server.metricsToken when one is set.
 */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const options = { logger: false, bodyLimit: deps.bodyLimitBytes ?? 64 * 1024, forceCloseConnections: true } as const;
  // fastify types an HTTPS server apart; the routes do not care which it is.
  const app = (deps.tls === undefined ? Fastify(options) : Fastify({ ...options, https: httpsOptions(deps.tls) })) as unknown as FastifyInstance;
  const { http, scope } = deps;
  registerErrorHandling(app, (req, e) => auditRefusal(http, req, e));
  registerAuthentication(app, http);
  registerHealthRoutes(app, { components: deps.components, metrics: deps.metrics });
  registerPointRoutes(app, { points: deps.points, history: deps.history, scope, now: deps.now });
  registerAlarmRoutes(app, { alarms: deps.alarms, journal: deps.journal, health: deps.health, scope, now: deps.now });
  registerBypassRoutes(app, { bypasses: deps.bypasses, scope, audit: http.audit, now: deps.now });
  registerPeopleRoutes(app, { people: deps.people ?? null, scope, now: deps.now });
  registerConfigRoutes(app, deps.reload ?? null);
  registerConsole(app, { dir: deps.consoleDir ?? null, mode: 'gateway', logger: deps.logger });
  registerOpenApi(app, { mode: 'gateway', version: deps.version });
  app.get('/api/site', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    const p = principalOf(req);
    if (!scope.onSite(p)) throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `site ${deps.siteId} is not among the sites of ${p.user}`, { user: p.user, permission: 'read' });
    return { siteId: deps.siteId, version: deps.version, serverTime: deps.now() };
  });
  app.server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') return void socket.destroy();
    void admitUpgrade(req, socket, { http, connections: deps.hub.guard.connections }).then((credentials) => {
      if (credentials === null) deps.hub.stats.refusedUpgrades++;
      else deps.hub.handleUpgrade(req, socket, head, credentials);
    });
  });
  return app;
}

export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (e) {
    throw new HazgateError('HG_ERR_SERVER_LISTEN', `cannot listen on ${host}:${port}: ${(e as Error).message}`, { host, port }, e);
  }
}
