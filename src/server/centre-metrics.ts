import { Registry, collectDefaultMetrics } from 'prom-client';
import { gauge, mirrorCounter as counter } from './metrics-mirror.js';

/** One site as /metrics shows it, read from the centre store at scrape time. */
export interface CentreSiteGauges {
  readonly site: string;
  readonly lastSeq: number;
  readonly ackUpto: number;
  readonly openGaps: number;
  readonly lostGaps: number;
  readonly openMessages: number;
  readonly lostMessages: number;
  /** Journal records and heads that failed the chain check. */
  readonly tampered: number;
  /** 1 when the chain verdict is ok or partial, 0 when tampered or head-mismatch. */
  readonly chainOk: number;
  /** Current alarms by priority. */
  readonly alarms: Readonly<Record<string, number>>;
  /** Centre time of the site's latest batch, epoch ms. */
  readonly lastReceivedAt: number;
}

/** Plain counters the centre keeps; read at scrape time (the hot path never touches prom-client). */
export interface CentreMetricsSources {
  readonly feed: {
    readonly applied: ReadonlyMap<string, number>;
    readonly duplicates: ReadonlyMap<string, number>;
    readonly batches: Readonly<Record<string, number>>;
    readonly refused: ReadonlyMap<string, number>;
    readonly rebuilds: number;
  };
  readonly sites: () => readonly CentreSiteGauges[];
  readonly ws: { readonly connected: number; readonly connections: number; readonly badMessages: number; readonly slowClientsBehind: number; readonly slowClientsDropped: number; readonly rateLimited: number; readonly refusedUpgrades: number; readonly credentialsEnded: number };
  /** null without an MQTT input. */
  readonly mqtt: () => { readonly up: boolean; readonly reconnects: number; readonly served: number; readonly notServed: number } | null;
  readonly now: () => number;
}

export function createCentreMetricsRegistry(src: CentreMetricsSources): Registry {
  const reg = new Registry();
  collectDefaultMetrics({ register: reg, prefix: 'hazgate_process_' });
  counter(reg, 'hazgate_centre_messages_total', 'Feed messages received by this process, by site and result (applied: stored now; duplicate: already stored)', ['site', 'result'], (c) => {
    for (const [site, n] of src.feed.applied) c.inc({ site, result: 'applied' }, n);
    for (const [site, n] of src.feed.duplicates) c.inc({ site, result: 'duplicate' }, n);
  });
  counter(reg, 'hazgate_centre_batches_total', 'Feed batches applied, by input (http, mqtt)', ['input'], (c) => {
    for (const [input, n] of Object.entries(src.feed.batches)) c.inc({ input }, n);
  });
  counter(reg, 'hazgate_centre_batches_refused_total', 'Feed batches refused, by reason (unknown-site, bad-signature, bad-message, wrong-partition, too-large, store-error)', ['reason'], (c) => {
    for (const [reason, n] of src.feed.refused) c.inc({ reason }, n);
  });
  counter(reg, 'hazgate_centre_state_rebuilds_total', 'Site states rebuilt from centre.db (first batch after a start, or another process applied messages)', [], (c) => c.inc(src.feed.rebuilds));
  registerSiteGauges(reg, src);
  gauge(reg, 'hazgate_centre_ws_clients', 'Connected WebSocket clients', [], (g) => g.set(src.ws.connected));
  counter(reg, 'hazgate_centre_ws_connections_total', 'WebSocket connections accepted', [], (c) => c.inc(src.ws.connections));
  counter(reg, 'hazgate_centre_ws_bad_messages_total', 'WebSocket messages refused (HG_ERR_WS_BAD_MESSAGE), operator actions included', [], (c) => c.inc(src.ws.badMessages));
  counter(reg, 'hazgate_centre_ws_rate_limited_total', 'WebSocket messages refused for the client’s message rate (HG_ERR_WS_RATE)', [], (c) => c.inc(src.ws.rateLimited));
  counter(reg, 'hazgate_centre_ws_upgrades_refused_total', 'WebSocket upgrades refused: no or bad credentials, outside the scopes, no room (HG_ERR_WS_LIMIT), a credential in the URL', [], (c) => c.inc(src.ws.refusedUpgrades));
  counter(reg, 'hazgate_centre_ws_credentials_ended_total', 'WebSocket connections closed because their token, session or user no longer stood', [], (c) => c.inc(src.ws.credentialsEnded));
  counter(reg, 'hazgate_centre_ws_slow_clients_total', 'WebSocket clients that fell behind (paused) or were cut off, by outcome', ['outcome'], (c) => {
    c.inc({ outcome: 'behind' }, src.ws.slowClientsBehind);
    c.inc({ outcome: 'dropped' }, src.ws.slowClientsDropped);
  });
  registerMqtt(reg, src);
  return reg;
}

function registerSiteGauges(reg: Registry, src: CentreMetricsSources): void {
  const per = (name: string, help: string, value: (s: CentreSiteGauges) => number): void =>
    gauge(reg, name, help, ['site'], (g) => {
      for (const s of src.sites()) g.set({ site: s.site }, value(s));
    });
  per('hazgate_centre_site_last_seq', 'Highest feed seq received from the site', (s) => s.lastSeq);
  per('hazgate_centre_site_acked_seq', 'Feed seq the centre acknowledges (held, or lost at the gateway)', (s) => s.ackUpto);
  per('hazgate_centre_site_tampered_records', 'Journal records and heads of the site that failed the chain check', (s) => s.tampered);
  per('hazgate_centre_site_chain_ok', 'Chain verdict: 1 ok or partial, 0 tampered or head-mismatch', (s) => s.chainOk);
  per('hazgate_centre_site_last_message_age_seconds', 'Seconds since the site\'s latest batch', (s) => Math.max(0, (src.now() - s.lastReceivedAt) / 1000));
  gauge(reg, 'hazgate_centre_site_gaps', 'Gaps in the site\'s feed (open: may still be filled; lost: dropped at the gateway)', ['site', 'state'], (g) => {
    for (const s of src.sites()) {
      g.set({ site: s.site, state: 'open' }, s.openGaps);
      g.set({ site: s.site, state: 'lost' }, s.lostGaps);
    }
  });
  gauge(reg, 'hazgate_centre_site_gap_messages', 'Feed messages missing in the site\'s gaps', ['site', 'state'], (g) => {
    for (const s of src.sites()) {
      g.set({ site: s.site, state: 'open' }, s.openMessages);
      g.set({ site: s.site, state: 'lost' }, s.lostMessages);
    }
  });
  gauge(reg, 'hazgate_centre_site_alarms', 'Current alarms of the site, by priority', ['site', 'priority'], (g) => {
    for (const s of src.sites()) for (const [priority, n] of Object.entries(s.alarms)) g.set({ site: s.site, priority }, n);
  });
}

function registerMqtt(reg: Registry, src: CentreMetricsSources): void {
  gauge(reg, 'hazgate_centre_mqtt_up', 'MQTT input connected (1) or not (0); absent without an MQTT input', [], (g) => {
    const m = src.mqtt();
    if (m !== null) g.set(m.up ? 1 : 0);
  });
  gauge(reg, 'hazgate_centre_mqtt_partitions_served', 'Feed partitions this process serves', [], (g) => {
    const m = src.mqtt();
    if (m !== null) g.set(m.served);
  });
  counter(reg, 'hazgate_centre_mqtt_reconnects_total', 'MQTT connections re-established', [], (c) => {
    const m = src.mqtt();
    if (m !== null) c.inc(m.reconnects);
  });
  counter(reg, 'hazgate_centre_mqtt_not_served_total', 'MQTT batches on partitions this process does not serve (ignored; their owner applies them)', [], (c) => {
    const m = src.mqtt();
    if (m !== null) c.inc(m.notServed);
  });
}
