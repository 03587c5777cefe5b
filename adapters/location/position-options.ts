import type { TimeUnit } from './fields.js';

/** How one subscription's positions are read: units, default floor, timestamp unit. */
export interface PositionOptions {
  /** Payload length unit → metres (Pozyx: millimetres, so v / 1000). */
  readonly toMetres: (value: number) => number;
  /** Floor for positions whose payload names none. */
  readonly floor: string | undefined;
  readonly timeUnit: TimeUnit;
}

/** Divisors of the named length units: dividing (not multiplying by 0.001) keeps 1234 mm at exactly 1.234 m. */
export const UNIT_DIVISORS = { mm: 1000, cm: 100, m: 1 } as const;
export type LengthUnit = keyof typeof UNIT_DIVISORS;

/** `scale` (metres per payload unit) wins over `units`. */
export function lengthConverter(units: LengthUnit, scale: number | undefined): (value: number) => number {
  if (scale !== undefined) return (value) => value * scale;
  const divisor = UNIT_DIVISORS[units];
  return divisor === 1 ? (value) => value : (value) => value / divisor;
}
