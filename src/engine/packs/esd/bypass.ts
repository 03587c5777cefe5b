import type { BypassPriorities, InterlockBypassRule, Point, Priority, RegisterUse, Sample } from '../../../core/index.js';
import type { Group, GroupEvaluator } from '../../group.js';
import { InterlockState, interlocksOf, type InterlockMembers, type RegisterState } from './interlock.js';
import { isoTime } from './signals.js';

type BypassLevel = 'BYPASSED' | 'UNREGISTERED' | 'OVERDUE';
const LEVELS: readonly string[] = ['BYPASSED', 'UNREGISTERED', 'OVERDUE'];

/**
 * Interlock bypass (联锁摘除) against the bypass register, for one interlock:
 * - `OVERDUE` when the register has an active entry and its planned end has passed (ticks move it:
 *   no signal changes when a plan runs out), whatever the SIS says: the entry is still open;
 * - `BYPASSED` (a standing alarm) when the register has an active entry within its period;
 * - `UNREGISTERED` when the SIS says bypassed and the register has no active entry, or has not
 *   reported at all (a bypass nobody can show was approved); `BYPASSED` with `register: none`;
 * - normal when neither the SIS nor the register says bypassed.
 * With no usable SIS flag and no register entry the level stays as it is.
 *
 * After a restart with a level retained (`seed`), the level does not move until the register has
 * reported (when it is required; the gateway feeds it before any adapter connects), and does not
 * return to normal until every SIS bypass flag of the interlock has reported a usable value too:
 * one flag saying "off" while another has not reported is no return.
 */
export class BypassEvaluator implements GroupEvaluator {
  readonly needsTick: boolean;
  private readonly state: InterlockState;
  private current: BypassLevel | null = null;
  private lastPriority: Priority;
  /** Seeded active after a restart, and not every signal has reported since. */
  private resumed = false;

  constructor(
    members: InterlockMembers,
    private readonly register: RegisterUse,
    private readonly priorities: BypassPriorities,
  ) {
    this.state = new InterlockState(members);
    this.needsTick = register === 'required';
    this.lastPriority = priorities.bypassed;
  }

  get level(): string | null {
    return this.current;
  }

  get priority(): Priority {
    return this.lastPriority;
  }

  /** The register's planned end while it has an active entry, else whether the SIS says bypassed. */
  get value(): number | boolean | null {
    if (this.registerState() === 'active') return this.state.plannedEnd();
    const sis = this.state.sisBypassed();
    return sis === 'unknown' ? null : sis === 'yes';
  }

  update(sample: Sample): boolean {
    if (!this.state.update(sample)) return false;
    return this.judge(sample.rts);
  }

  tick(now: number): boolean {
    return this.judge(now);
  }

  seed(level: string | null): boolean {
    if (level !== null && !LEVELS.includes(level)) return false;
    this.current = level as BypassLevel | null;
    this.resumed = level !== null;
    if (this.current !== null) this.lastPriority = this.priorityOf(this.current);
    return true;
  }

  describe(): string {
    const sis = this.sisText();
    const reg = this.registerState();
    const end = isoTime(this.state.plannedEnd());
    switch (this.current) {
      case 'OVERDUE':
        return reg === 'active' ? `still bypassed after its planned end ${end}; ${sis}` : `past its planned end; ${sis}`;
      case 'UNREGISTERED':
        return `${sis}; ${reg === 'unknown' ? 'the bypass register has not reported' : 'no active entry in the bypass register'}`;
      case 'BYPASSED':
        return reg === 'active' ? `registered until ${end}; ${sis}` : sis;
      case null:
        return reg === 'none' && this.register === 'required' ? `${sis}, no active register entry` : sis;
    }
  }

  private registerState(): RegisterState {
    return this.register === 'none' ? 'none' : this.state.registerState();
  }

  private sisText(): string {
    const sis = this.state.sisBypassed();
    if (sis === 'yes') return `SIS bypass on: ${this.state.bypassingPoints().join(', ')}`;
    if (this.state.members.bypass.length === 0) return 'no SIS bypass signal';
    return sis === 'no' ? 'SIS bypass off' : 'SIS bypass signal unknown';
  }

  private judge(now: number): boolean {
    if (this.resumed) {
      const registerUnknown = this.registerState() === 'unknown';
      if (!registerUnknown && this.state.bypassFlagsUnknown() === 0) this.resumed = false;
      else if (registerUnknown) return false;
    }
    const next = this.decide(now);
    if (next === undefined || next === this.current || (next === null && this.resumed)) return false;
    if (next !== null) this.lastPriority = this.priorityOf(next);
    this.current = next;
    return true;
  }

  /** The level the signals call for; undefined when they say nothing yet. */
  private decide(now: number): BypassLevel | null | undefined {
    if (this.registerState() === 'active') return now >= this.state.plannedEnd() ? 'OVERDUE' : 'BYPASSED';
    const sis = this.state.sisBypassed();
    if (sis === 'yes') return this.register === 'none' ? 'BYPASSED' : 'UNREGISTERED';
    return sis === 'no' ? null : undefined;
  }

  private priorityOf(level: BypassLevel): Priority {
    if (level === 'OVERDUE') return this.priorities.overdue;
    return level === 'UNREGISTERED' ? this.priorities.unregistered : this.priorities.bypassed;
  }
}

/** One group per interlock: condition `<ruleId>/<interlock>`, named after its (first) SIS bypass point, zone = its unit. */
export function bypassGroups(rule: InterlockBypassRule, selected: readonly Point[], all: readonly Point[]): Group[] {
  return interlocksOf(selected, all)
    .filter((m) => m.bypass.length > 0 || (m.register !== undefined && rule.register === 'required'))
    .map((m) => {
      const members = [...m.bypass, ...(m.register === undefined || rule.register === 'none' ? [] : [m.register])];
      const evaluator = new BypassEvaluator({ ...m, inService: [] }, rule.register, rule.priorities);
      const pointId = m.bypass[0]?.id ?? m.register?.id ?? null;
      return { key: m.id, members, pointId, ...(m.unit === undefined ? {} : { zoneId: m.unit }), evaluator };
    });
}
