import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { CentreConfig } from '../config/index.js';
import { HazgateError, type Clock, type ComponentStatus, type Logger } from '../core/index.js';
import { ThrottledErrorLog } from '../pipeline/index.js';
import { CentreScope, CentreWsHub, createCentreHttpServer, createCentreMetricsRegistry, listen } from '../server/index.js';
import { CentreFeed, CentreMqttClient, CentreMqttInput, SqliteCentreStore } from '../uplink/index.js';
import { MqttLeaseKeeper } from '../uplink/lease-mqtt.js';
import { usersDirOf } from './auth-paths.js';
import { wireAuth, type AuthWiring } from './auth-wiring.js';
import { CentreRead, liveEntry } from './centre-read.js';
import { VERSION } from './version.js';
import { consoleDir } from './console-dir.js';

export interface CentreOptions {
  readonly clock: Clock;
  readonly logger: Logger;
}

interface CentreParts {
  readonly startedAt: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: SqliteCentreStore;
  readonly feed: CentreFeed;
  readonly read: CentreRead;
  readonly hub: CentreWsHub;
  readonly http: FastifyInstance;
  readonly auth: AuthWiring;
  readonly mqtt: { readonly input: CentreMqttInput; readonly client: CentreMqttClient } | null;
}

/**
 * `hazgate centre`: receives many sites' feeds (POST /api/feed, and MQTT when configured), applies
 * each message once into centre.db, and serves the sites' alarms, values, gaps and chain verdicts
 * read-only over REST and WebSocket. docs/centre.md.
 */
export class Centre {
  url = '';
  /** With `mqtt.serve: leases`: the share of partitions this process holds. */
  private leases: MqttLeaseKeeper | null = null;
  /** The auth pass: console sessions take in `hazgate user` changes and write their last uses. */
  private authTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly config: CentreConfig,
    private readonly parts: CentreParts,
  ) {}

  static async start(config: CentreConfig, opts: CentreOptions): Promise<Centre> {
    const parts = assemble(config, opts);
    const centre = new Centre(config, parts);
    try {
      centre.url = await listen(parts.http, config.server.host, config.server.port);
      centre.authTimer = setInterval(() => parts.auth.tick(parts.clock.now()), 1000);
      if (parts.mqtt !== null) centre.leases = await startMqtt(config, parts.mqtt.input, opts.logger);
    } catch (e) {
      await centre.stop().catch((err: unknown) => opts.logger.warn({ err: String(err) }, 'cleanup after a failed start failed'));
      throw e;
    }
    return centre;
  }

  /**
   * The MQTT input's partition control, null without MQTT: what partition leases (several centre
   * processes sharing the feed, lease-mqtt.ts) call instead of `serve: all`.
   */
  get partitions(): Pick<CentreMqttInput, 'serve' | 'release' | 'served'> | null {
    return this.parts.mqtt?.input ?? null;
  }

  /** Inputs first (nothing new arrives), then the clients, then the store. */
  async stop(): Promise<void> {
    const p = this.parts;
    if (this.authTimer !== null) clearInterval(this.authTimer);
    // Hands this process's partitions on at once (leases cleared) instead of at lease expiry.
    await this.leases?.stop().catch((e: unknown) => p.logger.warn({ err: String(e) }, 'partition leases stop failed'));
    await p.mqtt?.client.end().catch((e: unknown) => p.logger.warn({ err: String(e) }, 'MQTT input stop failed'));
    await p.hub.close();
    await p.http.close();
    p.auth.close();
    p.store.close();
  }
}

function assemble(config: CentreConfig, opts: CentreOptions): CentreParts {
  const { clock, logger } = opts;
  const now = () => clock.now();
  const tls = readTls(config);
  const store = new SqliteCentreStore({ dir: config.store.dir, synchronous: config.store.synchronous });
  const read = new CentreRead(store.read, config);
  // The centre has no journal of its own to audit into: logins and refusals are logged.
  const auth = wireAuth(config.auth, {
    dir: usersDirOf(config), clock, logger, https: tls !== undefined, metricsToken: config.server.metricsToken,
    firstUser: `hazgate user add NAME --role viewer --sites SITE,… --dir ${usersDirOf(config)}`,
  });
  const scope = new CentreScope(auth.service);
  const hub = new CentreWsHub({
    centreId: config.centre.id,
    version: VERSION,
    alarms: (site) => read.alarms(site),
    sites: (site) => read.sites(site),
    logger: logger.child({ component: 'ws' }),
    now,
    maxBufferedBytes: config.server.wsMaxBufferedBytes,
    maxMessageBytes: 64 * 1024,
    scope,
    limits: { maxConnections: config.server.wsMaxConnections, maxConnectionsPerUser: config.server.wsMaxConnectionsPerUser, messageRate: config.server.wsMessageRate },
  });
  const refusals = new ThrottledErrorLog(logger.child({ component: 'feed' }), 10_000, now);
  const feed = new CentreFeed({
    store,
    keys: new Map(config.sites.map((s) => [s.id, s.key])),
    acceptUnknownSites: config.acceptUnknownSites,
    requireMqttSignature: config.mqtt?.requireSignature ?? false,
    now,
    logger: logger.child({ component: 'feed' }),
    events: {
      // Only what moved a condition's current state is live news: not a late, older record of a filled gap, nor one that failed the chain check.
      onRecord: (r) => {
        if (r.current) hub.broadcastTransition(liveEntry(r));
      },
      onSiteChange: (s) => hub.broadcastSite(read.sites(s.site)[0] ?? s),
      onRefused: (_reason, e) => refusals.report(e),
    },
  });
  let mqtt: CentreParts['mqtt'] = null;
  const startedAt = clock.now();
  const components = (): Record<string, ComponentStatus> => ({
    store: { state: 'up', since: startedAt },
    ...(mqtt === null ? {} : { mqtt: mqtt.client.status() }),
  });
  const metrics = createCentreMetricsRegistry({
    feed: feed.stats,
    sites: () => read.gauges(),
    ws: hub.stats,
    mqtt: () => (mqtt === null ? null : { up: mqtt.client.status().state === 'up', reconnects: mqtt.client.reconnects, served: mqtt.input.served().length, notServed: mqtt.input.stats.notServed }),
    now,
  });
  const http = createCentreHttpServer({
    centreId: config.centre.id,
    version: VERSION,
    read,
    feed,
    hub,
    metrics,
    components,
    now,
    maxBatchBytes: config.server.maxBatchBytes,
    http: auth.http,
    scope,
    bodyLimitBytes: config.server.bodyLimit,
    ...(tls === undefined ? {} : { tls }),
    consoleDir: consoleDir(),
    logger: logger.child({ component: 'console' }),
  });
  // Last: it connects at once, and nothing after it may fail and leave it open.
  if (config.mqtt !== undefined) mqtt = wireMqtt(config.mqtt, feed, opts);
  return { startedAt, clock, logger, store, feed, read, hub, http, auth, mqtt };
}

function wireMqtt(m: NonNullable<CentreConfig['mqtt']>, feed: CentreFeed, opts: CentreOptions): NonNullable<CentreParts['mqtt']> {
  const logger = opts.logger.child({ component: 'mqtt' });
  const input = new CentreMqttInput({ partitions: m.partitions, feed, logger });
  const client = new CentreMqttClient(
    { ...m, logger, now: () => opts.clock.now() },
    {
      message: (topic, payload, signature) => input.handle(topic, payload, signature),
      connect: (sessionPresent) => {
        if (!sessionPresent) void input.resubscribe().catch(() => undefined);
      },
    },
  );
  input.attach(client);
  return { input, client };
}

/**
 * Subscriptions are sent when the broker answers; the centre serves HTTP meanwhile (an outage is
 * shown on /readyz). With `serve: leases` the partitions come and go with this process's leases.
 */
async function startMqtt(config: CentreConfig, input: CentreMqttInput, logger: Logger): Promise<MqttLeaseKeeper | null> {
  const m = config.mqtt;
  const serve = m?.serve ?? 'all';
  if (m !== undefined && serve === 'leases') {
    const self = m.leases.member ?? m.clientId;
    const keeper = new MqttLeaseKeeper({
      url: m.url, self, partitions: m.partitions, leaseMs: m.leases.lease, server: input, logger: logger.child({ component: 'leases' }),
      ...(m.username === undefined ? {} : { username: m.username }),
      ...(m.password === undefined ? {} : { password: m.password }),
    });
    await keeper.start();
    logger.info({ partitions: m.partitions, member: self, served: keeper.served() }, `centre shares the MQTT feed partitions under leases as ${self}`);
    return keeper;
  }
  const list = serve === 'leases' || serve === 'all' ? [] : serve;
  const done = serve === 'all' ? input.serveAll() : Promise.all(list.map((p) => input.serve(p))).then(() => undefined);
  void done.catch(() => undefined);
  logger.info({ partitions: m?.partitions, serve }, `centre takes MQTT feeds of ${serve === 'all' ? 'every partition' : `partitions ${list.join(', ')}`}`);
  return null;
}

function readTls(config: CentreConfig): { key: Buffer; cert: Buffer } | undefined {
  const t = config.server.tls;
  if (t === undefined) return undefined;
  try {
    return { key: readFileSync(t.key), cert: readFileSync(t.cert) };
  } catch (e) {
    throw new HazgateError('HG_ERR_CONFIG_READ', `centre TLS files cannot be read (server.tls): ${(e as Error).message}`, { cert: t.cert, key: t.key }, e);
  }
}
