import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { formatYamlPath, issueProblems, lineOf, type ReportedProblem } from '../simulator/parse.js';
import type { ScenarioProblem } from '../simulator/scenario-checks.js';
import { checkEntries, checkRegisters } from './modbus-checks.js';
import { expandRegisters } from './modbus-expand.js';
import { modbusProfileFileSchema } from './modbus-schema.js';

/*
 * Device profiles with a Modbus register map: loaded by the Modbus simulator and by the gateway's
 * site config (a device names its profile, the points come from the map). devices/profiles/README.md
 * documents the format.
 */

export type ModbusFunctionName = 'coil' | 'discrete' | 'holding' | 'input';
export type ProfileValueType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'string' | 'bit';
export type ProfileByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

export interface ProfileQualityRule {
  readonly values: readonly number[];
  readonly level: 'good' | 'uncertain' | 'bad';
  readonly reason?: string;
}

export interface ProfilePointTemplate {
  readonly kind: string;
  readonly type: 'number' | 'boolean';
  readonly unit?: string;
  readonly range?: readonly [number, number];
  readonly scaling?: { kind: 'current-loop'; faultLowMa: number; faultHighMa: number };
  readonly attrs: Readonly<Record<string, string>>;
  readonly name?: string;
}

/** One register entry after `repeat` has been expanded ({n} replaced, address stepped). */
export interface ProfileRegister {
  /** e.g. "ch1.gas": unique in the profile, matches /^[A-Za-z0-9][A-Za-z0-9._:-]*$/ */
  readonly name: string;
  readonly fn: ModbusFunctionName;
  /** 0-based protocol address. */
  readonly address: number;
  /** coil/discrete registers are always 'bit'. */
  readonly type: ProfileValueType;
  /** The register's own or the profile's byteOrder (default ABCD). */
  readonly order: ProfileByteOrder;
  /** Registers of a string. */
  readonly length?: number;
  /** Bit 0..15 of a holding/input register for type 'bit'. */
  readonly bit?: number;
  /** Emitted value = raw * multiply + offset (default 1, 0). */
  readonly multiply: number;
  readonly offset: number;
  /** This register is a vendor status word for the register named here (same profile): its value gives that point's quality. */
  readonly statusOf?: string;
  /** For status registers: value → quality; values not listed mean bad 'status-unknown'. */
  readonly quality?: readonly ProfileQualityRule[];
  /** The point this register becomes; a status register without `point` is not a point itself. */
  readonly point?: ProfilePointTemplate;
}

export interface ModbusProfile {
  readonly profile: string;
  readonly description: string;
  readonly file: string;
  readonly registers: readonly ProfileRegister[];
}

export type ModbusProfileResult = { ok: true; profile: ModbusProfile } | { ok: false; problems: readonly ReportedProblem[] };

/**
 * devices/profiles in the source tree. tsc does not copy YAML into dist/, so from the compiled file
 * we walk up to the folder with package.json (the repo root) and take devices/profiles there.
 */
export const PROFILES_DIR: string = findProfilesDir(dirname(fileURLToPath(import.meta.url)));

function findProfilesDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'devices', 'profiles');
    if (dirname(dir) === dir) return start;
  }
}

/**
 * `name` is a profile name (file <dir>/<name>.yaml, dir defaulting to PROFILES_DIR) or a path to a
 * YAML file (anything with a slash or a .yaml/.yml ending). Problems name file, YAML path and line.
 */
export function loadModbusProfile(name: string, dir: string = PROFILES_DIR): ModbusProfileResult {
  const isPath = name.includes('/') || name.includes('\\') || /\.ya?ml$/.test(name);
  const file = isPath ? resolve(name) : join(dir, `${name}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = isPath ? `cannot be read: ${reason}` : `no profile named ${name} in ${dir} (${reason})`;
    return { ok: false, problems: [{ path: '', line: undefined, message }] };
  }
  return parseModbusProfile(text, file);
}

/** Parses and validates a profile's YAML; every problem is reported at once. */
export function parseModbusProfile(text: string, file: string): ModbusProfileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // One syntax error tends to cascade into dozens; the first ones say where to look.
    return { ok: false, problems: doc.errors.slice(0, 3).map((e) => ({ path: '', line: lineCounter.linePos(e.pos[0]).line, message: e.message })) };
  }
  const report = (problems: readonly ScenarioProblem[]): ModbusProfileResult => ({
    ok: false,
    problems: problems.map((p) => ({ path: formatYamlPath(p.path), line: lineOf(doc, p.path, lineCounter), message: p.message })),
  });
  const parsed = modbusProfileFileSchema.safeParse(doc.toJS());
  if (!parsed.success) return report(parsed.error.issues.flatMap(issueProblems));
  const entryProblems = checkEntries(parsed.data);
  if (entryProblems.length > 0) return report(entryProblems);
  const expanded = expandRegisters(parsed.data);
  const registerProblems = checkRegisters(expanded);
  if (registerProblems.length > 0) return report(registerProblems);
  return {
    ok: true,
    profile: { profile: parsed.data.profile, description: parsed.data.description ?? '', file, registers: expanded.map((item) => item.register) },
  };
}

/** The problems of a failed load as one text block, for error messages. */
export function formatProfileProblems(file: string, problems: readonly ReportedProblem[]): string {
  const lines = problems.map((p) => `  ${p.path || '(file)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`);
  return `Profile ${file} is invalid:\n${lines.join('\n')}`;
}
