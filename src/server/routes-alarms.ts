import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { OPERATOR_ACTIONS, type AlarmHealthService, type AlarmJournal, type AlarmService, type AlarmTransition, type OperatorAction } from '../core/index.js';
import { actionFields, operatorRequest, shelveDurationSchema, shelveKindSchema } from './alarm-request.js';
import { parseRequest } from './parse.js';

/**
 * `annunciated` is what an operator's alarm list shows; `hidden` the shelf and maintenance list
 * (shelved, suppressed by design, out of service: still evaluated and journaled).
 */
const LIST_FILTERS = {
  retained: () => true,
  active: (t) => t.active,
  annunciated: (t) => t.annunciated,
  hidden: (t) => !t.annunciated,
} as const satisfies Record<string, (t: AlarmTransition) => boolean>;

const listQuery = z.object({ state: z.enum(['retained', 'active', 'annunciated', 'hidden']).default('retained') }).strict();

const historyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
    conditionId: z.string().optional(),
    pointId: z.string().optional(),
    since: z.coerce.number().int().optional(),
  })
  .strict();

/** Body of `POST /api/alarms/{conditionId}/{action}`; what each action needs is checked by operatorRequest. */
const actionBody = z.object({ ...actionFields, kind: shelveKindSchema.optional(), duration: shelveDurationSchema }).strict();

/** The last path segment of an action route; `ack` is the route of the first release. */
const ROUTE_ACTIONS: ReadonlyMap<string, OperatorAction> = new Map<string, OperatorAction>([
  ['ack', 'acknowledge'],
  ...OPERATOR_ACTIONS.map((a): [string, OperatorAction] => [a, a]),
]);

const kpiQuery = z
  .object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export interface AlarmRoutesDeps {
  readonly alarms: AlarmService;
  readonly journal: AlarmJournal;
  readonly health: AlarmHealthService;
  readonly now: () => number;
}

export function registerAlarmRoutes(app: FastifyInstance, deps: AlarmRoutesDeps): void {
  app.get('/api/alarms', async (req) => {
    const q = parseRequest(listQuery, req.query, 'query');
    const alarms = deps.alarms.retained().filter(LIST_FILTERS[q.state]);
    return { count: alarms.length, alarms };
  });

  app.get('/api/alarms/history', async (req) => {
    const q = parseRequest(historyQuery, req.query, 'query');
    const transitions = deps.journal.recent({
      limit: q.limit,
      ...(q.conditionId === undefined ? {} : { conditionId: q.conditionId }),
      ...(q.pointId === undefined ? {} : { pointId: q.pointId }),
      ...(q.since === undefined ? {} : { since: q.since }),
    });
    return { count: transitions.length, transitions };
  });

  /** Alarm-system health (EEMUA 191): per position, bad actors, chattering, standing; default the last 24 h. */
  app.get('/api/alarms/kpis', async (req) => {
    const q = parseRequest(kpiQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 86_400_000;
    return { ...deps.health.kpis(from, to), floodNow: deps.health.floods() };
  });

  // conditionIds contain '/', so the route takes the rest of the path (fastify has decoded it
  // already) and splits the action off its last segment.
  app.post<{ Params: { '*': string } }>('/api/alarms/*', async (req, reply) => {
    const rest = req.params['*'];
    const slash = rest.lastIndexOf('/');
    const action = ROUTE_ACTIONS.get(rest.slice(slash + 1));
    if (action === undefined || slash < 1) return reply.callNotFound();
    const conditionId = rest.slice(0, slash);
    const body = parseRequest(actionBody, req.body ?? {}, `${action} body`);
    const { kind, duration, ...fields } = body;
    return deps.alarms.act(operatorRequest(action, conditionId, { ...fields, kind, durationMs: duration }));
  });
}
