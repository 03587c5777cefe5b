import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BypassService } from '../core/index.js';
import { parseRequest } from './parse.js';

/** Epoch ms or an ISO 8601 time. */
const timeSchema = z.union([z.number().int(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

const registerBody = z
  .object({
    interlock: z.string().min(1).max(128),
    who: z.string().min(1).max(128),
    approver: z.string().min(1).max(128),
    reason: z.string().trim().min(1, 'a bypass needs a reason').max(2000),
    start: timeSchema.optional(),
    plannedEnd: timeSchema,
  })
  .strict();

const endBody = z.object({ user: z.string().min(1).max(128), comment: z.string().max(2000).optional() }).strict();

const listQuery = z.object({ active: z.enum(['true', 'false']).default('false') }).strict();

const rateQuery = z
  .object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export interface BypassRoutesDeps {
  readonly bypasses: BypassService;
  readonly now: () => number;
}

/** The interlock bypass register (联锁摘除登记) and interlock in-service rates (联锁投用率). */
export function registerBypassRoutes(app: FastifyInstance, deps: BypassRoutesDeps): void {
  app.get('/api/bypasses', async (req) => {
    const q = parseRequest(listQuery, req.query, 'query');
    const bypasses = deps.bypasses.list(q.active === 'true');
    return { count: bypasses.length, bypasses };
  });

  app.post('/api/bypasses', async (req, reply) => {
    const body = parseRequest(registerBody, req.body ?? {}, 'bypass');
    return reply.status(201).send(deps.bypasses.register(body));
  });

  app.post<{ Params: { id: string } }>('/api/bypasses/:id/end', async (req) => {
    const body = parseRequest(endBody, req.body ?? {}, 'end of bypass');
    return deps.bypasses.end(req.params.id, body.user, body.comment);
  });

  /** Per unit and CST day; default the last 7 days. */
  app.get('/api/interlocks/in-service', async (req) => {
    const q = parseRequest(rateQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 7 * 86_400_000;
    return { from, to, rates: deps.bypasses.inServiceRates(from, to) };
  });
}
