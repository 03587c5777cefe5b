import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ComponentStatus } from '../core/index.js';
import { noQuery, parseRequest } from './parse.js';

export interface HealthDeps {
  readonly components: () => Readonly<Record<string, ComponentStatus>>;
  readonly metrics: Registry;
}

/**
 * /healthz: the process answers. /readyz: every component up (degraded counts as ready, with reason).
 * Both open to probes (they tell nothing but up or down and why); /metrics wants the scrape token
 * when server.metricsToken is set.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', { config: { access: 'public' } }, async (req) => {
    parseRequest(noQuery, req.query, 'query');
    return { status: 'alive' };
  });

  app.get('/readyz', { config: { access: 'public' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const components = deps.components();
    const ready = Object.values(components).every((c) => c.state === 'up' || c.state === 'degraded');
    return reply.status(ready ? 200 : 503).send({ ready, components });
  });

  app.get('/metrics', { config: { access: 'metrics' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
}
