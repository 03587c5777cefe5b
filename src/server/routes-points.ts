import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HazgateError, type HistoryColumns, type HistoryReader, type Point, type PointDirectory } from '../core/index.js';
import { principalOf } from './access.js';
import { idParam, noQuery, parseRequest } from './parse.js';
import type { SiteScope } from './site-scope.js';

/** Epoch ms or an ISO 8601 time. */
const timeParam = z.union([z.coerce.number().int(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

const historyQuery = z
  .object({
    from: timeParam.optional(),
    to: timeParam.optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
    /** `samples`: an array of sample objects; `columns`: parallel arrays, ~5x smaller and faster for trends. */
    format: z.enum(['samples', 'columns']).default('samples'),
  })
  .strict();

const listQuery = z.object({ kind: z.string().max(128).optional(), area: z.string().max(128).optional() }).strict();

const pointParams = z.object({ id: idParam }).strict();

export interface PointRoutesDeps {
  readonly points: PointDirectory;
  readonly history: HistoryReader;
  readonly scope: SiteScope;
  readonly now: () => number;
}

export function registerPointRoutes(app: FastifyInstance, deps: PointRoutesDeps): void {
  const { scope } = deps;
  /** The point of the path, when the principal may see it: one outside their scopes is as unknown as one not configured. */
  const pointOf = (req: FastifyRequest): Point => {
    const { id } = parseRequest(pointParams, req.params, 'path');
    const point = deps.points.get(id);
    if (point === undefined || !scope.sees(principalOf(req), scope.ofPoint(point.id))) throw new HazgateError('HG_ERR_API_NOT_FOUND', `no point "${id}"`);
    return point;
  };

  app.get('/api/points', async (req) => {
    const q = parseRequest(listQuery, req.query, 'query');
    const p = principalOf(req);
    const everything = scope.sees(p, scope.siteWide);
    const list = deps.points
      .list()
      .filter((pt) => (q.kind === undefined || pt.kind === q.kind) && (q.area === undefined || pt.area === q.area) && (everything || scope.sees(p, scope.ofPoint(pt.id))));
    return { points: list.map((pt) => ({ ...pt, latest: deps.points.latest(pt.id) ?? null })) };
  });

  app.get('/api/points/:id', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    const point = pointOf(req);
    return { ...point, latest: deps.points.latest(point.id) ?? null };
  });

  app.get('/api/points/:id/history', async (req, reply) => {
    const point = pointOf(req);
    const q = parseRequest(historyQuery, req.query, 'query');
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 3_600_000;
    if (from > to) throw new HazgateError('HG_ERR_API_BAD_REQUEST', 'from must not be after to');
    const query = { pointId: point.id, from, to, limit: q.limit };
    if (q.format === 'columns') return reply.type('application/json').send(columnsJson(await deps.history.queryColumns(query), from, to));
    const samples = await deps.history.query(query);
    return { pointId: point.id, from, to, count: samples.length, samples };
  });
}

const LEVELS = ['good', 'uncertain', 'bad'] as const;

/**
 * Parallel arrays for charts, written straight from the store's typed arrays: a day of a 1 Hz
 * point is 86,400 samples, and an object per sample (then JSON.stringify of them) costs more than
 * the query. Quality and reasons are sparse: only the indexes that are not good.
 */
export function columnsJson(h: HistoryColumns, from: number, to: number): string {
  const values = h.valueType === 'boolean' ? Array.from(h.value, (v) => (v === 1 ? 'true' : 'false')).join(',') : finiteJoin(h.value);
  const quality: string[] = [];
  const reasons: string[] = [];
  for (let i = 0; i < h.length; i++) {
    const q = h.quality[i] ?? 0;
    if (q !== 0) quality.push(`"${i}":"${LEVELS[q] ?? 'bad'}"`);
    const r = h.reason[i];
    if (r !== null && r !== undefined) reasons.push(`"${i}":${JSON.stringify(r)}`);
  }
  const head = `{"pointId":${JSON.stringify(h.pointId)},"from":${from},"to":${to},"count":${h.length}`;
  return `${head},"ts":[${h.ts.join(',')}],"value":[${values}],"quality":{${quality.join(',')}},"reasons":{${reasons.join(',')}}}`;
}

/** NaN and ±Infinity are not JSON: they go out as null (the store never holds them, but be safe). */
function finiteJoin(a: Float64Array): string {
  for (const v of a) if (!Number.isFinite(v)) return Array.from(a, (x) => (Number.isFinite(x) ? String(x) : 'null')).join(',');
  return a.join(',');
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const pointRequestSchemas = { listQuery, pointParams, historyQuery } as const;
