import { z } from 'zod';
import { excerpt } from '../core/excerpt.js';
import { HazgateError } from '../core/index.js';

/**
 * The centre's WebSocket (`/ws?site=X`): read-only. A client may ask for a fresh snapshot or ping;
 * operator actions are refused (operators act at the plant, on the gateway's own console).
 */
const requestId = z.union([z.string().max(128), z.number()]).optional();

export const centreClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), requestId }).strict(),
  z.object({ type: z.literal('ping'), requestId }).strict(),
]);

export type CentreClientMessage = z.output<typeof centreClientMessageSchema>;

/** What the gateway's console sends and the centre refuses on purpose. */
const PLANT_ACTIONS: ReadonlySet<string> = new Set(['ack', 'action', 'subscribe', 'unsubscribe']);

export function parseCentreClientMessage(text: string): CentreClientMessage | HazgateError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new HazgateError('HG_ERR_WS_BAD_MESSAGE', 'a WebSocket message must be a JSON object with a type');
  }
  const parsed = centreClientMessageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const id = requestId.safeParse(fields['requestId']);
  const details = id.success && id.data !== undefined ? { requestId: id.data } : {};
  if (typeof fields['type'] === 'string' && PLANT_ACTIONS.has(fields['type'])) {
    return new HazgateError('HG_ERR_WS_BAD_MESSAGE', `the centre is read-only: "${fields['type']}" is done at the plant, on the gateway`, details);
  }
  const first = parsed.error.issues[0];
  // zod names every unknown key in its message, and a message may hold thousands, a megabyte long.
  const where = first && first.path.length > 0 ? `${excerpt(first.path.join('.'))}: ` : '';
  return new HazgateError('HG_ERR_WS_BAD_MESSAGE', `bad WebSocket message: ${where}${excerpt(first?.message ?? 'invalid', 200)} (the centre takes snapshot and ping)`, details);
}

/** Server → client messages, serialised once per broadcast. Every alarm and transition carries its `site`. */
export const centreWsMessage = {
  hello: (centreId: string, serverTime: number, version: string, site: string | null) => JSON.stringify({ type: 'hello', centreId, serverTime, version, site }),
  snapshotBegin: (count: number) => JSON.stringify({ type: 'snapshot-begin', count }),
  condition: (alarm: object) => JSON.stringify({ type: 'condition', ...alarm }),
  snapshotEnd: (count: number) => JSON.stringify({ type: 'snapshot-end', count }),
  transition: (entry: object) => JSON.stringify({ type: 'transition', ...entry }),
  site: (summary: object, time: number) => JSON.stringify({ type: 'site', ...summary, time }),
  behind: () =>
    JSON.stringify({ type: 'behind', code: 'HG_ERR_WS_SLOW_CLIENT', message: 'you fell behind: live messages are paused; resync and a fresh snapshot follow once you catch up' }),
  resync: (skipped: number) => JSON.stringify({ type: 'resync', skipped }),
  pong: (requestId: unknown) => JSON.stringify({ type: 'pong', requestId }),
  error: (code: string, message: string, requestId: unknown) => JSON.stringify({ type: 'error', code, message, requestId }),
};
