import type { EsdRule, Point } from '../../../core/index.js';
import { selectPoints } from '../../select.js';
import type { PackProblem } from '../problem.js';
import { INTERLOCK_FLAGS, interlockFlag, interlockId, isRegisterPoint, ownTravelMs, REGISTER_KIND, unitOf, VALVE_SIGNALS, valveSignal, valveTag } from './signals.js';

/**
 * Config-time checks of the ESD pack: every point a rule of the pack selects must say what it is
 * (valve tag and signal, interlock id and flag, unit where the rule groups by unit), every valve
 * needs a command and a limit switch, every interlock whose bypass is compared with the register
 * needs its `bypass-register` point. Rules and points are indexed in config order.
 */
export class EsdChecker {
  readonly problems: PackProblem[] = [];
  private readonly index: Map<string, number>;

  constructor(private readonly points: readonly Point[]) {
    this.index = new Map(points.map((p, j) => [p.id, j]));
  }

  at(p: Point, path: readonly string[], message: string): void {
    this.problems.push({ path: ['points', this.index.get(p.id) ?? 0, ...path], message });
  }

  select(rule: EsdRule): Point[] {
    return selectPoints(rule.select, this.points);
  }

  polarity(p: Point): void {
    const v = p.attrs['polarity'];
    if (v !== undefined && v !== 'normal' && v !== 'inverted') this.at(p, ['attrs', 'polarity'], `point "${p.id}": polarity is normal or inverted, not "${v}"`);
  }
}

/** Valve rules: a tag and a signal on every selected point; per tag one command, at least one switch, no signal twice. */
export function checkValveRule(c: EsdChecker, rule: EsdRule): void {
  const byTag = new Map<string, Map<string, Point>>();
  for (const p of c.select(rule)) {
    const tag = valveTag(p);
    const signal = valveSignal(p);
    const what = `point "${p.id}" (selected by valve rule "${rule.id}")`;
    if (tag === undefined) c.at(p, ['attrs'], `${what} has no attrs.valve: the valve tag its signals share (XV-301)`);
    if (signal === undefined) c.at(p, p.attrs['signal'] === undefined ? ['attrs'] : ['attrs', 'signal'], `${what} needs attrs.signal: one of ${VALVE_SIGNALS.join(', ')}`);
    if (p.attrs['travel'] !== undefined && ownTravelMs(p) === undefined) c.at(p, ['attrs', 'travel'], `${what}: travel "${p.attrs['travel']}" is not a duration (e.g. 15s)`);
    c.polarity(p);
    if (tag === undefined || signal === undefined) continue;
    const signals = byTag.get(tag) ?? new Map<string, Point>();
    const twice = signals.get(signal);
    if (twice !== undefined) c.at(p, ['attrs', 'signal'], `valve ${tag} has two ${signal} signals: "${twice.id}" and "${p.id}"`);
    else signals.set(signal, p);
    byTag.set(tag, signals);
  }
  for (const [tag, signals] of byTag) {
    const first = [...signals.values()][0];
    if (first === undefined) continue;
    if (!signals.has('command')) c.at(first, ['attrs'], `valve ${tag} (rule "${rule.id}") has no command point (attrs.signal: command): without it no discrepancy can be found`);
    if (!signals.has('open') && !signals.has('closed')) c.at(first, ['attrs'], `valve ${tag} (rule "${rule.id}") has no limit switch (attrs.signal: open or closed)`);
  }
}

/** Trip rules: trip flags only; a unit for each when first-out groups are per unit. */
export function checkTripRule(c: EsdChecker, rule: Extract<EsdRule, { kind: 'interlock-trip' }>): void {
  for (const p of c.select(rule)) {
    const flag = p.attrs['flag'];
    if (flag !== undefined && flag !== 'trip') c.at(p, ['attrs', 'flag'], `trip rule "${rule.id}" selects "${p.id}", whose flag is ${flag}: it reads trip flags only (narrow its select)`);
    if (rule.firstOutBy === 'unit' && unitOf(p) === undefined) c.at(p, ['attrs'], `trip point "${p.id}" has no attrs.unit (or area): rule "${rule.id}" puts trips in a first-out group per unit`);
    c.polarity(p);
  }
}

/** Bypass rules: SIS bypass flags and register points only, each with its interlock; a register point per interlock when required. */
export function checkBypassRule(c: EsdChecker, rule: Extract<EsdRule, { kind: 'interlock-bypass' }>, registers: ReadonlyMap<string, Point>): void {
  const seen = new Set<string>();
  for (const p of c.select(rule)) {
    const id = interlockId(p);
    if (!isRegisterPoint(p) && interlockFlag(p) !== 'bypass') {
      c.at(p, ['attrs'], `bypass rule "${rule.id}" selects "${p.id}", which is neither an SIS bypass flag (kind: interlock, attrs.flag: bypass) nor a ${REGISTER_KIND} point (narrow its select)`);
      continue;
    }
    if (id === undefined) {
      c.at(p, ['attrs'], `point "${p.id}" (selected by bypass rule "${rule.id}") has no attrs.interlock: the interlock it belongs to`);
      continue;
    }
    c.polarity(p);
    if (rule.register !== 'required' || seen.has(id)) continue;
    seen.add(id);
    if (!registers.has(id)) {
      c.at(p, ['attrs', 'interlock'], `interlock ${id} has no ${REGISTER_KIND} point (kind: ${REGISTER_KIND}, attrs.interlock: ${id}): rule "${rule.id}" compares the SIS with the bypass register; add one, or set register: none`);
    }
  }
}

/** ESD-not-in-service rules: each interlock flag with its interlock and unit. */
export function checkNotInServiceRule(c: EsdChecker, rule: Extract<EsdRule, { kind: 'esd-not-in-service' }>): void {
  for (const p of c.select(rule)) {
    const flag = interlockFlag(p);
    if (flag === 'trip' || (flag === undefined && !isRegisterPoint(p))) {
      if (flag === undefined) c.at(p, ['attrs'], `point "${p.id}" (selected by rule "${rule.id}") needs attrs.flag: one of ${INTERLOCK_FLAGS.join(', ')}`);
      continue;
    }
    if (interlockId(p) === undefined) c.at(p, ['attrs'], `point "${p.id}" (selected by rule "${rule.id}") has no attrs.interlock: the interlock it belongs to`);
    if (unitOf(p) === undefined) c.at(p, ['attrs'], `point "${p.id}" has no attrs.unit (or area): rule "${rule.id}" judges ESD in service per unit`);
    c.polarity(p);
  }
}

/** Register points: a number with an interlock, one per interlock. Returns them by interlock. */
export function checkRegisterPoints(c: EsdChecker, points: readonly Point[]): Map<string, Point> {
  const registers = new Map<string, Point>();
  for (const p of points.filter(isRegisterPoint)) {
    const id = interlockId(p);
    if (id === undefined) c.at(p, ['attrs'], `${REGISTER_KIND} point "${p.id}" has no attrs.interlock: the interlock whose bypasses it carries`);
    if (p.type === 'boolean') c.at(p, ['type'], `${REGISTER_KIND} point "${p.id}" is a number (the planned end of the active bypass, epoch ms, or 0), not a boolean`);
    if (id === undefined) continue;
    const twice = registers.get(id);
    if (twice !== undefined) c.at(p, ['attrs', 'interlock'], `interlock ${id} has two ${REGISTER_KIND} points: "${twice.id}" and "${p.id}"`);
    else registers.set(id, p);
  }
  return registers;
}

/** The major-hazard-source levels: 1-4, and one per unit. */
export function checkHazardLevels(c: EsdChecker, points: readonly Point[]): void {
  const byUnit = new Map<string, { level: string; point: string }>();
  for (const p of points) {
    const level = p.attrs['hazardLevel'];
    if (level === undefined) continue;
    if (!['1', '2', '3', '4'].includes(level)) {
      c.at(p, ['attrs', 'hazardLevel'], `point "${p.id}": hazardLevel is the major hazard source level 1, 2, 3 or 4, not "${level}"`);
      continue;
    }
    const unit = unitOf(p);
    if (unit === undefined) continue;
    const first = byUnit.get(unit);
    if (first === undefined) byUnit.set(unit, { level, point: p.id });
    else if (first.level !== level) c.at(p, ['attrs', 'hazardLevel'], `unit ${unit} is a level-${first.level} major hazard source by "${first.point}" but level ${level} by "${p.id}"`);
  }
}
