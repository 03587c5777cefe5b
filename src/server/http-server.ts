import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HazgateError, type AlarmHealthService, type AlarmJournal, type AlarmService, type BypassService, type ComponentStatus, type PeopleService, type HistoryReader, type Logger, type PointDirectory } from '../core/index.js';
import { registerErrorHandling } from './http-errors.js';
import { registerAlarmRoutes } from './routes-alarms.js';
import { registerBypassRoutes } from './routes-bypass.js';
import { registerPeopleRoutes } from './routes-people.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerPointRoutes } from './routes-points.js';
import { httpsOptions, type ServerTlsMaterial } from './tls.js';
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
  readonly bodyLimitBytes?: number;
  /** Serve HTTPS, and WSS on /ws, instead of plain HTTP and WS (readServerTls). */
  readonly tls?: ServerTlsMaterial;
}

/**
 * The fastify app: REST under /api, health, metrics, and the /ws upgrade handed to the hub. With
 * `tls` it is an HTTPS server; upgrades arrive on it after the handshake, so /ws is WSS.
 */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const options = { logger: false, bodyLimit: deps.bodyLimitBytes ?? 64 * 1024, forceCloseConnections: true } as const;
  // fastify types an HTTPS server apart; the routes do not care which it is.
  const app = (deps.tls === undefined ? Fastify(options) : Fastify({ ...options, https: httpsOptions(deps.tls) })) as unknown as FastifyInstance;
  registerErrorHandling(app);
  registerHealthRoutes(app, { components: deps.components, metrics: deps.metrics });
  registerPointRoutes(app, { points: deps.points, history: deps.history, now: deps.now });
  registerAlarmRoutes(app, { alarms: deps.alarms, journal: deps.journal, health: deps.health, now: deps.now });
  registerBypassRoutes(app, { bypasses: deps.bypasses, now: deps.now });
  registerPeopleRoutes(app, { people: deps.people ?? null, now: deps.now });
  app.get('/api/site', async () => ({ siteId: deps.siteId, version: deps.version, serverTime: deps.now() }));
  app.server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] === '/ws') deps.hub.handleUpgrade(req, socket, head);
    else socket.destroy();
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
