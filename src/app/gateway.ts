import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createEmbeddedBroker, type EmbeddedBroker } from '../../adapters/mqtt/index.js';
import { AlarmHealth, AlarmManager, SqliteAlarmJournal, type FloodChange } from '../alarms/index.js';
import type { Clock, ComponentStatus, HazgateError, Logger, Observation, Point, RawReading, RuleResult, Sample } from '../core/index.js';
import { RuleEngine } from '../engine/index.js';
import { Ingest, LiveValueCache, RunningAdapter, ThrottledErrorLog } from '../pipeline/index.js';
import { createHttpServer, createMetricsRegistry, listen, readServerTls, SiteScope, WsHub } from '../server/index.js';
import { EmbeddedStore, InfluxSink } from '../store/index.js';
import { adapterFactories } from './registry.js';
import { pointsOf, rulesOf, type SiteConfig } from './site-config.js';
import { VERSION } from './version.js';
import { consoleDir } from './console-dir.js';
import { AlarmPath } from './alarm-path.js';
import { usersDirOf } from './auth-paths.js';
import { wireAuth, type AuthWiring } from './auth-wiring.js';
import { journalAuditSink } from './audit-wiring.js';
import { auditStart, configDigest } from './lifecycle-audit.js';
import { carryCounters, ConfigReloader, type Compiled, type LiveSite, type ReloadBy, type ReloadResult } from './reload.js';
import { resumeRetained } from './reload-retained.js';
import { conditionCatalogue } from './alarm-conditions.js';
import { wireBypasses, type BypassWiring } from './bypass-wiring.js';
import { wirePeople, type PeopleWiring } from './people-wiring.js';
import { PeopleStateFile } from './people-state-file.js';
import { wireUplink, type UplinkWiring } from './uplink-wiring.js';
import { wireVideo, type VideoWiring } from './video-wiring.js';
import { operationsSources, withOperationsStatus } from './operations.js';

export interface GatewayOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often time-driven rules (stale, delays) are evaluated. */
  readonly tickMs?: number;
  /** The site file the config was loaded from: what a reload (SIGHUP, POST /api/config/reload) reads again. */
  readonly configFile?: string;
}

/** The running gateway: every piece wired, in the order ARCHITECTURE asks (sinks and engine first). */
export class Gateway {
  private readonly timers: NodeJS.Timeout[] = [];

  /** Where the HTTP server listens, once started. */
  url = '';

  private constructor(private readonly parts: GatewayParts) {}

  /** The configuration running now: the start's, or the last reload's. */
  get config(): SiteConfig {
    return this.parts.live.config;
  }

  /** Starts everything; on any failure closes what it had opened and rethrows (nothing lingers). */
  static async start(config: SiteConfig, opts: GatewayOptions): Promise<Gateway> {
    const parts = await assemble(config, opts);
    const gw = new Gateway(parts);
    try {
      auditStart(parts.journal, parts.audit, config, VERSION, parts.clock.now());
      gw.url = await startServing(parts, config);
      parts.bypasses.publishAll();
      await parts.uplink?.start();
      gw.timers.push(setInterval(() => gw.tick(), opts.tickMs ?? 1000));
      await startAdapters(parts);
    } catch (e) {
      await gw.stop().catch((err: unknown) => opts.logger.warn({ err: String(err) }, 'cleanup after a failed start failed'));
      throw e;
    }
    return gw;
  }

  get alarms(): AlarmManager {
    return this.parts.alarms;
  }

  /**
   * Reads the site file again and applies changed adapters, points and rules (docs/reload.md).
   * @throws HazgateError HG_ERR_CONFIG_RELOAD while another reload runs.
   */
  reload(by: ReloadBy, dryRun = false): Promise<ReloadResult> {
    return this.parts.reloader.reload(by, dryRun);
  }

  private tick(): void {
    const p = this.parts;
    p.alarmPath.retry();
    p.alarmPath.apply(p.enrich(p.live.engine.tick(p.clock.now())));
    p.alarmPath.apply(p.enrich(p.people.tick(p.clock.now())));
    p.peopleFile.keep(p.people, p.clock.now());
    p.alarmPath.apply(p.enrich(p.video.tick(p.clock.now())));
    p.uplink?.tick(p.clock.now());
    p.auth.tick(p.clock.now());
    p.alarmPath.tick(p.clock.now());
    for (const f of p.health.advance(p.clock.now())) announceFlood(f, p.hub, p.logger);
  }

  /**
   * Waits for a reload in flight (none starts from now on), stops adapters, then drains downstream:
   * nothing is emitted into a closed store, nothing audited after the audit closes.
   */
  async stop(): Promise<void> {
    const p = this.parts;
    await p.reloader.close();
    for (const a of [...p.adapters]) await a.stop().catch((e: unknown) => p.logger.warn({ err: String(e), adapter: a.id }, 'adapter stop failed'));
    if (p.broker) await p.broker.stop();
    for (const t of this.timers) clearInterval(t);
    await p.hub.close();
    await p.http.close();
    p.auth.close();
    p.peopleFile.keep(p.people, p.clock.now(), true);
    // What the InfluxDB sink still holds goes to its spool, sent at the next start.
    await p.influx?.close();
    await p.store.close();
    // Unacknowledged feed messages stay in the outbox for the next start.
    await p.uplink?.stop();
    p.bypasses.close();
    p.audit.record({ kind: 'stop', user: null, address: null, time: p.clock.now(), message: `gateway ${VERSION} stopped` });
    p.audit.close(); // before the journal: its last write attempt
    p.journal.close();
  }
}

interface GatewayParts {
  readonly startedAt: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: EmbeddedStore;
  readonly journal: SqliteAlarmJournal;
  /** Logins, refusals, bypasses through the API: records of the journal's hash chain. */
  readonly audit: ReturnType<typeof journalAuditSink>;
  /** users.db, the auth service, sessions. */
  readonly auth: AuthWiring;
  readonly alarms: AlarmManager;
  readonly alarmPath: AlarmPath;
  /** The rule engine, ingest and points of the configuration running now: a reload swaps them. */
  readonly live: LiveSite;
  readonly reloader: ConfigReloader;
  /** Engine counters of the configurations a reload replaced (/metrics counts on). */
  readonly retired: { evaluations: number };
  readonly cache: LiveValueCache;
  readonly hub: WsHub;
  readonly http: FastifyInstance;
  readonly adapters: RunningAdapter[];
  readonly broker: EmbeddedBroker | null;
  readonly influx: InfluxSink | null;
  readonly health: AlarmHealth;
  readonly bypasses: BypassWiring;
  readonly people: PeopleWiring;
  readonly video: VideoWiring;
  /** The provincial feed; null without an `uplink` section. */
  readonly uplink: UplinkWiring | null;
  /** Who was where, kept over restarts (`<store dir>/people-state.json`). */
  readonly peopleFile: PeopleStateFile;
  /** Results with the people and cameras of their zone. */
  readonly enrich: (results: readonly RuleResult[]) => readonly RuleResult[];
  readonly feeds: AdapterFeeds;
}

async function assemble(config: SiteConfig, opts: GatewayOptions): Promise<GatewayParts> {
  const { clock, logger } = opts;
  // Before anything is opened: unreadable certificate files stop the start with nothing to close.
  const tls = config.server.tls === undefined ? undefined : readServerTls(config.server.tls);
  const points = pointsOf(config);
  const startedAt = clock.now();
  const store = await EmbeddedStore.open({
    dir: config.store.dir,
    retentionDays: config.store.retentionDays,
    flushIntervalMs: config.store.flushInterval,
    maxBufferedSamples: config.store.maxBufferedSamples,
    clock,
    logger: logger.child({ component: 'store' }),
  });
  const journal = openJournal(config, logger, store);
  // The InfluxDB sink's tags follow the points a reload brings.
  const influxPoints = new Map(points.map((p) => [p.id, p]));
  const influx = openInflux(config, influxPoints, opts);
  const health = new AlarmHealth(journal, (pointId) => (pointId === null ? 'site' : (live.pointById.get(pointId)?.area ?? 'site')));
  const cache = new LiveValueCache();
  let hub: WsHub | null = null;
  const errorLog = new ThrottledErrorLog(logger.child({ component: 'ingest' }), 10_000, () => clock.now());
  const newIngest = (pts: readonly Point[]): Ingest =>
    new Ingest({
      points: pts,
      clock,
      maxFutureMs: config.ingest.maxFutureMs,
      onSample: (s: Sample) => {
        cache.put(s);
        alarmPath.apply(enrich(live.engine.evaluate(s)));
        store.write(s);
        influx?.write(s);
        hub?.publishSample(s);
      },
      onReject: (e) => errorLog.report(e),
    });
  const compile = (c: SiteConfig, now: number): Compiled => {
    const pts = pointsOf(c);
    const engine = new RuleEngine(pts, rulesOf(c), now);
    return { engine, ingest: newIngest(pts), catalogue: conditionCatalogue(engine, people.setup), pointById: new Map(pts.map((p) => [p.id, p])) };
  };
  const people = wirePeople(config.people, points, logger.child({ component: 'people' }), (h, t) => hub?.broadcastHeadcount(h, t), config.ingest.maxFutureMs, clock.now());
  const video = wireVideo(config.video, clock.now());
  const peopleFile = new PeopleStateFile(`${config.store.dir}/people-state.json`, logger.child({ component: 'people' }));
  peopleFile.restoreInto(people, clock.now());
  const live: LiveSite = { config, digest: configDigest(config), loadedAt: startedAt, ...compile(config, clock.now()) };
  const directory = pointDirectory(live, cache);
  const alarms = new AlarmManager({
    siteId: config.site.id,
    journal,
    clock,
    newEventId: randomUUID,
    conditions: (conditionId) => live.catalogue(conditionId),
    latest: (pointId) => cache.get(pointId),
    maxShelveMs: config.alarms.maxShelve,
    ...(config.site.enterpriseCode === undefined ? {} : { siteCodes: { enterpriseCode: config.site.enterpriseCode } }),
    onTransition: (t) => {
      logger.info({ conditionId: t.conditionId, state: t.state, level: t.level, priority: t.priority, value: t.value }, t.message);
      hub?.broadcastTransition(t);
      influx?.writeTransition(t);
      uplink?.journaled(t.rts);
      const flood = health.observe(t);
      if (flood !== undefined) announceFlood(flood, hub, logger);
    },
  });
  const alarmPath = new AlarmPath(alarms, logger.child({ component: 'alarms' }));
  const uplink: UplinkWiring | null = wireUplink(config.uplink, {
    siteId: config.site.id, storeDir: config.store.dir, points, journal, latest: (id) => cache.get(id), logger: logger.child({ component: 'uplink' }), now: clock.now(),
    facts: () => ({ version: VERSION, startedAt, adapters: adapters.map((a) => ({ id: a.id, status: a.status().state })) }),
  });
  resumeRetained(alarms.restore(), { engine: live.engine, people, video }, alarmPath, clock.now(), logger);
  const audit = journalAuditSink(journal, logger.child({ component: 'audit' }), { siteId: config.site.id, clock, onJournaled: (rts) => uplink?.journaled(rts) });
  const auth = wireAuth(config.auth, {
    dir: usersDirOf(config), clock, logger, https: tls !== undefined, metricsToken: config.server.metricsToken, audit,
    firstUser: `hazgate user add NAME --role admin --dir ${usersDirOf(config)}`,
  });
  const scope = new SiteScope(config.site.id, directory, auth.service);
  hub = new WsHub({
    siteId: config.site.id,
    version: VERSION,
    alarms,
    points: directory,
    logger: logger.child({ component: 'ws' }),
    now: () => clock.now(),
    maxBufferedBytes: config.server.wsMaxBufferedBytes,
    floods: () => health.floods(),
    ...(people.service === null ? {} : { headcounts: people.service.headcounts }),
    maxMessageBytes: 64 * 1024,
    scope,
    limits: { maxConnections: config.server.wsMaxConnections, maxConnectionsPerUser: config.server.wsMaxConnectionsPerUser, messageRate: config.server.wsMessageRate },
    audit: auth.http.audit,
  });
  const wsHub = hub;
  const enrich = (results: readonly RuleResult[]): readonly RuleResult[] => (results.length === 0 || people.monitor === null ? results : results.map(people.enrich));
  const bypasses = wireBypasses(points, config.store.dir, journal, clock, (r) => live.ingest.accept(r));
  const adapters = config.adapters.map((a) => createAdapter(a, config, opts));
  const broker = config.broker?.enabled ? createEmbeddedBroker(config.broker, logger) : null;
  const retired = { evaluations: 0 };
  const feeds = adapterFeeds({ live, clock, video, people, alarmPath, enrich, peopleFile });
  const reloader = new ConfigReloader({
    file: opts.configFile, live, adapters, alarms, alarmPath, owners: { people, video }, audit, clock, logger, compile,
    createAdapter: (a, c) => createAdapter(a, c, opts),
    startAdapter: (a) => a.start(feeds.emit, feeds.refuse, feeds.observe),
    swapped: (before, after) => {
      retired.evaluations += carryCounters(before, after);
      influxPoints.clear();
      for (const [id, p] of after.pointById) influxPoints.set(id, p);
      people.repoint([...after.pointById.values()]);
    },
    latest: (id) => cache.get(id),
    enrich,
    republish: () => bypasses.publishAll(),
  });
  const parts = { startedAt, clock, logger, store, journal, audit, auth, alarms, alarmPath, live, reloader, retired, cache, hub: wsHub, adapters, broker, influx, health, bypasses, people, video, peopleFile, uplink, enrich, feeds };
  const http = createHttpServer({
    siteId: config.site.id,
    reload: { reload: (by, dryRun) => reloader.reload(by, dryRun), current: () => ({ file: reloader.file ?? null, digest: live.digest, loadedAt: live.loadedAt, startedAt }) },
    version: VERSION,
    alarms,
    journal,
    health,
    bypasses: bypasses.service,
    people: people.service,
    points: directory,
    history: store,
    hub: wsHub,
    metrics: createMetricsRegistry({ ...metricsSources({ ...parts, http: null as never }), operations: operationsSources(parts, config) }),
    components: () => withOperationsStatus(componentStatus(parts), parts, config),
    now: () => clock.now(),
    logger,
    http: auth.http,
    scope,
    bodyLimitBytes: config.server.bodyLimit,
    ...(tls === undefined ? {} : { tls }),
    consoleDir: consoleDir(),
  });
  return { ...parts, http };
}

/** A position entering or leaving alarm flood is told to every console and logged. */
function announceFlood(f: FloodChange, hub: WsHub | null, logger: Logger): void {
  hub?.broadcastFlood(f.position, f.flood, f.count, f.time);
  const message = f.flood ? `alarm flood at ${f.position}: ${f.count} alarms in 10 min` : `alarm flood at ${f.position} is over (${f.count} alarms in 10 min)`;
  logger.warn({ position: f.position, flood: f.flood, count: f.count }, message);
}

/** The InfluxDB sink when the site has an `influx` section; its spool defaults to `<store dir>/influx-spool`. */
function openInflux(config: SiteConfig, points: ReadonlyMap<string, Point>, opts: GatewayOptions): InfluxSink | null {
  const c = config.influx;
  if (c === undefined) return null;
  const logger = opts.logger.child({ component: 'influx' });
  const errors = new ThrottledErrorLog(logger, 10_000, () => opts.clock.now());
  return new InfluxSink({
    url: c.url,
    org: c.org,
    bucket: c.bucket,
    token: c.token,
    siteId: config.site.id,
    points,
    spoolDir: c.spool.dir ?? `${config.store.dir}/influx-spool`,
    batchSize: c.batchSize,
    flushIntervalMs: c.flushInterval,
    maxRequestLines: c.maxRequestLines,
    gzip: c.gzip,
    timeoutMs: c.timeout,
    retry: { minMs: c.retry.min, maxMs: c.retry.max, fatalRetryMs: c.retry.refused },
    spoolMaxBytes: c.spool.maxBytes,
    spoolMaxAgeMs: c.spool.maxAge,
    clock: opts.clock,
    logger,
    onError: (e) => errors.report(e),
  });
}

function openJournal(config: SiteConfig, logger: Logger, store: EmbeddedStore): SqliteAlarmJournal {
  try {
    return new SqliteAlarmJournal({
      dir: config.store.dir,
      synchronous: config.store.journalSync,
      onSyncError: (e) => logger.error({ code: 'HG_ERR_JOURNAL_WRITE', err: e.message }, 'alarm journal group fsync failed; retried with the next commit'),
    });
  } catch (e) {
    void store.close(); // the journal error is the one to report
    throw e;
  }
}

/** Where an adapter keeps its durable state (sessions, certificates): `<store dir>/adapters/<id>`. */
export function adapterDataDir(config: Pick<SiteConfig, 'store'>, adapterId: string): string {
  return `${config.store.dir}/adapters/${adapterId}`;
}

function createAdapter(a: SiteConfig['adapters'][number], config: SiteConfig, opts: GatewayOptions): RunningAdapter {
  const factory = adapterFactories.get(a.kind);
  if (factory === undefined) throw new Error(`no adapter factory for kind ${a.kind}`); // the schema makes this unreachable
  const logger = opts.logger.child({ adapter: a.id });
  const adapter = factory.create(a, { clock: opts.clock, logger, dataDir: adapterDataDir(config, a.id) });
  return new RunningAdapter(adapter, logger, () => opts.clock.now());
}

/** The points of the configuration running now (a reload changes them). */
function pointDirectory(live: LiveSite, cache: LiveValueCache) {
  return { list: () => pointsOf(live.config), get: (id: string) => live.pointById.get(id), latest: (id: string) => cache.get(id) };
}

async function startServing(parts: GatewayParts, config: SiteConfig): Promise<string> {
  if (parts.broker) await parts.broker.start();
  return listen(parts.http, config.server.host, config.server.port);
}

/** Where adapters deliver: readings to the ingest running now (a reload swaps it under them), observations to people and video. */
interface AdapterFeeds {
  readonly emit: (r: RawReading) => void;
  readonly refuse: (e: HazgateError) => void;
  readonly observe: (o: Observation) => void;
}

function adapterFeeds(parts: Pick<GatewayParts, 'live' | 'clock' | 'video' | 'people' | 'alarmPath' | 'enrich' | 'peopleFile'>): AdapterFeeds {
  const observe = (o: Observation): void => {
    const now = parts.clock.now();
    const results = o.type === 'video' || o.type === 'camera-heartbeat' ? parts.video.observe(o, now) : parts.people.observe(o, now);
    parts.alarmPath.apply(parts.enrich(results));
    // Readers report changes only and the adapter acknowledges the message once this returns: who
    // is underground is on disk first (positions repeat every second; they wait for the period).
    if (o.type === 'reader') parts.peopleFile.keep(parts.people, now, true);
  };
  return { emit: (r) => parts.live.ingest.accept(r), refuse: (e) => parts.live.ingest.refuse(e), observe };
}

async function startAdapters(parts: GatewayParts): Promise<void> {
  for (const a of [...parts.adapters]) await a.start(parts.feeds.emit, parts.feeds.refuse, parts.feeds.observe);
}

function componentStatus(parts: Omit<GatewayParts, 'http'>): Record<string, ComponentStatus> {
  const out: Record<string, ComponentStatus> = { store: parts.store.status() };
  if (parts.broker) out['broker'] = { state: 'up', since: parts.startedAt }; // start() threw otherwise
  for (const a of parts.adapters) out[`adapter:${a.id}`] = a.status();
  if (parts.influx) out['influx'] = parts.influx.status();
  // The centre out of reach does not make the gateway unready: the outbox keeps the feed.
  if (parts.uplink) {
    const u = parts.uplink.status();
    out['uplink'] = u.state === 'down' ? { ...u, state: 'degraded' } : u;
  }
  const backlog = parts.alarmPath.backlog;
  out['alarms'] = backlog === 0 ? { state: 'up', since: parts.startedAt } : { state: 'degraded', reason: `${backlog} transitions wait for the journal`, since: parts.clock.now() };
  return out;
}

function metricsSources(parts: GatewayParts) {
  return {
    ingest: liveIngestStats(parts.live),
    adapters: () => parts.adapters.map((a) => ({ id: a.id, kind: a.kind, readings: a.counters.readings, errors: a.counters.errors, status: a.status() })),
    engine: liveEngineStats(parts.live, parts.retired),
    alarms: parts.alarms.stats,
    retained: () => parts.alarms.retained(),
    store: () => ({ ...parts.store.stats, diskBytes: parts.store.diskBytes() }),
    ws: parts.hub.stats,
    adapterMetrics: () => [...parts.adapters.flatMap((a) => a.adapter.metrics?.() ?? []), ...(parts.influx?.metrics() ?? []), ...parts.people.metrics(), ...(parts.uplink?.metrics(parts.clock.now()) ?? []), ...parts.reloader.metrics()],
  };
}

/** The ingest counters of the configuration running now (a reload carries them over: carryCounters). */
function liveIngestStats(live: LiveSite) {
  return {
    get readings() {
      return live.ingest.stats.readings;
    },
    get samples() {
      return live.ingest.stats.samples;
    },
    get rejected() {
      return live.ingest.stats.rejected;
    },
  };
}

/** The rule engine's counters, those of engines a reload replaced included. */
function liveEngineStats(live: LiveSite, retired: { readonly evaluations: number }) {
  return {
    get evaluations() {
      return retired.evaluations + live.engine.stats.evaluations;
    },
    timing: {
      get sample() {
        return live.engine.stats.timing.sample;
      },
      get tick() {
        return live.engine.stats.timing.tick;
      },
    },
  };
}
