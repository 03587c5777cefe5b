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
 * rule: an unusable value says nothing either way.
 */
export class InterlockState {
  private readonly flags = new Map<string, boolean>();
  private registerEnd: number | undefined;

  constructor(readonly members: InterlockMembers) {}

  /** Takes a sample of one of its points; false when it is not one of them. */
  update(sample: Sample): boolean {
    const m = this.members;
    if (sample.pointId === m.register?.id) {
      if (!isUsable(sample)) return true;
      const v = sample.value;
      this.registerEnd = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
      return true;
    }
    const point = m.bypass.find((p) => p.id === sample.pointId) ?? m.inService.find((p) => p.id === sample.pointId);
    if (point === undefined) return false;
    const flag = flagOf(sample, point);
    if (flag !== undefined) this.flags.set(point.id, flag);
    return true;
  }

  /** Bypassed at the SIS: yes when any bypass flag says so, no when some reported and none does (or it has none). */
  sisBypassed(): Tri {
    return anyOf(this.members.bypass, this.flags, true);
  }

  /** Not in service by its own flag: yes when any in-service flag says false. */
  outOfService(): Tri {
    return anyOf(this.members.inService, this.flags, false);
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
    return this.sisBypassed() === 'yes' || this.registerState() === 'active' || this.outOfService() === 'yes';
  }

  /** Whether any signal of the interlock has reported a usable value. */
  known(): boolean {
    return this.flags.size > 0 || this.registerEnd !== undefined;
  }

  /** The SIS bypass points that say bypassed, for messages. */
  bypassingPoints(): string[] {
    return this.members.bypass.filter((p) => this.flags.get(p.id) === true).map((p) => p.id);
  }
}

/** `yes` when any point's flag equals `wanted`, `no` when some reported and none does (or there are no points), else unknown. */
function anyOf(points: readonly Point[], flags: ReadonlyMap<string, boolean>, wanted: boolean): Tri {
  if (points.length === 0) return 'no';
  let reported = false;
  for (const p of points) {
    const f = flags.get(p.id);
    if (f === wanted) return 'yes';
    if (f !== undefined) reported = true;
  }
  return reported ? 'no' : 'unknown';
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
