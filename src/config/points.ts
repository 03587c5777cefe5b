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
      faultLowMa: z.number().min(0).max(4).default(3.6),
      faultHighMa: z.number().min(20).max(30).default(21.0),
    })
    .strict(),
  z
    .object({ kind: z.literal('linear'), rawLow: z.number(), rawHigh: z.number() })
    .strict()
    // Equal ends would scale every reading to ±Infinity: a point that could never alarm.
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawLow and rawHigh must differ', path: ['rawHigh'] }),
]);

export const pointSchema = z
  .object({
    id: pointIdSchema,
    name: z.string().optional(),
    kind: z.string().min(1),
    unit: z.string().optional(),
    range: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => hi > lo, 'range must be [low, high] with high > low')
      .optional(),
    area: z.string().optional(),
    type: z.enum(['number', 'boolean']).default('number'),
    scaling: scalingSchema.optional(),
    attrs: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .refine((p) => p.scaling === undefined || p.range !== undefined, {
    message: 'a point with scaling needs a range (the engineering values the raw signal maps to)',
    path: ['range'],
  });
