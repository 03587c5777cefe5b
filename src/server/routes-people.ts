import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HazgateError, type PeopleService } from '../core/index.js';
import { principalOf } from './access.js';
import { idParam, noQuery, parseRequest } from './parse.js';
import type { SiteScope } from './site-scope.js';

const trackQuery = z
  .object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

const zoneParams = z.object({ id: idParam }).strict();
const tagParams = z.object({ tagId: idParam }).strict();

export interface PeopleRoutesDeps {
  /** Null when the site has no people section: the routes answer 404 saying so. */
  readonly people: PeopleService | null;
  readonly scope: SiteScope;
  readonly now: () => number;
}

/**
 * The service, for a principal who may see the whole site: zones have no area, and who is where
 * (names, tracks) is for those who see the site, not one unit of it.
 */
function serviceOf(deps: PeopleRoutesDeps, req: FastifyRequest): PeopleService {
  deps.scope.auth.authorize(principalOf(req), 'read', deps.scope.siteWide);
  if (deps.people === null) throw new HazgateError('HG_ERR_API_NOT_FOUND', 'this site has no people section (personnel location)');
  return deps.people;
}

/** Personnel location: headcount per zone, the people in a zone (the evacuation list), a tag's track. */
export function registerPeopleRoutes(app: FastifyInstance, deps: PeopleRoutesDeps): void {
  app.get('/api/people/zones', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    const zones = serviceOf(deps, req).headcounts(deps.now());
    return { count: zones.length, total: zones.reduce((n, z) => n + z.headcount, 0), zones };
  });

  app.get('/api/people/zones/:id', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    const { id } = parseRequest(zoneParams, req.params, 'path');
    const out = serviceOf(deps, req).zone(id, deps.now());
    if (out === undefined) throw new HazgateError('HG_ERR_API_NOT_FOUND', `no zone "${id}"`);
    return out;
  });

  /** Default the last hour. */
  app.get('/api/people/tags/:tagId/track', async (req) => {
    const q = parseRequest(trackQuery, req.query, 'query');
    const { tagId } = parseRequest(tagParams, req.params, 'path');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 3_600_000;
    const points = serviceOf(deps, req).track(tagId, from, to);
    if (points === undefined) throw new HazgateError('HG_ERR_API_NOT_FOUND', `no position of tag "${tagId}" since the gateway started`);
    return { tagId, from, to, count: points.length, points };
  });
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const peopleRequestSchemas = { trackQuery, zoneParams, tagParams } as const;
