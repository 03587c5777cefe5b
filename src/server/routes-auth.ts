import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PERMISSIONS, type HazgateError, type Permission, type Principal } from '../core/index.js';
import { principalOf, type RouteAccess } from './access.js';
import type { HttpAuth } from './http-auth.js';
import { noQuery, parseRequest } from './parse.js';

/** A registered route and what it asks of its caller. */
export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

const routeTables = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Every route registered on the app (after `ready()`), with its access: what the tests walk to check each one is guarded. */
export function routesOf(app: FastifyInstance): readonly RouteInfo[] {
  return routeTables.get(app) ?? [];
}

const loginBody = z.object({ user: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict();
const noBody = z.union([z.undefined(), z.null(), z.object({}).strict()]);

/** Methods that change nothing: a session's requests of these need no CSRF header. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

function isPermission(access: string): access is Permission {
  return (PERMISSIONS as readonly string[]).includes(access);
}

/**
 * Authentication and the first authorisation step for every route: registered before any route,
 * it checks each route's `config.access` at boot (a state-changing route without one stops the
 * start) and each request before its handler. Routes then filter or check what they touch against
 * the principal's scopes. Also the console's login, logout and who-am-I.
 */
export function registerAuthentication(app: FastifyInstance, http: HttpAuth): void {
  const table: RouteInfo[] = [];
  routeTables.set(app, table);
  app.decorateRequest('credentials', null);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    for (const method of methods) {
      if (access === undefined && method !== 'GET' && method !== 'HEAD') throw new Error(`route ${method} ${route.url} says nothing of who may call it (config.access)`);
      table.push({ method, url: route.url, access: access ?? 'read' });
    }
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access ?? 'read';
    if (access === 'public' || access === 'signed') return;
    if (access === 'metrics') return http.checkMetrics(req.headers);
    const credentials = await http.authenticate(req.headers, req.ip);
    req.credentials = credentials;
    if (!SAFE_METHODS.has(req.method)) http.checkCsrf(credentials, req.headers);
    if (isPermission(access)) http.service.authorize(credentials.principal, access);
  });
  registerSessionRoutes(app, http);
}

/**
 * Audits a request refused for its role, its scopes or its CSRF header (the error handler calls it):
 * who, the permission, the route and why. Refused credentials are audited where they are checked.
 */
export function auditRefusal(http: HttpAuth, req: FastifyRequest, e: HazgateError): void {
  const route = `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0] ?? ''}`;
  const user = req.credentials?.principal.user ?? null;
  const permission = typeof e.details['permission'] === 'string' ? e.details['permission'] : null;
  http.audit.denied(user, req.ip, `${user ?? 'someone'} refused ${permission ?? 'access'} on ${route} (${e.code})`, { code: e.code, permission, route });
}

function whoAmI(principal: Principal, csrf: string | undefined, expires: number | undefined) {
  return { user: principal.user, roles: principal.roles, scopes: principal.scopes, via: principal.via, ...(csrf === undefined ? {} : { csrf }), ...(expires === undefined ? {} : { expires }) };
}

function registerSessionRoutes(app: FastifyInstance, http: HttpAuth): void {
  /** `{ user, password }` → the session cookie, and the CSRF token the console sends back on every change. */
  app.post('/api/login', { config: { access: 'public' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const body = parseRequest(loginBody, req.body ?? {}, 'login');
    const { session, principal } = await http.login(body.user, body.password, req.ip);
    return reply.header('set-cookie', http.sessionCookie(session)).header('cache-control', 'no-store').send(whoAmI(principal, session.csrf, session.expires));
  });

  app.post('/api/logout', { config: { access: 'authenticated' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    parseRequest(noBody, req.body, 'logout body');
    const credentials = req.credentials;
    const ended = credentials !== null && http.logout(credentials, req.ip);
    if (ended) void reply.header('set-cookie', http.clearedCookie());
    return reply.send({ ended });
  });

  app.get('/api/me', { config: { access: 'authenticated' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const session = req.credentials?.session ?? null;
    const principal = principalOf(req);
    return reply.header('cache-control', 'no-store').send(whoAmI(principal, session?.csrf, session?.expires ?? principal.expires));
  });
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const sessionRequestSchemas = { loginBody, noBody } as const;
