import { z } from 'zod';
import { base, durationSchema, prioritySchema, withRealarmMs } from './rule-parts.js';

/*
 * Rule kinds of the Data authenticity pack (faked or stuck monitoring data, DOMAIN.md 煤矿
 * pseudo-data): flatline, drop-to-zero, mirror, time-backwards. Field meanings: src/core/rule-authenticity.ts
 * and rules/packs/authenticity/README.md.
 */

const pct = z.number().min(0).max(100);
/** `area` or an attribute name the neighbours share (`zone`). */
const groupBySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'groupBy is `area` or an attribute name').default('area');

const flatlineSchema = z
  .object({
    ...base,
    kind: z.literal('flatline'),
    for: durationSchema.refine((ms) => ms >= 1000, 'a flatline `for` is at least 1s'),
    tolerance: z.number().nonnegative().default(0),
    ignoreBelow: z.number().optional(),
    ignoreBelowPct: pct.optional(),
    priority: prioritySchema,
  })
  .strict()
  .refine((r) => r.ignoreBelow === undefined || r.ignoreBelowPct === undefined, { message: 'give ignoreBelow or ignoreBelowPct, not both', path: ['ignoreBelowPct'] })
  .transform(({ for: forMs, ...rest }) => withRealarmMs({ ...rest, forMs }));

const dropToZeroSchema = z
  .object({
    ...base,
    kind: z.literal('drop-to-zero'),
    fromPct: pct,
    toPct: pct,
    within: durationSchema.refine((ms) => ms >= 1, 'within is more than 0'),
    neighbourPct: pct,
    neighbourMaxAge: durationSchema.default(60_000),
    groupBy: groupBySchema,
    priority: prioritySchema,
  })
  .strict()
  .refine((r) => r.toPct < r.fromPct, { message: 'toPct (the reading counted as zero) must be below fromPct', path: ['toPct'] })
  .refine((r) => r.neighbourPct > r.toPct, { message: 'neighbourPct must be above toPct: a neighbour at zero is no evidence of gas', path: ['neighbourPct'] })
  .transform(({ within, neighbourMaxAge, ...rest }) => withRealarmMs({ ...rest, withinMs: within, neighbourMaxAgeMs: neighbourMaxAge }));

const mirrorSchema = z
  .object({
    ...base,
    kind: z.literal('mirror'),
    samples: z.number().int().min(3).max(1000).default(20),
    minChanges: z.number().int().min(1).optional(),
    maxLag: z.number().int().min(0).max(10).default(2),
    groupBy: groupBySchema,
    priority: prioritySchema,
  })
  .strict()
  .refine((r) => r.minChanges === undefined || r.minChanges < r.samples, { message: 'minChanges must be below samples (a window of N readings has at most N-1 changes)', path: ['minChanges'] })
  // Default: a quarter of the window must be changes, so two quiet detectors never look like copies.
  .transform(({ minChanges, ...rest }) => withRealarmMs({ ...rest, minChanges: minChanges ?? Math.max(1, Math.ceil(rest.samples / 4)) }));

const clearAfterSchema = z
  .object({
    samples: z.number().int().min(1).optional(),
    time: durationSchema.refine((ms) => ms >= 1000, 'clearAfter.time is at least 1s').optional(),
  })
  .strict()
  .refine((c) => c.samples !== undefined || c.time !== undefined, 'clearAfter needs samples, time or both')
  .transform(({ time, samples }) => ({ ...(samples === undefined ? {} : { samples }), ...(time === undefined ? {} : { timeMs: time }) }));

const timeBackwardsSchema = z
  .object({
    ...base,
    kind: z.literal('time-backwards'),
    tolerance: durationSchema.default(0),
    clearAfter: clearAfterSchema.default({ samples: 10 }),
    priority: prioritySchema,
  })
  .strict()
  .transform(({ tolerance, ...rest }) => withRealarmMs({ ...rest, toleranceMs: tolerance }));

/** Rule kinds of the Data authenticity (faked or stuck monitoring data) pack. */
export const authenticityRuleSchemas = [flatlineSchema, dropToZeroSchema, mirrorSchema, timeBackwardsSchema] as const;
