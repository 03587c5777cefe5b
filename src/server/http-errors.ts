import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { isHazgateError, type ErrorCode, type HazgateError } from '../core/index.js';

/**
 * HTTP status of each coded error a route may raise; anything else is a 500. An operator action the
 * condition's state does not allow is a conflict (409: reload and act on what you see); one the
 * rule forbids whatever the state is 403; a shelve longer than the site allows is a bad request.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  HG_ERR_API_BAD_REQUEST: 400,
  HG_ERR_API_NOT_FOUND: 404,
  HG_ERR_ALARM_UNKNOWN_CONDITION: 404,
  HG_ERR_ALARM_STALE_EVENT: 409,
  HG_ERR_ALARM_ALREADY_ACKED: 409,
  HG_ERR_ALARM_NOT_ACKED: 409,
  HG_ERR_ALARM_ALREADY_CONFIRMED: 409,
  HG_ERR_ALARM_NOT_LATCHED: 409,
  HG_ERR_ALARM_STILL_ACTIVE: 409,
  HG_ERR_ALARM_NOT_ACTIVE: 409,
  HG_ERR_ALARM_ALREADY_SHELVED: 409,
  HG_ERR_ALARM_NOT_SHELVED: 409,
  HG_ERR_ALARM_OUT_OF_SERVICE: 409,
  HG_ERR_ALARM_ALREADY_OUT_OF_SERVICE: 409,
  HG_ERR_ALARM_IN_SERVICE: 409,
  HG_ERR_ALARM_NOT_SHELVABLE: 403,
  HG_ERR_ALARM_SHELVE_TOO_LONG: 400,
  HG_ERR_BYPASS_UNKNOWN_INTERLOCK: 404,
  HG_ERR_BYPASS_UNKNOWN: 404,
  HG_ERR_BYPASS_ACTIVE: 409,
  HG_ERR_BYPASS_NOT_ACTIVE: 409,
  HG_ERR_BYPASS_SELF_APPROVED: 400,
  HG_ERR_BYPASS_BAD_PERIOD: 400,
  HG_ERR_STORE_QUERY: 503,
  HG_ERR_JOURNAL_WRITE: 503,
  HG_ERR_AUTH_REQUIRED: 401,
  HG_ERR_AUTH_FAILED: 401,
  HG_ERR_AUTH_TOKEN_EXPIRED: 401,
  HG_ERR_AUTH_TOKEN_REVOKED: 401,
  HG_ERR_AUTH_LOCKED: 429,
  HG_ERR_AUTH_FORBIDDEN: 403,
  HG_ERR_AUTH_CSRF: 403,
  HG_ERR_AUTH_JWKS: 503,
  HG_ERR_AUTH_STORE: 503,
  HG_ERR_WS_LIMIT: 503,
};

/** The HTTP status of a coded error (500 for one no route raises). */
export function statusOf(e: HazgateError): number {
  // One user's connections past their share is theirs to fix (429); the server full is 503.
  if (e.code === 'HG_ERR_WS_LIMIT' && e.details['by'] === 'user') return 429;
  return STATUS[e.code] ?? 500;
}

/**
 * Headers an error answer carries besides its body: `WWW-Authenticate` on a 401 (RFC 9110 11.6.1),
 * `Retry-After` (seconds) when the error says how long to wait (a locked login).
 */
export function errorHeaders(e: HazgateError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (statusOf(e) === 401) headers['www-authenticate'] = 'Bearer realm="hazgate"';
  const wait = e.details['retryAfterMs'];
  if (typeof wait === 'number' && wait > 0) headers['retry-after'] = String(Math.ceil(wait / 1000));
  return headers;
}

/** Whether an error refuses access (the role, the scopes, the CSRF header): the audit hears of those. */
function refusesAccess(e: HazgateError): boolean {
  return e.code === 'HG_ERR_AUTH_FORBIDDEN' || e.code === 'HG_ERR_AUTH_CSRF' || e.details['outOfScope'] === true;
}

/**
 * Every error leaves as `{ error: { code, message } }`, never as a stack trace. `onRefused` hears
 * of each request refused for its role, scopes or CSRF header (an item outside the scopes answers
 * 404 like an unknown one, and is audited all the same).
 */
export function registerErrorHandling(app: FastifyInstance, onRefused?: (req: FastifyRequest, e: HazgateError) => void): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (isHazgateError(err)) {
      if (onRefused !== undefined && refusesAccess(err)) onRefused(req, err);
      return reply.status(statusOf(err)).headers(errorHeaders(err)).send({ error: { code: err.code, message: err.message } });
    }
    const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const code = status < 500 ? 'HG_ERR_API_BAD_REQUEST' : 'HG_ERR_INTERNAL';
    return reply.status(status).send({ error: { code, message: status < 500 ? err.message : 'internal error' } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'HG_ERR_API_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` } }),
  );
}
