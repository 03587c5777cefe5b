import type { FastifyError, FastifyInstance } from 'fastify';
import { isHazgateError, type ErrorCode } from '../core/index.js';

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
};

/** Every error leaves as `{ error: { code, message } }`, never as a stack trace. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (isHazgateError(err)) {
      return reply.status(STATUS[err.code] ?? 500).send({ error: { code: err.code, message: err.message } });
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
