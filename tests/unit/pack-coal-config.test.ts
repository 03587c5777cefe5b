import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';

/**
 * The coal pack's refusals at load time, through the real site loader and the pack file a site
 * includes: every problem names the point (and the feeder), at the point's line.
 */
const PACK = fileURLToPath(new URL('../../rules/packs/coal/coal.yaml', import.meta.url));

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A site of the given point lines (YAML flow maps, one a line from line 4) and extra rules. */
function load(points: readonly string[], rules: readonly string[] = []): { ok: boolean; lines: string[]; rules: unknown[] } {
  dir = mkdtempSync(join(tmpdir(), 'hg-coal-'));
  const file = join(dir, 'site.yaml');
  const text = [
    'site: { id: coal-test }',
    `include: [${JSON.stringify(PACK)}]`,
    'points:',
    ...points.map((p) => `  - ${p}`),
    ...(rules.length === 0 ? [] : ['rules:', ...rules.map((r) => `  - ${r}`)]),
    `store: { dir: ${JSON.stringify(join(dir, 'data'))} }`,
  ].join('\n');
  writeFileSync(file, `${text}\n`);
  const out = loadSite(file);
  return out.ok ? { ok: true, lines: [], rules: [...out.config.rules] } : { ok: false, lines: out.problems.map(formatProblem).map((l) => l.slice(dir.length + 1)), rules: [] };
}

const WF = (attrs: string, unit = '"%"', range = '[0, 4]'): string => `{ id: WF-CH4, kind: gas, unit: ${unit}, range: ${range}, attrs: { gas: CH4, location: working-face, ${attrs} } }`;
const FEEDS = ['{ id: KD-101, kind: feed, type: boolean, attrs: { feeder: F-101 } }', '{ id: KD-102, kind: feed, type: boolean, attrs: { feeder: F-102 } }'];

describe('coal pack config: a good site', () => {
  it('loads, with the defaults of each kind', () => {
    const out = load([WF('feeders: "F-101,F-102"'), ...FEEDS, '{ id: CO-1, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: CO } }']);
    expect(out.lines).toEqual([]);
    expect(out.rules).toEqual([
      expect.objectContaining({ id: 'coal-methane', kind: 'methane', priority: 1, latch: true, shelvable: false }),
      // 12 s: the 2 s power-off time plus a 10 s scan (over-limit areas); silent: two 30 s scans missed.
      expect.objectContaining({ id: 'coal-feed-check', kind: 'feed-check', priority: 1, timeoutMs: 12_000, silentAfterMs: 65_000, unexpectedOff: 'alarm' }),
      expect.objectContaining({ id: 'coal-mine-gas', kind: 'mine-gas', priority: 2, deadbandPct: 0 }),
      expect.objectContaining({ id: 'coal-sensor-fault', kind: 'sensor-fault', priority: 2, silentAfterMs: 65_000, feedSensors: true, shelvable: false }),
    ]);
  });

  it("a site's own rules get the kinds' defaults: feed-check 12 s and 65 s, sensor-fault priority 2, 65 s, with feed sensors", () => {
    const out = load([WF('feeders: none')], ['{ id: fc, kind: feed-check, select: { points: [WF-CH4] } }', '{ id: sf, kind: sensor-fault, select: { points: [WF-CH4] } }']);
    expect(out.lines).toEqual([]);
    expect(out.rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: 'fc', timeoutMs: 12_000, silentAfterMs: 65_000 }),
      expect.objectContaining({ id: 'sf', priority: 2, silentAfterMs: 65_000, feedSensors: true }),
    ]));
  });

  it('takes stricter site limits, "none" as a scope, and a gas without a regulatory limit', () => {
    const out = load([
      WF('feeders: none, alarmAt: "0.8", powerOffAt: "1.2", restoreBelow: "0.7"'),
      '{ id: O2-1, kind: gas, unit: "%", range: [0, 25], attrs: { gas: O2, limit: "20.5" } }',
      '{ id: CO-1, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: CO, limit: "20" } }',
      '{ id: C2H4-1, kind: gas, unit: ppm, attrs: { gas: C2H4 } }',
    ]);
    expect(out.lines).toEqual([]);
  });
});

describe('coal pack config: refusals', () => {
  it('a CH4 point whose feeders name no configured feed point, naming both', () => {
    const out = load([WF('feeders: "F-101,F-109"'), ...FEEDS]);
    expect(out.lines).toEqual(['site.yaml:4: points[0].attrs.feeders: CH4 point "WF-CH4" cuts feeder "F-109", but no feed point (kind: feed) has attrs.feeder "F-109"']);
  });

  it('a CH4 point with no power-off scope, or one that makes no sense', () => {
    expect(load([WF('x: y')]).lines).toEqual([expect.stringMatching(/^site\.yaml:4: points\[0\]\.attrs: CH4 point "WF-CH4" has no attrs\.feeders: .*or write "none"/)]);
    expect(load([WF('feeders: "none, F-101"'), ...FEEDS]).lines).toEqual(['site.yaml:4: points[0].attrs.feeders: CH4 point "WF-CH4": attrs.feeders "none, F-101" mixes "none" with feeder names']);
    expect(load([WF('feeders: "F-101,F-101"'), ...FEEDS]).lines).toEqual(['site.yaml:4: points[0].attrs.feeders: CH4 point "WF-CH4": attrs.feeders names "F-101" twice']);
    expect(load([WF('feeders: " , "')]).lines).toEqual([expect.stringMatching(/attrs\.feeders is empty/)]);
  });

  it("a sensor's feedTimeout that is no duration, or longer than the power-off time plus the longest scan cycle", () => {
    expect(load([WF('feeders: F-101, feedTimeout: soon'), ...FEEDS]).lines).toEqual(['site.yaml:4: points[0].attrs.feedTimeout: CH4 point "WF-CH4": attrs.feedTimeout "soon" is not a duration above 0 (e.g. 5s)']);
    expect(load([WF('feeders: F-101, feedTimeout: 33s'), ...FEEDS]).lines).toEqual(['site.yaml:4: points[0].attrs.feedTimeout: CH4 point "WF-CH4": attrs.feedTimeout "33s" is more than 32s (the 2 s power-off time plus 30 s, the longest scan cycle allowed underground)']);
    expect(load([WF('feeders: F-101, feedTimeout: 32s'), ...FEEDS]).lines).toEqual([]);
    expect(load([WF('feeders: F-101, feedTimeout: 7s'), ...FEEDS]).lines).toEqual([]);
  });

  it('a limit raised above the regulation, naming the point', () => {
    const out = load([WF('feeders: none, alarmAt: "1.2", powerOffAt: "1.6", restoreBelow: "1.1"')]);
    expect(out.lines).toEqual([
      'site.yaml:4: points[0].attrs.powerOffAt: CH4 point "WF-CH4": powerOffAt 1.6 is above the regulatory power-off level 1.5 % for its location; a site may lower the limits, never raise them',
      'site.yaml:4: points[0].attrs.alarmAt: CH4 point "WF-CH4": alarmAt 1.2 is above the regulatory alarm level 1 % for its location; a site may lower the limits, never raise them',
      'site.yaml:4: points[0].attrs.restoreBelow: CH4 point "WF-CH4": restoreBelow 1.1 is above the regulatory restore level 1 % for its location; a site may lower the limits, never raise them',
    ]);
  });

  it('an alarm or restore level above the point\'s own lowered power-off level, and a limit that is no number', () => {
    const out = load([WF('feeders: none, powerOffAt: "0.8", alarmAt: "0.9", restoreBelow: "abc"')]);
    expect(out.lines).toEqual([
      'site.yaml:4: points[0].attrs.alarmAt: CH4 point "WF-CH4": alarmAt 0.9 is above its power-off level 0.8 %',
      'site.yaml:4: points[0].attrs.restoreBelow: point "WF-CH4": attrs.restoreBelow "abc" is not a positive number',
    ]);
  });

  it('a CH4 point with no or an unknown location, a unit other than % CH4, a range that cannot reach the power-off level', () => {
    const out = load([
      '{ id: A-CH4, kind: gas, unit: "%", attrs: { gas: CH4, feeders: none } }',
      '{ id: B-CH4, kind: gas, unit: "%LEL", attrs: { gas: CH4, location: face, feeders: none } }',
      WF('feeders: none', '"%"', '[0, 1]'),
    ]);
    expect(out.lines).toEqual([
      'site.yaml:4: points[0].attrs: CH4 point "A-CH4" has no attrs.location: the alarm, power-off and restore levels depend on it (working-face, upper-corner, return-airway, intake, drainage-roadway, heading-face)',
      'site.yaml:5: points[1].attrs.location: CH4 point "B-CH4": location "face" has no preset (working-face, upper-corner, return-airway, intake, drainage-roadway, heading-face)',
      'site.yaml:5: points[1].unit: CH4 point "B-CH4" has unit "%LEL": the coal-mine methane levels are % CH4 by volume (unit "%")',
      'site.yaml:6: points[2].range: CH4 point "WF-CH4": its range [0, 1] cannot reach its power-off level 1.5 %',
    ]);
  });

  it('feed points that are not boolean, or two for one feeder', () => {
    const out = load([WF('feeders: "F-101,F-102"'), '{ id: KD-101, kind: feed, attrs: { feeder: F-101 } }', FEEDS[1] ?? '', '{ id: KD-102b, kind: feed, type: boolean, attrs: { feeder: F-102 } }']);
    expect(out.lines).toEqual([
      'site.yaml:5: points[1].type: feed point "KD-101" (feeder "F-101") must be type: boolean (true = energised)',
      'site.yaml:7: points[3].attrs.feeder: feeder "F-102" is reported by two feed points, "KD-102" and "KD-102b": which one tells whether it is cut?',
    ]);
  });

  it('mine gases: no gas attribute, a mistyped gas, a weaker limit, a unit the limits cannot use, a blind range', () => {
    const out = load([
      WF('feeders: none'),
      '{ id: G-1, kind: gas, unit: ppm }',
      '{ id: CO-1, kind: gas, unit: ppm, attrs: { gas: co } }',
      '{ id: CO-2, kind: gas, unit: ppm, attrs: { gas: CO, limit: "30" } }',
      '{ id: O2-1, kind: gas, unit: "%", attrs: { gas: O2, limit: "19" } }',
      '{ id: H2S-1, kind: gas, unit: "mg/m3", attrs: { gas: H2S } }',
      '{ id: CO2-1, kind: gas, unit: "%", range: [0, 0.4], attrs: { gas: CO2 } }',
      '{ id: O2-2, kind: gas, unit: "%", range: [21, 25], attrs: { gas: O2 } }',
    ]);
    expect(out.lines).toEqual([
      'site.yaml:5: points[1].attrs: gas point "G-1" has no attrs.gas: which limit applies cannot be told (CH4, CO, H2S, NO2, SO2, NH3, CO2, O2)',
      'site.yaml:6: points[2].attrs.gas: gas point "CO-1": write gas "CO", not "co" (rules select on the exact name)',
      'site.yaml:7: points[3].attrs.limit: CO point "CO-2": limit 30 ppm is above the regulatory maximum 24 ppm; a site may make the limits stricter, never weaker',
      'site.yaml:8: points[4].attrs.limit: O2 point "O2-1": limit 19 % is below the regulatory minimum 20 %; a site may make the limits stricter, never weaker',
      'site.yaml:9: points[5].unit: H2S point "H2S-1" has unit "mg/m3": the limits are in ppm or % by volume',
      'site.yaml:10: points[6].range: CO2 point "CO2-1": its range [0, 0.4] cannot reach its limit 0.5 %',
      'site.yaml:11: points[7].range: O2 point "O2-2": its range [21, 25] cannot reach its limit 20 %',
    ]);
  });

  it('a feed-check timeout beyond the scan cycle, or none at all; a silentAfter under 1 s; a mine-gas deadband too wide', () => {
    const base = [WF('feeders: none')];
    const rule = (extra: string, kind = 'feed-check'): string => `{ id: r, kind: ${kind}, select: { points: [WF-CH4] }, ${extra} }`;
    expect(load(base, [rule('timeout: 33s')]).lines).toEqual([expect.stringMatching(/^site\.yaml:\d+: rules\[0\]\.timeout: timeout is at most 32s/)]);
    expect(load(base, [rule('timeout: 32s')]).lines).toEqual([]);
    expect(load(base, [rule('silentAfter: 500ms')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.silentAfter: silentAfter is at least 1s/)]);
    expect(load(base, [rule('silentAfter: 0', 'sensor-fault')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.silentAfter: silentAfter is at least 1s/)]);
    expect(load(base, [rule('feedSensors: maybe', 'sensor-fault')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.feedSensors: /)]);
    expect(load(base, [rule('timeout: 0')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.timeout: timeout must be more than 0/)]);
    expect(load(base, [rule('unexpectedOff: maybe')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.unexpectedOff: /)]);
    expect(load(base, [rule('deadbandPct: 60', 'mine-gas')]).lines).toEqual([expect.stringMatching(/rules\[0\]\.deadbandPct: deadbandPct is at most 50/)]);
    expect(load(base, [rule('priority: 1', 'methane')]).lines).toEqual([expect.stringMatching(/rules\[0\]: .*priority/)]);
  });
});
