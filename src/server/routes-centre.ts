import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf } from './access.js';
import type { CentreScope } from './centre-scope.js';
import { noQuery, parseRequest } from './parse.js';
import type { SiteScoped } from './centre-ws-hub.js';

/** Journal records a user of some sites has read, newest first, to find `limit` of theirs (the store's history is not by user). */
const SCOPED_HISTORY_SCAN = 10_000;

/** What the centre's read-only API shows; app wires the centre store (and the config's site names) to it. */
export interface CentreReadModel {
  /** Every site (or one) with its feed and chain summary, last status and alarm counts. */
  sites(site?: string): readonly SiteScoped[];
  /** Current alarms, most urgent first, each with its site. */
  alarms(site?: string): readonly SiteScoped[];
  /** Journal records, newest first. */
  history(q: { site?: string | undefined; limit: number; conditionId?: string | undefined; since?: number | undefined }): readonly SiteScoped[];
  /** Latest point values from the sites' snapshots. */
  values(site?: string, pointId?: string): readonly SiteScoped[];
}

const siteId = z.string().min(1).max(64);

const siteQuery = z.object({ site: siteId.optional() }).strict();

const historyQuery = z
  .object({
    site: siteId.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
    conditionId: z.string().min(1).optional(),
    since: z.coerce.number().int().optional(),
  })
  .strict();

const valuesQuery = z.object({ site: siteId.optional(), pointId: z.string().min(1).optional() }).strict();

export interface CentreRoutesDeps {
  readonly centreId: string;
  readonly version: string;
  readonly read: CentreReadModel;
  readonly scope: CentreScope;
  readonly now: () => number;
}

/**
 * The centre's REST API: the gateway's, with a site dimension, read-only (operators act at the
 * plant). Every list holds only the sites of the principal's scopes; `?site=` of another site
 * answers as for a site the centre does not know (an empty list).
 */
export function registerCentreRoutes(app: FastifyInstance, deps: CentreRoutesDeps): void {
  const { scope } = deps;
  const mine = (req: FastifyRequest) => scope.filter<SiteScoped>(principalOf(req));

  app.get('/api/centre', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    return { centreId: deps.centreId, version: deps.version, serverTime: deps.now() };
  });

  app.get('/api/sites', async (req) => {
    const q = parseRequest(siteQuery, req.query, 'query');
    const sites = deps.read.sites(q.site).filter(mine(req));
    return { count: sites.length, sites };
  });

  app.get('/api/alarms', async (req) => {
    const q = parseRequest(siteQuery, req.query, 'query');
    const alarms = deps.read.alarms(q.site).filter(mine(req));
    return { count: alarms.length, alarms };
  });

  app.get('/api/alarms/history', async (req) => {
    const q = parseRequest(historyQuery, req.query, 'query');
    const p = principalOf(req);
    const narrowed = scope.seesAll(p) || (q.site !== undefined && scope.sees(p, q.site));
    const transitions = deps.read
      .history({ ...q, limit: narrowed ? q.limit : Math.max(q.limit, SCOPED_HISTORY_SCAN) })
      .filter(mine(req))
      .slice(0, q.limit);
    return { count: transitions.length, transitions };
  });

  app.get('/api/points/values', async (req) => {
    const q = parseRequest(valuesQuery, req.query, 'query');
    const values = deps.read.values(q.site, q.pointId).filter(mine(req));
    return { count: values.length, values };
  });
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const centreRequestSchemas = { siteQuery, historyQuery, valuesQuery } as const;
