import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseRequest } from './parse.js';
import type { SiteScoped } from './centre-ws-hub.js';

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
  readonly now: () => number;
}

/** The centre's REST API: the gateway's, with a site dimension, read-only (operators act at the plant). */
export function registerCentreRoutes(app: FastifyInstance, deps: CentreRoutesDeps): void {
  app.get('/api/centre', async () => ({ centreId: deps.centreId, version: deps.version, serverTime: deps.now() }));

  app.get('/api/sites', async (req) => {
    const q = parseRequest(siteQuery, req.query, 'query');
    const sites = deps.read.sites(q.site);
    return { count: sites.length, sites };
  });

  app.get('/api/alarms', async (req) => {
    const q = parseRequest(siteQuery, req.query, 'query');
    const alarms = deps.read.alarms(q.site);
    return { count: alarms.length, alarms };
  });

  app.get('/api/alarms/history', async (req) => {
    const q = parseRequest(historyQuery, req.query, 'query');
    const transitions = deps.read.history(q);
    return { count: transitions.length, transitions };
  });

  app.get('/api/points/values', async (req) => {
    const q = parseRequest(valuesQuery, req.query, 'query');
    const values = deps.read.values(q.site, q.pointId);
    return { count: values.length, values };
  });
}
