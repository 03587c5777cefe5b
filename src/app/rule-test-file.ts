import { z } from 'zod';
import { durationSchema, OPERATOR_ACTIONS } from '../core/index.js';

/**
 * A rule test as data (like `promtool test rules`): the points a pack selects, the packs, a
 * compact series of readings and operator actions on a timeline, and the alarm transitions
 * expected, in order. `at` is time from the start (`0s`, `1500ms`, `2m`).
 */
const reading = z.union([
  z.number(),
  z.boolean(),
  z
    .object({
      value: z.union([z.number(), z.boolean()]),
      quality: z.enum(['good', 'uncertain', 'bad']).default('good'),
      reason: z.string().optional(),
      /** Source time, from the start, when it differs from `at` (a device clock going backwards). */
      ts: durationSchema.optional(),
    })
    .strict(),
]);

const actSchema = z
  .object({
    action: z.enum(OPERATOR_ACTIONS as [string, ...string[]]),
    condition: z.string(),
    user: z.string().default('rule-test'),
    comment: z.string().optional(),
    kind: z.enum(['one-shot', 'timed']).optional(),
    duration: durationSchema.optional(),
  })
  .strict();

/** One moment: readings by point id, and/or an operator action. */
const stepSchema = z
  .object({ at: durationSchema, act: actSchema.optional() })
  .catchall(reading);

const expectSchema = z
  .object({
    at: durationSchema.optional(),
    condition: z.string(),
    reason: z.string().optional(),
    state: z.string().optional(),
    level: z.string().nullable().optional(),
    priority: z.number().optional(),
    active: z.boolean().optional(),
    annunciated: z.boolean().optional(),
    value: z.union([z.number(), z.boolean(), z.null()]).optional(),
    audiences: z.array(z.string()).optional(),
    codes: z.record(z.string(), z.string()).optional(),
    message: z.string().optional(),
  })
  .strict();

export const ruleTestSchema = z
  .object({
    name: z.string(),
    /** What it pins, for the reader. */
    description: z.string().optional(),
    include: z.array(z.string()).default([]),
    points: z.array(z.unknown()).default([]),
    rules: z.array(z.unknown()).default([]),
    alarms: z.unknown().optional(),
    series: z.array(stepSchema).min(1),
    /** Let time run (ticks every second) to here after the last step; default 1 s after it. */
    until: durationSchema.optional(),
    expect: z.array(expectSchema),
  })
  .strict();

export type RuleTest = z.output<typeof ruleTestSchema>;
export type RuleTestStep = z.output<typeof stepSchema>;
export type RuleTestExpectation = z.output<typeof expectSchema>;
export type RuleTestReading = z.output<typeof reading>;
