import type { FastifyError, FastifyInstance } from 'fastify';
import { HazgateError, isHazgateError, type ErrorCode, type FeedAck } from '../core/index.js';

/** The centre's receiving side as the feed route needs it (CentreFeed). */
export interface FeedReceiver {
  /** @throws HazgateError, already counted: unknown site, bad signature, bad message, store failure. */
  receiveSigned(body: Buffer, signature: string | undefined): FeedAck;
  /** Counts a refusal found before the receiver saw the body (too large). */
  refuse(reason: 'too-large', error: HazgateError): HazgateError;
}

/** 401: the sender is not who it says (no key, no valid signature); 503: try again later, nothing was kept. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  HG_ERR_CENTRE_UNKNOWN_SITE: 401,
  HG_ERR_UPLINK_BAD_SIGNATURE: 401,
  HG_ERR_UPLINK_BAD_MESSAGE: 400,
  HG_ERR_CENTRE_STORE: 503,
};

export interface FeedRouteDeps {
  readonly feed: FeedReceiver;
  /** The largest body accepted (413 above it, counted as too-large). */
  readonly maxBatchBytes: number;
}

/**
 * `POST /api/feed`: a gateway's batch (the FeedBatch JSON, X-Hazgate-Signature over its exact
 * bytes) answered with the ack `{ v, site, upto }`. The body is kept as bytes: the signature is
 * checked on what was sent, not on a re-serialisation.
 */
export function registerCentreFeedRoute(app: FastifyInstance, deps: FeedRouteDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBatchBytes }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, _req, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const refused = deps.feed.refuse('too-large', new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed batch larger than ${deps.maxBatchBytes} bytes (server.maxBatchBytes)`, { limit: deps.maxBatchBytes }));
        return reply.status(413).send({ error: { code: refused.code, message: refused.message } });
      }
      const status = typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode : 500;
      return reply.status(status).send({ error: { code: status < 500 ? 'HG_ERR_API_BAD_REQUEST' : 'HG_ERR_INTERNAL', message: status < 500 ? err.message : 'internal error' } });
    });
    // Machines, not users: the body is signed with the site's HMAC key (X-Hazgate-Signature).
    scope.post('/api/feed', { config: { access: 'signed' } }, async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.headers['x-hazgate-signature'];
      try {
        return reply.send(deps.feed.receiveSigned(body, Array.isArray(signature) ? signature.join(',') : signature));
      } catch (e) {
        if (!isHazgateError(e)) throw e;
        return reply.status(STATUS[e.code] ?? 500).send({ error: { code: e.code, message: e.message } });
      }
    });
  });
}
