import { z } from 'zod';
import { bytesSchema } from './rule-parts.js';

/**
 * Keys the gateway's and the centre's `server` sections share (issue 11): the /metrics scrape
 * token and the limits on what one client may cost the server.
 */
export const wsMessageRateSchema = z
  .object({
    /** Messages a second a WebSocket client may send, on average… */
    perSecond: z.number().positive().max(10_000).default(20).describe('messages a second a WebSocket client may send, on average…'),
    /** …and at once (a console subscribing to a screenful of points). */
    burst: z.number().int().min(1).max(100_000).default(40).describe('…and at once (a console subscribing to a screenful of points).'),
  })
  .strict()
  .refine((r) => r.burst >= r.perSecond, { message: 'burst must be at least perSecond', path: ['burst'] });

export const serverLimitKeys = {
  /**
   * Absent: /metrics is open (bind the port or firewall it). Set (write `${HAZGATE_METRICS_TOKEN}`):
   * the scraper sends `Authorization: Bearer <token>`.
   */
  metricsToken: z.string().min(16, 'a metrics token is at least 16 characters (openssl rand -hex 16)').max(512).optional().describe('absent: /metrics is open; set (${HAZGATE_METRICS_TOKEN}): the scraper sends Authorization: Bearer <token>'),
  /** The largest request body a route accepts (413 above it). */
  bodyLimit: bytesSchema.refine((n) => n >= 1024 && n <= 64 * 1024 * 1024, 'between 1KiB and 64MiB').default(64 * 1024).describe('the largest request body a route accepts (413 above it)'),
  /** WebSocket clients at once (503 at the upgrade beyond). */
  wsMaxConnections: z.number().int().min(1).max(100_000).default(200).describe('WebSocket clients at once (503 at the upgrade beyond)'),
  /** WebSocket clients of one user at once (429 at the upgrade beyond). */
  wsMaxConnectionsPerUser: z.number().int().min(1).max(100_000).default(20).describe('WebSocket clients of one user at once (429 at the upgrade beyond)'),
  wsMessageRate: wsMessageRateSchema.default({ perSecond: 20, burst: 40 }).describe('messages a WebSocket client may send; more are refused (HG_ERR_WS_RATE), and one that keeps on is disconnected'),
};
