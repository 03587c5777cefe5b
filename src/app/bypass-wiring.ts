import { randomUUID } from 'node:crypto';
import { BypassRegister, InterlockBypasses, SqliteBypassStore } from '../alarms/index.js';
import type { AlarmJournal, BypassEntry, Clock, Point, RawReading } from '../core/index.js';

/** The rule kind whose conditions are interlock bypasses (the ESD pack): their journal gives the in-service rates. */
const BYPASS_RULE_KIND = 'interlock-bypass';

export interface BypassWiring {
  readonly service: InterlockBypasses;
  /** Feeds every `bypass-register` point its current value (planned end of the active bypass, else 0). */
  publishAll(): void;
  close(): void;
}

/**
 * The bypass register of a site: its interlocks are the ids in points' `attrs.interlock` (unit:
 * `attrs.unit`, else the area); each change is fed, as a reading, to the interlock's
 * `bypass-register` point, so the ESD pack's rules see it like any signal.
 */
export function wireBypasses(points: readonly Point[], storeDir: string, journal: AlarmJournal, clock: Clock, emit: (r: RawReading) => void): BypassWiring {
  const interlocks = new Map<string, string | null>();
  const registerPoints = new Map<string, string[]>();
  for (const p of points) {
    const id = p.attrs['interlock'];
    if (id === undefined) continue;
    if (!interlocks.has(id) || interlocks.get(id) === null) interlocks.set(id, p.attrs['unit'] ?? p.area ?? null);
    if (p.kind === 'bypass-register') registerPoints.set(id, [...(registerPoints.get(id) ?? []), p.id]);
  }
  const byUnit = new Map<string, number>();
  for (const unit of interlocks.values()) byUnit.set(unit ?? 'site', (byUnit.get(unit ?? 'site') ?? 0) + 1);
  const publish = (interlock: string, entry: BypassEntry | undefined): void => {
    const value = entry === undefined || entry.endedAt !== null ? 0 : entry.plannedEnd;
    for (const pointId of registerPoints.get(interlock) ?? []) emit({ source: 'bypass-register', pointId, value, ts: clock.now(), origin: 'bypass register' });
  };
  const store = new SqliteBypassStore(storeDir);
  const register = new BypassRegister({ store, clock, newId: randomUUID, interlocks, onChange: (e) => publish(e.interlock, e) });
  const service = new InterlockBypasses(register, journal, byUnit, (t) => t.ruleKind === BYPASS_RULE_KIND);
  return {
    service,
    publishAll: () => {
      for (const interlock of registerPoints.keys()) publish(interlock, register.activeOf(interlock));
    },
    close: () => store.close(),
  };
}
