import { z } from 'zod';
import { excerpt } from '../core/excerpt.js';
import { HazgateError, type AlarmTransition, type OperatorAction, type Sample, type ZoneHeadcount } from '../core/index.js';
import { actionFields, operatorActionSchema, shelveDurationSchema, shelveKindSchema } from './alarm-request.js';

/** Messages a WebSocket client may send. Every message is a JSON object with a `type`. */
const requestId = z.union([z.string().max(128), z.number()]).optional();
const pointList = z.array(z.string().max(128)).min(1).max(10_000);
const conditionId = z.string().min(1).max(512);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), points: pointList, requestId }).strict(),
  z.object({ type: z.literal('unsubscribe'), points: pointList, requestId }).strict(),
  // The first release's acknowledgement; `action` with `action: 'acknowledge'` does the same.
  z.object({ type: z.literal('ack'), conditionId, ...actionFields, eventId: z.string().min(1).max(128), requestId }).strict(),
  // What each action needs (eventId, comment, shelve) is checked by operatorRequest, as for REST.
  z
    .object({
      type: z.literal('action'),
      action: operatorActionSchema,
      conditionId,
      ...actionFields,
      shelve: z.object({ kind: shelveKindSchema, duration: shelveDurationSchema }).strict().optional(),
      requestId,
    })
    .strict(),
  z.object({ type: z.literal('snapshot'), requestId }).strict(),
  z.object({ type: z.literal('ping'), requestId }).strict(),
]);

export type ClientMessage = z.output<typeof clientMessageSchema>;

/** A malformed message's error carries its requestId in `details` when one can be read, so the client can match the answer. */
export function parseClientMessage(text: string): ClientMessage | HazgateError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new HazgateError('HG_ERR_WS_BAD_MESSAGE', 'a WebSocket message must be a JSON object with a type');
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  // zod names every unknown key in its message, and a message may hold thousands, a megabyte long.
  const where = first && first.path.length > 0 ? `${excerpt(first.path.join('.'))}: ` : '';
  const id = typeof json === 'object' && json !== null ? requestId.safeParse((json as Record<string, unknown>)['requestId']) : undefined;
  const details = id?.success === true && id.data !== undefined ? { requestId: id.data } : {};
  return new HazgateError('HG_ERR_WS_BAD_MESSAGE', `bad WebSocket message: ${where}${excerpt(first?.message ?? 'invalid', 200)}`, details);
}

/** Server → client messages, serialised once per broadcast. */
export const wsMessage = {
  hello: (siteId: string, serverTime: number, version: string) => JSON.stringify({ type: 'hello', siteId, serverTime, version }),
  snapshotBegin: (count: number) => JSON.stringify({ type: 'snapshot-begin', count }),
  condition: (t: AlarmTransition) => JSON.stringify({ type: 'condition', ...t }),
  snapshotEnd: (count: number) => JSON.stringify({ type: 'snapshot-end', count }),
  transition: (t: AlarmTransition) => JSON.stringify({ type: 'transition', ...t }),
  value: (s: Sample) => JSON.stringify({ type: 'value', ...s }),
  values: (samples: Sample[], unknown: string[], requestId: unknown) =>
    JSON.stringify({ type: 'values', samples, unknown, requestId }),
  ackResult: (t: AlarmTransition, requestId: unknown) => JSON.stringify({ type: 'ack-result', ok: true, transition: t, requestId }),
  actionResult: (action: OperatorAction, t: AlarmTransition, requestId: unknown) =>
    JSON.stringify({ type: 'action-result', ok: true, action, transition: t, requestId }),
  error: (code: string, message: string, requestId: unknown) => JSON.stringify({ type: 'error', code, message, requestId }),
  behind: () =>
    JSON.stringify({ type: 'behind', code: 'HG_ERR_WS_SLOW_CLIENT', message: 'you fell behind: live messages are paused; resync and a fresh snapshot follow once you catch up' }),
  resync: (skipped: number) => JSON.stringify({ type: 'resync', skipped }),
  headcount: (h: ZoneHeadcount, time: number) => JSON.stringify({ type: 'headcount', ...h, time }),
  pong: (requestId: unknown) => JSON.stringify({ type: 'pong', requestId }),
  flood: (position: string, flood: boolean, count: number, time: number) => JSON.stringify({ type: 'flood', position, flood, count, time }),
};
