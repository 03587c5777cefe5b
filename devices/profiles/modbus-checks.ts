import type { ScenarioProblem as Problem } from '../simulator/scenario-checks.js';
import { entryType, spanOf, type ExpandedRegister } from './modbus-expand.js';
import type { ModbusProfileFile, RegisterEntry } from './modbus-schema.js';

/*
 * Checks across keys and registers of a profile's register map, run once the YAML has the right
 * shape. Every problem is returned (one pass fixes a file); each names the register.
 */

/** A register name after expansion: what site configs and sim bindings refer to. */
export const REGISTER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** Modbus Application Protocol §6.3: at most 125 registers in one read; a value must fit one read. */
const MAX_READ_REGISTERS = 125;
const INTEGER_TYPES: ReadonlySet<string> = new Set(['int16', 'uint16', 'int32', 'uint32', 'bit']);

type Path = readonly (string | number)[];
const entryPath = (index: number, ...keys: (string | number)[]): Path => ['modbus', 'registers', index, ...keys];

/** Checks of one YAML entry on its own (before `repeat` expansion). */
export function checkEntries(file: ModbusProfileFile): Problem[] {
  return file.modbus.registers.flatMap((entry, index) => checkEntry(entry, index));
}

function checkEntry(entry: RegisterEntry, index: number): Problem[] {
  const at = (key: string | (string | number)[], message: string): Problem => ({
    path: entryPath(index, ...(Array.isArray(key) ? key : [key])),
    message: `register ${entry.name}: ${message}`,
  });
  const type = entryType(entry);
  const bitTable = entry.fn === 'coil' || entry.fn === 'discrete';
  const problems: Problem[] = [];
  if (bitTable && type !== 'bit') problems.push(at('type', `a ${entry.fn} is a single bit: its type can only be bit`));
  if (bitTable && entry.bit !== undefined) problems.push(at('bit', `a ${entry.fn} is one bit already; bit is for bit fields in holding/input registers`));
  if (type !== 'bit' && entry.bit !== undefined) problems.push(at('bit', 'only type bit takes a bit number'));
  if (entry.bitStride !== undefined && (type !== 'bit' || bitTable)) problems.push(at('bitStride', 'only bit fields of holding/input registers step their bit'));
  if (type === 'string' && entry.length === undefined) problems.push(at('type', 'a string register needs a length (registers, 2 characters each)'));
  if (type !== 'string' && entry.length !== undefined) problems.push(at('length', 'only string registers take a length'));
  if (entry.length !== undefined && entry.length > MAX_READ_REGISTERS) {
    problems.push(at('length', `${entry.length} registers cannot be read in one request (protocol limit ${MAX_READ_REGISTERS})`));
  }
  if (entry.quality !== undefined && entry.statusOf === undefined) problems.push(at('quality', 'quality rules need statusOf (the register whose quality they give)'));
  if (entry.statusOf !== undefined && !INTEGER_TYPES.has(type)) problems.push(at('type', 'a status register holds an integer code: use an integer type or bit'));
  if ((entry.repeat ?? 1) > 1 && !entry.name.includes('{n}')) problems.push(at('name', 'needs {n} when repeat is more than 1 (names must be unique)'));
  if (entry.repeat === undefined && entry.name.includes('{n}')) problems.push(at('name', 'uses {n} but has no repeat'));
  problems.push(...checkQualityValues(entry, index));
  if (entry.point !== undefined) problems.push(...checkPoint(entry, type, at));
  return problems;
}

function checkQualityValues(entry: RegisterEntry, index: number): Problem[] {
  const seen = new Set<number>();
  const problems: Problem[] = [];
  (entry.quality ?? []).forEach((rule, ruleIndex) => {
    for (const value of rule.values) {
      if (seen.has(value)) problems.push({ path: entryPath(index, 'quality', ruleIndex, 'values'), message: `register ${entry.name}: status value ${value} is listed twice` });
      seen.add(value);
    }
  });
  return problems;
}

function checkPoint(entry: RegisterEntry, type: string, at: (key: (string | number)[], message: string) => Problem): Problem[] {
  const point = entry.point;
  if (point === undefined) return [];
  const problems: Problem[] = [];
  if (type === 'string') return [at(['point'], 'a string register cannot be a point (points are numbers or booleans)')];
  const wanted = type === 'bit' ? 'boolean' : 'number';
  if (point.type !== undefined && point.type !== wanted) problems.push(at(['point', 'type'], `a ${type} register gives a ${wanted} point`));
  if (point.scaling !== undefined && point.range === undefined) problems.push(at(['point', 'scaling'], 'scaling needs point.range (the engineering range 4-20 mA maps to)'));
  if (point.range !== undefined && point.range[0] >= point.range[1]) problems.push(at(['point', 'range'], 'the low end must be below the high end'));
  if (point.scaling !== undefined && point.scaling.faultLowMa >= point.scaling.faultHighMa) {
    problems.push(at(['point', 'scaling'], 'faultLowMa must be below faultHighMa'));
  }
  return problems;
}

/** Checks across the expanded registers: names, spans, overlaps, status links. */
export function checkRegisters(expanded: readonly ExpandedRegister[]): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, ExpandedRegister>();
  for (const item of expanded) {
    const { register, entry } = item;
    const at = (key: string, message: string): Problem => ({ path: entryPath(entry, key), message: `register ${register.name}: ${message}` });
    if (!REGISTER_NAME_PATTERN.test(register.name)) problems.push(at('name', 'is not a valid register name'));
    const first = byName.get(register.name);
    if (first !== undefined) problems.push(at('name', `the name is used twice (also registers[${first.entry}])`));
    else byName.set(register.name, item);
    const last = register.address + spanOf(register) - 1;
    if (last > 65535) problems.push(at('address', `spans ${register.address}..${last}, past the last address 65535`));
    if (register.bit !== undefined && register.bit > 15) problems.push(at('bit', `bit ${register.bit} is past bit 15 of a 16-bit register`));
  }
  for (const { register, entry } of expanded) {
    if (register.statusOf === undefined) continue;
    const at = (message: string): Problem => ({ path: entryPath(entry, 'statusOf'), message: `register ${register.name}: ${message}` });
    if (register.statusOf === register.name) problems.push(at('cannot be the status of itself'));
    else if (!byName.has(register.statusOf)) problems.push(at(`names no register of this profile: ${register.statusOf}`));
  }
  return [...problems, ...checkOverlaps(expanded)];
}

/**
 * Two entries of one function may not share an address, except bit fields that use different bits
 * of one holding/input register (a status word with one flag per bit).
 */
function checkOverlaps(expanded: readonly ExpandedRegister[]): Problem[] {
  const problems: Problem[] = [];
  const sorted = [...expanded].sort((a, b) => a.register.fn.localeCompare(b.register.fn) || a.register.address - b.register.address);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (a === undefined) continue;
    const lastOfA = a.register.address + spanOf(a.register) - 1;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j];
      if (b === undefined || b.register.fn !== a.register.fn || b.register.address > lastOfA) break;
      if (sharesBitsOnly(a, b)) continue;
      const what = a.register.bit !== undefined && a.register.bit === b.register.bit ? `bit ${a.register.bit} of ` : '';
      problems.push({
        path: entryPath(b.entry, 'address'),
        message: `register ${b.register.name}: overlaps register ${a.register.name} (${what}${a.register.fn} ${b.register.address})`,
      });
    }
  }
  return problems;
}

function sharesBitsOnly(a: ExpandedRegister, b: ExpandedRegister): boolean {
  const isBitField = (r: ExpandedRegister): boolean => r.register.type === 'bit' && (r.register.fn === 'holding' || r.register.fn === 'input');
  return isBitField(a) && isBitField(b) && a.register.address === b.register.address && a.register.bit !== b.register.bit;
}
