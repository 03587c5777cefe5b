import type { Point, Quality } from '../core/index.js';

export interface Scaled {
  readonly value: number;
  readonly quality: Quality;
}

const GOOD: Quality = { level: 'good' };
const FAULT_LOW: Quality = { level: 'bad', reason: 'signal-fault-low' };
const FAULT_HIGH: Quality = { level: 'bad', reason: 'signal-fault-high' };
const UNDER_RANGE: Quality = { level: 'uncertain', reason: 'under-range' };
const OVER_RANGE: Quality = { level: 'uncertain', reason: 'over-range' };

/**
 * Raw value → engineering value and quality, from the point's scaling. Points without scaling
 * carry engineering values already.
 */
export function scaleValue(point: Point, raw: number): Scaled {
  const scaling = point.scaling;
  if (scaling === undefined || point.range === undefined) return { value: raw, quality: GOOD };
  const [lrv, urv] = point.range;
  if (scaling.kind === 'linear') {
    return { value: lrv + ((raw - scaling.rawLow) / (scaling.rawHigh - scaling.rawLow)) * (urv - lrv), quality: GOOD };
  }
  return scaleCurrentLoop(raw, lrv, urv, scaling.faultLowMa, scaling.faultHighMa);
}

/**
 * 4-20 mA with NAMUR NE 43 bands. A broken wire reads 0 mA, which would scale to 0 %LEL and look
 * calm: below faultLowMa the quality is bad so it can never look normal.
 */
export function scaleCurrentLoop(ma: number, lrv: number, urv: number, faultLowMa: number, faultHighMa: number): Scaled {
  const value = lrv + ((ma - 4) / 16) * (urv - lrv);
  if (ma < faultLowMa) return { value, quality: FAULT_LOW };
  if (ma > faultHighMa) return { value, quality: FAULT_HIGH };
  // NE 43 saturation bands: 3.6-4.0 and 20.0-21.0 mA are uncertain and clamped to the range.
  if (ma < 4) return { value: lrv, quality: UNDER_RANGE };
  if (ma > 20) return { value: urv, quality: OVER_RANGE };
  return { value, quality: GOOD };
}

const RANK = { good: 0, uncertain: 1, bad: 2 } as const;

/** The worse of two qualities (the device's own and the scaling's). */
export function worstQuality(a: Quality, b: Quality): Quality {
  return RANK[b.level] > RANK[a.level] ? b : a;
}
