import type { UplinkSection } from '../config/index.js';
import type { AdapterMetric, ComponentStatus, HazgateError, JournalFeedSource, Logger, Point, Sample } from '../core/index.js';
import { HttpsTransport, KJ_DEFAULT_LAYOUTS, KjTcpExporter, MqttTransport, UplinkSender, type GatewayFacts, type KjLayouts, type KjTableLayout, type UplinkTlsOptions, type UplinkTransport } from '../uplink/index.js';
import { UplinkOutbox } from './uplink-outbox.js';

/** The provincial feed in the gateway: the outbox, the sender and its transport, and the legacy KJ exporter. */
export interface UplinkWiring {
  /** After every alarm transition (it is journaled): copy it into the outboxes and send. */
  journaled(now: number): void;
  tick(now: number): void;
  start(): Promise<void>;
  /** Stops sending; what the centre has not acknowledged stays for the next start. */
  stop(): Promise<void>;
  metrics(now: number): AdapterMetric[];
  status(): ComponentStatus;
}

export interface UplinkDeps {
  readonly siteId: string;
  readonly storeDir: string;
  readonly points: readonly Point[];
  readonly journal: JournalFeedSource;
  readonly latest: (pointId: string) => Sample | undefined;
  readonly facts: () => GatewayFacts;
  readonly logger: Logger;
  readonly now: number;
}

type TlsSection = { readonly ca?: string | undefined; readonly cert?: string | undefined; readonly key?: string | undefined; readonly rejectUnauthorized: boolean };

function tlsOf(t: TlsSection | undefined): { tls?: UplinkTlsOptions } {
  if (t === undefined) return {};
  return { tls: { rejectUnauthorized: t.rejectUnauthorized, ...(t.ca === undefined ? {} : { ca: t.ca }), ...(t.cert === undefined ? {} : { cert: t.cert }), ...(t.key === undefined ? {} : { key: t.key }) } };
}

function transportOf(u: UplinkSection, site: string): UplinkTransport {
  const reconnect = { minMs: u.batch.backoff.min, maxMs: u.batch.backoff.max };
  if (u.transport === 'https' && u.https !== undefined) {
    const h = u.https;
    return new HttpsTransport({ url: h.url, site, key: h.key, timeoutMs: h.timeout, ...tlsOf(h.tls) });
  }
  const m = u.mqtt;
  if (m === undefined) throw new Error('uplink transport mqtt without an mqtt section (the config check refuses it)');
  return new MqttTransport({
    url: m.url, site, partitions: m.partitions, protocolVersion: m.protocolVersion, keepaliveS: Math.round(m.keepalive / 1000), reconnect,
    ...(m.clientId === undefined ? {} : { clientId: m.clientId }),
    ...(m.username === undefined ? {} : { username: m.username }),
    ...(m.password === undefined ? {} : { password: m.password }),
    ...tlsOf(m.tls),
    ...(m.signingKey === undefined ? {} : { signingKey: m.signingKey }),
  });
}

function kjLayoutsOf(k: NonNullable<UplinkSection['kj']>): KjLayouts {
  return {
    // The exporter checks the layouts when it is made (HG_ERR_UPLINK_KJ_LAYOUT at boot).
    realtime: k.layouts?.realtime === undefined ? KJ_DEFAULT_LAYOUTS.realtime : (k.layouts.realtime as KjTableLayout | null),
    alarm: k.layouts?.alarm === undefined ? KJ_DEFAULT_LAYOUTS.alarm : (k.layouts.alarm as KjTableLayout | null),
  };
}

/**
 * Null without an `uplink` section. Opening the outbox copies what the journal holds and the outbox
 * does not (a crash between the two commits). Errors of the sender and exporter are logged at the
 * first of a run (they count every one).
 */
export function wireUplink(u: UplinkSection | undefined, d: UplinkDeps): UplinkWiring | null {
  if (u === undefined) return null;
  const site = u.site ?? d.siteId;
  const points = u.snapshot.points === undefined ? d.points : d.points.filter((p) => u.snapshot.points?.includes(p.id));
  const base = { site, maxBytes: u.outbox.maxBytes, maxAgeMs: u.outbox.maxAge, sync: u.outbox.sync, snapshotMs: u.snapshot.interval, statusMs: u.statusInterval, points };
  const logger = d.logger;
  const feed = new UplinkOutbox({ ...base, dir: u.outbox.dir ?? `${d.storeDir}/uplink` }, { journal: d.journal, latest: d.latest, facts: d.facts, logger }, d.now);
  const report = (e: HazgateError): void => logger.warn({ code: e.code, ...e.details }, e.message);
  const transport = transportOf(u, site);
  const sender = new UplinkSender({
    outbox: feed.outbox, transport, maxMessages: u.batch.maxMessages, maxBytes: u.batch.maxBytes, window: u.batch.window, ackTimeoutMs: u.batch.ackTimeout,
    backoff: { minMs: u.batch.backoff.min, maxMs: u.batch.backoff.max }, onError: report,
  });
  const k = u.kj;
  // The KJ exporter has its own outbox: its cursor is that outbox's ack, which must not delete what the feed has not sent.
  const kjOutbox = k === undefined ? null : new UplinkOutbox({ ...base, dir: k.dir ?? `${d.storeDir}/uplink-kj` }, { journal: d.journal, latest: d.latest, facts: d.facts, logger }, d.now);
  const kj = k === undefined || kjOutbox === null ? null : new KjTcpExporter({ host: k.host, port: k.port, outbox: kjOutbox.outbox, layouts: kjLayoutsOf(k), kj: { database: k.database, utcOffsetMinutes: k.utcOffsetMinutes }, onError: report });
  const outboxes = kjOutbox === null ? [feed] : [feed, kjOutbox];
  return {
    journaled: (now) => {
      for (const o of outboxes) o.copyJournal(now);
      sender.notify();
      kj?.notify();
    },
    tick: (now) => {
      for (const o of outboxes) o.tick(now);
      sender.notify();
      kj?.notify();
    },
    start: async () => {
      // Not awaited: the first connection to a centre that does not answer takes up to connectTimeout
      // (10 s), and the plant's adapters start after this. Failures reach `report` through onError.
      void sender.start().catch((e: unknown) => logger.warn({ err: String(e) }, 'uplink sender failed to start'));
      kj?.start();
    },
    stop: async () => {
      await sender.stop();
      await kj?.stop();
      for (const o of outboxes) o.close();
    },
    metrics: (now) => {
      const s = sender.stats();
      const counter = (name: string, help: string, value: number): AdapterMetric => ({ name, help, type: 'counter', labelNames: [], values: [{ labels: {}, value }] });
      const out = [
        ...feed.metrics(now),
        counter('hazgate_uplink_batches_sent_total', 'Feed batches handed to the transport (resent ones included).', s.batchesSent),
        counter('hazgate_uplink_batches_resent_total', 'Batches sent again (ack timeout, failure, restart).', s.batchesResent),
        counter('hazgate_uplink_acks_total', 'Centre acks that moved the acknowledged sequence forward.', s.acks),
        counter('hazgate_uplink_ack_timeouts_total', 'Times no ack came within batch.ackTimeout.', s.ackTimeouts),
        counter('hazgate_uplink_transport_errors_total', 'Failed hand-overs to the transport.', s.transportErrors),
        counter('hazgate_uplink_refused_total', 'Batches the centre refused (a misconfiguration: retried slowly).', s.refused),
      ];
      if (kj !== null && kjOutbox !== null) {
        const ks = kjOutbox.outbox.stats();
        out.push({ name: 'hazgate_uplink_kj_backlog', help: 'Messages the KJ exporter has not written yet.', type: 'gauge', labelNames: [], values: [{ labels: {}, value: ks.depth }] });
      }
      return out;
    },
    status: () => {
      const t = sender.stats().transport;
      // Still on its first attempt is away as far as readiness goes: the gateway is ready without the centre.
      if (t.state === 'starting') return { state: 'degraded', since: t.since, reason: 'not connected to the centre yet' };
      return { state: t.state, since: t.since, ...(t.reason === undefined ? {} : { reason: t.reason }) };
    },
  };
}
