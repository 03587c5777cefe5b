import type { InterlockTripRule, Point, Priority, Sample } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import type { Evaluator } from '../../evaluator.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { flagOf, unitOf } from './signals.js';

/**
 * `TRIPPED` while an interlock's trip flag says tripped (polarity applied); a bad sample changes
 * nothing. The latch (`latch: true` in the pack) keeps the alarm until an operator resets it.
 */
export class TripEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly limit = 0.5;
  private current: 'TRIPPED' | null = null;

  constructor(
    private readonly point: Point,
    readonly priority: Priority,
  ) {}

  get level(): string | null {
    return this.current;
  }

  update(_x: number, sample: Sample): boolean {
    const tripped = flagOf(sample, this.point);
    if (tripped === undefined) return false;
    const next = tripped ? 'TRIPPED' : null;
    if (next === this.current) return false;
    this.current = next;
    return true;
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'TRIPPED') return false;
    this.current = level;
    return true;
  }
}

/** A first-out group name from a unit: letters, digits and `._-` (the schema's rule for group names). */
export function groupPart(unit: string): string {
  return unit.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * The first-out group of a trip point: `<prefix>.<unit>` per unit, `<prefix>` for the site, none;
 * the prefix is the rule's `suppress.firstOut`, else its id. A site's own rule joins a unit's group
 * by naming it (`suppress: { firstOut: esd-trip.tank-farm-3 }`).
 */
export function firstOutGroupOf(rule: InterlockTripRule, point: Point): string | undefined {
  const prefix = rule.suppress?.firstOut ?? rule.id;
  switch (rule.firstOutBy) {
    case 'none':
      return undefined;
    case 'site':
      return prefix;
    case 'unit': {
      const unit = unitOf(point);
      return unit === undefined ? prefix : `${prefix}.${groupPart(unit)}`;
    }
  }
}

/** The rule as one trip point's condition sees it: its suppression carries the point's first-out group. */
function ruleFor(rule: InterlockTripRule, point: Point): InterlockTripRule {
  const group = firstOutGroupOf(rule, point);
  const when = rule.suppress?.when;
  if (group === undefined && when === undefined) return rule.suppress === undefined ? rule : { ...rule, suppress: undefined };
  return { ...rule, suppress: { ...(when === undefined ? {} : { when }), ...(group === undefined ? {} : { firstOut: group }) } };
}

function tripMessage(rule: InterlockTripRule, f: MessageFacts): string {
  if (f.level !== null && rule.message !== undefined) return renderTemplate(rule.message, f);
  const name = f.point.name === undefined ? f.point.id : `${f.point.id} (${f.point.name})`;
  const unit = unitOf(f.point);
  const where = unit === undefined ? '' : ` in ${unit}`;
  return f.level === null ? `${name} trip cleared (${formatValue(f.value, undefined)})` : `${name} TRIPPED${where}`;
}

/** One condition per trip point, `<ruleId>/<pointId>`. */
export function tripConditions(rule: InterlockTripRule, selected: readonly Point[]): Condition[] {
  return selected.map((point) => {
    const own = ruleFor(rule, point);
    return new Condition(own, point, new TripEvaluator(point, rule.priority), (f) => tripMessage(rule, f));
  });
}
