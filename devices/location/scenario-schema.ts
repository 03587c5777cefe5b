import { z } from 'zod';
import { ZONE_KINDS } from '../../src/core/people.js';
import { DURATION_PATTERN, parseDurationMs } from '../simulator/duration.js';

/**
 * The YAML shape of a people scenario (devices/scenarios/people-*.yaml), key by key. Rules across
 * keys (routes naming known zones, events naming known tags) live in scenario-checks.ts.
 */

const DURATION_MESSAGE = 'expected a duration like 500ms, 20s, 2m, 1h or a number of seconds';

const duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_PATTERN, DURATION_MESSAGE)], { error: DURATION_MESSAGE })
  .transform((value) => parseDurationMs(value) ?? 0);
const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0');

/** Ids become parts of JSON and MQTT topics (`tags/<tagId>`): no wildcards, slashes or spaces. */
export const SIM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const simId = z.string().regex(SIM_ID_PATTERN, 'ids are letters, digits, dot, dash, underscore');

const point = z.tuple([z.number(), z.number()], { error: 'expected a point [x, y] in metres' });

export const zoneSchema = z.strictObject({
  name: z.string().min(1).optional(),
  kind: z.enum(ZONE_KINDS as [string, ...string[]]).optional(),
  colour: z.enum(['red', 'orange', 'yellow', 'blue']).optional(),
  floor: z.string().min(1).optional(),
  polygon: z.array(point).min(3, 'a polygon needs at least 3 vertices'),
  /** RFID readers (mine base stations) whose area is this zone's polygon: tags crossing it make reader events. */
  readers: z.array(simId).min(1).optional(),
});

/** A route stop: a zone id, or a point [x, y]. */
const routeStop = z.union([simId, point], { error: 'expected a zone id or a point [x, y]' });

export const groupSchema = z.strictObject({
  /** Tag ids `<prefix>001` … `<prefix><count>`. */
  prefix: simId.optional(),
  count: z.int().min(1).max(10_000).optional(),
  /** Or the tag ids themselves. */
  ids: z.array(simId).min(1).optional(),
  route: z.array(routeStop).min(1),
  speed: z.number().positive().max(10).optional(),
  speedSpread: z.number().min(0).max(0.9).optional(),
  pauseS: z.number().nonnegative().optional(),
  z: z.number().optional(),
  floor: z.string().min(1).optional(),
  battery: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)]).optional(),
  /** false: the tags carry RFID cards only (no UWB): no positions are published, readers still see them. */
  positions: z.boolean().optional(),
});

const windowSchema = z.strictObject({ for: positiveDuration });

export const gotoSchema = z.strictObject({
  zone: simId.optional(),
  point: point.optional(),
  /** Each tag stops at its own spot within this radius of the target. */
  spread: z.number().nonnegative().optional(),
  stay: positiveDuration,
});

export const motionSchema = z.strictObject({ state: z.enum(['moving', 'still', 'fallen']), for: positiveDuration });
export const batterySchema = z.strictObject({ to: z.number().min(0).max(100), over: positiveDuration });

export const TAG_ACTIONS = ['goto', 'sos', 'silent', 'nofix', 'motion', 'battery'] as const;

export const eventSchema = z
  .strictObject({
    at: duration,
    /** Tag ids; `W001..W012` names a range (same prefix, numbers of the same width). */
    tags: z.array(z.string().min(1)).min(1),
    goto: gotoSchema.optional(),
    sos: windowSchema.optional(),
    silent: windowSchema.optional(),
    nofix: windowSchema.optional(),
    motion: motionSchema.optional(),
    battery: batterySchema.optional(),
  })
  .refine((event) => TAG_ACTIONS.filter((action) => event[action] !== undefined).length === 1, {
    message: `an event needs exactly one of ${TAG_ACTIONS.join(', ')}`,
  });

export const locationScenarioFileSchema = z.strictObject({
  scenario: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  description: z.string().optional(),
  tickMs: z.int().min(10).max(3_600_000),
  loop: z.boolean().optional(),
  durationS: z.number().positive(),
  seed: z.int().min(0).max(0xffff_ffff).optional(),
  site: z.strictObject({ width: z.number().positive(), height: z.number().positive() }),
  noiseM: z.number().nonnegative().max(50).optional(),
  zones: z.record(simId, zoneSchema).optional(),
  groups: z.array(groupSchema).min(1),
  events: z.array(eventSchema).optional(),
});

export type LocationScenarioFile = z.output<typeof locationScenarioFileSchema>;
export type GroupEntry = z.output<typeof groupSchema>;
export type EventEntry = z.output<typeof eventSchema>;
export type ZoneEntry = z.output<typeof zoneSchema>;
