import type { GasVoteRule, Point, Priority, Sample, ThresholdLevel, ThresholdRule } from '../../../core/index.js';
import { isUsable } from '../../evaluator.js';
import { GroupCondition, type Group, type GroupEvaluator } from '../../group.js';
import { formatNumber } from '../../message.js';
import { ThresholdEvaluator } from '../../threshold.js';
import { levelsOrThrow } from './level-rule.js';

/** The value of the `groupBy` key of a point: its `area` field, or an attribute. */
export function zoneOf(point: Point, groupBy: string): string | undefined {
  return groupBy === 'area' ? point.area : point.attrs[groupBy];
}

/** The selected points by zone, in configuration order; points without the key are left out (gasChecks reports them). */
export function zonesOf(rule: Pick<GasVoteRule, 'groupBy'>, selected: readonly Point[]): Map<string, Point[]> {
  const zones = new Map<string, Point[]>();
  for (const point of selected) {
    const zone = zoneOf(point, rule.groupBy);
    if (zone === undefined) continue;
    const list = zones.get(zone);
    if (list === undefined) zones.set(zone, [point]);
    else list.push(point);
  }
  return zones;
}

/**
 * The levels a member votes at: its own GB/T 50493 levels from level 1 (AL1, AL2 and oxygen
 * LOW/HIGH) or only AL2, or one level at the rule's `limit` in the member's unit.
 */
export function voteLevels(rule: GasVoteRule, point: Point): ThresholdLevel[] {
  const level = (name: string, direction: 'high' | 'low', limit: number): ThresholdLevel => ({ name, direction, limit, deadbandPct: rule.deadbandPct, onDelayMs: 0, offDelayMs: 0, priority: rule.priority });
  if (rule.limit !== undefined) return [level('LIMIT', 'high', rule.limit)];
  const levels = levelsOrThrow(rule.id, point, rule.setpoints).filter((l) => rule.at === 'level1' || l.rank === 'level2');
  return levels.map((l) => level(l.name, l.direction, l.limit));
}

interface Member {
  readonly point: Point;
  /** The member's own levels, with their hysteresis; it votes while one is active. */
  readonly evaluator: ThresholdEvaluator;
  faulted: boolean;
}

/**
 * k-of-n confirmation of one zone (GB 16808-2025): `CONFIRMED` while at least k members vote. A
 * member votes while at or above its level (deadband included); a member whose latest sample is bad
 * abstains, or votes when the rule says `faulted: vote` (fail-safe). A confirmation retained across a
 * restart is not judged over until every member has reported again: the first sample of a calm
 * member must not clear it while the ones that voted have not been heard yet.
 */
export class ZoneVoteEvaluator implements GroupEvaluator {
  readonly needsTick = false;
  readonly priority: Priority;
  private readonly members = new Map<string, Member>();
  private current: 'CONFIRMED' | null = null;
  /** Members voting now, kept as samples come (one member changes per sample): O(1) per sample. */
  private count = 0;
  /** After a seeded confirmation: the members not heard from since. */
  private readonly awaiting = new Set<string>();

  constructor(
    private readonly rule: GasVoteRule,
    points: readonly Point[],
  ) {
    this.priority = rule.priority;
    for (const point of points) {
      const spec: ThresholdRule = { id: rule.id, kind: 'threshold', select: rule.select, levels: voteLevels(rule, point) };
      this.members.set(point.id, { point, evaluator: new ThresholdEvaluator(spec, point), faulted: false });
    }
  }

  get level(): string | null {
    return this.current;
  }

  get value(): number {
    return this.count;
  }

  describe(): string {
    const voting = [...this.members.values()].filter((m) => this.votes(m)).map((m) => m.point.id);
    const faulted = [...this.members.values()].filter((m) => m.faulted).length;
    const what = this.rule.limit !== undefined ? `≥ ${formatNumber(this.rule.limit)}` : this.rule.at === 'level2' ? 'at level 2' : 'at level 1 or above';
    const who = voting.length === 0 ? '' : ` (${voting.join(', ')})`;
    const bad = faulted === 0 ? '' : `, ${faulted} faulted (${this.rule.faulted === 'vote' ? 'counted' : 'not counted'})`;
    return `${this.count} of ${this.members.size} detectors ${what}${who}, k = ${this.rule.k}${bad}`;
  }

  update(sample: Sample): boolean {
    const m = this.members.get(sample.pointId);
    if (m === undefined) return false;
    this.awaiting.delete(m.point.id);
    const before = this.votes(m);
    m.faulted = !isUsable(sample);
    const x = typeof sample.value === 'boolean' ? (sample.value ? 1 : 0) : sample.value;
    m.evaluator.update(x, sample);
    this.count += Number(this.votes(m)) - Number(before);
    return this.judge();
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'CONFIRMED') return false;
    this.current = level;
    this.awaiting.clear();
    if (level !== null) for (const id of this.members.keys()) this.awaiting.add(id);
    return true;
  }

  private votes(m: Member): boolean {
    if (m.faulted) return this.rule.faulted === 'vote';
    return m.evaluator.level !== null;
  }

  private judge(): boolean {
    const next = this.count >= this.rule.k || (this.current === 'CONFIRMED' && this.awaiting.size > 0) ? 'CONFIRMED' : null;
    if (next === this.current) return false;
    this.current = next;
    return true;
  }
}

/** `gas-vote`: one group condition per zone, `<ruleId>/<zone>`, naming the zone. */
export function gasVoteConditions(rule: GasVoteRule, selected: readonly Point[]): GroupCondition[] {
  return [...zonesOf(rule, selected)].map(([zone, members]) => {
    const group: Group = { key: zone, members, pointId: null, zoneId: zone, evaluator: new ZoneVoteEvaluator(rule, members) };
    return new GroupCondition(rule, group);
  });
}
