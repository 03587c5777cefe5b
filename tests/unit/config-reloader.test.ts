import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlarmManager } from '../../src/alarms/index.js';
import { AlarmPath } from '../../src/app/alarm-path.js';
import { loadSite } from '../../src/app/index.js';
import { wirePeople } from '../../src/app/people-wiring.js';
import { ConfigReloader, type Compiled, type LiveSite } from '../../src/app/reload.js';
import type { SiteConfig } from '../../src/app/site-config.js';
import { ruleSchema } from '../../src/config/rules.js';
import { silentLogger, type Adapter, type AuditEvent, type EmitReading, type OnStatus, type Point, type RuleSpec, type Sample } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { LiveValueCache, RunningAdapter, type Ingest } from '../../src/pipeline/index.js';
import { level, point, T0 } from './engine-fixtures.js';
import { FakeJournal } from './alarms-fixtures.js';

/** The reload's swap with fakes around real rules, alarm manager and alarm path (docs/reload.md). */

/** An adapter whose start and stop can be made to fail, and whose stop can be held open. */
class FakeAdapter implements Adapter {
  readonly kind = 'fake';
  emit: EmitReading = () => undefined;
  failStart: string | null = null;
  failStop = false;
  hold: Promise<void> | null = null;
  constructor(readonly id: string) {}
  async start(emit: EmitReading, _onError: unknown, onStatus: OnStatus): Promise<void> {
    if (this.failStart !== null) throw new Error(this.failStart);
    this.emit = emit;
    onStatus({ state: 'up', since: 0 });
  }
  async stop(): Promise<void> {
    await this.hold;
    if (this.failStop) throw new Error('stop failed');
  }
}

interface Site {
  readonly site: { readonly id: string };
  readonly adapters: readonly { readonly id: string; readonly kind: string; readonly topic?: string }[];
  readonly points: readonly Point[];
  readonly rules: readonly RuleSpec[];
}

const asConfig = (s: Site): SiteConfig => s as unknown as SiteConfig;
const sample = (pointId: string, value: number, ts: number): Sample => ({ pointId, value, quality: { level: 'good' }, ts, rts: ts, tsSource: 'device' });
const members = ['GT-1', 'GT-2'].map((id) => point(id, { range: [0, 100], area: 'a', attrs: { gas: 'CH4', class: 'combustible' } }));
const vote = ruleSchema.parse({ id: 'v', kind: 'gas-vote', select: { match: { area: 'a' } }, k: 2 }) as RuleSpec;
const high: RuleSpec = { id: 'hi', kind: 'threshold', select: { points: ['GT-1'] }, levels: [level('H', 'high', 90)] } as unknown as RuleSpec;
const V1: Site = { site: { id: 's' }, adapters: [{ id: 'x', kind: 'fake' }], points: members, rules: [vote] };
const V2: Site = { ...V1, rules: [vote, high] };

function harness(first: Site) {
  let now = T0 + 10_000;
  let file = first;
  let id = 0;
  const journal = new FakeJournal();
  const clock = { now: () => now };
  const alarms = new AlarmManager({ siteId: 's', journal, clock, newEventId: () => `e${++id}`, onTransition: () => undefined });
  const alarmPath = new AlarmPath(alarms, silentLogger);
  const cache = new LiveValueCache();
  const audit: AuditEvent[] = [];
  const events: string[] = [];
  const fakes: FakeAdapter[] = [];
  const startFails: { message: string | null } = { message: null };
  const compile = (c: SiteConfig, at: number): Compiled => {
    const s = c as unknown as Site;
    return { engine: new RuleEngine(s.points, s.rules, at), ingest: null as unknown as Ingest, catalogue: () => undefined, pointById: new Map(s.points.map((p) => [p.id, p])) };
  };
  const live: LiveSite = { config: asConfig(first), digest: 'd0', loadedAt: T0, ...compile(asConfig(first), T0) };
  const make = (a: { id: string }): RunningAdapter => {
    const f = new FakeAdapter(a.id);
    f.failStart = startFails.message;
    fakes.push(f);
    return new RunningAdapter(f, silentLogger, clock.now);
  };
  const adapters = first.adapters.map(make);
  const reloader = new ConfigReloader({
    file: 'site.yaml', live, adapters, alarms, alarmPath, owners: { people: { seed: () => false }, video: { seed: () => false } },
    audit: { record: (e) => audit.push(e) }, clock, logger: silentLogger, compile,
    createAdapter: (a) => make(a),
    startAdapter: async (a) => {
      events.push(`start:${a.id}`);
      await a.start(() => undefined, () => undefined);
    },
    swapped: () => undefined,
    latest: (pointId) => cache.get(pointId),
    enrich: (r) => r,
    republish: () => events.push(`republish:${live.engine.conditionIds().join(',')}`),
    load: () => ({ ok: true, config: asConfig(file), file: 'site.yaml' }),
  });
  return {
    journal, alarms, alarmPath, audit, events, fakes, startFails, live, adapters, reloader,
    /** The gateway's ingest: a sample goes to the cache and the rules running now, then the alarm path. */
    feed: (s: Sample): void => {
      cache.put(s);
      alarmPath.apply(live.engine.evaluate(s));
    },
    setFile: (s: Site): void => void (file = s),
    advance: (ms: number): void => void (now += ms),
    levelOf: (conditionId: string): string | null | undefined => alarms.retained().find((t) => t.conditionId === conditionId)?.level,
  };
}

const BY = { user: 'tester', address: null };

describe('ConfigReloader: the new rules get the running state', () => {
  it('replays the latest sample of every kept point: a 2-of-2 vote still confirms when only the second detector changes', async () => {
    const h = harness(V1);
    h.feed(sample('GT-1', 30, T0));
    h.setFile(V2);
    expect((await h.reloader.reload(BY)).applied).toBe(true);
    h.feed(sample('GT-2', 26, T0 + 20_000));
    expect(h.levelOf('v/a')).toBe('CONFIRMED');
  });

  it('republishes the bypass register into the new rules before any adapter starts', async () => {
    const h = harness(V1);
    h.setFile({ ...V2, adapters: [{ id: 'x', kind: 'fake', topic: 'other' }] });
    await h.reloader.reload(BY);
    expect(h.events).toEqual(['republish:v/a,hi/GT-1', 'start:x']);
    await h.reloader.reload(BY, true);
    expect(h.events).toHaveLength(2); // a dry run changes nothing
  });

  it('refuses a reload while alarm transitions wait for the journal, audited, and applies it once they are written', async () => {
    const h = harness(V2);
    h.journal.failing = true;
    h.feed(sample('GT-1', 95, T0));
    expect(h.alarmPath.backlog).toBe(1);
    h.setFile(V1);
    const out = await h.reloader.reload(BY);
    expect(out.refused).toMatchObject({ code: 'HG_ERR_CONFIG_RELOAD', message: expect.stringContaining('wait for the alarm journal') });
    expect(h.live.config).toBe(V2);
    expect(h.audit.at(-1)).toMatchObject({ kind: 'config-reload-refused', details: { code: 'HG_ERR_CONFIG_RELOAD' } });
    h.journal.failing = false;
    h.alarmPath.retry();
    expect(h.levelOf('hi/GT-1')).toBe('H');
    expect((await h.reloader.reload(BY)).applied).toBe(true);
  });
});

describe('ConfigReloader: stopping and adapters', () => {
  it('lets a stop wait for the reload in flight, starts no adapter once stopping, and refuses later reloads', async () => {
    const h = harness(V1);
    let release = (): void => undefined;
    const old = h.fakes[0] as FakeAdapter;
    old.hold = new Promise((r) => (release = r));
    h.setFile({ ...V1, adapters: [{ id: 'x', kind: 'fake', topic: 'other' }] });
    const reloading = h.reloader.reload(BY);
    let closed = false;
    const closing = h.reloader.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    release();
    const out = await reloading;
    await closing;
    expect(out.adapterErrors).toEqual([{ adapter: 'x', message: 'not started: the gateway is stopping' }]);
    expect(h.adapters).toEqual([]);
    expect(h.events.filter((e) => e.startsWith('start:'))).toEqual([]);
    await expect(h.reloader.reload(BY)).rejects.toMatchObject({ code: 'HG_ERR_CONFIG_RELOAD', details: { stopping: true } });
  });

  it('shows an adapter that did not start as down, audits why, and starts it again at the next reload of the same file', async () => {
    const h = harness(V1);
    h.startFails.message = 'broker unreachable';
    const changed = { ...V1, adapters: [{ id: 'x', kind: 'fake', topic: 'other' }] };
    h.setFile(changed);
    const out = await h.reloader.reload(BY);
    expect(out.adapterErrors).toEqual([{ adapter: 'x', message: 'broker unreachable' }]);
    expect(h.adapters[0]?.status()).toMatchObject({ state: 'down', reason: expect.stringContaining('broker unreachable') });
    expect(h.audit.at(-1)).toMatchObject({ kind: 'config-reload', details: { result: 'failed', adapterErrors: 'x: broker unreachable' } });
    h.startFails.message = null;
    const again = await h.reloader.reload(BY);
    expect(again.plan?.adapters.changed).toEqual(['x']);
    expect(again.adapterErrors).toEqual([]);
    expect(h.adapters.map((a) => a.status().state)).toEqual(['up']);
    expect(h.audit.at(-1)).toMatchObject({ details: { result: 'applied', adapterErrors: '' } });
    expect((await h.reloader.reload(BY)).plan?.adapters.changed).toEqual([]);
  });
});

describe('RunningAdapter.stop', () => {
  it('is stopped even when the adapter stop rejects: nothing it emits afterwards goes anywhere', async () => {
    const fake = new FakeAdapter('x');
    fake.failStop = true;
    const running = new RunningAdapter(fake, silentLogger, () => 5);
    const got: number[] = [];
    await running.start((r) => got.push(Number(r.value)), () => undefined);
    fake.emit({ source: 'x', pointId: 'GT-1', value: 1, ts: 1 });
    await expect(running.stop()).rejects.toThrow('stop failed');
    fake.emit({ source: 'x', pointId: 'GT-1', value: 2, ts: 2 });
    expect(got).toEqual([1]);
    expect(running.status()).toEqual({ state: 'stopped', since: 5 });
  });
});

describe('people wiring across a reload', () => {
  it('names the people and cameras of the zone a reload moves a point to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-reload-people-'));
    try {
      writeFileSync(join(dir, 'site.yaml'), `site: { id: s }
people:
  zones:
    - { id: z1, kind: general, polygon: [[0, 0], [10, 0], [10, 10], [0, 10]], cameras: [cam-1] }
    - { id: z2, kind: general, polygon: [[20, 0], [30, 0], [30, 10], [20, 10]], cameras: [cam-2] }
  people: []
`);
      const loaded = loadSite(join(dir, 'site.yaml'));
      if (!loaded.ok) throw new Error('site did not load');
      const people = wirePeople(loaded.config.people, [point('GT-1', { area: 'z1' })], silentLogger);
      const result = { conditionId: 'hi/GT-1', ruleId: 'hi', ruleKind: 'threshold', pointId: 'GT-1', level: 'H', priority: 2, value: 95, time: T0, message: 'm' } as const;
      expect(people.enrich(result).cameras).toEqual(['cam-1']);
      people.repoint([point('GT-1', { area: 'z1', attrs: { zone: 'z2' } })]);
      expect(people.enrich(result).cameras).toEqual(['cam-2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
