import type { Point } from '../../../core/index.js';
import { gasReference, type GasReference } from './reference.js';
import { convert, gasUnitOf, parsePositive, parseQuantity, showUnit, type GasConstants, type GasUnit, type Quantity } from './units.js';

export type GasClass = 'combustible' | 'toxic' | 'oxygen';

/** A limit of the gas in the point's own unit, and where it comes from (`MAC 10 mg/m³`). */
export interface GasLimit {
  readonly value: number;
  readonly source: string;
}

/** What the pack knows of one gas detector point: its class, unit, gas constants and limits in its unit. */
export interface GasProfile {
  readonly point: Point;
  readonly cls: GasClass;
  readonly unit: GasUnit;
  /** The gas as the point names it (`H2S`), if it does. */
  readonly gas: string | undefined;
  readonly constants: GasConstants;
  /** Toxic points: the OEL in the point's unit. */
  readonly oel?: GasLimit | undefined;
  /** Toxic points: IDLH in the point's unit, when known. */
  readonly idlh?: GasLimit | undefined;
  /**
   * Toxic points: the basis the point declares (`attrs.toxicBasis`), `oel` unless it says `idlh`.
   * GB/T 50493-2019 5.5.2 allows the %IDLH basis only where no detector able to measure
   * 0-300 %OEL exists for the gas: the engineer states it on the point, in the site config.
   */
  readonly toxicBasis?: 'oel' | 'idlh' | undefined;
}

/** Why a point cannot be a gas detector of its class: the attribute (or `unit`) at fault and what to do. */
export interface ProfileProblem {
  readonly field: 'unit' | 'attrs.class' | 'attrs.gas' | 'attrs.lel' | 'attrs.molarMass' | 'attrs.oel' | 'attrs.idlh' | 'attrs.toxicBasis';
  readonly message: string;
}

export type ProfileResult = { readonly ok: true; readonly profile: GasProfile } | { readonly ok: false; readonly problem: ProfileProblem };

const CLASSES: readonly string[] = ['combustible', 'toxic', 'oxygen'];

/** A point the pack treats as a GB/T 50493 detector: `kind: gas` with an `attrs.class`. */
export function isGasDetector(point: Point): boolean {
  return point.kind === 'gas' && point.attrs['class'] !== undefined;
}

function fail(field: ProfileProblem['field'], message: string): ProfileResult {
  return { ok: false, problem: { field, message } };
}

/** Numbers given as attributes override the reference table; an unreadable one is a problem. */
function overrides(point: Point): { lel?: number; molarMass?: number; oel?: Quantity; idlh?: Quantity } | ProfileProblem {
  const a = point.attrs;
  const lel = parsePositive(a['lel']);
  if (a['lel'] !== undefined && lel === undefined) return { field: 'attrs.lel', message: `point "${point.id}": attrs.lel "${a['lel']}" is not a positive number (%VOL)` };
  const molarMass = parsePositive(a['molarMass']);
  if (a['molarMass'] !== undefined && molarMass === undefined) return { field: 'attrs.molarMass', message: `point "${point.id}": attrs.molarMass "${a['molarMass']}" is not a positive number (g/mol)` };
  const oel = a['oel'] === undefined ? undefined : parseQuantity(a['oel'], 'mg/m3');
  if (a['oel'] !== undefined && oel === undefined) return { field: 'attrs.oel', message: `point "${point.id}": attrs.oel "${a['oel']}" is not a concentration (e.g. "10 mg/m3" or "7 ppm")` };
  const idlh = a['idlh'] === undefined ? undefined : parseQuantity(a['idlh'], 'mg/m3');
  if (a['idlh'] !== undefined && idlh === undefined) return { field: 'attrs.idlh', message: `point "${point.id}": attrs.idlh "${a['idlh']}" is not a concentration (e.g. "430 mg/m3")` };
  return { ...(lel === undefined ? {} : { lel }), ...(molarMass === undefined ? {} : { molarMass }), ...(oel === undefined ? {} : { oel }), ...(idlh === undefined ? {} : { idlh }) };
}

function gasName(gas: string | undefined): string {
  return gas === undefined ? 'no attrs.gas' : `attrs.gas "${gas}" is not a listed gas`;
}

/**
 * What a gas point needs for its class, resolved: combustible in %LEL or LEL·m needs nothing more,
 * in %VOL/ppm its gas's LEL (and in mg/m³ its molar mass); toxic needs an OEL it can convert to its
 * unit (and, declaring the %IDLH basis, an IDLH and a range wider than 0-300 %OEL); oxygen is in %VOL.
 */
export function gasProfile(point: Point): ProfileResult {
  const cls = point.attrs['class'];
  if (cls === undefined || !CLASSES.includes(cls)) {
    return fail('attrs.class', `point "${point.id}": attrs.class is ${cls === undefined ? 'missing' : `"${cls}"`}; a gas detector's class is combustible, toxic or oxygen`);
  }
  const unit = gasUnitOf(point.unit);
  if (unit === undefined) {
    return fail('unit', `point "${point.id}": unit ${point.unit === undefined ? 'is missing' : `"${point.unit}" is not a gas unit`} (%LEL, %VOL, ppm, mg/m3 or LEL·m)`);
  }
  const own = overrides(point);
  if ('field' in own) return { ok: false, problem: own };
  const declared = point.attrs['toxicBasis'];
  if (declared !== undefined && cls !== 'toxic') {
    return fail('attrs.toxicBasis', `${cls} point "${point.id}" has attrs.toxicBasis "${declared}"; only a toxic detector has a toxic basis`);
  }
  const gas = point.attrs['gas'];
  const ref = gasReference(gas);
  const constants: GasConstants = { lel: own.lel ?? ref?.lel, molarMass: own.molarMass ?? ref?.molarMass };
  const base = { point, unit, gas, constants };
  switch (cls as GasClass) {
    case 'combustible':
      return combustible(base, gas);
    case 'toxic':
      return toxic(base, ref, own.oel, own.idlh);
    case 'oxygen':
      if (unit !== '%VOL') return fail('unit', `oxygen point "${point.id}" is in ${showUnit(unit)}; oxygen is watched in %VOL (19.5 / 23.5 %VOL)`);
      if (gas !== undefined && gasReference(gas)?.gas !== 'O2') return fail('attrs.gas', `oxygen point "${point.id}" names gas "${gas}"; an oxygen point's gas is O2`);
      return { ok: true, profile: { ...base, cls: 'oxygen' } };
  }
}

type Base = Pick<GasProfile, 'point' | 'unit' | 'gas' | 'constants'>;

function combustible(b: Base, gas: string | undefined): ProfileResult {
  const id = b.point.id;
  if (b.unit === '%LEL' || b.unit === 'LEL·m') return { ok: true, profile: { ...b, cls: 'combustible' } };
  if (b.constants.lel === undefined) {
    return fail('attrs.gas', `combustible point "${id}" in ${showUnit(b.unit)} needs its gas's LEL (${gasName(gas)}): name a listed gas or give attrs.lel (%VOL)`);
  }
  if (b.unit === 'mg/m3' && b.constants.molarMass === undefined) {
    return fail('attrs.molarMass', `combustible point "${id}" in mg/m³ needs its gas's molar mass: give attrs.molarMass (g/mol)`);
  }
  return { ok: true, profile: { ...b, cls: 'combustible' } };
}

function limitIn(q: Quantity, b: Base, source: string): GasLimit | undefined {
  const value = convert(q.value, q.unit, b.unit, b.constants);
  return value === undefined ? undefined : { value, source };
}

function toxic(b: Base, ref: GasReference | undefined, ownOel: Quantity | undefined, ownIdlh: Quantity | undefined): ProfileResult {
  const id = b.point.id;
  if (b.unit === '%LEL' || b.unit === 'LEL·m') return fail('unit', `toxic point "${id}" is in ${b.unit}; a toxic detector measures ppm, mg/m3 or %VOL`);
  const label = b.gas ?? 'gas';
  const oelQ = ownOel ?? (ref?.oel === undefined ? undefined : ({ value: ref.oel.mgm3, unit: 'mg/m3' } as const));
  if (oelQ === undefined) {
    return fail('attrs.gas', `toxic point "${id}" needs an OEL (${gasName(b.gas)}${ref !== undefined ? ' without a GBZ 2.1 limit' : ''}): name a listed gas or give attrs.oel (e.g. "10 mg/m3")`);
  }
  const oelSource = ownOel !== undefined ? `${label} OEL ${ownOel.value} ${showUnit(ownOel.unit)} (attrs.oel)` : `${label} ${ref?.oel?.kind ?? 'OEL'} ${oelQ.value} mg/m³ (GBZ 2.1-2019)`;
  const oel = limitIn(oelQ, b, oelSource);
  if (oel === undefined) {
    return fail('attrs.molarMass', `toxic point "${id}" in ${showUnit(b.unit)}: its OEL ${oelQ.value} ${showUnit(oelQ.unit)} cannot be converted without the gas's molar mass: give attrs.molarMass (g/mol)`);
  }
  const idlhQ = ownIdlh ?? (ref?.idlh === undefined ? undefined : ({ value: ref.idlh, unit: 'mg/m3' } as const));
  const idlhSource = ownIdlh !== undefined ? `${label} IDLH ${ownIdlh.value} ${showUnit(ownIdlh.unit)} (attrs.idlh)` : `${label} IDLH ${idlhQ?.value ?? ''} mg/m³ (GB/T 50493-2019 appendix B)`;
  const idlh = idlhQ === undefined ? undefined : limitIn(idlhQ, b, idlhSource);
  const basis = declaredBasis(b, oel, idlh);
  if (typeof basis !== 'string') return { ok: false, problem: basis };
  return { ok: true, profile: { ...b, cls: 'toxic', oel, ...(idlh === undefined ? {} : { idlh }), toxicBasis: basis } };
}

/**
 * The toxic basis a point declares: `oel` unless `attrs.toxicBasis: idlh`. The declaration is refused
 * when the pack cannot compute it (no IDLH) or when the point itself disproves it: a detector whose
 * range reaches no further than 300 %OEL measures 0-300 %OEL, so the %OEL basis is possible.
 */
function declaredBasis(b: Base, oel: GasLimit, idlh: GasLimit | undefined): 'oel' | 'idlh' | ProfileProblem {
  const { point } = b;
  const text = point.attrs['toxicBasis'];
  if (text === undefined) return 'oel';
  const id = point.id;
  const wanted = text.trim().toLowerCase();
  if (wanted === 'oel') return 'oel';
  if (wanted !== 'idlh') return { field: 'attrs.toxicBasis', message: `toxic point "${id}": attrs.toxicBasis "${text}" is neither oel nor idlh` };
  if (idlh === undefined) {
    return { field: 'attrs.toxicBasis', message: `toxic point "${id}" declares the %IDLH basis (attrs.toxicBasis: idlh) but has no IDLH: name a listed gas or give attrs.idlh (e.g. "430 mg/m3")` };
  }
  const range = point.range;
  const full = 3 * oel.value;
  const fullText = `${approx(full)} ${showUnit(b.unit)}`;
  if (range === undefined) {
    return { field: 'attrs.toxicBasis', message: `toxic point "${id}" declares the %IDLH basis (attrs.toxicBasis: idlh) without a range: give its range, which must be wider than 0-300 %OEL (${fullText})` };
  }
  if (range[1] <= full * (1 + 1e-9)) {
    return {
      field: 'attrs.toxicBasis',
      message: `toxic point "${id}" declares the %IDLH basis (attrs.toxicBasis: idlh), but its range [${range[0]}, ${range[1]}] measures 0-300 %OEL (${fullText}): GB/T 50493-2019 5.5.2 allows %IDLH only where no detector can; remove attrs.toxicBasis`,
    };
  }
  return 'idlh';
}

/** A derived figure to 3 significant digits for the reader. */
function approx(x: number): string {
  return String(Number(x.toPrecision(3)));
}
