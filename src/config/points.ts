import { z } from 'zod';

/** A point id: letters, digits and `._-:` (safe in topics, URLs and line protocol tags). */
export const pointIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a point id is 1-128 of letters, digits and . _ - : (starting with a letter or digit)');

const scalingSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('current-loop'),
      // NAMUR NE 43: below 3.6 mA or above 21.0 mA is a fault; vendors differ, so configurable.
      faultLowMa: z.number().min(0).max(4).default(3.6).describe('below this current: quality bad, a detector fault (NAMUR NE 43); 3.6-4 mA uncertain'),
      faultHighMa: z.number().min(20).max(30).default(21.0).describe('above this current: quality bad; 20-21 mA uncertain, clamped'),
    })
    .strict(),
  z
    .object({ kind: z.literal('linear'), rawLow: z.number().describe('raw value (counts) of the range\'s low end'), rawHigh: z.number().describe('raw value of the range\'s high end') })
    .strict()
    // Equal ends would scale every reading to ±Infinity: a point that could never alarm.
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawLow and rawHigh must differ', path: ['rawHigh'] }),
]);

export const pointSchema = z
  .object({
    id: pointIdSchema.describe('the point id (letters, digits and . _ - :)'),
    name: z.string().optional().describe('the point\'s name, for people'),
    kind: z.string().min(1).describe('gas, level, temperature, pressure, flow, valve, …: what rules select on'),
    unit: z.string().optional().describe('engineering unit, e.g. %LEL, m, °C'),
    range: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => hi > lo, 'range must be [low, high] with high > low')
      .optional()
      .describe('[low, high] engineering range; needed with scaling'),
    area: z.string().optional().describe('area or unit (the operator position; scopes of users)'),
    type: z.enum(['number', 'boolean']).default('number').describe('number or boolean (discrete)'),
    scaling: scalingSchema.optional().describe('current-loop: 4-20 mA with NAMUR NE 43 fault bands; linear: counts rawLow…rawHigh to the range'),
    attrs: z.record(z.string(), z.string()).default({}).describe('free string attributes rules select on (gas: CH4, class: combustible, zone, regulatory codes)'),
  })
  .strict()
  .refine((p) => p.scaling === undefined || p.range !== undefined, {
    message: 'a point with scaling needs a range (the engineering values the raw signal maps to)',
    path: ['range'],
  });
