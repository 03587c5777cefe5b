import { z } from 'zod';
import { DURATION_PATTERN, parseDurationMs } from './duration.js';

/**
 * The YAML shape of a scenario file, checked key by key. Rules that need more than one key
 * (an event naming a known point, a ramp on a numeric point) live in scenario-checks.ts.
 * devices/README.md documents every key; a test keeps the two in step.
 */

const DURATION_MESSAGE = 'expected a duration like 500ms, 20s, 2m, 1h or a number of seconds';

const duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_PATTERN, DURATION_MESSAGE)], { error: DURATION_MESSAGE })
  .transform((value) => parseDurationMs(value) ?? 0);

const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0');

/** Point ids become MQTT topic levels and Modbus/OPC UA names: no wildcards, slashes or spaces. */
export const POINT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const pointSchema = z.strictObject({
  base: z.union([z.number(), z.boolean()], { error: 'expected a number or true/false' }),
  noise: z.number().nonnegative().optional(),
  drift: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  decimals: z.int().min(0).max(6).optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  signal: z.enum(['engineering', '4-20mA']).optional(),
  unit: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
});

export const rampSchema = z.strictObject({ to: z.number(), over: positiveDuration });
export const stepSchema = z.strictObject({ to: z.union([z.number(), z.boolean()], { error: 'expected a number or true/false' }) });
export const windowSchema = z.strictObject({ for: positiveDuration });
export const faultSchema = z.strictObject({ for: positiveDuration, value: z.number(), unit: z.string().min(1).optional() });

/** A device that answers late: every answer leaves `delay` after the request. */
export const slowSchema = z.strictObject({ for: positiveDuration, delay: positiveDuration });
/** A device that answers every request with one Modbus exception code (4 device failure, 6 busy…). */
export const exceptionSchema = z.strictObject({ for: positiveDuration, code: z.int().min(1).max(127) });

/** Actions on a point's signal (`point:` events). */
export const POINT_ACTIONS = ['ramp', 'step', 'stuck', 'silent', 'fault'] as const;
/** Actions on a whole simulated device (`device:` events); only protocol simulators act on them. */
export const DEVICE_ACTIONS = ['silent', 'slow', 'exception', 'corrupt'] as const;
export const EVENT_ACTIONS = [...new Set([...POINT_ACTIONS, ...DEVICE_ACTIONS])];

export const eventSchema = z
  .strictObject({
    at: duration,
    point: z.string().min(1).optional(),
    device: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'device ids are letters, digits, dot, dash, underscore').optional(),
    ramp: rampSchema.optional(),
    step: stepSchema.optional(),
    stuck: windowSchema.optional(),
    silent: windowSchema.optional(),
    fault: faultSchema.optional(),
    slow: slowSchema.optional(),
    exception: exceptionSchema.optional(),
    corrupt: windowSchema.optional(),
  })
  .refine((event) => (event.point === undefined) !== (event.device === undefined), {
    message: 'an event names exactly one of point, device',
  })
  .refine((event) => EVENT_ACTIONS.filter((action) => event[action] !== undefined).length === 1, {
    message: `an event needs exactly one of ${EVENT_ACTIONS.join(', ')}`,
  });

export const scenarioFileSchema = z.strictObject({
  scenario: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  description: z.string().optional(),
  tickMs: z.int().min(10).max(3_600_000),
  loop: z.boolean().optional(),
  durationS: z.number().positive(),
  seed: z.int().min(0).max(0xffff_ffff).optional(),
  points: z
    .record(z.string().regex(POINT_ID_PATTERN, 'point ids are letters, digits, dot, dash, underscore'), pointSchema)
    .refine((points) => Object.keys(points).length > 0, 'a scenario needs at least one point'),
  events: z.array(eventSchema).optional(),
});

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type PointEntry = z.output<typeof pointSchema>;
export type EventEntry = z.output<typeof eventSchema>;
