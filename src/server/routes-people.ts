import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HazgateError, type PeopleService } from '../core/index.js';
import { parseRequest } from './parse.js';

const trackQuery = z
  .object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export interface PeopleRoutesDeps {
  /** Null when the site has no people section: the routes answer 404 saying so. */
  readonly people: PeopleService | null;
  readonly now: () => number;
}

function serviceOf(deps: PeopleRoutesDeps): PeopleService {
  if (deps.people === null) throw new HazgateError('HG_ERR_API_NOT_FOUND', 'this site has no people section (personnel location)');
  return deps.people;
}

/** Personnel location: headcount per zone, the people in a zone (the evacuation list), a tag's track. */
export function registerPeopleRoutes(app: FastifyInstance, deps: PeopleRoutesDeps): void {
  app.get('/api/people/zones', async () => {
    const zones = serviceOf(deps).headcounts(deps.now());
    return { count: zones.length, total: zones.reduce((n, z) => n + z.headcount, 0), zones };
  });

  app.get<{ Params: { id: string } }>('/api/people/zones/:id', async (req) => {
    const out = serviceOf(deps).zone(req.params.id, deps.now());
    if (out === undefined) throw new HazgateError('HG_ERR_API_NOT_FOUND', `no zone "${req.params.id}"`);
    return out;
  });

  /** Default the last hour. */
  app.get<{ Params: { tagId: string } }>('/api/people/tags/:tagId/track', async (req) => {
    const q = parseRequest(trackQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 3_600_000;
    const points = serviceOf(deps).track(req.params.tagId, from, to);
    if (points === undefined) throw new HazgateError('HG_ERR_API_NOT_FOUND', `no position of tag "${req.params.tagId}" since the gateway started`);
    return { tagId: req.params.tagId, from, to, count: points.length, points };
  });
}
