import type { Point, Priority, Sample, ValvePriorities, ValveRule } from '../../../core/index.js';
import type { Group, GroupEvaluator } from '../../group.js';
import { flagOf, ownTravelMs, spanText, unitOf, valveSignal, valveTag } from './signals.js';

/** A valve's points: its command and one or both limit switches. */
export interface ValveMembers {
  readonly tag: string;
  readonly command: Point;
  /** ZSO: true when the valve is fully open. */
  readonly open?: Point | undefined;
  /** ZSC: true when the valve is fully closed. */
  readonly closed?: Point | undefined;
}

export interface ValveTiming {
  readonly travelMs: number;
  readonly settleMs: number;
  readonly priorities: ValvePriorities;
}

type ValveLevel = 'DISCREPANCY' | 'POSITION_FAULT';
/** Why a POSITION_FAULT: both switches on, a switch with bad samples, or neither switch on with no command. */
type FaultCause = 'both' | 'bad' | 'neither';
/** What the limit switches say; a valve with one switch is only ever `open` or `closed`. */
type Position = 'open' | 'closed' | 'both' | 'neither' | 'unknown';

/**
 * ESD valve supervision (DOMAIN.md, Emergency shutdown / SIS): command against limit switches.
 * - `POSITION_FAULT` when both switches read true for `settleMs` (they contradict each other);
 * - else `DISCREPANCY` when the valve is not at its commanded position `travelMs` after the
 *   command changed or the valve left that position (commanded closed and ZSC false: the shutdown
 *   did not happen; a valve stuck between positions counts, since the command is not fulfilled);
 * - else `POSITION_FAULT` when a limit switch's samples have been bad for `travelMs` (the last
 *   usable value it holds no longer shows the position: a held "closed" would hide a valve
 *   drifting open); it clears at the switch's next usable sample;
 * - else `POSITION_FAULT` when, with no usable command, neither switch reads true for `travelMs`.
 * A new command gives the valve a new stroke: a discrepancy is judged again after `travelMs`.
 * Bad samples are unusable (the last usable value holds, for a command as for a switch); until
 * every signal has reported, and while no usable command is known, a discrepancy is neither
 * raised nor cleared (a retained one is kept, whatever the switches show).
 * Timers run on the gateway clock (`rts` and `tick(now)`), as threshold delays do.
 */
export class ValveEvaluator implements GroupEvaluator {
  readonly needsTick = true;
  private current: ValveLevel | null = null;
  private lastPriority: Priority;
  /** True = commanded open (polarity applied); undefined until a usable command arrived. */
  private commandOpen: boolean | undefined;
  private commandValue: number | boolean | null = null;
  private zso: boolean | undefined;
  private zsc: boolean | undefined;
  private bothSince = Number.NaN;
  private mismatchSince = Number.NaN;
  private neitherSince = Number.NaN;
  /** Gateway time of the first of a switch's bad samples in a row; NaN while its latest is usable. */
  private zsoBadSince = Number.NaN;
  private zscBadSince = Number.NaN;
  private cause: FaultCause | undefined;
  /** The switches bad for a stroke at the last judgement, for the message. */
  private badNames: readonly string[] = [];
  /** After a restart with an active level: a fault found before any new command counts as already timed out. */
  private resumed = false;

  constructor(
    private readonly members: ValveMembers,
    private readonly timing: ValveTiming,
  ) {
    this.lastPriority = timing.priorities.positionFault;
  }

  get level(): string | null {
    return this.current;
  }

  get priority(): Priority {
    return this.lastPriority;
  }

  get value(): number | boolean | null {
    return this.commandValue;
  }

  update(sample: Sample): boolean {
    const m = this.members;
    // A bad sample is unusable: the last usable value of its signal holds.
    if (sample.pointId === m.command.id) this.onCommand(sample);
    else if (sample.pointId === m.open?.id) {
      const v = flagOf(sample, m.open);
      this.zso = v ?? this.zso;
      this.zsoBadSince = v === undefined ? since(this.zsoBadSince, sample.rts) : Number.NaN;
    } else if (sample.pointId === m.closed?.id) {
      const v = flagOf(sample, m.closed);
      this.zsc = v ?? this.zsc;
      this.zscBadSince = v === undefined ? since(this.zscBadSince, sample.rts) : Number.NaN;
    } else return false;
    return this.judge(sample.rts);
  }

  tick(now: number): boolean {
    return this.judge(now);
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'DISCREPANCY' && level !== 'POSITION_FAULT') return false;
    this.current = level;
    this.resumed = level !== null;
    if (level !== null) this.lastPriority = this.priorityOf(level);
    return true;
  }

  describe(): string {
    const switches = this.switchText();
    const command = this.commandOpen === undefined ? 'command unknown' : `commanded ${this.commandOpen ? 'open' : 'closed'}`;
    const stroke = spanText(this.timing.travelMs);
    if (this.current === 'DISCREPANCY') return `${command}, not ${this.commandOpen ? 'open' : 'closed'} ${stroke} after (${switches})`;
    if (this.current === 'POSITION_FAULT') {
      const cause = this.cause ?? (this.position() === 'both' ? 'both' : 'neither');
      if (cause === 'both') return `both limit switches on (${switches}), ${command}`;
      if (cause === 'bad') return `${this.badNames.join(' and ')} bad for ${stroke}: the position is not known (${switches}), ${command}`;
      return `no limit switch on for ${stroke} (${switches}), ${command}`;
    }
    return `${command} (${switches})`;
  }

  private onCommand(sample: Sample): void {
    const open = flagOf(sample, this.members.command);
    if (open === undefined) return;
    this.commandValue = sample.value;
    if (this.commandOpen !== undefined && open !== this.commandOpen) {
      // A new command: a new stroke, timed from now.
      this.mismatchSince = Number.NaN;
      this.neitherSince = Number.NaN;
      this.resumed = false;
    }
    this.commandOpen = open;
  }

  private position(): Position {
    const { open, closed } = this.members;
    if (open !== undefined && closed !== undefined) {
      if (this.zso === undefined || this.zsc === undefined) return 'unknown';
      if (this.zso && this.zsc) return 'both';
      if (!this.zso && !this.zsc) return 'neither';
      return this.zso ? 'open' : 'closed';
    }
    if (closed !== undefined) return this.zsc === undefined ? 'unknown' : this.zsc ? 'closed' : 'open';
    return this.zso === undefined ? 'unknown' : this.zso ? 'open' : 'closed';
  }

  /** Moves the timers to what the signals say now and sets the level; true when it changed. */
  private judge(now: number): boolean {
    const pos = this.position();
    const bad = this.badFor(now) >= this.timing.travelMs;
    if (bad) this.badNames = this.badSwitches(now);
    let next: ValveLevel | null | undefined;
    if (pos !== 'unknown') next = this.decide(pos, now, bad);
    else if (bad && this.current !== 'DISCREPANCY') {
      // A switch that never reported a usable value: its bad samples are a fault all the same.
      next = 'POSITION_FAULT';
      this.cause = 'bad';
    } else return false;
    if (next === undefined) return false;
    this.resumed = false;
    if (next === this.current) return false;
    if (next !== null) this.lastPriority = this.priorityOf(next);
    this.current = next;
    return true;
  }

  /** The level for the position now; undefined to keep the current one (switches settling, nothing to judge against). */
  private decide(pos: Exclude<Position, 'unknown'>, now: number, bad: boolean): ValveLevel | null | undefined {
    const start = this.resumed ? Number.NEGATIVE_INFINITY : now;
    const cmd = this.commandOpen;
    this.bothSince = pos === 'both' ? since(this.bothSince, start) : Number.NaN;
    this.neitherSince = pos === 'neither' ? since(this.neitherSince, start) : Number.NaN;
    // Both switches on says nothing about the command: the mismatch timer runs on through it.
    if (pos !== 'both') this.mismatchSince = cmd !== undefined && pos !== (cmd ? 'open' : 'closed') ? since(this.mismatchSince, start) : Number.NaN;
    const { travelMs, settleMs } = this.timing;
    if (now - this.bothSince >= settleMs) return this.fault('both');
    if (pos === 'both') return bad ? this.fault('bad') : undefined;
    if (now - this.mismatchSince >= travelMs) return 'DISCREPANCY';
    if (bad) return this.fault('bad');
    if (cmd !== undefined) return null;
    // No usable command yet: a discrepancy (kept from before a restart) cannot be judged again,
    // whatever the switches show (the command that decides it has not reported).
    if (this.current === 'DISCREPANCY') return undefined;
    if (now - this.neitherSince >= travelMs) return this.fault('neither');
    return pos === 'neither' ? undefined : null;
  }

  private fault(cause: FaultCause): 'POSITION_FAULT' {
    this.cause = cause;
    return 'POSITION_FAULT';
  }

  /** How long the longest run of bad samples of a limit switch has lasted; -Infinity when none is bad. */
  private badFor(now: number): number {
    const first = Math.min(Number.isNaN(this.zsoBadSince) ? Infinity : this.zsoBadSince, Number.isNaN(this.zscBadSince) ? Infinity : this.zscBadSince);
    return now - first;
  }

  /** The switches whose samples have been bad for a stroke at `now`. */
  private badSwitches(now: number): string[] {
    const out: string[] = [];
    if (now - this.zsoBadSince >= this.timing.travelMs) out.push('ZSO');
    if (now - this.zscBadSince >= this.timing.travelMs) out.push('ZSC');
    return out;
  }

  private priorityOf(level: ValveLevel): Priority {
    const p = this.timing.priorities;
    if (level === 'POSITION_FAULT') return p.positionFault;
    return this.commandOpen === true ? p.failToOpen : p.failToClose;
  }

  private switchText(): string {
    const text = (name: string, v: boolean | undefined, badSince: number): string => {
      const said = v === undefined ? 'unknown' : v ? 'on' : 'off';
      if (Number.isNaN(badSince)) return `${name} ${said}`;
      return v === undefined ? `${name} bad` : `${name} bad (last ${said})`;
    };
    const parts: string[] = [];
    if (this.members.open !== undefined) parts.push(text('ZSO', this.zso, this.zsoBadSince));
    if (this.members.closed !== undefined) parts.push(text('ZSC', this.zsc, this.zscBadSince));
    return parts.join(', ');
  }
}

function since(current: number, start: number): number {
  return Number.isNaN(current) ? start : current;
}

/** The valves among the selected points, by `attrs.valve` tag; tags without a command or any switch are left out (the config checks name them). */
export function valvesOf(selected: readonly Point[]): ValveMembers[] {
  const byTag = new Map<string, { command?: Point; open?: Point; closed?: Point }>();
  for (const p of selected) {
    const tag = valveTag(p);
    const signal = valveSignal(p);
    if (tag === undefined || signal === undefined) continue;
    const v = byTag.get(tag) ?? {};
    v[signal] ??= p;
    byTag.set(tag, v);
  }
  const out: ValveMembers[] = [];
  for (const [tag, v] of byTag) {
    if (v.command === undefined || (v.open === undefined && v.closed === undefined)) continue;
    out.push({ tag, command: v.command, open: v.open, closed: v.closed });
  }
  return out;
}

/** The valve's own travel time (`attrs.travel` on any of its points, the command's first), else the rule's. */
export function travelOf(v: ValveMembers, rule: ValveRule): number {
  for (const p of [v.command, v.open, v.closed]) {
    const t = p === undefined ? undefined : ownTravelMs(p);
    if (t !== undefined) return t;
  }
  return rule.travelMs;
}

/** One group per valve tag: condition `<ruleId>/<tag>`, named after the command point, zone = its unit. */
export function valveGroups(rule: ValveRule, selected: readonly Point[]): Group[] {
  return valvesOf(selected).map((v) => {
    const members = [v.command, v.open, v.closed].filter((p): p is Point => p !== undefined);
    const zoneId = unitOf(v.command);
    const evaluator = new ValveEvaluator(v, { travelMs: travelOf(v, rule), settleMs: rule.settleMs, priorities: rule.priorities });
    return { key: v.tag, members, pointId: v.command.id, ...(zoneId === undefined ? {} : { zoneId }), evaluator };
  });
}
