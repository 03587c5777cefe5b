import type { GasLevelRule, GasVoteRule, LeakRateRule, Point, RateRule, RuleSpec, ThresholdRule } from '../../../core/index.js';
import { formatNumber } from '../../message.js';
import { selectPoints } from '../../select.js';
import type { PackProblem } from '../problem.js';
import { leakRise } from './leak-rate.js';
import { gasLevels, STANDARD_SETPOINTS, type GasLevel } from './levels.js';
import { gasProfile, isGasDetector, type GasProfile } from './profile.js';
import { gasUnitOf, showUnit, type GasUnit } from './units.js';
import { zoneOf, zonesOf } from './vote.js';

/** A zone names its condition (`<rule>/<zone>`, also in REST paths): the characters of a point id. */
const ZONE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Above a ceiling by more than rounding: conversions give 7.0539… ppm, and 7.05 must pass. */
function above(limit: number, ceiling: number): boolean {
  return limit > ceiling * (1 + 1e-9) + 1e-12;
}

function below(limit: number, floor: number): boolean {
  return limit < floor * (1 - 1e-9) - 1e-12;
}

function unitOf(p: GasProfile): string {
  return showUnit(p.unit);
}

/** Profiles of the configured gas detectors that have one (the others are reported by `pointChecks`). */
function profiles(points: readonly Point[]): Map<string, GasProfile> {
  const out = new Map<string, GasProfile>();
  for (const point of points) {
    if (!isGasDetector(point)) continue;
    const r = gasProfile(point);
    if (r.ok) out.set(point.id, r.profile);
  }
  return out;
}

/** A gas detector lacking what its class needs (gas unknown, unit not convertible) is refused, naming the point. */
function pointChecks(points: readonly Point[]): PackProblem[] {
  const problems: PackProblem[] = [];
  points.forEach((point, j) => {
    if (!isGasDetector(point)) return;
    const r = gasProfile(point);
    if (!r.ok) problems.push({ path: ['points', j, ...r.problem.field.split('.')], message: r.problem.message });
  });
  return problems;
}

/** The standard's ceilings for a detector (GB/T 50493-2019 5.5.2), in its unit. */
function ceilings(p: GasProfile): GasLevel[] {
  const levels = gasLevels(p, STANDARD_SETPOINTS);
  return typeof levels === 'string' ? [] : levels;
}

/**
 * A threshold rule on a gas detector: its lowest high level is the standard's level 1, the next one
 * level 2 (higher extra stages are not regulated); for oxygen the highest low level and the lowest
 * high level are the deficiency and enrichment alarms. None may be looser than the standard, and
 * none of those has an on-delay.
 */
function thresholdChecks(rule: ThresholdRule, i: number, p: GasProfile): PackProblem[] {
  const problems: PackProblem[] = [];
  const indexed = rule.levels.map((level, j) => ({ level, j }));
  const highs = indexed.filter((x) => x.level.direction === 'high').sort((a, b) => a.level.limit - b.level.limit);
  const lows = indexed.filter((x) => x.level.direction === 'low').sort((a, b) => b.level.limit - a.level.limit);
  const regulated: { x: (typeof indexed)[number]; ceiling: GasLevel }[] = [];
  for (const c of ceilings(p)) {
    if (c.name === 'LOW') {
      const x = lows[0];
      if (x !== undefined) regulated.push({ x, ceiling: c });
      continue;
    }
    const x = c.name === 'AL2' ? highs[1] : highs[0];
    if (x !== undefined) regulated.push({ x, ceiling: c });
  }
  for (const { x, ceiling } of regulated) {
    const where = `rule "${rule.id}" level ${x.level.name} (${formatNumber(x.level.limit)} ${unitOf(p)}) on point "${p.point.id}"`;
    const looser = ceiling.direction === 'high' ? above(x.level.limit, ceiling.limit) : below(x.level.limit, ceiling.limit);
    if (looser) {
      const side = ceiling.direction === 'high' ? 'above' : 'below';
      problems.push({ path: ['rules', i, 'levels', x.j, 'limit'], message: `${where} is ${side} GB/T 50493-2019 5.5.2 ${ceilingName(ceiling)}: ${ceiling.basis}` });
    }
    if (x.level.onDelayMs > 0) {
      problems.push({ path: ['rules', i, 'levels', x.j, 'onDelay'], message: `${where}: a regulatory gas level has no on-delay` });
    }
  }
  return problems;
}

function ceilingName(c: GasLevel): string {
  return c.name === 'AL1' ? 'level 1' : c.name === 'AL2' ? 'level 2' : c.name === 'LOW' ? 'oxygen deficiency' : 'oxygen enrichment';
}

/** A computed level outside the point's range could never alarm. */
function rangeChecks(ruleId: string, i: number, p: GasProfile, levels: readonly GasLevel[], field: string): PackProblem[] {
  const range = p.point.range;
  if (range === undefined) return [];
  const problems: PackProblem[] = [];
  for (const l of levels) {
    const out = l.direction === 'high' ? l.limit > range[1] : l.limit < range[0];
    if (!out) continue;
    problems.push({
      path: ['rules', i, field],
      message: `rule "${ruleId}" level ${l.name} of point "${p.point.id}" is ${formatNumber(l.limit)} ${unitOf(p)} (${l.basis}), outside its range [${range[0]}, ${range[1]}]: it could never alarm; set lower setpoints or use a detector with a range that holds it`,
    });
  }
  return problems;
}

function notDetector(rule: RuleSpec, i: number, point: Point, what: string): PackProblem {
  return { path: ['rules', i, 'select'], message: `rule "${rule.id}" selects point "${point.id}", which is not a gas detector (kind gas with attrs.class combustible, toxic or oxygen): ${what}` };
}

function gasLevelChecks(rule: GasLevelRule, i: number, selected: readonly Point[], known: Map<string, GasProfile>): PackProblem[] {
  const problems: PackProblem[] = [];
  for (const point of selected) {
    const p = known.get(point.id);
    if (p === undefined) {
      if (!isGasDetector(point)) problems.push(notDetector(rule, i, point, 'it has no GB/T 50493 levels'));
      continue;
    }
    const levels = gasLevels(p, rule.setpoints);
    if (typeof levels === 'string') problems.push({ path: ['rules', i, 'select'], message: `rule "${rule.id}" point "${point.id}": ${levels}` });
    else problems.push(...rangeChecks(rule.id, i, p, levels, 'setpoints'));
  }
  return problems;
}

function gasVoteChecks(rule: GasVoteRule, i: number, selected: readonly Point[], known: Map<string, GasProfile>): PackProblem[] {
  const problems: PackProblem[] = [];
  for (const point of selected) {
    if (zoneOf(point, rule.groupBy) === undefined) {
      problems.push({ path: ['rules', i, 'groupBy'], message: `rule "${rule.id}" groups by ${rule.groupBy}, which point "${point.id}" does not have` });
    }
    if (rule.limit !== undefined) continue;
    const p = known.get(point.id);
    if (p === undefined) {
      if (!isGasDetector(point)) problems.push(notDetector(rule, i, point, 'give the rule a limit or select detectors'));
    } else if (rule.at === 'level2' && p.cls === 'oxygen') {
      problems.push({ path: ['rules', i, 'at'], message: `rule "${rule.id}" votes at level 2, which oxygen point "${point.id}" does not have` });
    }
  }
  for (const [zone, members] of zonesOf(rule, selected)) {
    const ids = members.map((m) => m.id).join(', ');
    if (!ZONE_ID.test(zone)) {
      problems.push({ path: ['rules', i, 'groupBy'], message: `rule "${rule.id}" zone "${zone}" (of ${ids}) is not usable in a condition id "${rule.id}/${zone}": 1-128 letters, digits and . _ - :` });
    }
    if (members.length < rule.k) {
      problems.push({ path: ['rules', i, 'k'], message: `rule "${rule.id}" zone "${zone}" has ${members.length} detector${members.length === 1 ? '' : 's'} (${ids}): k = ${rule.k} could never be reached` });
    }
    const units = new Set(members.map((m) => m.unit ?? ''));
    if (rule.limit !== undefined && units.size > 1) {
      problems.push({ path: ['rules', i, 'limit'], message: `rule "${rule.id}" zone "${zone}": a limit needs one unit, its detectors (${ids}) are in ${[...units].join(', ')}` });
    }
  }
  return problems;
}

function leakRateChecks(rule: LeakRateRule, i: number, selected: readonly Point[], known: Map<string, GasProfile>): PackProblem[] {
  const problems: PackProblem[] = [];
  for (const point of selected) {
    const p = known.get(point.id);
    if (p === undefined) {
      if (!isGasDetector(point)) problems.push(notDetector(rule, i, point, 'a leak rate watches combustible detectors'));
      continue;
    }
    const r = leakRise(rule, p);
    if (typeof r === 'string') problems.push({ path: ['rules', i, 'select'], message: `rule "${rule.id}" selects point "${point.id}": ${r}` });
  }
  return problems;
}

/**
 * A core rate rule's rise is in the points' own units: over combustible detectors in different units
 * (%LEL and %VOL) one figure cannot mean the same leak anywhere. The pack's leak-rate kind converts.
 */
function rateChecks(rule: RateRule, i: number, selected: readonly Point[], known: Map<string, GasProfile>): PackProblem[] {
  const byUnit = new Map<GasUnit, string[]>();
  for (const point of selected) {
    const p = known.get(point.id);
    if (p?.cls !== 'combustible') continue;
    const list = byUnit.get(p.unit) ?? [];
    list.push(point.id);
    byUnit.set(p.unit, list);
  }
  if (byUnit.size < 2) return [];
  const units = [...byUnit].map(([unit, ids]) => `${showUnit(unit)} (${ids.join(', ')})`).join(', ');
  return [{ path: ['rules', i, 'rise'], message: `rule "${rule.id}" is a rate rule over combustible detectors in different units, ${units}: one rise cannot mean the same leak in each; use kind leak-rate (in %LEL, converted per detector), or one rate rule per unit` }];
}

/**
 * A selector that matches a gas unit by its spelling (`unit: "%LEL"`) silently leaves out the gas
 * detectors that write the same unit another way (`%lel`, `LEL`), which the pack reads alike: refused,
 * naming them, whatever the rule's kind.
 */
function unitSpellingChecks(rule: RuleSpec, i: number, points: readonly Point[]): PackProblem[] {
  const match = rule.select.match;
  const wanted = match?.['unit'];
  const unit = gasUnitOf(wanted);
  if (match === undefined || wanted === undefined || unit === undefined) return [];
  const rest = Object.fromEntries(Object.entries(match).filter(([key]) => key !== 'unit'));
  const missed = selectPoints({ match: rest }, points).filter((p) => isGasDetector(p) && p.unit !== wanted && gasUnitOf(p.unit) === unit);
  if (missed.length === 0) return [];
  const list = missed.map((p) => `"${p.id}" (${p.unit ?? ''})`).join(', ');
  return [
    {
      path: ['rules', i, 'select', 'match', 'unit'],
      message: `rule "${rule.id}" selects unit "${wanted}" as written, which leaves out gas detector${missed.length === 1 ? '' : 's'} ${list} in the same unit spelled otherwise: spell the units alike, or select by class (kind leak-rate converts a leak rate to each detector's unit)`,
    },
  ];
}

/** Config-time checks of the gas pack; rules and points are indexed in config order. */
export function gasChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  const known = profiles(points);
  const problems = pointChecks(points);
  rules.forEach((rule, i) => {
    const selected = selectPoints(rule.select, points);
    problems.push(...unitSpellingChecks(rule, i, points));
    switch (rule.kind) {
      case 'threshold':
        for (const point of selected) {
          const p = known.get(point.id);
          if (p !== undefined) problems.push(...thresholdChecks(rule, i, p));
        }
        break;
      case 'gas-level':
        problems.push(...gasLevelChecks(rule, i, selected, known));
        break;
      case 'gas-vote':
        problems.push(...gasVoteChecks(rule, i, selected, known));
        break;
      case 'leak-rate':
        problems.push(...leakRateChecks(rule, i, selected, known));
        break;
      case 'rate':
        problems.push(...rateChecks(rule, i, selected, known));
        break;
      default:
        break;
    }
  });
  return problems;
}
