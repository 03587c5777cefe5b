import { z } from 'zod';
import { GB50493_CEILINGS, type Priority } from '../core/index.js';
import { audienceSchema, base, durationSchema, prioritySchema, withRealarmMs } from './rule-parts.js';

/**
 * Rule kinds of the gas detection pack (GB/T 50493-2019, GB 16808-2025): `gas-level`,
 * `detector-fault`, `gas-vote`, `leak-rate`. Setpoints are written in the standard's measures
 * (%LEL, %OEL, %IDLH, %VOL, LEL·m) and may be lower than GB/T 50493-2019 5.5.2 allows, never higher;
 * what they become in each point's unit is checked against the points in src/engine/packs/gas/checks.ts.
 */

const C = GB50493_CEILINGS;

/** Level 1 and level 2 in one measure, each at most what the standard allows, level 1 below level 2. */
function pairSchema(what: string, measure: string, max: { level1: number; level2: number }) {
  const at = (level: string, n: number): string => `${what} ${level} is at most ${n} ${measure} (GB/T 50493-2019 5.5.2)`;
  return z
    .object({
      level1: z.number().positive().max(max.level1, at('level 1', max.level1)).default(max.level1),
      level2: z.number().positive().max(max.level2, at('level 2', max.level2)).default(max.level2),
    })
    .strict()
    .refine((p) => p.level1 < p.level2, { message: `${what} level 1 must be below level 2`, path: ['level2'] });
}

const oxygenSchema = z
  .object({
    // Tighter means an earlier alarm: a deficiency alarm at or above 19.5, an enrichment alarm at or below 23.5.
    low: z.number().min(C.oxygen.low, `the oxygen deficiency alarm is at least ${C.oxygen.low} %VOL (GB/T 50493-2019 5.5.2)`).default(C.oxygen.low),
    high: z.number().max(C.oxygen.high, `the oxygen enrichment alarm is at most ${C.oxygen.high} %VOL (GB/T 50493-2019 5.5.2)`).default(C.oxygen.high),
  })
  .strict()
  .refine((o) => o.low < o.high, { message: 'oxygen low must be below oxygen high', path: ['high'] });

const setpointsSchema = z
  .object({
    combustible: pairSchema('combustible', '%LEL', C.combustible).prefault({}),
    toxic: z
      .object({
        // `auto` (the %IDLH basis for any range wider than 0-300 %OEL) is gone: it loosened almost
        // every toxic detector. A point declares the %IDLH basis itself (attrs.toxicBasis: idlh).
        basis: z
          .enum(['point', 'oel'], {
            error: (issue) =>
              issue.input === 'auto'
                ? 'toxic basis "auto" is no longer accepted: the %OEL basis holds unless a point declares attrs.toxicBasis: idlh (no detector for 0-300 %OEL exists for its gas); write point or oel'
                : 'toxic basis is point (the point\'s declared basis, %OEL by default) or oel',
          })
          .default('point'),
        oel: pairSchema('toxic', '%OEL', C.toxicOel).prefault({}),
        idlh: pairSchema('toxic', '%IDLH', C.toxicIdlh).prefault({}),
      })
      .strict()
      .prefault({}),
    oxygen: oxygenSchema.prefault({}),
    openPath: pairSchema('open-path', 'LEL·m', C.openPath).prefault({}),
  })
  .strict()
  .prefault({});

const deadbandPct = z.number().min(0).max(10, 'a gas deadband is at most 10 % of the span');

const gasLevelSchema = z
  .object({
    ...base,
    kind: z.literal('gas-level'),
    setpoints: setpointsSchema,
    priorities: z
      .object({ level1: prioritySchema.default(2), level2: prioritySchema.default(1), oxygen: prioritySchema.default(2) })
      .strict()
      .prefault({}),
    deadbandPct: deadbandPct.optional(),
    level2Audiences: z.array(audienceSchema).default(['fire-control-room']),
  })
  .strict()
  .transform((r) => withRealarmMs({ ...r, priority: Math.min(r.priorities.level1, r.priorities.level2, r.priorities.oxygen) as Priority }));

const detectorFaultSchema = z
  .object({
    ...base,
    kind: z.literal('detector-fault'),
    priority: prioritySchema.default(2),
    silentAfter: durationSchema.refine((ms) => ms >= 1000, 'silentAfter is at least 1s').optional(),
  })
  .strict()
  // GB/T 50493-2019: detector and controller faults are signalled to the fire control room too.
  .transform(({ silentAfter, audiences, ...rest }) =>
    withRealarmMs({ ...rest, audiences: audiences ?? ['fire-control-room'], ...(silentAfter === undefined ? {} : { silentAfterMs: silentAfter }) }),
  );

const gasVoteSchema = z
  .object({
    ...base,
    kind: z.literal('gas-vote'),
    groupBy: z.string().min(1).default('area'),
    k: z.number().int().min(1, 'k is at least 1'),
    at: z.enum(['level1', 'level2']).default('level1'),
    limit: z.number().optional(),
    faulted: z.enum(['abstain', 'vote']).default('abstain'),
    setpoints: setpointsSchema,
    deadbandPct: deadbandPct.optional(),
    priority: prioritySchema.default(1),
  })
  .strict()
  .transform(withRealarmMs);

// The leak rate: 10 %LEL within 60 s (U: no standard figure). An open-path detector rises by
// 0.4 LEL·m, the same share of its level 1 (1 LEL·m) as 10 %LEL is of 25 %LEL (U).
const leakRateSchema = z
  .object({
    ...base,
    kind: z.literal('leak-rate'),
    window: durationSchema.refine((ms) => ms >= 1000, 'a leak-rate window is at least 1s').default(60_000),
    rise: z.number().positive().max(C.combustible.level1, `a leak rate is a rise below level 1 (${C.combustible.level1} %LEL)`).default(10),
    openPathRise: z.number().positive().max(C.openPath.level1, `an open-path leak rate is a rise below level 1 (${C.openPath.level1} LEL·m)`).default(0.4),
    priority: prioritySchema.default(3),
  })
  .strict()
  .transform(({ window, ...rest }) => withRealarmMs({ ...rest, windowMs: window }));

/** Rule kinds of the gas detection pack. */
export const gasRuleSchemas = [gasLevelSchema, detectorFaultSchema, gasVoteSchema, leakRateSchema] as const;
