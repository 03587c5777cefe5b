import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ComponentStatus } from '../core/index.js';

export interface HealthDeps {
  readonly components: () => Readonly<Record<string, ComponentStatus>>;
  readonly metrics: Registry;
}

/** /healthz: the process answers. /readyz: every component up (degraded counts as ready, with reason). */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'alive' }));

  app.get('/readyz', async (_req, reply) => {
    const components = deps.components();
    const ready = Object.values(components).every((c) => c.state === 'up' || c.state === 'degraded');
    return reply.status(ready ? 200 : 503).send({ ready, components });
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
}
