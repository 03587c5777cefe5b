import { MOLAR_VOLUME_L } from './reference.js';

/** The units a gas point may be in (spellings vary: see `gasUnitOf`). */
export type GasUnit = '%LEL' | '%VOL' | 'ppm' | 'mg/m3' | 'LEL·m';

/** What a conversion between concentration units may need: the gas's LEL (%VOL) and molar mass (g/mol). */
export interface GasConstants {
  readonly lel?: number | undefined;
  readonly molarMass?: number | undefined;
}

const SPELLINGS: Readonly<Record<string, GasUnit>> = {
  '%lel': '%LEL',
  lel: '%LEL',
  '%vol': '%VOL',
  'vol%': '%VOL',
  '%v/v': '%VOL',
  // A bare % on a gas point is a volume fraction (mines write CH4 and O2 that way).
  '%': '%VOL',
  ppm: 'ppm',
  ppmv: 'ppm',
  'µmol/mol': 'ppm',
  'μmol/mol': 'ppm',
  'mg/m3': 'mg/m3',
  'mg/m³': 'mg/m3',
  'lel·m': 'LEL·m',
  'lel.m': 'LEL·m',
  'lel*m': 'LEL·m',
  'lel-m': 'LEL·m',
  lelm: 'LEL·m',
};

/** The gas unit a point's `unit` names, undefined when it is none of them. */
export function gasUnitOf(unit: string | undefined): GasUnit | undefined {
  if (unit === undefined) return undefined;
  return SPELLINGS[unit.replace(/\s+/g, '').toLowerCase()];
}

/** Display form of a unit (`mg/m³`). */
export function showUnit(unit: GasUnit): string {
  return unit === 'mg/m3' ? 'mg/m³' : unit;
}

/** A concentration given in an attribute: `10`, `10 mg/m3`, `7 ppm`. */
export interface Quantity {
  readonly value: number;
  readonly unit: 'mg/m3' | 'ppm';
}

/** Parses an attribute like `10 mg/m3` or `7ppm`; a bare number is in `bare`. Undefined when unreadable. */
export function parseQuantity(text: string, bare: Quantity['unit']): Quantity | undefined {
  const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*$/.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const unit = m[2] === '' ? bare : gasUnitOf(m[2]);
  return unit === 'mg/m3' || unit === 'ppm' ? { value, unit } : undefined;
}

/** A positive number attribute (`lel: "4.4"`), undefined when absent or unreadable. */
export function parsePositive(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** A concentration as ppm (by volume); undefined when the constants it needs are missing or the unit is open-path. */
function toPpm(value: number, unit: GasUnit, c: GasConstants): number | undefined {
  switch (unit) {
    case 'ppm':
      return value;
    case '%VOL':
      return value * 10_000;
    case 'mg/m3':
      return c.molarMass === undefined ? undefined : (value * MOLAR_VOLUME_L) / c.molarMass;
    case '%LEL':
      return c.lel === undefined ? undefined : (value / 100) * c.lel * 10_000;
    case 'LEL·m':
      return undefined;
  }
}

function fromPpm(ppm: number, unit: GasUnit, c: GasConstants): number | undefined {
  switch (unit) {
    case 'ppm':
      return ppm;
    case '%VOL':
      return ppm / 10_000;
    case 'mg/m3':
      return c.molarMass === undefined ? undefined : (ppm * c.molarMass) / MOLAR_VOLUME_L;
    case '%LEL':
      return c.lel === undefined ? undefined : (ppm / 10_000 / c.lel) * 100;
    case 'LEL·m':
      return undefined;
  }
}

/**
 * A concentration in another unit; undefined when it cannot be converted (an LEL or molar mass it
 * needs is unknown, or one side is an open-path LEL·m, which is not a concentration).
 */
export function convert(value: number, from: GasUnit, to: GasUnit, c: GasConstants): number | undefined {
  if (from === to) return value;
  const ppm = toPpm(value, from, c);
  return ppm === undefined ? undefined : fromPpm(ppm, to, c);
}
