import { describe, expect, it } from 'vitest';
import type { Point, ValveRule } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { ValveEvaluator, valveGroups, type ValveMembers } from '../../src/engine/packs/esd/valve.js';
import { point, sample, T0 } from './engine-fixtures.js';

/** ESD valve supervision on fake time: command against limit switches (DOMAIN.md, ESD/SIS). */

const S = 1000;
const PRIORITIES = { failToClose: 1, failToOpen: 3, positionFault: 2 } as const;

function valvePoint(tag: string, signal: string, attrs: Record<string, string> = {}): Point {
  return point(`${tag}.${signal}`, { kind: 'valve', type: 'boolean', unit: undefined, attrs: { valve: tag, signal, ...attrs } });
}

function valve(opts: { open?: boolean; closed?: boolean; commandAttrs?: Record<string, string> } = {}): ValveMembers {
  return {
    tag: 'XV-1',
    command: valvePoint('XV-1', 'command', opts.commandAttrs),
    open: opts.open === false ? undefined : valvePoint('XV-1', 'open'),
    closed: opts.closed === false ? undefined : valvePoint('XV-1', 'closed'),
  };
}

/** A valve evaluator and a way to feed it `{ command, open, closed }` at a time (seconds from T0). */
function harness(members = valve(), travelMs = 10 * S, settleMs = 2 * S) {
  const e = new ValveEvaluator(members, { travelMs, settleMs, priorities: PRIORITIES });
  const changes: string[] = [];
  const note = (changed: boolean, at: number): void => {
    if (changed) changes.push(`${at}s ${e.level ?? 'normal'} p${e.priority}`);
  };
  return {
    e,
    changes,
    feed(at: number, values: { command?: boolean; open?: boolean; closed?: boolean }, quality: 'good' | 'bad' = 'good'): void {
      for (const [signal, v] of Object.entries(values)) {
        const p = signal === 'command' ? members.command : signal === 'open' ? members.open : members.closed;
        if (p === undefined) throw new Error(`no ${signal} point`);
        note(e.update(sample(p.id, v, T0 + at * S, quality)), at);
      }
    },
    /** Ticks every second from `from` to `to` inclusive. */
    run(from: number, to: number): void {
      for (let t = from; t <= to; t++) note(e.tick(T0 + t * S), t);
    },
  };
}

describe('valve supervision', () => {
  it('a valve commanded closed that stays open is a DISCREPANCY at priority 1 once the travel time has passed, and clears when it closes', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(5, { command: false });
    h.run(6, 14);
    expect(h.e.level).toBeNull();
    h.run(15, 15);
    expect(h.changes).toEqual(['15s DISCREPANCY p1']);
    expect(h.e.describe()).toBe('commanded closed, not closed 10 s after (ZSO on, ZSC off)');
    expect(h.e.value).toBe(false);
    // Leaving open is not yet closed (a stuck, half-way valve stays a discrepancy).
    h.feed(20, { open: false });
    h.run(21, 25);
    expect(h.e.level).toBe('DISCREPANCY');
    h.feed(26, { closed: true });
    expect(h.changes).toEqual(['15s DISCREPANCY p1', '26s normal p1']);
  });

  it('a valve that closes within its travel time raises nothing', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(5, { command: false });
    h.feed(6, { open: false });
    h.run(6, 13);
    h.feed(14, { closed: true });
    h.run(14, 60);
    expect(h.changes).toEqual([]);
  });

  it('a valve commanded open that stays closed is a DISCREPANCY at the fail-to-open priority', () => {
    const h = harness();
    h.feed(0, { command: false, open: false, closed: true });
    h.feed(1, { command: true });
    h.run(2, 11);
    expect(h.changes).toEqual(['11s DISCREPANCY p3']);
  });

  it('a valve leaving its position without a command change is a DISCREPANCY one travel time later', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.run(1, 100);
    h.feed(100, { open: false, closed: true });
    h.run(101, 109);
    expect(h.changes).toEqual([]);
    h.run(110, 110);
    expect(h.changes).toEqual(['110s DISCREPANCY p3']);
  });

  it('a new command gives a failing valve a new stroke', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(1, { command: false });
    h.run(2, 11);
    expect(h.e.level).toBe('DISCREPANCY');
    // Commanded open again: the valve is open, as commanded.
    h.feed(12, { command: true });
    expect(h.e.level).toBeNull();
    // Closed again: judged after a full stroke from this command, not from the first one.
    h.feed(20, { command: false });
    h.run(21, 29);
    expect(h.e.level).toBeNull();
    h.run(30, 30);
    expect(h.changes).toEqual(['11s DISCREPANCY p1', '12s normal p1', '30s DISCREPANCY p1']);
  });

  it('both limit switches on is a POSITION_FAULT once it lasts longer than the settle time; a shorter overlap is not', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(10, { closed: true });
    h.run(11, 11);
    h.feed(11, { closed: false });
    h.run(12, 20);
    expect(h.changes).toEqual([]);
    h.feed(30, { closed: true });
    h.run(31, 31);
    expect(h.e.level).toBeNull();
    h.run(32, 32);
    expect(h.changes).toEqual(['32s POSITION_FAULT p2']);
    expect(h.e.describe()).toBe('both limit switches on (ZSO on, ZSC on), commanded open');
    h.feed(40, { closed: false });
    expect(h.changes).toEqual(['32s POSITION_FAULT p2', '40s normal p2']);
  });

  it('a switch overlap while in discrepancy neither clears it nor restarts its timer', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(1, { command: false });
    h.run(2, 11);
    h.feed(12, { closed: true });
    h.feed(13, { closed: false });
    h.run(13, 20);
    expect(h.changes).toEqual(['11s DISCREPANCY p1']);
  });

  it('with no usable command, neither switch on for longer than the travel time is a POSITION_FAULT', () => {
    const h = harness();
    h.feed(0, { command: true }, 'bad');
    h.feed(0, { open: true, closed: false });
    h.feed(5, { open: false });
    h.run(6, 14);
    expect(h.e.level).toBeNull();
    h.run(15, 15);
    expect(h.changes).toEqual(['15s POSITION_FAULT p2']);
    expect(h.e.describe()).toBe('no limit switch on for 10 s (ZSO off, ZSC off), command unknown');
    h.feed(20, { closed: true });
    expect(h.e.level).toBeNull();
  });

  it('a bad command keeps the last usable one; a limit switch bad for the travel time is a POSITION_FAULT until it is usable again', () => {
    const h = harness();
    h.feed(0, { command: true, open: true, closed: false });
    h.feed(5, { command: false }, 'bad');
    h.run(6, 30);
    expect(h.changes).toEqual([]);
    h.feed(31, { open: false }, 'bad');
    h.run(32, 40);
    expect(h.changes).toEqual([]);
    // Its held "open" no longer shows the position: the valve could be anywhere.
    h.run(41, 41);
    expect(h.changes).toEqual(['41s POSITION_FAULT p2']);
    expect(h.e.describe()).toBe('ZSO bad for 10 s: the position is not known (ZSO bad (last on), ZSC off), commanded open');
    h.feed(45, { open: true }, 'bad');
    h.run(46, 50);
    expect(h.e.level).toBe('POSITION_FAULT');
    h.feed(51, { open: true });
    expect(h.changes).toEqual(['41s POSITION_FAULT p2', '51s normal p2']);
    expect(h.e.describe()).toBe('commanded open (ZSO on, ZSC off)');
  });

  it('a held "closed" no longer hides a valve drifting open: ZSC bad for the travel time is a POSITION_FAULT', () => {
    const h = harness();
    h.feed(0, { command: false, open: false, closed: true });
    h.feed(10, { closed: true }, 'bad');
    h.run(11, 19);
    expect(h.changes).toEqual([]);
    h.run(20, 20);
    expect(h.changes).toEqual(['20s POSITION_FAULT p2']);
    // Usable again and the valve has drifted open: a discrepancy one stroke after it left (it left unseen, so from now).
    h.feed(25, { open: true, closed: false });
    expect(h.changes).toEqual(['20s POSITION_FAULT p2', '25s normal p2']);
    h.run(26, 35);
    expect(h.changes).toEqual(['20s POSITION_FAULT p2', '25s normal p2', '35s DISCREPANCY p1']);
  });

  it('a switch that never reports a usable value is a POSITION_FAULT after the travel time; a discrepancy is not hidden by one', () => {
    const h = harness();
    h.feed(0, { command: false, open: false });
    h.feed(0, { closed: false }, 'bad');
    h.run(1, 9);
    expect(h.changes).toEqual([]);
    h.run(10, 10);
    expect(h.changes).toEqual(['10s POSITION_FAULT p2']);
    expect(h.e.describe()).toBe('ZSC bad for 10 s: the position is not known (ZSO off, ZSC bad), commanded closed');
    // A valve that failed to close stays a priority-1 discrepancy when a switch goes bad.
    const d = harness();
    d.feed(0, { command: true, open: true, closed: false });
    d.feed(1, { command: false });
    d.run(2, 11);
    d.feed(12, { open: true }, 'bad');
    d.run(13, 40);
    expect(d.changes).toEqual(['11s DISCREPANCY p1']);
  });

  it('judges nothing until every switch has reported', () => {
    const h = harness();
    h.feed(0, { command: false, open: true });
    h.run(1, 30);
    expect(h.changes).toEqual([]);
    h.feed(31, { closed: false });
    h.run(32, 41);
    expect(h.changes).toEqual(['41s DISCREPANCY p1']);
  });

  it('a valve with a closed switch only: not closed after the travel time is a discrepancy', () => {
    const h = harness(valve({ open: false }));
    h.feed(0, { command: true, closed: false });
    h.feed(2, { command: false });
    h.run(3, 12);
    expect(h.changes).toEqual(['12s DISCREPANCY p1']);
    expect(h.e.describe()).toBe('commanded closed, not closed 10 s after (ZSC off)');
    h.feed(13, { closed: true });
    expect(h.e.level).toBeNull();
  });

  it('attrs.polarity: inverted reads a true command as "close"', () => {
    const h = harness(valve({ commandAttrs: { polarity: 'inverted' } }));
    h.feed(0, { command: false, open: true, closed: false });
    h.run(1, 30);
    expect(h.changes).toEqual([]);
    h.feed(31, { command: true });
    h.run(32, 41);
    expect(h.changes).toEqual(['41s DISCREPANCY p1']);
    expect(h.e.describe()).toMatch(/^commanded closed/);
  });

  it('resumes a retained discrepancy after a restart without a return and a new activation', () => {
    const h = harness();
    expect(h.e.seed('DISCREPANCY')).toBe(true);
    expect(h.e.seed('TRIPPED')).toBe(false);
    expect(h.e.seed('DISCREPANCY')).toBe(true);
    h.feed(0, { command: false, open: true, closed: false });
    h.run(1, 20);
    expect(h.changes).toEqual([]);
    expect(h.e.level).toBe('DISCREPANCY');
    h.feed(21, { open: false, closed: true });
    expect(h.changes).toEqual(['21s normal p1']);
  });

  it('groups a rule\'s points by valve tag, with the valve\'s own travel time, and skips a tag without a command', () => {
    const rule: ValveRule = { id: 'v', kind: 'valve', select: { match: { kind: 'valve' } }, travelMs: 10 * S, settleMs: 2 * S, priorities: PRIORITIES, priority: 1 };
    const points = [
      valvePoint('XV-1', 'command', { travel: '30s', unit: 'TF-1' }),
      valvePoint('XV-1', 'open'),
      valvePoint('XV-1', 'closed'),
      valvePoint('XV-2', 'open'),
    ];
    const groups = valveGroups(rule, points);
    expect(groups.map((g) => [g.key, g.pointId, g.zoneId, g.members.map((m) => m.id)])).toEqual([['XV-1', 'XV-1.command', 'TF-1', ['XV-1.command', 'XV-1.open', 'XV-1.closed']]]);
    // Through the engine: 30 s travel, condition `v/XV-1`, zone TF-1.
    const engine = new RuleEngine(points, [rule], T0);
    engine.evaluate(sample('XV-1.command', true, T0));
    engine.evaluate(sample('XV-1.open', true, T0));
    engine.evaluate(sample('XV-1.closed', false, T0));
    engine.evaluate(sample('XV-1.command', false, T0 + S));
    expect(engine.tick(T0 + 30 * S)).toEqual([]);
    const [r] = engine.tick(T0 + 31 * S);
    expect(r).toMatchObject({ conditionId: 'v/XV-1', pointId: 'XV-1.command', zoneId: 'TF-1', level: 'DISCREPANCY', priority: 1, ruleKind: 'valve', message: 'XV-1 DISCREPANCY: commanded closed, not closed 30 s after (ZSO on, ZSC off)' });
  });
});
