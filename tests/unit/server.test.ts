import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HazgateError, silentLogger, type AlarmJournal, type AlarmService, type AlarmTransition, type OperatorRequest, type Point, type Sample } from '../../src/core/index.js';
import { createHttpServer, createMetricsRegistry, SiteScope, WsHub } from '../../src/server/index.js';
import { AlarmHealth } from '../../src/alarms/index.js';
import { TestAuth } from '../support/auth.js';
import { RecordingWsClient } from '../support/ws-client.js';

const NOW = Date.UTC(2026, 10, 28, 12);

function transition(over: Partial<AlarmTransition> = {}): AlarmTransition {
  return {
    eventId: 'e1', conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-101',
    from: 'normal', state: 'active-unacked', reason: 'activate', active: true, activeSince: NOW, acked: false, ackedAt: null, confirmed: true, latched: false,
    shelved: null, suppressed: null, outOfService: null, annunciated: true, level: 'AL1', priority: 2, severity: 800, colour: 'orange',
    value: 30, time: NOW, rts: NOW, message: 'GT-101 AL1 30 %LEL', ...over,
  };
}

/** A narrow fake of the alarm manager: one retained condition; only acknowledge, which checks the eventId. */
class FakeAlarms implements AlarmService {
  current = transition();
  acks: Array<{ user: string; comment: string | undefined }> = [];
  retained(): AlarmTransition[] {
    return this.current.state === 'normal' ? [] : [this.current];
  }
  get(id: string): AlarmTransition | undefined {
    return id === this.current.conditionId ? this.current : undefined;
  }
  act({ action, conditionId, eventId, user, comment }: OperatorRequest): AlarmTransition {
    if (action !== 'acknowledge') throw new Error(`the fake does not ${action}`);
    if (conditionId !== this.current.conditionId) throw new HazgateError('HG_ERR_ALARM_UNKNOWN_CONDITION', 'unknown');
    if (eventId !== this.current.eventId) throw new HazgateError('HG_ERR_ALARM_STALE_EVENT', 'stale');
    this.acks.push({ user, comment });
    this.current = transition({ eventId: 'e2', acked: true, ackedAt: NOW, state: 'active-acked', reason: 'acknowledge', user, ...(comment === undefined ? {} : { comment }) });
    return this.current;
  }
}

const point: Point = { id: 'GT-101', kind: 'gas', type: 'number', unit: '%LEL', attrs: {} };
const sample: Sample = { pointId: 'GT-101', value: 30, quality: { level: 'good' }, ts: NOW, rts: NOW, tsSource: 'device' };
const journal: AlarmJournal = { append: () => undefined, loadRetained: () => [], recent: (q) => [transition()].slice(0, q.limit), close: () => undefined };

let alarms: FakeAlarms;
let hub: WsHub;
let app: FastifyInstance;
let wsUrl: string;
let dir: string;
let auth: TestAuth;
/** An administrator's API token: this file tests the routes, auth-http.test.ts who may call them. */
let token: string;

/** app.inject as the administrator `li`. */
function inject(opts: string | InjectOptions) {
  const o = typeof opts === 'string' ? { url: opts } : opts;
  return app.inject({ ...o, headers: { ...o.headers, authorization: `Bearer ${token}` } });
}

beforeEach(async () => {
  alarms = new FakeAlarms();
  dir = mkdtempSync(join(tmpdir(), 'hg-server-'));
  auth = TestAuth.open(dir);
  token = auth.token('li', 'admin');
  const points = { list: () => [point], get: (id: string) => (id === 'GT-101' ? point : undefined), latest: (id: string) => (id === 'GT-101' ? sample : undefined) };
  const scope = new SiteScope('s', points, auth.service);
  hub = new WsHub({ siteId: 's', version: 't', alarms, points, logger: silentLogger, now: () => NOW, maxBufferedBytes: 1 << 20, maxMessageBytes: 4096, scope });
  const history = {
    query: async () => [sample],
    queryColumns: async () => ({
      pointId: 'GT-101', valueType: 'number' as const, length: 3, ts: Float64Array.from([NOW, NOW + 1, NOW + 2]),
      value: Float64Array.from([30, 31.5, 2]), quality: Uint8Array.from([0, 1, 2]), reason: [null, 'over-range', 'signal-fault-low'],
    }),
  };
  const zero = { readings: 0, samples: 0, rejected: new Map([['HG_ERR_INGEST_UNKNOWN_POINT', 3]]) };
  const metrics = createMetricsRegistry({
    ingest: zero, adapters: () => [], engine: { evaluations: 5 },
    alarms: { transitions: { activate: 1, shelve: 2 }, actions: { acknowledge: 3, shelve: 2 }, refused: { shelve: { HG_ERR_ALARM_NOT_SHELVABLE: 1 }, acknowledge: { HG_ERR_ALARM_STALE_EVENT: 4 } }, journalFailures: 1 },
    retained: () => alarms.retained(), store: () => ({ written: 0, dropped: 0, writeErrors: 0, buffered: 0, diskBytes: 0 }), ws: hub.stats,
    adapterMetrics: () => [{ name: 'hazgate_test_requests_total', help: 'test family', type: 'counter', labelNames: ['device'], values: [{ labels: { device: 'd1' }, value: 4 }, { labels: { device: 'd2' }, value: 2 }] }],
  });
  app = createHttpServer({ siteId: 's', bypasses: { list: () => [], register: () => { throw new Error('unused'); }, end: () => { throw new Error('unused'); }, inServiceRates: () => [] }, version: 't', alarms, journal, health: new AlarmHealth(journal, () => 'tank-farm'), points, history, hub, metrics, components: () => ({ store: { state: 'up', since: 0 } }), now: () => NOW, logger: silentLogger, http: auth.http, scope });
  await app.listen({ host: '127.0.0.1', port: 0 });
  wsUrl = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
});

afterEach(async () => {
  await hub.close();
  await app.close();
  auth.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('REST', () => {
  it('lists points with their latest value and 404s an unknown one with a code', async () => {
    const list = await inject('/api/points');
    expect(list.json()).toMatchObject({ points: [{ id: 'GT-101', latest: { value: 30 } }] });
    const missing = await inject('/api/points/NOPE');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'HG_ERR_API_NOT_FOUND', message: 'no point "NOPE"' } });
  });

  it('validates history parameters', async () => {
    expect((await inject('/api/points/GT-101/history?from=1&to=2')).json()).toMatchObject({ count: 1 });
    const bad = await inject('/api/points/GT-101/history?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HG_ERR_API_BAD_REQUEST');
    expect((await inject('/api/points/GT-101/history?from=5&to=1')).statusCode).toBe(400);
  });

  it('acknowledges with eventId and refuses stale or unknown ones', async () => {
    const url = '/api/alarms/gas/GT-101/ack';
    const stale = await inject({ method: 'POST', url, payload: { eventId: 'old', comment: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('HG_ERR_ALARM_STALE_EVENT');
    const unknown = await inject({ method: 'POST', url: '/api/alarms/x/y/ack', payload: { eventId: 'e1' } });
    expect(unknown.statusCode).toBe(404);
    const noBody = await inject({ method: 'POST', url, payload: { comment: 'x' } });
    expect(noBody.statusCode).toBe(400);
    const ok = await inject({ method: 'POST', url, payload: { eventId: 'e1', comment: 'seen', user: 'li' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ acked: true, eventId: 'e2', comment: 'seen' });
    expect(alarms.acks).toEqual([{ user: 'li', comment: 'seen' }]);
  });

  it('serves alarm-system KPIs from the journal, the last 24 h by default', async () => {
    const body = (await inject('/api/alarms/kpis')).json();
    expect(body).toMatchObject({ from: NOW - 86_400_000, to: NOW, alarms: 1, positions: [{ position: 'tank-farm', alarms: 1, peak10Min: 1 }], floodNow: [] });
    expect(body.badActors[0]).toMatchObject({ alarms: 1, sharePct: 100 });
    expect((await inject('/api/alarms/kpis?from=5&to=2')).statusCode).toBe(400);
  });

  it('serves retained alarms, journal history, readiness and metrics', async () => {
    expect((await inject('/api/alarms')).json()).toMatchObject({ count: 1, alarms: [{ conditionId: 'gas/GT-101', active: true }] });
    expect((await inject('/api/alarms/history?limit=1')).json()).toMatchObject({ count: 1 });
    expect((await inject('/readyz')).json()).toMatchObject({ ready: true });
    const metrics = (await inject('/metrics')).body;
    expect(metrics).toContain('hazgate_readings_rejected_total{code="HG_ERR_INGEST_UNKNOWN_POINT"} 3');
    expect(metrics).toContain('hazgate_test_requests_total{device="d1"} 4');
    expect(metrics).toContain('hazgate_test_requests_total{device="d2"} 2');
    expect(metrics).toContain('hazgate_alarms_retained{priority="2",state="active-unacked"} 1');
    expect(metrics).toContain('hazgate_rule_evaluations_total 5');
  });

  it('exports operator actions carried out and refused, by action and code', async () => {
    const metrics = (await inject('/metrics')).body;
    expect(metrics).toContain('hazgate_alarm_transitions_total{reason="shelve"} 2');
    expect(metrics).toContain('hazgate_alarm_actions_total{action="acknowledge"} 3');
    expect(metrics).toContain('hazgate_alarm_action_refused_total{action="shelve",code="HG_ERR_ALARM_NOT_SHELVABLE"} 1');
    expect(metrics).toContain('hazgate_alarm_action_refused_total{action="acknowledge",code="HG_ERR_ALARM_STALE_EVENT"} 4');
    expect(metrics).toContain('hazgate_alarm_journal_failures_total 1');
    expect(metrics).not.toContain('hazgate_alarm_ack_rejected_total');
    alarms.current = transition({ state: 'shelved', annunciated: false, shelved: { kind: 'one-shot', user: 'li', since: NOW, until: null } });
    expect((await inject('/metrics')).body).toContain('hazgate_alarms_retained{priority="2",state="shelved"} 1');
  });
});

describe('WebSocket /ws', () => {
  it('sends hello, then the snapshot between markers, then live transitions', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token });
    await c.waitForMessage((m) => m.type === 'snapshot-end', 2000, 'snapshot-end');
    expect(c.messages.map((m) => m.type)).toEqual(['hello', 'snapshot-begin', 'condition', 'snapshot-end']);
    expect(c.messages[2]).toMatchObject({ conditionId: 'gas/GT-101', eventId: 'e1', active: true, acked: false, level: 'AL1', priority: 2, pointId: 'GT-101' });
    hub.broadcastTransition(transition({ eventId: 'e9', level: 'AL2', priority: 1, reason: 'escalate' }));
    await c.waitForMessage((m) => m.type === 'transition', 2000, 'transition');
    expect(c.ofType('transition')[0]).toMatchObject({ eventId: 'e9', level: 'AL2', time: NOW });
    await c.close();
  });

  it('acknowledges over the socket and answers errors with codes', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token });
    c.send({ type: 'ack', conditionId: 'gas/GT-101', eventId: 'nope', requestId: 1 });
    c.send({ type: 'ack', conditionId: 'gas/GT-101', eventId: 'e1', comment: 'ok', user: 'wang', requestId: 2 });
    c.send({ type: 'ack', conditionId: 'gas/GT-101', eventId: 'e1', comment: 'ok', requestId: 3 });
    await c.waitForMessage((m) => m.type === 'ack-result', 2000, 'ack-result');
    expect(c.ofType('error')[0]).toMatchObject({ code: 'HG_ERR_ALARM_STALE_EVENT', requestId: 1 });
    // The journal records who is logged in: a message naming someone else is refused.
    expect(c.ofType('error')[1]).toMatchObject({ code: 'HG_ERR_AUTH_FORBIDDEN', requestId: 2 });
    expect(c.ofType('ack-result')[0]).toMatchObject({ requestId: 3, transition: { acked: true, user: 'li' } });
    await c.close();
  });

  it('refuses malformed messages with a code and keeps the connection', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token });
    c.send({ type: 'launch-missiles' });
    c.socket.send('{not json');
    c.send({ type: 'ping', requestId: 'p' });
    await c.waitForMessage((m) => m.type === 'pong', 2000, 'pong');
    expect(c.ofType('error').map((m) => m.code)).toEqual(['HG_ERR_WS_BAD_MESSAGE', 'HG_ERR_WS_BAD_MESSAGE']);
    expect(hub.stats.badMessages).toBe(2);
    await c.close();
  });

  it('sends the latest values of subscribed points, then live values of those only', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token });
    c.send({ type: 'subscribe', points: ['GT-101', 'NOPE'], requestId: 'r' });
    const values = await c.waitForMessage((m) => m.type === 'values', 2000, 'values');
    expect(values).toMatchObject({ samples: [{ pointId: 'GT-101', value: 30 }], unknown: ['NOPE'], requestId: 'r' });
    hub.publishSample({ ...sample, pointId: 'OTHER', value: 1 });
    hub.publishSample({ ...sample, value: 31 });
    await c.waitForMessage((m) => m.type === 'value', 2000, 'value');
    expect(c.ofType('value')).toEqual([expect.objectContaining({ pointId: 'GT-101', value: 31 })]);
    await c.close();
  });
});

describe('history formats', () => {
  it('returns parallel arrays with format=columns', async () => {
    const res = await inject('/api/points/GT-101/history?from=1&to=2&format=columns');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({
      pointId: 'GT-101', from: 1, to: 2, count: 3, ts: [NOW, NOW + 1, NOW + 2], value: [30, 31.5, 2],
      quality: { 1: 'uncertain', 2: 'bad' }, reasons: { 1: 'over-range', 2: 'signal-fault-low' },
    });
    expect((await inject('/api/points/GT-101/history?format=csv')).statusCode).toBe(400);
  });
});

describe('columnsJson', () => {
  it('writes booleans as true/false and non-finite numbers as null', async () => {
    const { columnsJson } = await import('../../src/server/routes-points.js');
    const base = { pointId: 'V', length: 2, ts: Float64Array.from([1, 2]), quality: Uint8Array.from([0, 0]), reason: [null, null] };
    expect(JSON.parse(columnsJson({ ...base, valueType: 'boolean', value: Float64Array.from([1, 0]) }, 0, 3)).value).toEqual([true, false]);
    expect(JSON.parse(columnsJson({ ...base, valueType: 'number', value: Float64Array.from([1.5, Number.NaN]) }, 0, 3)).value).toEqual([1.5, null]);
  });
});
