import { z } from 'zod';
import { OPERATOR_ACTIONS, ZONE_KINDS } from '../../src/core/index.js';
import { centreClientMessageSchema } from '../../src/server/centre-ws-protocol.js';
import { clientMessageSchema } from '../../src/server/ws-protocol.js';
import type { JsonSchema } from './config-reference.js';

/**
 * docs/api/asyncapi-ws.yaml (AsyncAPI 3.0): the gateway's `/ws` and the centre's `/ws?site=`.
 * Client → server payloads are the zod schemas the servers parse with; server → client payloads
 * are written here after AlarmTransition, Sample and the message builders of ws-protocol.ts and
 * centre-ws-protocol.ts. The provincial feed has its own: docs/uplink/asyncapi.yaml.
 */
const num = { type: 'number' };
const str = { type: 'string' };
const bool = { type: 'boolean' };
const epochMs = { type: 'number', description: 'epoch milliseconds' };
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });
const requestId = { anyOf: [str, num, { type: 'null' }], description: "the client's requestId, when it gave one" };
const obj = (properties: Record<string, unknown>, required: readonly string[] = Object.keys(properties), extra = false): JsonSchema => ({ type: 'object', properties, required, additionalProperties: extra });
const typed = (type: string, properties: Record<string, unknown>, required?: readonly string[], extra = false): JsonSchema =>
  obj({ type: { const: type }, ...properties }, ['type', ...(required ?? Object.keys(properties))], extra);

const ALARM_STATES = ['normal', 'active-unacked', 'active-acked', 'returned-unacked', 'latched', 'unconfirmed', 'shelved', 'suppressed', 'out-of-service'];

/** The fields of an alarm transition (README, HTTP API; src/core/alarm.ts). */
export const transitionFields: Record<string, unknown> = {
  eventId: str, conditionId: str, ruleId: str, ruleKind: str, siteId: str,
  pointId: { ...nullable(str), description: 'null for zone conditions, which carry zoneId' }, zoneId: str,
  from: { enum: ALARM_STATES }, state: { enum: ALARM_STATES },
  reason: { type: 'string', description: 'activate, escalate, deescalate, return; an operator action; re-alarm, shelve-expired, suppress, unsuppress' },
  active: bool, activeSince: nullable(epochMs), acked: bool, ackedAt: nullable(epochMs), confirmed: bool, latched: bool,
  shelved: nullable(obj({ kind: { enum: ['one-shot', 'timed'] }, user: str, since: epochMs, until: nullable(epochMs) }, ['kind'], true)),
  suppressed: nullable(obj({ by: { enum: ['condition', 'first-out'] }, reason: str }, ['by'], true)),
  outOfService: nullable(obj({ user: str, since: epochMs, reason: str }, ['user', 'since'], true)),
  annunciated: bool, level: nullable(str), priority: { type: 'integer', minimum: 1, maximum: 4 }, severity: num,
  colour: { enum: ['red', 'orange', 'yellow', 'blue'] }, value: { anyOf: [num, bool, { type: 'null' }] },
  time: { ...epochMs, description: 'the change at the source (for an acknowledgement: when it was made)' }, rts: { ...epochMs, description: 'when the gateway recorded it' },
  message: str, codes: { type: 'object', additionalProperties: str }, audiences: { type: 'array', items: str },
  people: { type: 'array', items: { type: 'object' }, description: 'the people in its zone (the evacuation list)' }, cameras: { type: 'array', items: str },
  user: str, comment: str,
};
const TRANSITION_REQUIRED = ['eventId', 'conditionId', 'ruleId', 'siteId', 'state', 'reason', 'active', 'acked', 'priority', 'colour', 'time', 'message'];
const transition = obj(transitionFields, TRANSITION_REQUIRED, true);

const sampleFields = {
  pointId: str, value: { anyOf: [num, bool] }, quality: obj({ level: { enum: ['good', 'uncertain', 'bad'] }, reason: str }, ['level']),
  ts: { ...epochMs, description: 'source time' }, rts: { ...epochMs, description: 'receive time' }, tsSource: { enum: ['device', 'server', 'gateway'] },
};

interface Message {
  readonly type: string;
  readonly summary: string;
  readonly payload: JsonSchema;
}

const behind: Message = { type: 'behind', summary: 'you fell behind: live messages to you are paused', payload: typed('behind', { code: { const: 'HG_ERR_WS_SLOW_CLIENT' }, message: str }) };
const resync: Message = { type: 'resync', summary: 'you caught up: a fresh snapshot (between markers) follows', payload: typed('resync', { skipped: num }) };
const pong: Message = { type: 'pong', summary: 'answer to ping', payload: typed('pong', { requestId }, []) };
const error: Message = { type: 'error', summary: 'a refused message or action (docs/errors.md)', payload: typed('error', { code: { type: 'string', pattern: '^HG_ERR_' }, message: str, requestId }, ['code', 'message']) };
const counted = (type: string, summary: string): Message => ({ type, summary, payload: typed(type, { count: { type: 'integer', minimum: 0 } }) });

export const gatewayServerMessages: readonly Message[] = [
  { type: 'hello', summary: 'first, on every connection', payload: typed('hello', { siteId: str, serverTime: epochMs, version: str }) },
  counted('snapshot-begin', 'the retained conditions follow'),
  { type: 'condition', summary: 'one per retained condition: its latest transition', payload: { ...transition, properties: { type: { const: 'condition' }, ...transitionFields }, required: ['type', ...TRANSITION_REQUIRED] } },
  counted('snapshot-end', 'after the last condition; everything after it is live'),
  { type: 'transition', summary: 'every alarm transition, live', payload: { ...transition, properties: { type: { const: 'transition' }, ...transitionFields }, required: ['type', ...TRANSITION_REQUIRED] } },
  { type: 'values', summary: 'answer to subscribe', payload: typed('values', { samples: { type: 'array', items: obj(sampleFields) }, unknown: { type: 'array', items: str }, requestId }, ['samples', 'unknown']) },
  { type: 'value', summary: 'a new sample of a subscribed point', payload: typed('value', sampleFields) },
  { type: 'ack-result', summary: 'answer to ack', payload: typed('ack-result', { ok: { const: true }, transition, requestId }, ['ok', 'transition']) },
  { type: 'action-result', summary: 'answer to action', payload: typed('action-result', { ok: { const: true }, action: { enum: [...OPERATOR_ACTIONS] }, transition, requestId }, ['ok', 'action', 'transition']) },
  pong,
  { type: 'headcount', summary: "a zone's headcount or its limit changed (personnel location)", payload: typed('headcount', { zoneId: str, name: nullable(str), kind: { enum: [...ZONE_KINDS] }, headcount: { type: 'integer', minimum: 0 }, limit: nullable({ type: 'integer' }), time: epochMs }) },
  behind,
  resync,
  error,
  { type: 'flood', summary: 'an operator position entered or left alarm flood', payload: typed('flood', { position: str, flood: bool, count: num, time: epochMs }) },
];

export const centreServerMessages: readonly Message[] = [
  { type: 'hello', summary: 'first, on every connection', payload: typed('hello', { centreId: str, serverTime: epochMs, version: str, site: { ...nullable(str), description: 'the ?site= filter' } }) },
  counted('snapshot-begin', 'the current alarms follow'),
  { type: 'condition', summary: 'an alarm as on GET /api/alarms, with its site', payload: typed('condition', { site: str }, ['site'], true) },
  counted('snapshot-end', 'everything after it is live'),
  { type: 'transition', summary: "a journal record that became its condition's current state", payload: typed('transition', { site: str, journalSeq: num }, ['site'], true) },
  { type: 'site', summary: "a site's gaps or chain verdict changed", payload: typed('site', { site: str, time: epochMs }, ['time'], true) },
  behind,
  resync,
  pong,
  error,
];

/** The client → server schemas, from the zod schemas the servers parse with. */
export function clientMessages(schema: typeof clientMessageSchema | typeof centreClientMessageSchema): Message[] {
  return schema.options.map((option) => {
    const { $schema: _dialect, ...payload } = z.toJSONSchema(option, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return { type: option.shape.type.value, summary: `${option.shape.type.value} (README, WebSocket)`, payload };
  });
}

function messagesOf(prefix: string, list: readonly Message[]): Record<string, unknown> {
  return Object.fromEntries(list.map((m) => [`${prefix}${m.type}`, { name: m.type, summary: m.summary, contentType: 'application/json', payload: m.payload }]));
}

const refs = (channel: string, prefix: string, list: readonly Message[]) => list.map((m) => ({ $ref: `#/channels/${channel}/messages/${prefix}${m.type}` }));

/** The AsyncAPI 3.0 document (as an object; gen-docs writes it as YAML). */
export function asyncApiDocument(version: string): JsonSchema {
  const gwIn = clientMessages(clientMessageSchema);
  const ceIn = clientMessages(centreClientMessageSchema);
  const security = [{ $ref: '#/components/securitySchemes/bearer' }, { $ref: '#/components/securitySchemes/session' }];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'hazgate WebSocket',
      version,
      description:
        'The live alarm and value streams of a hazgate gateway (`/ws`) and of a monitoring centre (`/ws?site=`). Every message is a JSON object with a `type`. The upgrade is authenticated like a REST request (never a token in the URL). Generated by `npm run docs` (tests/support/asyncapi-ws.ts); behaviour in README (WebSocket) and docs/centre.md. The provincial feed between gateways and centres is docs/uplink/asyncapi.yaml.',
    },
    servers: {
      gateway: { host: '127.0.0.1:8080', protocol: 'ws', description: 'a gateway (server.host, server.port; wss with server.tls)', security },
      centre: { host: '127.0.0.1:8090', protocol: 'ws', description: 'a monitoring centre', security },
    },
    channels: {
      gateway: {
        address: '/ws',
        servers: [{ $ref: '#/servers/gateway' }],
        description: '`?audience=fire-control-room` hears only the alarms for that audience.',
        messages: { ...messagesOf('', gatewayServerMessages), ...messagesOf('client-', gwIn) },
        bindings: { ws: { query: { type: 'object', properties: { audience: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } }, additionalProperties: false } } },
      },
      centre: {
        address: '/ws',
        servers: [{ $ref: '#/servers/centre' }],
        description: 'Read-only: operators act at the plant. `?site=` narrows to one site (403 at the upgrade for a site outside the user\'s).',
        messages: { ...messagesOf('centre-', centreServerMessages), ...messagesOf('centre-client-', ceIn) },
        bindings: { ws: { query: { type: 'object', properties: { site: { type: 'string' } }, additionalProperties: false } } },
      },
    },
    operations: {
      gatewaySends: { action: 'send', channel: { $ref: '#/channels/gateway' }, messages: refs('gateway', '', gatewayServerMessages) },
      gatewayReceives: { action: 'receive', channel: { $ref: '#/channels/gateway' }, messages: refs('gateway', 'client-', gwIn) },
      centreSends: { action: 'send', channel: { $ref: '#/channels/centre' }, messages: refs('centre', 'centre-', centreServerMessages) },
      centreReceives: { action: 'receive', channel: { $ref: '#/channels/centre' }, messages: refs('centre', 'centre-client-', ceIn) },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token or a JWT (docs/auth.md)' },
        session: { type: 'httpApiKey', in: 'cookie', name: 'hazgate_session', description: 'the console session; only from a page of this server (Origin)' },
      },
    },
  };
}
