import type { Point, Sample } from '../../../core/index.js';
import { isUsable } from '../../evaluator.js';
import { flagOf, interlockFlag, interlockId, isRegisterPoint, unitOf } from './signals.js';

/** The points of one interlock the bypass rules read. */
export interface InterlockMembers {
  readonly id: string;
  /** Its process unit (`attrs.unit`, else the area). */
  readonly unit: string | undefined;
  /** SIS bypass flags (`attrs.flag: bypass`): bypassed when any says so. */
  readonly bypass: readonly Point[];
  /** SIS in-service flags (`attrs.flag: in-service`): out of service when any says false. */
  readonly inService: readonly Point[];
  /** The `bypass-register` point the register feeds (planned end, epoch ms, or 0). */
  readonly register: Point | undefined;
}

export type Tri = 'yes' | 'no' | 'unknown';

/** What the register says: an active entry, none, or nothing yet (it never reported a usable value). */
export type RegisterState = 'active' | 'none' | 'unknown';

/**
 * The latest usable signals of one interlock. Bad samples leave a signal as it was, like every
 * rule: an unusable value says nothing either way. It keeps running counts (flags on, flags
 * reported), so every question below costs the same whatever the number of flags.
 */
export class InterlockState {
  private readonly flags = new Map<string, boolean>();
  /** Each flag point by id, with its role. */
  private readonly roles = new Map<string, { readonly role: 'bypass' | 'inService'; readonly point: Point }>();
  private registerEnd: number | undefined;
  /** SIS bypass flags that say bypassed / that have reported a usable value. */
  private bypassOn = 0;
  private bypassKnown = 0;
  /** In-service flags that say not in service / that have reported a usable value. */
  private notInService = 0;
  private inServiceKnown = 0;

  constructor(readonly members: InterlockMembers) {
    for (const point of members.bypass) this.roles.set(point.id, { role: 'bypass', point });
    for (const point of members.inService) if (!this.roles.has(point.id)) this.roles.set(point.id, { role: 'inService', point });
  }

  /** The ids of every point it reads (its flags and its register point). */
  pointIds(): string[] {
    const ids = [...this.roles.keys()];
    if (this.members.register !== undefined) ids.push(this.members.register.id);
    return ids;
  }

  /** Takes a sample of one of its points; false when it is not one of them. */
  update(sample: Sample): boolean {
    const m = this.members;
    if (sample.pointId === m.register?.id) {
      if (!isUsable(sample)) return true;
      const v = sample.value;
      this.registerEnd = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
      return true;
    }
    const member = this.roles.get(sample.pointId);
    if (member === undefined) return false;
    const flag = flagOf(sample, member.point);
    if (flag === undefined) return true;
    const before = this.flags.get(sample.pointId);
    this.flags.set(sample.pointId, flag);
    if (member.role === 'bypass') {
      if (before === undefined) this.bypassKnown++;
      this.bypassOn += (flag ? 1 : 0) - (before === true ? 1 : 0);
    } else {
      if (before === undefined) this.inServiceKnown++;
      this.notInService += (flag ? 0 : 1) - (before === false ? 1 : 0);
    }
    return true;
  }

  /** Bypassed at the SIS: yes when any bypass flag says so, no when some reported and none does (or it has none). */
  sisBypassed(): Tri {
    return tri(this.members.bypass.length, this.bypassOn, this.bypassKnown);
  }

  /** Not in service by its own flag: yes when any in-service flag says false. */
  outOfService(): Tri {
    return tri(this.members.inService.length, this.notInService, this.inServiceKnown);
  }

  registerState(): RegisterState {
    if (this.registerEnd === undefined) return 'unknown';
    return this.registerEnd > 0 ? 'active' : 'none';
  }

  /** The planned end of the active register entry (epoch ms); 0 when there is none. */
  plannedEnd(): number {
    return this.registerEnd ?? 0;
  }

  /** Bypassed (SIS flag or active register entry) or not in service by its own flag. */
  isOut(): boolean {
    return this.bypassOn > 0 || this.notInService > 0 || this.registerState() === 'active';
  }

  /** SIS bypass flags that have not reported a usable value yet. */
  bypassFlagsUnknown(): number {
    return this.members.bypass.length - this.bypassKnown;
  }

  /**
   * Signals that have not reported a usable value yet (flags, and the register point when it has
   * one): while any has not, the interlock may be out of service without anyone knowing it.
   */
  unknownSignals(): number {
    const register = this.members.register !== undefined && this.registerEnd === undefined ? 1 : 0;
    return this.bypassFlagsUnknown() + this.members.inService.length - this.inServiceKnown + register;
  }

  /** The SIS bypass points that say bypassed, for messages. */
  bypassingPoints(): string[] {
    return this.members.bypass.filter((p) => this.flags.get(p.id) === true).map((p) => p.id);
  }
}

/** `yes` when any flag says so, `no` when some reported and none does (or there are no flags), else unknown. */
function tri(points: number, saying: number, reported: number): Tri {
  if (points === 0 || saying > 0) return saying > 0 ? 'yes' : 'no';
  return reported > 0 ? 'no' : 'unknown';
}

/**
 * The interlocks among the selected points (SIS bypass and in-service flags, and `bypass-register`
 * points themselves), by `attrs.interlock`, in config order; each gets its register point from all
 * configured points. Points without an interlock id are left out (the config checks name them).
 */
export function interlocksOf(selected: readonly Point[], all: readonly Point[]): InterlockMembers[] {
  const byId = new Map<string, { unit: string | undefined; bypass: Point[]; inService: Point[] }>();
  for (const p of selected) {
    const id = interlockId(p);
    const flag = interlockFlag(p);
    const role = isRegisterPoint(p) ? 'register' : flag === 'bypass' ? 'bypass' : flag === 'in-service' ? 'inService' : undefined;
    if (id === undefined || role === undefined) continue;
    const entry = byId.get(id) ?? { unit: undefined, bypass: [], inService: [] };
    entry.unit ??= unitOf(p);
    if (role !== 'register') entry[role].push(p);
    byId.set(id, entry);
  }
  const registers = registerPoints(all);
  return [...byId].map(([id, e]) => {
    const register = registers.get(id);
    return { id, unit: e.unit ?? (register === undefined ? undefined : unitOf(register)), bypass: e.bypass, inService: e.inService, register };
  });
}

/** The `bypass-register` point of each interlock (the first, when a config names two). */
export function registerPoints(all: readonly Point[]): Map<string, Point> {
  const out = new Map<string, Point>();
  for (const p of all) {
    const id = interlockId(p);
    if (id !== undefined && isRegisterPoint(p) && !out.has(id)) out.set(id, p);
  }
  return out;
}
