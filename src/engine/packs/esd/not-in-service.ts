import type { EsdNotInServiceRule, Point, Priority, Sample } from '../../../core/index.js';
import type { Group, GroupEvaluator } from '../../group.js';
import { InterlockState, interlocksOf } from './interlock.js';
import { unitOf } from './signals.js';

/**
 * "Emergency shutdown not in service at a level-1/2 major hazard source is itself a major hazard"
 * (DOMAIN.md, hazardous chemicals): for one unit, `MAJOR_HAZARD` while any of its interlocks is
 * bypassed (its SIS flag, or an active register entry) or says it is not in service; normal once
 * none is. A sample costs O(1): it goes to its interlock by point id, and the unit keeps running
 * counts of the interlocks out and of the signals that have not reported yet.
 *
 * After a restart with `MAJOR_HAZARD` retained (`seed`), the unit returns to normal only once every
 * signal of every interlock (SIS bypass and in-service flags, register points) has reported a
 * usable value: the register's start-up values (fed before any adapter connects) or a first SIS
 * flag must not end an alarm that a flag not yet heard still calls for. A signal that never
 * reports keeps it active (a stale rule names the silent point).
 */
export class NotInServiceEvaluator implements GroupEvaluator {
  readonly needsTick = false;
  private current: 'MAJOR_HAZARD' | null = null;
  private readonly interlocks: InterlockState[];
  private readonly byPoint = new Map<string, InterlockState>();
  /** Interlocks out of service now. */
  private outCount = 0;
  /** Signals (of all interlocks) that have not reported a usable value. */
  private unknownCount = 0;
  /** Seeded active after a restart: not back to normal until every signal has reported. */
  private resumed = false;

  constructor(
    interlocks: readonly InterlockState[],
    readonly priority: Priority,
    private readonly hazardLevel: string,
  ) {
    this.interlocks = [...interlocks];
    for (const i of this.interlocks) {
      for (const id of i.pointIds()) if (!this.byPoint.has(id)) this.byPoint.set(id, i);
      if (i.isOut()) this.outCount++;
      this.unknownCount += i.unknownSignals();
    }
  }

  get level(): string | null {
    return this.current;
  }

  /** How many of the unit's interlocks are out of service. */
  get value(): number {
    return this.outCount;
  }

  update(sample: Sample): boolean {
    const i = this.byPoint.get(sample.pointId);
    if (i === undefined) return false;
    const wasOut = i.isOut();
    const wasUnknown = i.unknownSignals();
    i.update(sample);
    this.outCount += (i.isOut() ? 1 : 0) - (wasOut ? 1 : 0);
    this.unknownCount += i.unknownSignals() - wasUnknown;
    if (this.unknownCount === 0) this.resumed = false;
    const next = this.outCount > 0 ? 'MAJOR_HAZARD' : this.resumed ? this.current : null;
    if (next === this.current) return false;
    this.current = next;
    return true;
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'MAJOR_HAZARD') return false;
    this.current = level;
    this.resumed = level !== null && this.unknownCount > 0;
    return true;
  }

  describe(): string {
    const out = this.out();
    const source = `level-${this.hazardLevel} major hazard source`;
    if (out.length === 0) return `all ${this.interlocks.length} ESD interlocks in service at this ${source}`;
    return `ESD not in service at a ${source}: ${out.map((o) => `${o.id} ${o.why}`).join(', ')}`;
  }

  private out(): { id: string; why: string }[] {
    const out: { id: string; why: string }[] = [];
    for (const i of this.interlocks) {
      const why: string[] = [];
      if (i.sisBypassed() === 'yes') why.push('bypassed at the SIS');
      if (i.registerState() === 'active') why.push('bypass registered');
      if (i.outOfService() === 'yes') why.push('not in service');
      if (why.length > 0) out.push({ id: i.members.id, why: why.join(', ') });
    }
    return out;
  }
}

/** The major-hazard-source level of each unit: the `attrs.hazardLevel` of its points (the first found). */
export function unitHazardLevels(all: readonly Point[]): Map<string, string> {
  const levels = new Map<string, string>();
  for (const p of all) {
    const unit = unitOf(p);
    const level = p.attrs['hazardLevel'];
    if (unit !== undefined && level !== undefined && !levels.has(unit)) levels.set(unit, level);
  }
  return levels;
}

/** One group per unit of a listed hazard level: condition `<ruleId>/<unit>`, zone = the unit, over its interlocks' flags and register points. */
export function notInServiceGroups(rule: EsdNotInServiceRule, selected: readonly Point[], all: readonly Point[]): Group[] {
  const levels = unitHazardLevels(all);
  const byUnit = new Map<string, InterlockState[]>();
  for (const m of interlocksOf(selected, all)) {
    const level = m.unit === undefined ? undefined : levels.get(m.unit);
    if (m.unit === undefined || level === undefined || !rule.hazardLevels.includes(level)) continue;
    byUnit.set(m.unit, [...(byUnit.get(m.unit) ?? []), new InterlockState(m)]);
  }
  return [...byUnit].map(([unit, states]) => {
    const members = states.flatMap((s) => [...s.members.bypass, ...s.members.inService, ...(s.members.register === undefined ? [] : [s.members.register])]);
    return { key: unit, members, pointId: null, zoneId: unit, evaluator: new NotInServiceEvaluator(states, rule.priority, levels.get(unit) ?? '') };
  });
}
