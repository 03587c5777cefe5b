import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HazgateError, silentLogger, type AlarmService, type AlarmTransition, type ErrorCode, type OperatorRequest } from '../../src/core/index.js';
import { createHttpServer, SiteScope, WsHub } from '../../src/server/index.js';
import { TestAuth } from '../support/auth.js';
import { RecordingWsClient } from '../support/ws-client.js';

/** Operator actions at the server edge: routes, edge validation, refusal statuses, WS `action`, list filters. */
const NOW = Date.UTC(2026, 10, 28, 12);
const ID = 'gas/GT-101';

function transition(over: Partial<AlarmTransition> = {}): AlarmTransition {
  return {
    eventId: 'e1', conditionId: ID, ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-101',
    from: 'normal', state: 'active-unacked', reason: 'activate', active: true, activeSince: NOW, acked: false, ackedAt: null, confirmed: true, latched: false,
    shelved: null, suppressed: null, outOfService: null, annunciated: true, level: 'AL1', priority: 2, severity: 800, colour: 'orange',
    value: 30, time: NOW, rts: NOW, message: 'GT-101 AL1 30 %LEL', ...over,
  };
}

/** Records every request; refuses with `refusal` when set, as the manager would for a state that does not allow the action. */
class RecordingAlarms implements AlarmService {
  list: AlarmTransition[] = [transition()];
  requests: OperatorRequest[] = [];
  refusal: ErrorCode | undefined;
  retained(): AlarmTransition[] {
    return this.list;
  }
  get(id: string): AlarmTransition | undefined {
    return this.list.find((t) => t.conditionId === id);
  }
  act(request: OperatorRequest): AlarmTransition {
    if (this.get(request.conditionId) === undefined) throw new HazgateError('HG_ERR_ALARM_UNKNOWN_CONDITION', `no condition ${request.conditionId}`);
    if (this.refusal !== undefined) throw new HazgateError(this.refusal, `refused ${request.action}`);
    this.requests.push(request);
    return transition({ eventId: `e${this.requests.length + 1}`, reason: request.action, user: request.user });
  }
}

let alarms: RecordingAlarms;
let hub: WsHub;
let app: FastifyInstance;
let wsUrl: string;
let dir: string;
let auth: TestAuth;
/** Tokens of the engineer `li` (REST) and the operator `wang` (WebSocket). */
let li: string;
let wang: string;

/** app.inject as `li`. */
function inject(opts: string | InjectOptions) {
  const o = typeof opts === 'string' ? { url: opts } : opts;
  return app.inject({ ...o, headers: { ...o.headers, authorization: `Bearer ${li}` } });
}

beforeEach(async () => {
  alarms = new RecordingAlarms();
  dir = mkdtempSync(join(tmpdir(), 'hg-server-actions-'));
  auth = TestAuth.open(dir);
  li = auth.token('li', 'engineer');
  wang = auth.token('wang', 'operator');
  const points = { list: () => [], get: () => undefined, latest: () => undefined };
  const scope = new SiteScope('s', points, auth.service);
  hub = new WsHub({ siteId: 's', version: 't', alarms, points, logger: silentLogger, now: () => NOW, maxBufferedBytes: 1 << 20, maxMessageBytes: 4096, scope });
  app = createHttpServer({
    http: auth.http,
    scope,
    bypasses: { list: () => [], register: () => { throw new Error('unused'); }, end: () => { throw new Error('unused'); }, inServiceRates: () => [] },
    siteId: 's', version: 't', alarms, points, hub, metrics: new Registry(), components: () => ({}), now: () => NOW, logger: silentLogger,
    journal: { append: () => undefined, loadRetained: () => [], recent: () => [], close: () => undefined },
    health: { kpis: () => { throw new Error('unused'); }, floods: () => [] },
    history: { query: async () => [], queryColumns: async () => { throw new Error('unused'); } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  wsUrl = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
});

afterEach(async () => {
  await hub.close();
  await app.close();
  auth.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (segment: string, payload: object = {}, id = ID) => inject({ method: 'POST', url: `/api/alarms/${id}/${segment}`, payload });

describe('POST /api/alarms/{conditionId}/{action}', () => {
  it('maps every action segment to its operator action, ack being acknowledge', async () => {
    const cases: Array<[string, object, Partial<OperatorRequest>]> = [
      ['ack', { eventId: 'e1' }, { action: 'acknowledge', eventId: 'e1' }],
      ['acknowledge', { eventId: 'e1', comment: 'seen', user: 'li' }, { action: 'acknowledge', eventId: 'e1', comment: 'seen', user: 'li' }],
      ['confirm', { eventId: 'e1' }, { action: 'confirm', eventId: 'e1' }],
      ['comment', { comment: 'valve checked' }, { action: 'comment', comment: 'valve checked' }],
      ['shelve', { kind: 'one-shot' }, { action: 'shelve', shelve: { kind: 'one-shot' } }],
      ['shelve', { kind: 'timed', duration: '2h' }, { action: 'shelve', shelve: { kind: 'timed', durationMs: 7_200_000 } }],
      ['shelve', { kind: 'timed', duration: 90_000 }, { action: 'shelve', shelve: { kind: 'timed', durationMs: 90_000 } }],
      ['unshelve', {}, { action: 'unshelve' }],
      ['out-of-service', { comment: 'detector recalibration' }, { action: 'out-of-service', comment: 'detector recalibration' }],
      ['in-service', {}, { action: 'in-service' }],
      ['reset', { eventId: 'e1' }, { action: 'reset', eventId: 'e1' }],
    ];
    for (const [segment, body, expected] of cases) {
      const res = await post(segment, body);
      expect(res.statusCode, segment).toBe(200);
      expect(res.json(), segment).toMatchObject({ reason: expected.action, conditionId: ID });
      expect(alarms.requests.at(-1), segment).toEqual({ conditionId: ID, user: 'li', ...expected });
    }
    expect(alarms.requests).toHaveLength(cases.length);
  });

  it('sends an unknown action segment, or a path without a condition, to the not-found handler', async () => {
    for (const url of [`/api/alarms/${ID}/silence`, `/api/alarms/${ID}/constructor`, '/api/alarms/ack', '/api/alarms//ack']) {
      const res = await inject({ method: 'POST', url, payload: {} });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('HG_ERR_API_NOT_FOUND');
    }
    expect(alarms.requests).toEqual([]);
  });

  it('takes the conditionId as fastify decoded it, slashes included', async () => {
    expect((await inject({ method: 'POST', url: '/api/alarms/gas%2FGT-101/unshelve' })).statusCode).toBe(200);
    expect(alarms.requests[0]?.conditionId).toBe(ID);
  });

  it('refuses what no state could allow with 400 and a message naming what is missing', async () => {
    const cases: Array<[string, object, RegExp]> = [
      ['ack', { comment: 'x' }, /eventId is required/],
      ['confirm', {}, /eventId is required/],
      ['comment', { comment: '  ' }, /non-empty comment/],
      ['out-of-service', {}, /the reason/],
      ['shelve', {}, /kind is required/],
      ['shelve', { kind: 'timed' }, /timed shelve needs a positive duration/],
      ['shelve', { kind: 'timed', duration: 0 }, /timed shelve needs a positive duration/],
      ['shelve', { kind: 'one-shot', duration: '1h' }, /one-shot shelve takes no duration/],
      ['unshelve', { kind: 'one-shot' }, /kind and duration apply only to shelve/],
      ['acknowledge', { eventId: 'e1', duration: '1h' }, /kind and duration apply only to shelve/],
      ['shelve', { kind: 'timed', duration: 'soon' }, /duration: "soon" is not a duration/],
      ['shelve', { kind: 'forever' }, /kind/],
      ['reset', { operator: 'li' }, /operator/],
    ];
    for (const [segment, body, message] of cases) {
      const res = await post(segment, body);
      expect(res.statusCode, `${segment} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error, `${segment} ${JSON.stringify(body)}`).toMatchObject({ code: 'HG_ERR_API_BAD_REQUEST', message: expect.stringMatching(message) });
    }
    expect(alarms.requests).toEqual([]);
  });

  it('answers each refusal of the alarm manager with its status', async () => {
    const statuses: Array<[ErrorCode, number]> = [
      ['HG_ERR_ALARM_STALE_EVENT', 409], ['HG_ERR_ALARM_ALREADY_ACKED', 409], ['HG_ERR_ALARM_NOT_ACKED', 409],
      ['HG_ERR_ALARM_ALREADY_CONFIRMED', 409], ['HG_ERR_ALARM_NOT_LATCHED', 409], ['HG_ERR_ALARM_STILL_ACTIVE', 409],
      ['HG_ERR_ALARM_NOT_ACTIVE', 409], ['HG_ERR_ALARM_ALREADY_SHELVED', 409], ['HG_ERR_ALARM_NOT_SHELVED', 409],
      ['HG_ERR_ALARM_OUT_OF_SERVICE', 409], ['HG_ERR_ALARM_ALREADY_OUT_OF_SERVICE', 409], ['HG_ERR_ALARM_IN_SERVICE', 409],
      ['HG_ERR_ALARM_NOT_SHELVABLE', 403], ['HG_ERR_ALARM_SHELVE_TOO_LONG', 400], ['HG_ERR_JOURNAL_WRITE', 503],
    ];
    for (const [code, status] of statuses) {
      alarms.refusal = code;
      const res = await post('shelve', { kind: 'timed', duration: '9h' });
      expect(res.statusCode, code).toBe(status);
      expect(res.json(), code).toEqual({ error: { code, message: 'refused shelve' } });
    }
    const unknown = await post('reset', {}, 'gas/NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('HG_ERR_ALARM_UNKNOWN_CONDITION');
  });
});

describe('GET /api/alarms?state=', () => {
  it('lists retained, active, annunciated or hidden conditions', async () => {
    alarms.list = [
      transition({ conditionId: 'a/shown' }),
      transition({ conditionId: 'b/returned', state: 'returned-unacked', active: false }),
      transition({ conditionId: 'c/shelved', state: 'shelved', annunciated: false, shelved: { kind: 'timed', user: 'li', since: NOW, until: NOW + 3_600_000 } }),
      transition({ conditionId: 'd/oos', state: 'out-of-service', active: false, annunciated: false, outOfService: { user: 'li', since: NOW, reason: 'recalibration' } }),
    ];
    const ids = async (query: string) => {
      const body = (await inject(`/api/alarms${query}`)).json();
      expect(body.count).toBe(body.alarms.length);
      return body.alarms.map((t: AlarmTransition) => t.conditionId);
    };
    expect(await ids('')).toEqual(['a/shown', 'b/returned', 'c/shelved', 'd/oos']);
    expect(await ids('?state=retained')).toEqual(['a/shown', 'b/returned', 'c/shelved', 'd/oos']);
    expect(await ids('?state=active')).toEqual(['a/shown', 'c/shelved']);
    expect(await ids('?state=annunciated')).toEqual(['a/shown', 'b/returned']);
    expect(await ids('?state=hidden')).toEqual(['c/shelved', 'd/oos']);
    expect((await inject('/api/alarms?state=shelved')).statusCode).toBe(400);
  });
});

describe('WebSocket action message', () => {
  it('carries out an action and answers action-result with the action and transition', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token: wang });
    c.send({ type: 'action', action: 'shelve', conditionId: ID, shelve: { kind: 'timed', duration: '30m' }, comment: 'sensor swap', user: 'wang', requestId: 'r1' });
    const result = await c.waitForMessage((m) => m.type === 'action-result', 2000, 'action-result');
    expect(result).toMatchObject({ ok: true, action: 'shelve', requestId: 'r1', transition: { reason: 'shelve', user: 'wang' } });
    expect(alarms.requests).toEqual([{ action: 'shelve', conditionId: ID, user: 'wang', comment: 'sensor swap', shelve: { kind: 'timed', durationMs: 1_800_000 } }]);
    await c.close();
  });

  it('answers bad requests and refusals with error and the requestId, and keeps the old ack', async () => {
    const c = await RecordingWsClient.connect(wsUrl, { token: wang });
    c.send({ type: 'action', action: 'acknowledge', conditionId: ID, requestId: 1 });
    c.send({ type: 'action', action: 'shelve', conditionId: ID, shelve: { kind: 'timed' }, requestId: 2 });
    c.send({ type: 'action', action: 'silence', conditionId: ID, requestId: 3 });
    c.send({ type: 'action', action: 'reset', conditionId: 'gas/NOPE', requestId: 4 });
    c.send({ type: 'ack', conditionId: ID, eventId: 'e1', requestId: 5 });
    await c.waitForMessage((m) => m.type === 'ack-result', 2000, 'ack-result');
    const errors = c.ofType('error');
    expect(errors.map((m) => [m.requestId, m.code])).toEqual([
      [1, 'HG_ERR_API_BAD_REQUEST'],
      [2, 'HG_ERR_API_BAD_REQUEST'],
      [3, 'HG_ERR_WS_BAD_MESSAGE'],
      [4, 'HG_ERR_ALARM_UNKNOWN_CONDITION'],
    ]);
    expect(errors[0]?.message).toMatch(/eventId is required/);
    expect(errors[1]?.message).toMatch(/positive duration/);
    expect(hub.stats.badMessages).toBe(1);
    expect(c.ofType('ack-result')[0]).toMatchObject({ requestId: 5, transition: { reason: 'acknowledge' } });
    expect(alarms.requests).toEqual([{ action: 'acknowledge', conditionId: ID, eventId: 'e1', user: 'wang' }]);
    await c.close();
  });
});
