import type { SimFix } from './model.js';

/**
 * The simulator's wire format: Pozyx-style position arrays (README "Wire format"). Coordinates in
 * whole millimetres, `timestamp` in epoch seconds with milliseconds, `tagData.blinkIndex` the tick.
 * Battery, SOS, floor and motion ride at the top level of each entry, where hazgate's adapter reads them.
 */
export interface PozyxEntry {
  readonly version: '2.0';
  readonly tagId: string;
  readonly timestamp: number;
  readonly success: boolean;
  readonly data?: {
    readonly coordinates: { readonly x: number; readonly y: number; readonly z: number };
    readonly tagData: { readonly blinkIndex: number };
  };
  readonly battery: number;
  readonly sos: boolean;
  readonly floor?: string;
  readonly motion?: string;
}

export function pozyxEntry(fix: SimFix, epochMs: number, tick: number): PozyxEntry {
  const base = { version: '2.0' as const, tagId: fix.tagId, timestamp: epochMs / 1000 };
  const extras = {
    battery: fix.battery,
    sos: fix.sos,
    ...(fix.floor === undefined ? {} : { floor: fix.floor }),
    ...(fix.motion === undefined ? {} : { motion: fix.motion }),
  };
  if (fix.kind === 'no-fix') return { ...base, success: false, ...extras };
  const coordinates = { x: Math.round(fix.x * 1000), y: Math.round(fix.y * 1000), z: Math.round(fix.z * 1000) };
  return { ...base, success: true, data: { coordinates, tagData: { blinkIndex: tick } }, ...extras };
}

/** The payloads of one tick: entries in batches of at most batchSize (none when every tag is silent). */
export function pozyxPayloads(fixes: readonly SimFix[], epochMs: number, tick: number, batchSize: number): string[] {
  const payloads: string[] = [];
  for (let i = 0; i < fixes.length; i += batchSize) {
    payloads.push(JSON.stringify(fixes.slice(i, i + batchSize).map((fix) => pozyxEntry(fix, epochMs, tick))));
  }
  return payloads;
}
