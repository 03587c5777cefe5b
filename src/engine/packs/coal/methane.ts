import { HazgateError, type MethaneRule, type Point, type Priority, type Sample } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { formatNumber, formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { feedersOf } from './feeders.js';
import { methaneLimitsOf, type MethaneLimits } from './methane-limits.js';
import { nextMethaneLevel, type MethaneLevel } from './methane-level.js';

const PRIORITY: Readonly<Record<'ALARM' | 'POWER_OFF', Priority>> = { ALARM: 2, POWER_OFF: 1 };

/**
 * A CH4 sensor's condition: exclusive levels ALARM (priority 2) and POWER_OFF (priority 1, 断电).
 * Bad samples hold the level: the methane they would show is unknown. They are not ignored: the
 * sensor-fault kind raises FAULT for them (and for a silence), and the feed check treats them as a
 * power-off demand (断线断电).
 */
export class MethaneEvaluator implements Evaluator {
  readonly needsTick = false;
  private current: MethaneLevel = null;
  /** The active level, or the one last left (priority and limit of a return). */
  private shown: 'ALARM' | 'POWER_OFF' = 'ALARM';

  constructor(readonly limits: MethaneLimits) {}

  get level(): string | null {
    return this.current;
  }

  get priority(): Priority {
    return PRIORITY[this.shown];
  }

  get limit(): number {
    return this.shown === 'POWER_OFF' ? this.limits.powerOff : this.limits.alarm;
  }

  update(x: number, sample: Sample): boolean {
    if (!isUsable(sample) || !Number.isFinite(x)) return false;
    return this.moveTo(nextMethaneLevel(this.current, x, this.limits));
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'ALARM' && level !== 'POWER_OFF') return false;
    this.moveTo(level);
    return true;
  }

  private moveTo(next: MethaneLevel): boolean {
    if (next === this.current) return false;
    this.current = next;
    if (next !== null) this.shown = next;
    return true;
  }
}

/** What the operator reads: the level, methane, the location's numbers and, at a power-off, what must be cut. */
export function methaneMessage(rule: MethaneRule, limits: MethaneLimits, feeders: readonly string[], f: MessageFacts): string {
  if (rule.message !== undefined && f.level !== null) return renderTemplate(rule.message, f);
  const value = formatValue(f.value, f.point.unit);
  if (f.level === null) return `${f.point.id} back to normal: methane ${value}`;
  const at = `methane ${value} at the ${limits.label}`;
  if (f.level === 'ALARM') return `${f.point.id} ALARM: ${at}, alarm level ${formatNumber(limits.alarm)} %`;
  const cut = feeders.length === 0 ? '' : `; cut ${feeders.join(', ')}`;
  return `${f.point.id} POWER_OFF: ${at}, power-off level ${formatNumber(limits.powerOff)} %, restore below ${formatNumber(limits.restore)} %${cut}`;
}

/** One condition per selected CH4 sensor. The config checks refuse a point without valid limits first. */
export function methaneConditions(rule: MethaneRule, selected: readonly Point[]): Condition[] {
  return selected.map((point) => {
    const out = methaneLimitsOf(point);
    if (!out.ok) throw new HazgateError('HG_ERR_CONFIG_INVALID', out.problems.map((p) => p.message).join('; '), { ruleId: rule.id, pointId: point.id });
    const scope = feedersOf(point);
    const feeders = scope.kind === 'feeders' ? scope.names : [];
    return new Condition(rule, point, new MethaneEvaluator(out.limits), (f) => methaneMessage(rule, out.limits, feeders, f));
  });
}
