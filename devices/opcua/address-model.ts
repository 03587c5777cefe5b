import type { ScenarioPoint } from '../simulator/scenario.js';

/*
 * The layout of the simulator's address space, as data: which folder a point lives in, its NodeId
 * and data type, its engineering units. Pure, so it is table-tested; address-space.ts turns it
 * into node-opcua nodes.
 */

/** Namespace index 1 of the simulator (its own namespace, also the server's applicationUri). */
export const SIM_NAMESPACE_URI = 'urn:hazgate:simulator';
export const PLANT_FOLDER = 'Plant';
export const LOAD_FOLDER = 'Load';

export type PlantGroup = 'GasDetectors' | 'ESD' | 'Interlocks' | 'Process' | 'Other';

/** Profile names (devices/profiles) by the words in them; the first match wins. */
const PROFILE_GROUPS: readonly (readonly [RegExp, PlantGroup])[] = [
  [/gas|toxic|detector/, 'GasDetectors'],
  [/esd|valve/, 'ESD'],
  [/interlock|sis|bypass|trip/, 'Interlocks'],
  [/level|pressure|temperature|flow|tank|ai-/, 'Process'],
];

/** ISA-5.1 tag letters, for points without a profile (`PT-301`, `TK301.LT`, `IL-301.TRIP`). */
const TAG_GROUPS: Readonly<Record<string, PlantGroup>> = {
  GT: 'GasDetectors',
  AT: 'GasDetectors',
  XV: 'ESD',
  ZSO: 'ESD',
  ZSC: 'ESD',
  IL: 'Interlocks',
  LT: 'Process',
  PT: 'Process',
  TT: 'Process',
  FT: 'Process',
  PDT: 'Process',
};

/**
 * The folder under Objects/Plant of a point: from its profile when it has one, else from the tag
 * letters of its id (the leading letters, then those of its last `.` segment); `Other` otherwise.
 */
export function plantGroupOf(point: Pick<ScenarioPoint, 'id' | 'profile'>): PlantGroup {
  if (point.profile !== undefined) {
    const byProfile = PROFILE_GROUPS.find(([pattern]) => pattern.test(point.profile ?? ''));
    if (byProfile !== undefined) return byProfile[1];
  }
  const lastSegment = point.id.slice(point.id.lastIndexOf('.') + 1);
  for (const text of [point.id, lastSegment]) {
    const letters = /^[A-Za-z]+/.exec(text)?.[0].toUpperCase();
    const group = letters === undefined ? undefined : TAG_GROUPS[letters];
    if (group !== undefined) return group;
  }
  return 'Other';
}

/** What the address space holds for one scenario point. */
export interface PointVariableSpec {
  readonly pointId: string;
  /** `ns=1;s=<pointId>`. */
  readonly nodeId: string;
  /** Browse name in namespace 1: the point id. */
  readonly browseName: string;
  readonly group: PlantGroup;
  readonly dataType: 'Double' | 'Boolean';
  /** EURange of an AnalogItemType variable (numeric points with a `range`). */
  readonly euRange: { readonly low: number; readonly high: number } | undefined;
  readonly unit: string | undefined;
}

export function nodeIdOf(pointId: string): string {
  return `ns=1;s=${pointId}`;
}

export function pointVariableSpec(point: ScenarioPoint): PointVariableSpec {
  const range = point.type === 'number' ? point.range : undefined;
  return {
    pointId: point.id,
    nodeId: nodeIdOf(point.id),
    browseName: point.id,
    group: plantGroupOf(point),
    dataType: point.type === 'number' ? 'Double' : 'Boolean',
    euRange: range === undefined ? undefined : { low: range[0], high: range[1] },
    unit: point.unit,
  };
}

/** Id of synthetic load item n (0-based): `Load.0` … `Load.<loadItems-1>`. */
export function loadItemId(n: number): string {
  return `Load.${n}`;
}

/** A load item's value at a tick: distinct per item, different at every tick, bounded. */
export function loadItemValue(n: number, tick: number): number {
  return n + (tick % 1000) / 1000;
}

/** An EUInformation as UNECE Recommendation 20 codes it (OPC UA Part 8 §5.6.3); -1 = no code. */
export interface EngineeringUnit {
  /** UNECE common code (`P1` percent, `CEL` °C…), undefined when the unit has none (`%LEL`). */
  readonly commonCode: string | undefined;
  readonly displayName: string;
  readonly description: string;
}

const UNECE_CODES: Readonly<Record<string, readonly [string, string]>> = {
  '%': ['P1', 'percent'],
  ppm: ['59', 'part per million'],
  '°C': ['CEL', 'degree Celsius'],
  bar: ['BAR', 'bar'],
  kPa: ['KPA', 'kilopascal'],
  MPa: ['MPA', 'megapascal'],
  'm3/h': ['MQH', 'cubic metre per hour'],
  m: ['MTR', 'metre'],
  mm: ['MMT', 'millimetre'],
  ms: ['C26', 'millisecond'],
  s: ['SEC', 'second'],
};

export function engineeringUnitOf(unit: string): EngineeringUnit {
  const known = UNECE_CODES[unit];
  if (known !== undefined) return { commonCode: known[0], displayName: unit, description: known[1] };
  // %LEL has no UNECE code: a percentage of the lower explosive limit, not of anything SI.
  return { commonCode: undefined, displayName: unit, description: unit === '%LEL' ? 'percent of the lower explosive limit' : unit };
}
