import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { OPERATOR_ACTIONS, type AlarmHealthService, type AlarmJournal, type AlarmService, type AlarmTransition, type OperatorAction } from '../core/index.js';
import { principalOf } from './access.js';
import { actionFields, operatorRequest, shelveDurationSchema, shelveKindSchema } from './alarm-request.js';
import { noQuery, parseRequest } from './parse.js';
import type { SiteScope } from './site-scope.js';

/**
 * Journal records a user limited to some areas has read, newest first, to find `limit` of theirs:
 * the journal is not indexed by area, so its newest records are read and filtered.
 */
const SCOPED_HISTORY_SCAN = 10_000;

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

/** `{conditionId}/{action}`: conditionIds are at most 512 characters (the WebSocket's limit too). */
const actionPath = z.string().min(3).max(600);

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
  readonly scope: SiteScope;
  readonly now: () => number;
}

export function registerAlarmRoutes(app: FastifyInstance, deps: AlarmRoutesDeps): void {
  const { scope } = deps;
  /** A user who sees what is site-wide sees everything of the site: nothing to filter. */
  const visible = (p: ReturnType<typeof principalOf>) => (scope.sees(p, scope.siteWide) ? () => true : (t: AlarmTransition) => scope.sees(p, scope.ofTransition(t)));

  app.get('/api/alarms', async (req) => {
    const q = parseRequest(listQuery, req.query, 'query');
    const mine = visible(principalOf(req));
    const alarms = deps.alarms.retained().filter((t) => LIST_FILTERS[q.state](t) && mine(t));
    return { count: alarms.length, alarms };
  });

  app.get('/api/alarms/history', async (req) => {
    const q = parseRequest(historyQuery, req.query, 'query');
    const p = principalOf(req);
    const everything = scope.sees(p, scope.siteWide);
    const mine = visible(p);
    const transitions = deps.journal
      .recent({
        limit: everything ? q.limit : Math.max(q.limit, SCOPED_HISTORY_SCAN),
        ...(q.conditionId === undefined ? {} : { conditionId: q.conditionId }),
        ...(q.pointId === undefined ? {} : { pointId: q.pointId }),
        ...(q.since === undefined ? {} : { since: q.since }),
      })
      .filter(mine)
      .slice(0, q.limit);
    return { count: transitions.length, transitions };
  });

  /** Alarm-system health (EEMUA 191): per position, bad actors, chattering, standing; default the last 24 h. Site-wide figures. */
  app.get('/api/alarms/kpis', async (req) => {
    scope.auth.authorize(principalOf(req), 'read', scope.siteWide);
    const q = parseRequest(kpiQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 86_400_000;
    return { ...deps.health.kpis(from, to), floodNow: deps.health.floods() };
  });

  // conditionIds contain '/', so the route takes the rest of the path (fastify has decoded it
  // already) and splits the action off its last segment.
  // The permission depends on the action (ACTION_PERMISSION): checked here, with the condition's scope.
  app.post<{ Params: { '*': string } }>('/api/alarms/*', { config: { access: 'authenticated' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const rest = parseRequest(actionPath, req.params['*'], 'path');
    const slash = rest.lastIndexOf('/');
    const action = ROUTE_ACTIONS.get(rest.slice(slash + 1));
    if (action === undefined || slash < 1) return reply.callNotFound();
    const conditionId = rest.slice(0, slash);
    const p = principalOf(req);
    scope.authorizeAction(p, action, conditionId, deps.alarms);
    const body = parseRequest(actionBody, req.body ?? {}, `${action} body`);
    const { kind, duration, ...fields } = body;
    return deps.alarms.act(operatorRequest(action, conditionId, { ...fields, kind, durationMs: duration }, p.user));
  });
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const alarmRequestSchemas = { listQuery, historyQuery, kpiQuery, actionBody } as const;
