import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { wirePeople } from '../../src/app/people-wiring.js';
import { formatProblem } from '../../src/config/index.js';
import { silentLogger, type RuleResult, type ZoneHeadcount } from '../../src/core/index.js';
import { registerPeopleRoutes } from '../../src/server/routes-people.js';
import { SiteScope } from '../../src/server/index.js';
import { guardedApp, TestAuth } from '../support/auth.js';
import { TrackBuffer } from '../../src/engine/people/index.js';

/** The site's `people` section, and personnel location in the gateway: alarms out, evacuation lists on zone alarms. */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string) {
  dir = mkdtempSync(join(tmpdir(), 'hg-people-'));
  writeFileSync(join(dir, 'site.yaml'), text);
  return loadSite(join(dir, 'site.yaml'));
}

const SITE = `site: { id: s }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: ws3 }
  - { id: PT-1, kind: pressure, unit: MPa, range: [0, 2], area: elsewhere }
people:
  zones:
    - { id: ws3, name: Workshop 3, kind: authorised-only, polygon: [[0, 0], [20, 0], [20, 10], [0, 10]], headcountLimit: 2, cameras: [cam-7], maxDwell: 2h }
    - { id: yard, kind: warning, colour: orange, polygon: [[100, 0], [200, 0], [200, 100], [100, 100]], crowd: { minPeople: 3, radius: 15, for: 60s } }
  people:
    - { tagId: T1, personId: P1, name: Li Wei, role: operator, authorisedZones: [ws3] }
    - { tagId: T2, personId: P2, name: Wang Fang, authorisedZones: [ws3] }
    - { tagId: T3, personId: P3, name: Zhao Lei }
  settings: { offlineAfter: 2m, hysteresis: 1.5 }
`;

describe('the people section', () => {
  it('reads zones, people and settings into the core contracts', () => {
    const out = load(SITE);
    expect(out.ok ? null : out.problems.map(formatProblem)).toBeNull();
    if (!out.ok) return;
    expect(out.config.people?.zones[0]).toMatchObject({ id: 'ws3', kind: 'authorised-only', headcountLimit: 2, maxDwellMs: 7_200_000, cameras: ['cam-7'] });
    expect(out.config.people?.zones[1]?.crowd).toEqual({ minPeople: 3, radiusM: 15, forMs: 60_000 });
    expect(out.config.people?.settings).toEqual({ offlineAfterMs: 120_000, hysteresisM: 1.5 });
  });

  it('names every problem with its path: a zone without an outline, a bad shift time', () => {
    const out = load(`site: { id: s }
people:
  zones:
    - { id: z1, kind: general }
    - { id: z2, kind: restricted, polygon: [[0, 0], [1, 0], [1, 1]], headcountLimit: [{ from: "8:00", to: "20:00", limit: 3 }] }
  people:
    - { tagId: T1, personId: P1, name: A, authorisedZones: [nope] }
`);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const text = out.problems.map(formatProblem).join('\n');
    expect(text).toMatch(/people\.zones\[0\]: a zone needs a polygon, readers or both/);
    expect(text).toMatch(/people\.zones\[1\]\.headcountLimit\[0\]\.from: a time of day is HH:MM/);
  });
});

describe('personnel location in the gateway', () => {
  function wired() {
    const out = load(SITE);
    if (!out.ok) throw new Error('site');
    return { people: wirePeople(out.config.people, out.config.points, silentLogger) };
  }
  const at = (tagId: string, x: number, y: number, ts: number) => ({ type: 'position' as const, position: { tagId, x, y, ts } });
  /** A tag enters a zone once its fixes have been inside for 2 s (enterAfterMs): three fixes a second apart; the results of the last. */
  const stand = (people: ReturnType<typeof wired>['people'], tagId: string, x: number, y: number, from: number) =>
    [from, from + 1000, from + 2000].map((ts) => people.observe(at(tagId, x, y, ts), ts)).at(-1) ?? [];
  /** Past the 10 s warm-up after the start (startedAt 0), when headcounts are judged. */
  const T = 20_000;

  it('turns personnel alarms into rule results of kind people, with whom they concern', () => {
    const { people } = wired();
    stand(people, 'T1', 5, 5, T);
    stand(people, 'T2', 6, 5, T);
    const third = stand(people, 'T3', 7, 5, T);
    expect(third).toEqual(expect.arrayContaining([
      expect.objectContaining({ conditionId: 'unauthorised/ws3/T3', ruleId: 'unauthorised', ruleKind: 'people', zoneId: 'ws3', level: 'INTRUSION', pointId: null }),
      expect.objectContaining({ conditionId: 'headcount/ws3', level: 'HEADCOUNT', value: 3 }),
    ]));
    const headcount = third.find((r) => r.conditionId === 'headcount/ws3');
    expect(headcount?.people?.map((p) => p.name)).toEqual(['Li Wei', 'Wang Fang', 'Zhao Lei']);
  });

  it('a gas alarm in a zone carries the people in it and the cameras that see it; one outside a zone is unchanged', () => {
    const { people } = wired();
    stand(people, 'T1', 5, 5, 1000);
    stand(people, 'T3', 150, 50, 1000);
    const gas: RuleResult = { conditionId: 'gas/GT-1', ruleId: 'gas', ruleKind: 'threshold', pointId: 'GT-1', level: 'AL2', priority: 1, value: 55, time: 1000, message: 'GT-1 AL2' };
    expect(people.enrich(gas)).toMatchObject({ people: [{ tagId: 'T1', personId: 'P1', name: 'Li Wei', role: 'operator' }], cameras: ['cam-7'] });
    const other: RuleResult = { ...gas, conditionId: 'p/PT-1', pointId: 'PT-1' };
    expect(people.enrich(other)).toBe(other);
  });

  it('refuses a fix stamped too far ahead, so a device with a wrong clock cannot hide its tag', () => {
    const { people } = wired();
    expect(people.observe({ type: 'position', position: { tagId: 'T3', x: 5, y: 5, ts: 10_000_000 } }, 1000)).toEqual([]);
    expect(stand(people, 'T3', 7, 5, 2000).map((r) => r.conditionId)).toContain('unauthorised/ws3/T3');
  });

  it('a fix without a floor keeps the tag on its last floor: floor zones do not flap', () => {
    const out = load(SITE.replace('kind: authorised-only, polygon', 'kind: authorised-only, floor: 1F, polygon'));
    if (!out.ok) throw new Error('site');
    const people = wirePeople(out.config.people, out.config.points, silentLogger);
    const fix = (ts: number, floor?: string) => people.observe({ type: 'position', position: { tagId: 'T3', x: 5, y: 5, ts, ...(floor === undefined ? {} : { floor }) } }, ts);
    const raised = [fix(1000, '1F'), fix(2000), fix(3000, '1F'), fix(4000)].flat().filter((r) => r.conditionId === 'unauthorised/ws3/T3');
    expect(raised.map((r) => r.level)).toEqual(['INTRUSION']);
  });

  it('without a people section nothing happens and results pass unchanged', () => {
    const none = wirePeople(undefined, [], silentLogger);
    expect(none.observe({ type: 'position', position: { tagId: 'T1', x: 0, y: 0, ts: 0 } }, 0)).toEqual([]);
    expect(none.monitor).toBeNull();
  });
});

describe('people API and live headcounts', () => {
  it('pushes a zone headcount when tags enter or leave, and serves headcounts, zone lists and tracks', async () => {
    const out = load(SITE);
    if (!out.ok) throw new Error('site');
    const told: ZoneHeadcount[] = [];
    const people = wirePeople(out.config.people, out.config.points, silentLogger, (h) => void told.push(h));
    const at = (tagId: string, x: number, y: number, ts: number) => people.observe({ type: 'position', position: { tagId, x, y, ts } }, ts);
    // Each enters after 2 s of fixes inside (enterAfterMs).
    at('T1', 5, 5, 1000);
    at('T1', 5.2, 5, 2000);
    at('T1', 5.1, 5, 3000);
    for (const ts of [2000, 3000, 4000]) at('T2', 150, 50, ts);
    for (const ts of [40_000, 41_000, 42_000]) at('T1', 150, 60, ts);
    expect(told.map((h) => [h.zoneId, h.headcount])).toEqual([['ws3', 1], ['yard', 1], ['ws3', 0], ['yard', 2]]);
    const auth = TestAuth.open(join(dir, 'auth'));
    const app = guardedApp(auth);
    const scope = new SiteScope('s', { list: () => out.config.points, get: () => undefined, latest: () => undefined }, auth.service);
    registerPeopleRoutes(app, { people: people.service, scope, now: () => 50_000 });
    const headers = auth.as('viewer', 'viewer');
    const get = (url: string) => app.inject({ url, headers });
    const zones = (await get('/api/people/zones')).json() as { total: number; zones: ZoneHeadcount[] };
    expect(zones.total).toBe(2);
    expect(zones.zones[0]).toEqual({ zoneId: 'ws3', name: 'Workshop 3', kind: 'authorised-only', headcount: 0, limit: 2 });
    expect((await get('/api/people/zones/yard')).json()).toMatchObject({ zone: { headcount: 2 }, people: [{ name: 'Li Wei' }, { name: 'Wang Fang' }] });
    expect((await get('/api/people/zones/nope')).statusCode).toBe(404);
    const track = (await get('/api/people/tags/T1/track?from=0&to=60000')).json() as { points: { x: number; ts: number }[] };
    // 5.2 and 5.1 are within 1 m of 5 and less than 30 s later, as are the later fixes at 150: not kept.
    expect(track.points.map((p) => [p.x, p.ts])).toEqual([[5, 1000], [150, 40_000]]);
    expect((await get('/api/people/tags/NOPE/track')).statusCode).toBe(404);
    // Who is where is the whole site's: a user of one area does not see it, anonymous not at all.
    expect((await app.inject({ url: '/api/people/zones', headers: auth.as('tk', 'operator', { sites: '*', areas: ['tank-farm'] }) })).statusCode).toBe(403);
    expect((await app.inject('/api/people/zones/yard')).statusCode).toBe(401);
    await app.close();
    auth.close();
  });

  it('answers 404 saying so when the site has no people section', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-people-'));
    const auth = TestAuth.open(dir);
    const app = guardedApp(auth);
    registerPeopleRoutes(app, { people: null, scope: new SiteScope('s', { list: () => [], get: () => undefined, latest: () => undefined }, auth.service), now: () => 0 });
    const res = await app.inject({ url: '/api/people/zones', headers: auth.as('viewer', 'viewer') });
    expect([res.statusCode, (res.json() as { error: { message: string } }).error.message]).toEqual([404, 'this site has no people section (personnel location)']);
    await app.close();
    auth.close();
  });

  it('a track keeps a point when the tag moved a metre or 30 s passed, and at most maxPoints', () => {
    const t = new TrackBuffer({ maxPoints: 3 });
    for (let i = 0; i <= 120; i++) t.add({ tagId: 'T', x: 0.01 * i, y: 0, ts: i * 1000 });
    expect(t.between('T', 0, 200_000)?.map((p) => p.ts)).toEqual([60_000, 90_000, 120_000]);
    t.add({ tagId: 'T', x: 0, y: 0, ts: 5000 });
    expect(t.between('T', 0, 200_000)).toHaveLength(3);
  });
});
