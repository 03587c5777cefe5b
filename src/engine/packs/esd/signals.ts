import { parseDurationText, type Point, type Sample } from '../../../core/index.js';
import { isUsable } from '../../evaluator.js';

/**
 * The ESD pack's point conventions (rules/packs/esd/README.md): which valve or interlock a point
 * belongs to and what its signal means, read from its attributes.
 */

/** A valve point's role: its command, or its open (ZSO) or closed (ZSC) limit switch. */
export type ValveSignal = 'command' | 'open' | 'closed';
export const VALVE_SIGNALS: readonly ValveSignal[] = ['command', 'open', 'closed'];

/** An interlock point's role: tripped, bypassed (at the SIS), or in service. */
export type InterlockFlag = 'trip' | 'bypass' | 'in-service';
export const INTERLOCK_FLAGS: readonly InterlockFlag[] = ['trip', 'bypass', 'in-service'];

/** The kind of the virtual points the bypass register feeds (planned end in epoch ms, 0 when none). */
export const REGISTER_KIND = 'bypass-register';

export function valveTag(p: Point): string | undefined {
  return p.attrs['valve'];
}

export function valveSignal(p: Point): ValveSignal | undefined {
  const s = p.attrs['signal'];
  return VALVE_SIGNALS.find((v) => v === s);
}

export function interlockId(p: Point): string | undefined {
  return p.attrs['interlock'];
}

export function interlockFlag(p: Point): InterlockFlag | undefined {
  const f = p.attrs['flag'];
  return INTERLOCK_FLAGS.find((v) => v === f);
}

export function isRegisterPoint(p: Point): boolean {
  return p.kind === REGISTER_KIND;
}

/** The process unit (tank farm, plant) of a point: `attrs.unit`, else its area (as the bypass register reads it). */
export function unitOf(p: Point): string | undefined {
  return p.attrs['unit'] ?? p.area;
}

/** `attrs.polarity: inverted`: the device reports the opposite sense (a command true = close; a healthy-true trip flag). */
export function isInverted(p: Point): boolean {
  return p.attrs['polarity'] === 'inverted';
}

/** The travel time of a valve point's own `attrs.travel` (`30s`), when it has a valid one. */
export function ownTravelMs(p: Point): number | undefined {
  const t = p.attrs['travel'];
  return t === undefined ? undefined : parseDurationText(t);
}

/**
 * What a discrete signal says, in the pack's sense (polarity applied): true/false, or undefined
 * for a bad sample (OPC UA Bad: unusable). Numbers above 0.5 are true, as for threshold rules.
 */
export function flagOf(sample: Sample, point: Point): boolean | undefined {
  if (!isUsable(sample)) return undefined;
  const v = typeof sample.value === 'boolean' ? sample.value : sample.value > 0.5;
  return isInverted(point) ? !v : v;
}

/** Epoch ms as an ISO time for messages (no wall clock read: the time is given). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `5 s`, `1.5 min`, `2 h`. */
export function spanText(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
