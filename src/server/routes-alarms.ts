import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlarmHealthService, AlarmJournal, AlarmService } from '../core/index.js';
import { parseRequest } from './parse.js';

const listQuery = z.object({ state: z.enum(['active', 'retained']).default('retained') }).strict();

const historyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
    conditionId: z.string().optional(),
    pointId: z.string().optional(),
    since: z.coerce.number().int().optional(),
  })
  .strict();

const ackBody = z
  .object({
    eventId: z.string().min(1).max(128),
    comment: z.string().max(2000).default(''),
    // Authentication arrives with the security issue; until then the caller names the operator.
    user: z.string().min(1).max(128).default('anonymous'),
  })
  .strict();

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
    const retained = deps.alarms.retained();
    const alarms = q.state === 'active' ? retained.filter((t) => t.active) : retained;
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

  // conditionIds contain '/', so the route takes the rest of the path and strips '/ack'.
  app.post<{ Params: { '*': string } }>('/api/alarms/*', async (req, reply) => {
    const rest = req.params['*'];
    if (!rest.endsWith('/ack')) return reply.callNotFound();
    const conditionId = decodeURIComponent(rest.slice(0, -'/ack'.length));
    const body = parseRequest(ackBody, req.body ?? {}, 'acknowledge body');
    return deps.alarms.acknowledge(conditionId, body.eventId, body.user, body.comment);
  });
}
