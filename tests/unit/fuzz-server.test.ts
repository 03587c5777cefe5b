import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPERATOR_ACTIONS, type OperatorAction } from '../../src/core/index.js';
import { actionFields, operatorRequest, shelveDurationSchema, shelveKindSchema } from '../../src/server/alarm-request.js';
import { parseCentreClientMessage } from '../../src/server/centre-ws-protocol.js';
import { parseRequest } from '../../src/server/parse.js';
import { parseClientMessage } from '../../src/server/ws-protocol.js';
import { anyText, codedOrValue, expectCoded, fuzzParams, payloadBytes, timed } from './fuzz-fixtures.js';

/**
 * What operators' browsers send under fuzz (issue #11 item 6): WebSocket messages to the gateway
 * and the centre, REST request bodies and queries (parseRequest), and operator actions
 * (operatorRequest). Every refusal is coded (HG_ERR_WS_BAD_MESSAGE, HG_ERR_API_BAD_REQUEST) and short.
 */

const WS_SAMPLES: readonly unknown[] = [
  { type: 'subscribe', points: ['GT-101', 'TK101.LT'], requestId: 1 },
  { type: 'unsubscribe', points: ['GT-101'] },
  { type: 'ack', conditionId: 'gas-hh/GT-101', eventId: 'ev-7', comment: 'seen', user: 'op1', requestId: 'r1' },
  { type: 'action', action: 'shelve', conditionId: 'gas-hh/GT-101', shelve: { kind: 'timed', duration: '2h' }, user: 'op1', requestId: 2 },
  { type: 'action', action: 'out-of-service', conditionId: 'c', comment: 'maintenance' },
  { type: 'snapshot', requestId: 3 },
  { type: 'ping' },
];

/** The body schema of POST /api/alarms/{conditionId}/{action} (src/server/routes-alarms.ts). */
const actionBody = z.object({ ...actionFields, kind: shelveKindSchema.optional(), duration: shelveDurationSchema }).strict();
const ACTION_BODIES: readonly unknown[] = [{ eventId: 'ev-1', user: 'op1' }, { kind: 'timed', duration: '30m', comment: 'c' }, { kind: 'one-shot' }, {}];

describe('fuzz: WebSocket messages', () => {
  it('parseClientMessage and parseCentreClientMessage give a message or a coded, short refusal', () => {
    fc.assert(
      fc.property(payloadBytes(WS_SAMPLES), (bytes) => {
        const text = bytes.toString('utf8');
        for (const parse of [parseClientMessage, parseCentreClientMessage]) {
          const out = timed('parse WebSocket message', () => parse(text));
          if (out instanceof Error) expectCoded(out);
        }
      }),
      fuzzParams(0x77736d73),
    );
  });

  it.each([
    ['a megabyte unknown key', JSON.stringify({ type: 'ping', ['k'.repeat(1 << 20)]: 1 })],
    ['20,000 unknown keys', JSON.stringify({ type: 'ping', ...Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, i])) })],
    ['a megabyte shelve duration', JSON.stringify({ type: 'action', action: 'shelve', conditionId: 'c', shelve: { kind: 'timed', duration: 'd'.repeat(1 << 20) } })],
    ['a megabyte type', JSON.stringify({ type: 't'.repeat(1 << 20) })],
    ['a message nested 100,000 deep', `{"type":"subscribe","points":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['a megabyte requestId', JSON.stringify({ type: 'nope', requestId: 'r'.repeat(1 << 20) })],
  ])('%s', (_name, text) => {
    for (const parse of [parseClientMessage, parseCentreClientMessage]) {
      const out = timed('parse WebSocket message', () => parse(text));
      if (out instanceof Error) expectCoded(out);
    }
  });
});

describe('fuzz: REST requests and operator actions', () => {
  it('parseRequest refuses any body coded and short; operatorRequest takes what it accepts', () => {
    fc.assert(
      fc.property(payloadBytes(ACTION_BODIES), fc.constantFrom<OperatorAction>(...OPERATOR_ACTIONS), anyText, (bytes, action, conditionId) => {
        let body: unknown;
        try {
          body = JSON.parse(bytes.toString('utf8'));
        } catch {
          body = bytes.toString('utf8');
        }
        const parsed = codedOrValue('parseRequest', () => parseRequest(actionBody, body, `${action} body`));
        if (!parsed.ok) return;
        const { kind, duration, ...rest } = parsed.value;
        codedOrValue('operatorRequest', () => operatorRequest(action, conditionId, { ...rest, kind, durationMs: duration }, 'fuzz.operator'));
      }),
      fuzzParams(0x72657374),
    );
  });

  it('parseRequest reads any query string values', () => {
    const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(200), conditionId: z.string().optional(), since: z.coerce.number().int().optional() }).strict();
    const query = fc.dictionary(fc.oneof(fc.constantFrom('limit', 'conditionId', 'since'), anyText), fc.oneof(anyText, fc.array(anyText, { maxLength: 3 })), { maxKeys: 6 });
    fc.assert(fc.property(query, (q) => void codedOrValue('parseRequest', () => parseRequest(historyQuery, q, 'query'))), fuzzParams(0x71756572));
  });

  it.each([
    ['20,000 unknown keys', Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, i]))],
    ['a megabyte key', { ['k'.repeat(1 << 20)]: 1 }],
    ['a megabyte duration', { kind: 'timed', duration: 'd'.repeat(1 << 20) }],
  ])('an action body with %s', (_name, body) => {
    const out = codedOrValue('parseRequest', () => parseRequest(actionBody, body, 'shelve body'));
    expect(out.ok).toBe(false);
  });
});
