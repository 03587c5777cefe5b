import { z } from 'zod';
import { durationSchema, prioritySchema } from './rule-parts.js';

/** The site's `video` section: the cameras video adapters report, and how detections become alarms. */
export const videoSectionSchema = z
  .object({
    cameras: z
      .array(z.object({ id: z.string().min(1).max(128), name: z.string().optional(), zone: z.string().optional() }).strict())
      .default([])
      .describe('cameras video adapters report: id, name, the zone it sees'),
    /** A detection stays active this long after its last repeat. */
    hold: durationSchema.default(60_000).describe('A detection stays active this long after its last repeat.'),
    /** A configured camera silent this long is offline. */
    offlineAfter: durationSchema.default(300_000).describe('A configured camera silent this long is offline.'),
    priorities: z
      .partialRecord(z.enum(['no-helmet', 'smoking', 'intrusion', 'fire-smoke', 'crowd', 'fall', 'phone', 'tamper', 'camera-offline']), prioritySchema)
      .default({})
      .describe('priority per detection type (defaults: fire-smoke 1; intrusion, fall, crowd, tamper 2; smoking, no-helmet 3; phone 4; camera-offline 3)'),
  })
  .strict();

export type VideoSection = z.output<typeof videoSectionSchema>;
