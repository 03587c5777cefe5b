import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HazgateError, type BypassEntry, type BypassService } from '../core/index.js';
import type { AccessAudit } from './access-audit.js';
import { principalOf } from './access.js';
import { idParam, noQuery, parseRequest } from './parse.js';
import type { SiteScope } from './site-scope.js';

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

/** `user` is who is logged in; one given must be that user (clients of the first release sent it). */
const endBody = z.object({ user: z.string().min(1).max(128).optional(), comment: z.string().max(2000).optional() }).strict();

const endParams = z.object({ id: idParam }).strict();

const listQuery = z.object({ active: z.enum(['true', 'false']).default('false') }).strict();

const rateQuery = z
  .object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export interface BypassRoutesDeps {
  readonly bypasses: BypassService;
  readonly scope: SiteScope;
  readonly audit: AccessAudit;
  readonly now: () => number;
}

/**
 * The interlock bypass register (联锁摘除登记) and interlock in-service rates (联锁投用率).
 * Registering and ending need `bypass.write` on the interlock's area; who did it through the API is
 * audited (`who` and `approver` are the people named in the register, who need not be users).
 */
export function registerBypassRoutes(app: FastifyInstance, deps: BypassRoutesDeps): void {
  const { scope } = deps;
  const sees = (req: Parameters<typeof principalOf>[0], interlock: string): boolean => scope.sees(principalOf(req), scope.ofInterlock(interlock));

  app.get('/api/bypasses', async (req) => {
    const q = parseRequest(listQuery, req.query, 'query');
    const bypasses = deps.bypasses.list(q.active === 'true').filter((b) => sees(req, b.interlock));
    return { count: bypasses.length, bypasses };
  });

  app.post('/api/bypasses', { config: { access: 'bypass.write' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const body = parseRequest(registerBody, req.body ?? {}, 'bypass');
    if (!sees(req, body.interlock)) throw new HazgateError('HG_ERR_BYPASS_UNKNOWN_INTERLOCK', `no configured interlock "${body.interlock}"`, { interlock: body.interlock, outOfScope: true, permission: 'bypass.write' });
    const entry = deps.bypasses.register(body);
    const user = principalOf(req).user;
    deps.audit.bypass(user, req.ip, `${user} registered bypass ${entry.id} of interlock ${entry.interlock} (who ${entry.who}, approver ${entry.approver})`, { bypass: entry.id, interlock: entry.interlock, action: 'register' });
    return reply.status(201).send(entry);
  });

  app.post('/api/bypasses/:id/end', { config: { access: 'bypass.write' } }, async (req) => {
    parseRequest(noQuery, req.query, 'query');
    const { id } = parseRequest(endParams, req.params, 'path');
    const body = parseRequest(endBody, req.body ?? {}, 'end of bypass');
    const user = principalOf(req).user;
    const entry: BypassEntry | undefined = deps.bypasses.list(false).find((b) => b.id === id);
    if (entry === undefined || !sees(req, entry.interlock)) throw new HazgateError('HG_ERR_BYPASS_UNKNOWN', `no registered bypass "${id}"`, { id, ...(entry === undefined ? {} : { outOfScope: true, permission: 'bypass.write' }) });
    if (body.user !== undefined && body.user !== user) {
      throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `the end of bypass ${id} names user "${body.user}", but you are ${user}: leave user out, the register records who is logged in`, { user, permission: 'bypass.write' });
    }
    const ended = deps.bypasses.end(id, user, body.comment);
    deps.audit.bypass(user, req.ip, `${user} ended bypass ${id} of interlock ${ended.interlock}`, { bypass: id, interlock: ended.interlock, action: 'end' });
    return ended;
  });

  /** Per unit and CST day; default the last 7 days. Site-wide figures. */
  app.get('/api/interlocks/in-service', async (req) => {
    scope.auth.authorize(principalOf(req), 'read', scope.siteWide);
    const q = parseRequest(rateQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 7 * 86_400_000;
    return { from, to, rates: deps.bypasses.inServiceRates(from, to) };
  });
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const bypassRequestSchemas = { registerBody, endBody, endParams, listQuery, rateQuery } as const;
