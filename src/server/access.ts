import type { FastifyRequest } from 'fastify';
import { HazgateError, type Permission, type Principal } from '../core/index.js';
import type { Credentials } from './http-auth.js';

/**
 * What a route asks of its caller, as its `config.access`:
 * - `public`: nothing (probes, the login form);
 * - `metrics`: the scrape token when `server.metricsToken` is set, else nothing;
 * - `signed`: nothing here, the route checks a signature of its own (the centre's feed);
 * - `authenticated`: any user (who am I, log out);
 * - a permission: a user whose role grants it (the route then checks the scopes of what it touches).
 * A GET route without one needs `read`; any other method must say (refused at boot).
 */
export type RouteAccess = 'public' | 'metrics' | 'signed' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who the request runs as; null on public routes (set by the authentication hook). */
    credentials: Credentials | null;
  }
}

/** The principal of an authenticated request; a route reached without one (a wiring mistake) is refused, not served. */
export function principalOf(req: FastifyRequest): Principal {
  const p = req.credentials?.principal;
  if (p === undefined) throw new HazgateError('HG_ERR_AUTH_REQUIRED', 'log in, or send Authorization: Bearer <API token or JWT>');
  return p;
}
