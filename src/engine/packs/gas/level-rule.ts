import { HazgateError, type GasLevelRule, type GasSetpoints, type Point, type Priority, type ThresholdLevel, type ThresholdRule } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { ThresholdEvaluator } from '../../threshold.js';
import { gasLevels, type GasLevel } from './levels.js';
import { gasProfile } from './profile.js';

/** The levels of a point for a rule's setpoints, or why it has none (a config problem gasChecks reports first). */
export function pointGasLevels(point: Point, setpoints: GasSetpoints): GasLevel[] | string {
  const p = gasProfile(point);
  if (!p.ok) return p.problem.message;
  const levels = gasLevels(p.profile, setpoints);
  return typeof levels === 'string' ? `point "${point.id}": ${levels}` : levels;
}

/** The levels or a coded config error: the engine is only built from a checked config, so this is a bug or a skipped check. */
export function levelsOrThrow(ruleId: string, point: Point, setpoints: GasSetpoints): GasLevel[] {
  const levels = pointGasLevels(point, setpoints);
  if (typeof levels === 'string') throw new HazgateError('HG_ERR_CONFIG_INVALID', `rule "${ruleId}": ${levels}`, { ruleId, pointId: point.id });
  return levels;
}

function priorityOf(rule: GasLevelRule, level: GasLevel): Priority {
  return rule.priorities[level.rank];
}

/** The computed levels as threshold levels: no on-delay (regulatory gas limits), level 2 to its audiences. */
export function thresholdLevels(rule: GasLevelRule, levels: readonly GasLevel[]): ThresholdLevel[] {
  return levels.map((l) => ({
    name: l.name,
    direction: l.direction,
    limit: l.limit,
    deadbandPct: rule.deadbandPct,
    onDelayMs: 0,
    offDelayMs: 0,
    priority: priorityOf(rule, l),
    audiences: l.rank === 'level2' && rule.level2Audiences.length > 0 ? rule.level2Audiences : undefined,
  }));
}

const RANK_TEXT: Readonly<Record<GasLevel['rank'], string>> = { level1: 'level 1', level2: 'level 2', oxygen: 'oxygen limit' };

/** `AT-201 AL1 9.2 ppm (level 1 at 100 %OEL of H2S MAC 10 mg/m³ (GBZ 2.1-2019) = 7.05 ppm)`. */
export function gasLevelMessage(rule: { readonly message?: string | undefined }, levels: readonly GasLevel[], f: MessageFacts): string {
  const value = formatValue(f.value, f.point.unit);
  if (f.level === null) return f.value === null ? `${f.point.id} back to normal` : `${f.point.id} back to normal (${value})`;
  if (rule.message !== undefined) return renderTemplate(rule.message, f);
  const level = levels.find((l) => l.name === f.level);
  return level === undefined ? `${f.point.id} ${f.level} ${value}` : `${f.point.id} ${f.level} ${value} (${RANK_TEXT[level.rank]} at ${level.basis}, GB/T 50493-2019 5.5.2)`;
}

/** `gas-level`: one threshold condition per selected point with the levels computed for it. */
export function gasLevelConditions(rule: GasLevelRule, selected: readonly Point[]): Condition[] {
  return selected.map((point) => {
    const levels = levelsOrThrow(rule.id, point, rule.setpoints);
    const spec: ThresholdRule = { id: rule.id, kind: 'threshold', select: rule.select, levels: thresholdLevels(rule, levels) };
    return new Condition(rule, point, new ThresholdEvaluator(spec, point), (f) => gasLevelMessage(rule, levels, f));
  });
}
