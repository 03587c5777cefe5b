import {
  DEFAULT_CROWD_FOR_MS,
  DEFAULT_CROWD_RADIUS_M,
  PRIORITY_COLOUR,
  type PeopleRuleKind,
  type PeopleSettings,
  type Priority,
  type ZoneColour,
  type ZoneSpec,
} from '../../core/index.js';

/** A crowd threshold with its defaults filled in. */
export interface CrowdRule {
  readonly minPeople: number;
  readonly radiusM: number;
  readonly forMs: number;
}

/** Settings with the defaults filled in (see PeopleSettings for what each means). */
export interface PeopleConfig {
  readonly hysteresisM: number;
  readonly enterAfterMs: number;
  readonly offlineAfterMs: number;
  readonly forgetAfterMs: number;
  readonly reorderWindowMs: number;
  readonly warmupMs: number;
  readonly trackRetentionMs: number;
  readonly maxTags: number;
  readonly batteryLowPct: number;
  readonly batteryDeadbandPct: number;
  readonly stillForMs: number;
  readonly crowdByColour: Readonly<Partial<Record<ZoneColour, CrowdRule>>>;
  readonly priorities: Readonly<Record<PeopleRuleKind, Priority>>;
  /** A crowd priority set for the site, which wins over zone colours. */
  readonly crowdPriority: Priority | undefined;
}

/** SOS, a fall and an intrusion are about a life now; a low battery is housekeeping. */
const DEFAULT_PRIORITIES: Readonly<Record<PeopleRuleKind, Priority>> = {
  sos: 1,
  'man-down': 1,
  unauthorised: 1,
  headcount: 2,
  crowd: 2,
  dwell: 3,
  'tag-offline': 3,
  'battery-low': 4,
};

const COLOUR_PRIORITY: Readonly<Record<ZoneColour, Priority>> = Object.fromEntries(
  Object.entries(PRIORITY_COLOUR).map(([p, colour]) => [colour, Number(p) as Priority]),
) as Record<ZoneColour, Priority>;

export function crowdRuleOf(spec: { readonly minPeople: number; readonly radiusM?: number | undefined; readonly forMs?: number | undefined }): CrowdRule {
  return { minPeople: spec.minPeople, radiusM: spec.radiusM ?? DEFAULT_CROWD_RADIUS_M, forMs: spec.forMs ?? DEFAULT_CROWD_FOR_MS };
}

/** Defaults of the plain numeric settings (PeopleSettings says why each is what it is). */
export const PEOPLE_DEFAULTS = {
  hysteresisM: 3,
  enterAfterMs: 2_000,
  offlineAfterMs: 60_000,
  forgetAfterMs: 3_600_000,
  reorderWindowMs: 10_000,
  warmupMs: 10_000,
  trackRetentionMs: 86_400_000,
  maxTags: 20_000,
  batteryLowPct: 20,
  batteryDeadbandPct: 5,
  stillForMs: 60_000,
} as const;

export function resolvePeopleSettings(s: PeopleSettings = {}): PeopleConfig {
  const crowdByColour: Partial<Record<ZoneColour, CrowdRule>> = {};
  for (const [colour, spec] of Object.entries(s.crowdByColour ?? {})) if (spec !== undefined) crowdByColour[colour as ZoneColour] = crowdRuleOf(spec);
  const d = PEOPLE_DEFAULTS;
  const offlineAfterMs = s.offlineAfterMs ?? d.offlineAfterMs;
  return {
    hysteresisM: s.hysteresisM ?? d.hysteresisM,
    enterAfterMs: s.enterAfterMs ?? d.enterAfterMs,
    offlineAfterMs,
    // A tag forgotten before it could be called offline would never be: keep forgetting well after.
    forgetAfterMs: s.forgetAfterMs ?? Math.max(d.forgetAfterMs, 2 * offlineAfterMs),
    reorderWindowMs: s.reorderWindowMs ?? d.reorderWindowMs,
    warmupMs: s.warmupMs ?? d.warmupMs,
    trackRetentionMs: s.trackRetentionMs ?? d.trackRetentionMs,
    maxTags: s.maxTags ?? d.maxTags,
    batteryLowPct: s.batteryLowPct ?? d.batteryLowPct,
    batteryDeadbandPct: s.batteryDeadbandPct ?? d.batteryDeadbandPct,
    stillForMs: s.stillForMs ?? d.stillForMs,
    crowdByColour,
    priorities: { ...DEFAULT_PRIORITIES, ...s.priorities },
    crowdPriority: s.priorities?.crowd,
  };
}

/** The crowd threshold watching a zone: its own, else its colour's when it is a warning zone; undefined when none. */
export function crowdRuleFor(zone: ZoneSpec, config: PeopleConfig): CrowdRule | undefined {
  if (zone.crowd !== undefined) return crowdRuleOf(zone.crowd);
  if (zone.kind !== 'warning' || zone.colour === undefined) return undefined;
  return config.crowdByColour[zone.colour];
}

/** A crowd's priority: the configured one, else its zone colour's (red 1 … blue 4), else 2. */
export function crowdPriority(zone: ZoneSpec, config: PeopleConfig): Priority {
  return config.crowdPriority ?? (zone.colour === undefined ? DEFAULT_PRIORITIES.crowd : COLOUR_PRIORITY[zone.colour]);
}
