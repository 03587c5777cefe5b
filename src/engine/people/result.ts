import type { PeopleRuleKind, Priority } from '../../core/index.js';
import type { PersonRef } from './state.js';

/**
 * What personnel location says about one condition when its level changes (the core RuleResult's
 * counterpart; the gateway maps one to the other). Condition ids are stable: `<rule>/<zone>`
 * (headcount, crowd), `<rule>/<tag>` (sos, man-down, tag-offline, battery-low) and
 * `<rule>/<zone>/<tag>` (dwell, unauthorised: one per person and zone, so a second intruder is
 * an alarm of its own rather than lost inside the first).
 */
export interface PeopleAlarm {
  readonly conditionId: string;
  readonly rule: PeopleRuleKind;
  readonly zoneId: string | null;
  readonly tagId: string | null;
  /** `HEADCOUNT`, `DWELL`, `INTRUSION`, `SOS`, `FALLEN`, `NO_MOTION`, `OFFLINE`, `BATTERY_LOW`, `CROWD`; null back to normal. */
  readonly level: string | null;
  /** Of the active level; for a return to normal, of the level left. */
  readonly priority: Priority;
  /** Gateway time of the change, epoch ms. */
  readonly time: number;
  readonly message: string;
  /** The figure behind it: people counted, ms dwelt or silent, battery %; null when none. */
  readonly value: number | null;
  /** Who it concerns: the tag's wearer, the zone's people (headcount), the crowd's people. */
  readonly people: readonly PersonRef[];
}

/** A condition a rule finds active now; `subject` names it in the return-to-normal message (`Zone Workshop 3 (ws3)`). */
export type Finding = Omit<PeopleAlarm, 'time' | 'level'> & { readonly level: string; readonly subject: string };

function alarmOf(f: Finding, level: string | null, time: number, message: string): PeopleAlarm {
  return { conditionId: f.conditionId, rule: f.rule, zoneId: f.zoneId, tagId: f.tagId, level, priority: f.priority, time, message, value: f.value, people: f.people };
}

const NO_ALARMS: readonly PeopleAlarm[] = [];

/**
 * The active conditions, by scope: a rule evaluating a scope (one tag's conditions, one zone's
 * headcount) hands in everything it finds active there now, and the book answers what changed:
 * new or different levels, and conditions of the scope no longer found (back to normal).
 */
export class ConditionBook {
  private readonly scopes = new Map<string, Map<string, Finding>>();
  private readonly active = new Map<string, Finding>();

  /** The active level of a condition, null when normal. */
  levelOf(conditionId: string): string | null {
    return this.active.get(conditionId)?.level ?? null;
  }

  /** Every active condition, as it was found last. */
  findings(): IterableIterator<Finding> {
    return this.active.values();
  }

  settle(scope: string, found: readonly Finding[], time: number): readonly PeopleAlarm[] {
    const before = this.scopes.get(scope);
    if (found.length === 0 && before === undefined) return NO_ALARMS;
    const out: PeopleAlarm[] = [];
    const after = new Map<string, Finding>();
    for (const f of found) {
      after.set(f.conditionId, f);
      this.active.set(f.conditionId, f);
      if (before?.get(f.conditionId)?.level !== f.level) out.push(alarmOf(f, f.level, time, f.message));
    }
    for (const [id, f] of before ?? []) {
      if (after.has(id)) continue;
      this.active.delete(id);
      out.push(alarmOf(f, null, time, `${f.subject}: ${f.level} back to normal`));
    }
    if (after.size === 0) this.scopes.delete(scope);
    else this.scopes.set(scope, after);
    return out;
  }

  /**
   * Puts a condition handed back after a restart in its scope without announcing it (the alarm
   * manager has it active already), so the scope's next evaluation keeps it or returns it to normal
   * as usual. A condition already active (found since the start) keeps what was found.
   */
  seed(scope: string, f: Finding): void {
    if (this.active.has(f.conditionId)) return;
    const findings = this.scopes.get(scope) ?? new Map<string, Finding>();
    findings.set(f.conditionId, f);
    this.scopes.set(scope, findings);
    this.active.set(f.conditionId, f);
  }

  /** Returns every condition of a scope to normal, saying why in the message (`… back to normal (why)`). */
  release(scope: string, time: number, why: string): readonly PeopleAlarm[] {
    const before = this.scopes.get(scope);
    if (before === undefined) return NO_ALARMS;
    this.scopes.delete(scope);
    return [...before.values()].map((f) => {
      this.active.delete(f.conditionId);
      return alarmOf(f, null, time, `${f.subject}: ${f.level} back to normal (${why})`);
    });
  }
}
