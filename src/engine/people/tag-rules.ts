import type { ZoneSpec } from '../../core/index.js';
import { formatNumber } from '../message.js';
import { formatSpan, personLabel, whereLabel, zoneLabel } from './labels.js';
import type { Finding } from './result.js';
import type { PeopleConfig } from './settings.js';
import type { PersonRef } from './state.js';
import { reportedByEngine, type TagView } from './tag-track.js';
import { GUARDED_KINDS, type ZoneMap } from './zones.js';

/** What the per-tag rules need besides the tag. */
export interface TagRuleContext {
  readonly zones: ZoneMap;
  readonly config: PeopleConfig;
  readonly person: PersonRef;
  /** The active level of a condition, for rules with hysteresis (battery). */
  levelOf(conditionId: string): string | null;
}

/** Every condition of one tag active at `now`: SOS, man-down, offline, battery, and per zone dwell and intrusion. */
export function tagFindings(tag: TagView, ctx: TagRuleContext, now: number): Finding[] {
  const found: Finding[] = [];
  const push = (f: Finding | undefined): void => {
    if (f !== undefined) found.push(f);
  };
  push(sos(tag, ctx, now));
  push(manDown(tag, ctx, now));
  push(offline(tag, ctx, now));
  push(batteryLow(tag, ctx));
  for (const [zoneId, since] of tag.zones) {
    const zone = ctx.zones.get(zoneId)?.spec;
    if (zone === undefined) continue;
    push(dwell(tag, zone, since, ctx, now));
    push(unauthorised(tag, zone, ctx));
  }
  return found;
}

/** The return-to-normal subject of a tag's condition: the person, and the zone for per-zone ones (dwell, unauthorised). */
export function tagSubject(person: PersonRef, keyZone: string | null): string {
  return keyZone === null ? personLabel(person) : `${personLabel(person)} in ${keyZone}`;
}

/**
 * A tag's condition. Per-zone ones (dwell, unauthorised: `keyZone`) are keyed `<rule>/<zone>/<tag>`;
 * the others `<rule>/<tag>`, and carry the tag's most specific zone now (guarded, then smallest;
 * null outside every zone) so an SOS or a fall comes with that zone's cameras and people.
 */
function tagFinding(rule: Finding['rule'], level: string, tag: TagView, ctx: TagRuleContext, message: string, value: number | null, keyZone: string | null = null): Finding {
  const conditionId = keyZone === null ? `${rule}/${tag.tagId}` : `${rule}/${keyZone}/${tag.tagId}`;
  const zoneId = keyZone ?? ctx.zones.mostSpecific(tag.zones.keys())?.id ?? null;
  return { conditionId, rule, zoneId, tagId: tag.tagId, level, priority: ctx.config.priorities[rule], message, value, people: [ctx.person], subject: tagSubject(ctx.person, keyZone) };
}

/**
 * Where the tag is, for messages, led by its own separator: ` in ws at (5, 5)`, ` at (5, 5)`;
 * ` in pit` for a tag readers placed; when its latest report was a state without a fix,
 * `, last fixed 3 min ago at (5, 5)` (zones first when it has some); `, position unknown` when nothing placed it.
 */
function whereabouts(tag: TagView, now: number): string {
  const zones = tag.zones.size === 0 ? '' : ` in ${[...tag.zones.keys()].join(', ')}`;
  if (tag.fix === undefined) return zones === '' ? ', position unknown' : zones;
  if (tag.statusAt > tag.fixAcceptedAt) return `${zones}, last fixed ${formatSpan(now - tag.fixAcceptedAt)} ago at ${whereLabel(tag.fix)}`;
  return `${zones} at ${whereLabel(tag.fix)}`;
}

/** SOS while the tag's button says so (the alarm should latch in the alarm manager: buttons are often momentary). */
function sos(tag: TagView, ctx: TagRuleContext, now: number): Finding | undefined {
  if (!tag.sos) return undefined;
  return tagFinding('sos', 'SOS', tag, ctx, `SOS from ${personLabel(ctx.person)}${whereabouts(tag, now)}`, null);
}

/** `FALLEN` when the tag says so; `NO_MOTION` when it has said `still` for longer than stillForMs. */
function manDown(tag: TagView, ctx: TagRuleContext, now: number): Finding | undefined {
  const who = personLabel(ctx.person);
  if (tag.motion === 'fallen') return tagFinding('man-down', 'FALLEN', tag, ctx, `Man down: ${who} fell${whereabouts(tag, now)}`, null);
  const still = now - tag.stillSince;
  if (!(still > ctx.config.stillForMs)) return undefined;
  return tagFinding('man-down', 'NO_MOTION', tag, ctx, `Man down: ${who} has not moved for ${formatSpan(still)}${whereabouts(tag, now)}`, still);
}

/**
 * `OFFLINE` after offlineAfterMs without a fix, tag state or reader event, for tags a location
 * engine reports (about 1 Hz): readers report only changes, so a reader-only tag's silence proves
 * nothing. Timed from silentSince (a tag restored after a restart gets a fresh chance); the message
 * says the true silence.
 */
function offline(tag: TagView, ctx: TagRuleContext, now: number): Finding | undefined {
  if (!reportedByEngine(tag) || !(now - tag.silentSince > ctx.config.offlineAfterMs)) return undefined;
  const silent = now - tag.lastSeen;
  const lastSeen = tag.fix === undefined && tag.zones.size === 0 ? '' : ', last seen';
  const message = `Tag offline: ${personLabel(ctx.person)} silent for ${formatSpan(silent)}${lastSeen}${whereabouts(tag, now)}`;
  return tagFinding('tag-offline', 'OFFLINE', tag, ctx, message, silent);
}

/**
 * `BATTERY_LOW` below batteryLowPct; clears at batteryLowPct + batteryDeadbandPct so a charge
 * hovering at the limit does not chatter. The charge is the last reported: a fix without one does not clear it.
 */
function batteryLow(tag: TagView, ctx: TagRuleContext): Finding | undefined {
  const battery = tag.battery;
  if (battery === undefined || !Number.isFinite(battery)) return undefined;
  const { batteryLowPct, batteryDeadbandPct } = ctx.config;
  const wasLow = ctx.levelOf(`battery-low/${tag.tagId}`) !== null;
  if (!(battery < (wasLow ? batteryLowPct + batteryDeadbandPct : batteryLowPct))) return undefined;
  return tagFinding('battery-low', 'BATTERY_LOW', tag, ctx, `Tag battery low: ${personLabel(ctx.person)} at ${formatNumber(battery)} % (limit ${formatNumber(batteryLowPct)} %)`, battery);
}

/** `DWELL` (超时) once the tag has been in a zone with maxDwellMs for longer than that. */
function dwell(tag: TagView, zone: ZoneSpec, since: number, ctx: TagRuleContext, now: number): Finding | undefined {
  const stayed = now - since;
  if (zone.maxDwellMs === undefined || !(stayed > zone.maxDwellMs)) return undefined;
  const message = `Over time: ${personLabel(ctx.person)} in ${zoneLabel(zone)} for ${formatSpan(stayed)} (limit ${formatSpan(zone.maxDwellMs)})`;
  return tagFinding('dwell', 'DWELL', tag, ctx, message, stayed, zone.id);
}

/** `INTRUSION` while a tag is in a guarded zone its wearer is not authorised for (an unknown tag never is). */
function unauthorised(tag: TagView, zone: ZoneSpec, ctx: TagRuleContext): Finding | undefined {
  if (!GUARDED_KINDS.has(zone.kind) || tag.person?.authorisedZones?.includes(zone.id) === true) return undefined;
  const at = tag.fix === undefined ? '' : ` at ${whereLabel(tag.fix)}`;
  const message = `Unauthorised entry: ${personLabel(ctx.person)} in ${zone.kind} zone ${zoneLabel(zone)}${at}`;
  return tagFinding('unauthorised', 'INTRUSION', tag, ctx, message, null, zone.id);
}
