import { z } from 'zod';
import { bytesSchema } from './rule-parts.js';

/**
 * Keys the gateway's and the centre's `server` sections share (issue 11): the /metrics scrape
 * token and the limits on what one client may cost the server.
 */
export const wsMessageRateSchema = z
  .object({
    /** Messages a second a WebSocket client may send, on average… */
    perSecond: z.number().positive().max(10_000).default(20),
    /** …and at once (a console subscribing to a screenful of points). */
    burst: z.number().int().min(1).max(100_000).default(40),
  })
  .strict()
  .refine((r) => r.burst >= r.perSecond, { message: 'burst must be at least perSecond', path: ['burst'] });

export const serverLimitKeys = {
  /**
   * Absent: /metrics is open (bind the port or firewall it). Set (write `${HAZGATE_METRICS_TOKEN}`):
   * the scraper sends `Authorization: Bearer <token>`.
   */
  metricsToken: z.string().min(16, 'a metrics token is at least 16 characters (openssl rand -hex 16)').max(512).optional(),
  /** The largest request body a route accepts (413 above it). */
  bodyLimit: bytesSchema.refine((n) => n >= 1024 && n <= 64 * 1024 * 1024, 'between 1KiB and 64MiB').default(64 * 1024),
  /** WebSocket clients at once (503 at the upgrade beyond). */
  wsMaxConnections: z.number().int().min(1).max(100_000).default(200),
  /** WebSocket clients of one user at once (429 at the upgrade beyond). */
  wsMaxConnectionsPerUser: z.number().int().min(1).max(100_000).default(20),
  wsMessageRate: wsMessageRateSchema.default({ perSecond: 20, burst: 40 }),
};
