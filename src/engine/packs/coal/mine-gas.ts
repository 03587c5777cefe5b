import { HazgateError, type MineGasRule, type Point, type Priority, type Sample } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { formatNumber, formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { mineGasLimitOf, type MineGasLimit } from './mine-gas-limits.js';

/**
 * A mine gas against its limit: HIGH while above a maximum (CO, H2S, NO2, SO2, NH3, CO2), LOW while
 * below the intake-air oxygen minimum. The regulation allows the limit itself ("not above 24 ppm"),
 * so the alarm is strictly beyond it; it clears back at the limit, or the deadband inside it.
 */
export class MineGasEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly limit: number;
  private active = false;
  private readonly high: boolean;
  private readonly name: 'HIGH' | 'LOW';
  private readonly clearAt: number;

  constructor(
    gas: MineGasLimit,
    readonly priority: Priority,
    deadbandPct: number,
  ) {
    this.limit = gas.limit;
    this.high = gas.direction === 'high';
    this.name = this.high ? 'HIGH' : 'LOW';
    const band = (gas.limit * deadbandPct) / 100;
    this.clearAt = this.high ? gas.limit - band : gas.limit + band;
  }

  get level(): string | null {
    return this.active ? this.name : null;
  }

  update(x: number, sample: Sample): boolean {
    if (!isUsable(sample) || !Number.isFinite(x)) return false;
    const next = this.active ? (this.high ? x > this.clearAt : x < this.clearAt) : this.high ? x > this.limit : x < this.limit;
    if (next === this.active) return false;
    this.active = next;
    return true;
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== this.name) return false;
    this.active = level !== null;
    return true;
  }
}

export function mineGasMessage(rule: MineGasRule, gas: MineGasLimit, f: MessageFacts): string {
  if (rule.message !== undefined && f.level !== null) return renderTemplate(rule.message, f);
  const value = formatValue(f.value, f.point.unit);
  if (f.level === null) return `${f.point.id} back to normal: ${gas.gas} ${value}`;
  const bound = gas.direction === 'high' ? `allowed at most ${formatNumber(gas.limit)} ${gas.unit}` : `needs at least ${formatNumber(gas.limit)} ${gas.unit}`;
  return `${f.point.id} ${gas.gas} ${f.level}: ${value}, ${gas.label} ${bound}`;
}

/** One condition per selected gas point with a mine-gas limit; methane and unregulated gases get none. */
export function mineGasConditions(rule: MineGasRule, selected: readonly Point[]): Condition[] {
  return selected.flatMap((point) => {
    const out = mineGasLimitOf(point);
    if (out.kind === 'not-judged') return [];
    if (out.kind === 'invalid') throw new HazgateError('HG_ERR_CONFIG_INVALID', out.problems.map((p) => p.message).join('; '), { ruleId: rule.id, pointId: point.id });
    return [new Condition(rule, point, new MineGasEvaluator(out.limit, rule.priority, rule.deadbandPct), (f) => mineGasMessage(rule, out.limit, f))];
  });
}
