import { z } from 'zod';
import { bytesSchema, durationSchema } from './rule-parts.js';

/**
 * The site's `uplink` section: the provincial feed (docs/uplink/README.md). The outbox keeps every
 * journal record, snapshot and status until the centre acknowledges it, within its bounds.
 */
export const uplinkOutboxSchema = z
  .object({
    /** Folder of `uplink.db` (default `<store dir>/uplink`). */
    dir: z.string().optional(),
    maxBytes: bytesSchema.default(256 * 1024 ** 2),
    maxAge: durationSchema.default(7 * 86_400_000),
    /** `full` syncs every commit (a sequence number the centre saw is never reused after a power loss). */
    sync: z.enum(['full', 'normal']).default('full'),
  })
  .strict();

export const uplinkSnapshotSchema = z
  .object({
    interval: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(10_000),
    /** Points sent in each snapshot (default: every configured point). */
    points: z.array(z.string()).optional(),
  })
  .strict();

export const uplinkBaseShape = {
  /** The site id the centre knows this gateway by (default `site.id`). */
  site: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a site id is 1-64 of letters, digits, . _ -').optional(),
  outbox: uplinkOutboxSchema.default(uplinkOutboxSchema.parse({})),
  snapshot: uplinkSnapshotSchema.default(uplinkSnapshotSchema.parse({})),
  /** How often the gateway's status and the journal's chain head are sent. */
  statusInterval: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(60_000),
};
