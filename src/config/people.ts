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
    minPeople: z.number().int().min(2),
    radius: z.number().positive().max(100).optional(),
    for: durationSchema.optional(),
  })
  .strict()
  .transform(({ radius, for: forMs, minPeople }) => ({ minPeople, ...(radius === undefined ? {} : { radiusM: radius }), ...(forMs === undefined ? {} : { forMs }) }));

const vertex = z.tuple([z.number(), z.number()]);

const zoneSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a zone id is 1-64 of letters, digits, . _ -'),
    name: z.string().optional(),
    kind: z.enum(ZONE_KINDS as [ZoneSpec['kind'], ...ZoneSpec['kind'][]]),
    floor: z.string().optional(),
    polygon: z.array(vertex).min(3).optional(),
    readers: z.array(z.string().min(1)).min(1).optional(),
    colour: z.enum(['red', 'orange', 'yellow', 'blue']).optional(),
    headcountLimit: z.union([z.number().int().min(0), z.array(shiftLimitSchema).min(1)]).optional(),
    maxDwell: durationSchema.optional(),
    crowd: crowdSchema.optional(),
    /** Cameras that see the zone: carried by every alarm in it (issue 9 linkage). */
    cameras: z.array(z.string().min(1)).optional().describe('cameras that see the zone: carried by every alarm in it (issue 9 linkage).'),
  })
  .strict()
  .refine((z) => z.polygon !== undefined || z.readers !== undefined, 'a zone needs a polygon, readers or both')
  .transform(({ maxDwell, ...rest }) => ({ ...rest, ...(maxDwell === undefined ? {} : { maxDwellMs: maxDwell }) }));

const personSchema = z
  .object({
    tagId: z.string().min(1),
    personId: z.string().min(1),
    name: z.string().min(1),
    role: z.string().optional(),
    authorisedZones: z.array(z.string()).optional(),
  })
  .strict();

const settingsSchema = z
  .object({
    hysteresis: z.number().min(0).max(20).optional(),
    offlineAfter: durationSchema.optional(),
    batteryLowPct: z.number().min(0).max(100).optional(),
    batteryDeadbandPct: z.number().min(0).max(50).optional(),
    stillFor: durationSchema.optional(),
    enterAfter: durationSchema.optional(),
    forgetAfter: durationSchema.optional(),
    reorderWindow: durationSchema.optional(),
    warmup: durationSchema.optional(),
    trackRetention: durationSchema.optional(),
    maxTags: z.number().int().min(1).max(1_000_000).optional(),
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
    zones: z.array(zoneSchema).min(1),
    people: z.array(personSchema).default([]),
    settings: settingsSchema.default({}),
  })
  .strict();

export type PeopleSection = { readonly zones: readonly ZoneSpec[]; readonly people: readonly Person[]; readonly settings: PeopleSettings };
