import { HazgateError, isHazgateError, type BypassEntry, type BypassRequest, type Clock } from '../core/index.js';

/** Where register entries live: every change appends the entry's new version; load gives the latest of each. */
export interface BypassStore {
  append(entry: BypassEntry): void;
  loadLatest(): BypassEntry[];
  close(): void;
}

export interface BypassRegisterDeps {
  readonly store: BypassStore;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Configured interlocks: id → its process unit (null when none). */
  readonly interlocks: ReadonlyMap<string, string | null>;
  /** Called after a change is durable (the gateway feeds the interlock's bypass-register point). */
  readonly onChange: (entry: BypassEntry) => void;
}

/**
 * The interlock bypass register: one active entry per interlock at most, an approver other than
 * the person bypassing, a planned end after the start. Every change is written before it is
 * told; a write failure changes nothing (HG_ERR_JOURNAL_WRITE).
 */
export class BypassRegister {
  private readonly byId = new Map<string, BypassEntry>();

  constructor(private readonly deps: BypassRegisterDeps) {
    for (const e of deps.store.loadLatest()) this.byId.set(e.id, e);
  }

  /** Newest first. */
  list(activeOnly: boolean): BypassEntry[] {
    const all = [...this.byId.values()].filter((e) => !activeOnly || e.endedAt === null);
    return all.sort((a, b) => b.start - a.start || a.id.localeCompare(b.id));
  }

  /** The active entry of an interlock, if any. */
  activeOf(interlock: string): BypassEntry | undefined {
    for (const e of this.byId.values()) if (e.interlock === interlock && e.endedAt === null) return e;
    return undefined;
  }

  register(req: BypassRequest): BypassEntry {
    const now = this.deps.clock.now();
    const start = req.start ?? now;
    if (!this.deps.interlocks.has(req.interlock)) {
      throw new HazgateError('HG_ERR_BYPASS_UNKNOWN_INTERLOCK', `no configured interlock "${req.interlock}"`, { interlock: req.interlock });
    }
    const active = this.activeOf(req.interlock);
    if (active !== undefined) {
      throw new HazgateError('HG_ERR_BYPASS_ACTIVE', `interlock "${req.interlock}" is bypassed already (${active.id}, by ${active.who}, planned end ${new Date(active.plannedEnd).toISOString()})`, { interlock: req.interlock, id: active.id });
    }
    if (req.approver.trim().toLowerCase() === req.who.trim().toLowerCase()) {
      throw new HazgateError('HG_ERR_BYPASS_SELF_APPROVED', `${req.who} cannot approve their own bypass`, { interlock: req.interlock });
    }
    if (!(req.plannedEnd > start) || req.plannedEnd <= now) {
      throw new HazgateError('HG_ERR_BYPASS_BAD_PERIOD', `the planned end ${new Date(req.plannedEnd).toISOString()} must be after the start and in the future`, { interlock: req.interlock });
    }
    const entry: BypassEntry = {
      id: this.deps.newId(), interlock: req.interlock, unit: this.deps.interlocks.get(req.interlock) ?? null, who: req.who, approver: req.approver,
      reason: req.reason, start, plannedEnd: req.plannedEnd, endedAt: null, endedBy: null, endComment: null,
    };
    return this.commit(entry);
  }

  end(id: string, user: string, comment: string | undefined): BypassEntry {
    const entry = this.byId.get(id);
    if (entry === undefined) throw new HazgateError('HG_ERR_BYPASS_UNKNOWN', `no registered bypass "${id}"`, { id });
    if (entry.endedAt !== null) {
      throw new HazgateError('HG_ERR_BYPASS_NOT_ACTIVE', `bypass "${id}" ended at ${new Date(entry.endedAt).toISOString()} (${entry.endedBy ?? ''})`, { id });
    }
    return this.commit({ ...entry, endedAt: this.deps.clock.now(), endedBy: user, endComment: comment ?? null });
  }

  private commit(entry: BypassEntry): BypassEntry {
    try {
      this.deps.store.append(entry);
    } catch (cause) {
      if (isHazgateError(cause)) throw cause;
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', `bypass ${entry.id} could not be written: ${String(cause)}`, { id: entry.id }, cause);
    }
    this.byId.set(entry.id, entry);
    this.deps.onChange(entry);
    return entry;
  }
}
