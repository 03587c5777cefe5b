/**
 * The pieces every rule kind's schema is made of: shared by the core kinds (rules.ts) and the
 * rule packs' kinds (rules-<pack>.ts), so no schema file imports another in a circle.
 */
import { z } from 'zod';
import { durationSchema as coreDuration, type Priority } from '../core/index.js';
import { pointIdSchema } from './points.js';

/** 1 = red/一级 … 4 = blue/四级. */
export const prioritySchema = z
  .number()
  .int()
  .refine((n) => n >= 1 && n <= 4, 'priority is 1 (red, highest) to 4 (blue)')
  .transform((n) => n as Priority)
  .describe('1 = red/一级 (highest), 2 = orange/二级, 3 = yellow/三级, 4 = blue/四级');

/** Durations are numbers of ms or strings like `500ms`, `30s`, `5m`, `8h`, `1d` (integers here). */
export const durationSchema = coreDuration
  .refine((ms) => Number.isInteger(ms), 'a duration in ms is a whole number')
  .describe('a duration: milliseconds, or 500ms, 30s, 5m, 8h, 1d');

export const selectorSchema = z
  .object({
    points: z.array(pointIdSchema).min(1).optional().describe('point ids'),
    match: z.record(z.string(), z.string()).optional().describe('attributes every selected point has: kind, area, unit, type or any attrs key'),
  })
  .strict()
  .refine((s) => s.points !== undefined || s.match !== undefined, 'select needs points, match or both')
  .describe('the points the rule watches: points (ids) and/or match (kind, area, unit, type or any attribute)');

/** An audience name: `fire-control-room`, `safety-office`… */
export const audienceSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an audience is 1-64 lowercase letters, digits or -').describe('an audience besides the operators, e.g. fire-control-room');

export const levelSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'a level name is 1-16 letters, digits, _ or -').describe('the level shown with the alarm: H, HH, L, LL, AL1…'),
    direction: z.enum(['high', 'low']).describe('high: active at or above the limit; low: at or below'),
    limit: z.number().describe('the setpoint in the point\'s unit'),
    deadband: z.number().nonnegative().optional().describe('returns only this far back past the limit (in the point\'s unit)'),
    deadbandPct: z.number().min(0).max(100).optional().describe('the deadband as % of the point\'s range'),
    onDelay: durationSchema.default(0).describe('active only after the value stayed past the limit this long (regulatory gas limits: 0)'),
    offDelay: durationSchema.default(0).describe('returns only after the value stayed back this long'),
    priority: prioritySchema,
    audiences: z.array(audienceSchema).min(1).optional().describe('audiences of this level\'s alarms'),
  })
  .strict()
  .transform(({ onDelay, offDelay, ...rest }) => ({ ...rest, onDelayMs: onDelay, offDelayMs: offDelay }));

const suppressWhenSchema = z
  .object({
    point: pointIdSchema.describe('the point whose latest good value suppresses (e.g. the unit\'s running signal)'),
    equals: z.union([z.number(), z.boolean()]).optional().describe('suppress while the value equals this'),
    below: z.number().optional().describe('suppress while the value is below this'),
    above: z.number().optional().describe('suppress while the value is above this'),
    label: z.string().max(200).optional().describe('why, for people (e.g. unit shut down)'),
  })
  .strict()
  .refine((w) => [w.equals, w.below, w.above].filter((x) => x !== undefined).length === 1, 'a suppress.when predicate has exactly one of equals, below, above');

const suppressSchema = z
  .object({
    when: z.array(suppressWhenSchema).min(1).optional().describe('suppress while any of these holds on another point'),
    firstOut: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a first-out group name is 1-64 letters, digits, . _ -').optional().describe('first-out group: an activation while another member is active is suppressed as its consequence'),
  })
  .strict()
  .refine((s) => s.when !== undefined || s.firstOut !== undefined, 'suppress needs when, firstOut or both');

/** The fields every rule kind has (spread into each kind's object schema). */
export const base = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a rule id is 1-64 of letters, digits, . _ -').describe('the rule id: conditions are <ruleId>/<pointId>'),
  description: z.string().optional().describe('free text for people'),
  select: selectorSchema,
  message: z.string().optional().describe('alarm message template: {point}, {name}, {level}, {value}, {unit}, {limit}'),
  latch: z.boolean().optional().describe('keep the alarm after it returns until an operator acknowledges and resets it'),
  confirm: z.boolean().optional().describe('ask for a confirmation after the acknowledgement'),
  realarm: durationSchema.refine((ms) => ms >= 1000, 'realarm is at least 1s').optional().describe('annunciate again (unacknowledged) when still active this long after the acknowledgement'),
  shelvable: z.boolean().optional().describe('false forbids shelving (safety alarms)'),
  suppress: suppressSchema.optional().describe('suppression by design: when another point\'s value holds, or as a consequence in a first-out group'),
  audiences: z.array(audienceSchema).min(1).optional().describe('audiences the rule\'s alarms also go to (e.g. fire-control-room)'),
};

/** `realarm` (a duration) becomes `realarmMs`. */
export function withRealarmMs<T extends { realarm?: number | undefined }>({ realarm, ...rest }: T): Omit<T, 'realarm'> & { realarmMs?: number } {
  return { ...rest, ...(realarm === undefined ? {} : { realarmMs: realarm }) };
}

/** Byte sizes: a number, or `512MiB`, `2GiB`, `500MB`. */
export const bytesSchema = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/.exec(v.trim());
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a size (e.g. 512MiB, 2GiB)` });
    return z.NEVER;
  }
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as 'B'];
  return Math.round(Number(m[1]) * unit);
}).describe('a size: bytes, or 512KiB, 256MiB, 2GiB, 500MB');
