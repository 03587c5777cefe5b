import { z } from 'zod';
import { ZONE_KINDS, type PeopleSettings, type Person, type ZoneSpec } from '../core/index.js';
import { durationSchema, prioritySchema } from './rule-parts.js';

/**
 * The site's `people` section: zones (polygons per floor and/or reader areas), who wears which
 * tag, and the settings of personnel location. Lengths in metres, durations like `30m`.
 */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM (China Standard Time)');

const shiftLimitSchema = z.object({ from: clockTime, to: clockTime, limit: z.number().int().min(0) }).strict();

const crowdSchema = z
  .object({
    minPeople: z.number().int().min(2).describe('people inside one circle'),
    radius: z.number().positive().max(100).optional().describe('the circle\'s radius, m (default 15)'),
    for: durationSchema.optional().describe('for longer than this (default 60s)'),
  })
  .strict()
  .transform(({ radius, for: forMs, minPeople }) => ({ minPeople, ...(radius === undefined ? {} : { radiusM: radius }), ...(forMs === undefined ? {} : { forMs }) }));

const vertex = z.tuple([z.number(), z.number()]);

const zoneSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a zone id is 1-64 of letters, digits, . _ -'),
    name: z.string().optional().describe('the zone\'s name, for people'),
    kind: z.enum(ZONE_KINDS as [ZoneSpec['kind'], ...ZoneSpec['kind'][]]).describe('restricted, authorised-only, key, danger, muster, warning (crowd gathering is judged there) or general'),
    floor: z.string().optional().describe('the floor the polygon is on'),
    polygon: z.array(vertex).min(3).optional().describe('outline in metres [[x, y], …] of the location engine\'s coordinates'),
    readers: z.array(z.string().min(1)).min(1).optional().describe('RFID/BLE readers whose area is the zone'),
    colour: z.enum(['red', 'orange', 'yellow', 'blue']).optional().describe('risk colour of a warning zone (crowd settings by colour)'),
    headcountLimit: z.union([z.number().int().min(0), z.array(shiftLimitSchema).min(1)]).optional().describe('most people allowed at once, or shift limits [{ from: "08:00", to: "20:00", limit }] (CST)'),
    maxDwell: durationSchema.optional().describe('a tag staying longer raises dwell/<zone>/<tag>'),
    crowd: crowdSchema.optional().describe('crowd gathering: minPeople inside a circle of radius m for longer than for'),
    /** Cameras that see the zone: carried by every alarm in it (issue 9 linkage). */
    cameras: z.array(z.string().min(1)).optional().describe('cameras that see the zone: carried by every alarm in it (issue 9 linkage).'),
  })
  .strict()
  .refine((z) => z.polygon !== undefined || z.readers !== undefined, 'a zone needs a polygon, readers or both')
  .transform(({ maxDwell, ...rest }) => ({ ...rest, ...(maxDwell === undefined ? {} : { maxDwellMs: maxDwell }) }));

const personSchema = z
  .object({
    tagId: z.string().min(1).describe('the tag the person wears'),
    personId: z.string().min(1).describe('the person\'s id (staff number)'),
    name: z.string().min(1).describe('shown on evacuation lists'),
    role: z.string().optional().describe('free text: operator, contractor, visitor…'),
    authorisedZones: z.array(z.string()).optional().describe('authorised-only zones the person may enter'),
  })
  .strict();

const settingsSchema = z
  .object({
    hysteresis: z.number().min(0).max(20).optional().describe('m: a tag leaves an outline only once outside it by more (default 3)'),
    offlineAfter: durationSchema.optional().describe('tag-offline after this long without a fix, state or reader event (default 60s)'),
    batteryLowPct: z.number().min(0).max(100).optional().describe('battery-low below this % (default 20)'),
    batteryDeadbandPct: z.number().min(0).max(50).optional().describe('battery-low clears at or above batteryLowPct plus this (default 5)'),
    stillFor: durationSchema.optional().describe('man-down when a tag reports still for longer than this (default 60s)'),
    enterAfter: durationSchema.optional().describe('a tag enters an outline after its fixes were inside this long (default 2s)'),
    forgetAfter: durationSchema.optional().describe('a tag silent this long leaves its zones and is forgotten, unless a reader put it in its area (default 1h)'),
    reorderWindow: durationSchema.optional().describe('an older fix or reader event is dropped only within this of the latest (default 10s)'),
    warmup: durationSchema.optional().describe('headcounts and crowds are not judged this long after start (default 10s)'),
    trackRetention: durationSchema.optional().describe('tracks of tags silent this long are dropped (default 24h)'),
    maxTags: z.number().int().min(1).max(1_000_000).optional().describe('tags not on the roster known at once; more are refused and counted (default 20000)'),
    crowdByColour: z.partialRecord(z.enum(['red', 'orange', 'yellow', 'blue']), crowdSchema).optional(),
    priorities: z.partialRecord(z.enum(['headcount', 'dwell', 'unauthorised', 'sos', 'man-down', 'tag-offline', 'battery-low', 'crowd']), prioritySchema).optional(),
  })
  .strict()
  .transform((s): PeopleSettings => ({
    ...(s.hysteresis === undefined ? {} : { hysteresisM: s.hysteresis }),
    ...(s.offlineAfter === undefined ? {} : { offlineAfterMs: s.offlineAfter }),
    ...(s.batteryLowPct === undefined ? {} : { batteryLowPct: s.batteryLowPct }),
    ...(s.batteryDeadbandPct === undefined ? {} : { batteryDeadbandPct: s.batteryDeadbandPct }),
    ...(s.stillFor === undefined ? {} : { stillForMs: s.stillFor }),
    ...(s.enterAfter === undefined ? {} : { enterAfterMs: s.enterAfter }),
    ...(s.forgetAfter === undefined ? {} : { forgetAfterMs: s.forgetAfter }),
    ...(s.reorderWindow === undefined ? {} : { reorderWindowMs: s.reorderWindow }),
    ...(s.warmup === undefined ? {} : { warmupMs: s.warmup }),
    ...(s.trackRetention === undefined ? {} : { trackRetentionMs: s.trackRetention }),
    ...(s.maxTags === undefined ? {} : { maxTags: s.maxTags }),
    ...(s.crowdByColour === undefined ? {} : { crowdByColour: s.crowdByColour }),
    ...(s.priorities === undefined ? {} : { priorities: s.priorities }),
  }));

export const peopleSectionSchema = z
  .object({
    zones: z.array(zoneSchema).min(1).describe('polygons (metres, per floor) and/or RFID reader areas'),
    people: z.array(personSchema).default([]).describe('who wears which tag, and where they may go'),
    settings: settingsSchema.default({}).describe('personnel location settings (defaults in each key)'),
  })
  .strict();

export type PeopleSection = { readonly zones: readonly ZoneSpec[]; readonly people: readonly Person[]; readonly settings: PeopleSettings };
