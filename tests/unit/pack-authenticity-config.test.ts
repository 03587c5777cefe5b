import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { formatProblems } from '../../src/config/index.js';
import { ruleSchema } from '../../src/config/rules.js';

/** The pack's rule schemas (defaults, refusals) and its config-time checks, through the real site loader. */

const PACK = fileURLToPath(new URL('../../rules/packs/authenticity/authenticity.yaml', import.meta.url));
const MINE_PACK = fileURLToPath(new URL('../../rules/packs/authenticity/authenticity-mine.yaml', import.meta.url));
const DEMO = fileURLToPath(new URL('../../deploy/sites/demo-authenticity.yaml', import.meta.url));

function parse(rule: Record<string, unknown>): ReturnType<typeof ruleSchema.safeParse> {
  return ruleSchema.safeParse({ id: 'r', select: { match: { kind: 'gas' } }, priority: 3, ...rule });
}

function messages(rule: Record<string, unknown>): string[] {
  const out = parse(rule);
  return out.success ? [] : out.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('authenticity rule schemas', () => {
  it('fill in the documented defaults and turn durations into ms', () => {
    expect(parse({ kind: 'flatline', for: '10m' }).data).toMatchObject({ kind: 'flatline', forMs: 600_000, tolerance: 0 });
    expect(parse({ kind: 'drop-to-zero', fromPct: 10, toPct: 1, within: '10s', neighbourPct: 5, realarm: '30m' }).data).toMatchObject({ withinMs: 10_000, neighbourMaxAgeMs: 60_000, groupBy: 'area', realarmMs: 1_800_000 });
    expect(parse({ kind: 'mirror' }).data).toMatchObject({ samples: 20, minChanges: 5, maxLag: 2, groupBy: 'area' });
    expect(parse({ kind: 'mirror', samples: 10 }).data).toMatchObject({ minChanges: 3 });
    expect(parse({ kind: 'time-backwards' }).data).toMatchObject({ toleranceMs: 0, clearAfter: { samples: 10 } });
    expect(parse({ kind: 'time-backwards', tolerance: '2s', clearAfter: { time: '5m' } }).data).toMatchObject({ toleranceMs: 2000, clearAfter: { timeMs: 300_000 } });
  });

  it.each([
    [{ kind: 'flatline', for: '10m', ignoreBelow: 1, ignoreBelowPct: 5 }, 'ignoreBelowPct: give ignoreBelow or ignoreBelowPct, not both'],
    [{ kind: 'flatline', for: '500ms' }, 'for: a flatline `for` is at least 1s'],
    [{ kind: 'flatline', for: '10m', tolerance: -1 }, 'tolerance: Too small: expected number to be >=0'],
    [{ kind: 'drop-to-zero', fromPct: 10, toPct: 10, within: '10s', neighbourPct: 15 }, 'toPct: toPct (the reading counted as zero) must be below fromPct'],
    [{ kind: 'drop-to-zero', fromPct: 10, toPct: 1, within: '10s', neighbourPct: 1 }, 'neighbourPct: neighbourPct must be above toPct: a neighbour at zero is no evidence of gas'],
    [{ kind: 'drop-to-zero', fromPct: 110, toPct: 1, within: '10s', neighbourPct: 5 }, 'fromPct: Too big: expected number to be <=100'],
    [{ kind: 'mirror', samples: 10, minChanges: 10 }, 'minChanges: minChanges must be below samples (a window of N readings has at most N-1 changes)'],
    [{ kind: 'mirror', samples: 2 }, 'samples: Too small: expected number to be >=3'],
    [{ kind: 'mirror', groupBy: 'not valid!' }, 'groupBy: groupBy is `area` or an attribute name'],
    [{ kind: 'time-backwards', clearAfter: {} }, 'clearAfter: clearAfter needs samples, time or both'],
    [{ kind: 'time-backwards', lookBack: 3 }, ': Unrecognized key: "lookBack"'],
  ])('refuse %j', (rule, message) => {
    expect(messages(rule)).toEqual([message]);
  });
});

describe('authenticity config-time checks', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function site(points: string, rules: string): string {
    dir = mkdtempSync(join(tmpdir(), 'hg-authenticity-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, `site: { id: t }\nstore: { dir: ${dir} }\npoints:\n${points}\nrules:\n${rules}\n`);
    return file;
  }

  it('names every point a rule cannot judge, with file, line and path', () => {
    const file = site(
      `  - { id: GT-1, kind: gas, range: [0, 100], area: a }
  - { id: GT-2, kind: gas, area: a }
  - { id: GT-3, kind: gas, range: [0, 100] }
  - { id: XS-1, kind: gas, type: boolean, area: a }
  - { id: GT-4, kind: gas, range: [0, 100], area: a, attrs: { flatlineIgnoreBelow: "two" } }`,
      `  - { id: drop, kind: drop-to-zero, select: { match: { kind: gas, type: number } }, fromPct: 10, toPct: 1, within: 10s, neighbourPct: 5, priority: 2 }
  - { id: twin, kind: mirror, select: { match: { kind: gas } }, groupBy: zone, priority: 3 }
  - { id: flat, kind: flatline, select: { points: [GT-1, GT-2] }, for: 10m, ignoreBelowPct: 5, priority: 3 }`,
    );
    const out = loadSite(file);
    expect(out.ok).toBe(false);
    const text = out.ok ? '' : formatProblems(out.problems);
    const lines = text.split('\n').map((l) => l.replace(`${file}:`, ''));
    const zone = (id: string): string => `point "${id}" has no attribute "zone": rule "twin" (mirror) compares it with the points of the same attribute "zone"`;
    expect(lines).toEqual([
      `4: points[0].attrs.zone: ${zone('GT-1')}`,
      '5: points[1].range: point "GT-2" has no range [low, high] with high > low: rule "drop" (drop-to-zero) reads its values as a percentage of its span',
      `5: points[1].attrs.zone: ${zone('GT-2')}`,
      '5: points[1].range: point "GT-2" has no range [low, high] with high > low: rule "flat" (flatline) ignores readings below ignoreBelowPct of its span',
      '6: points[2].area: point "GT-3" has no area: rule "drop" (drop-to-zero) compares it with the points of the same area',
      `6: points[2].attrs.zone: ${zone('GT-3')}`,
      '8: points[4].attrs.flatlineIgnoreBelow: point "GT-4": flatlineIgnoreBelow is "two", not a number (engineering units)',
      `8: points[4].attrs.zone: ${zone('GT-4')}`,
      '11: rules[1].select: rule "twin" (mirror) selects the discrete point "XS-1": it judges analog readings only',
    ]);
  });

  it('loads the pack as a site includes it, and the demo site', () => {
    const file = site(
      `  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: a, attrs: { class: combustible } }
  - { id: AT-1, kind: gas, unit: ppm, range: [0, 100], area: a, attrs: { class: toxic, gas: H2S } }
  - { id: XV-1, kind: valve, type: boolean }`,
      '  []',
    );
    writeFileSync(file, `include: [${PACK}]\n`, { flag: 'a' });
    const out = loadSite(file);
    expect(out.ok ? [] : formatProblems(out.problems)).toEqual([]);
    expect(out.ok && out.config.rules.map((r) => `${r.id}:${r.kind}`)).toEqual(['flatline-combustible:flatline', 'flatline-toxic:flatline', 'gas-dropout:drop-to-zero', 'mirrored-feed:mirror', 'clock-backwards:time-backwards']);
    const demo = loadSite(DEMO);
    expect(demo.ok ? [] : formatProblems(demo.problems)).toEqual([]);
  });

  it('loads the coal-mine edition on methane sensors named as the coal pack names them', () => {
    const file = site(
      `  - { id: T1-CH4, kind: gas, unit: "%", range: [0, 4], scaling: { kind: current-loop }, area: face-1301, attrs: { gas: CH4, location: working-face } }
  - { id: T2-CH4, kind: gas, unit: "%", range: [0, 4], area: face-1301, attrs: { gas: CH4, location: return-airway } }
  - { id: CO-1, kind: gas, unit: ppm, range: [0, 500], area: face-1301, attrs: { gas: CO } }
  - { id: O2-1, kind: gas, unit: "%", range: [0, 25], area: face-1301, attrs: { gas: O2 } }`,
      '  []',
    );
    writeFileSync(file, `include: [${MINE_PACK}]\n`, { flag: 'a' });
    const out = loadSite(file);
    expect(out.ok ? [] : formatProblems(out.problems)).toEqual([]);
    expect(out.ok && out.config.rules.map((r) => r.id)).toEqual(['flatline-ch4', 'ch4-dropout', 'mirrored-feed', 'clock-backwards']);
  });

  it('refuses both editions in one site: two rules would be defined twice', () => {
    const file = site(
      `  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: a, attrs: { class: combustible } }
  - { id: AT-1, kind: gas, unit: ppm, range: [0, 100], area: a, attrs: { class: toxic, gas: H2S } }
  - { id: T1-CH4, kind: gas, unit: "%", range: [0, 4], area: a, attrs: { gas: CH4 } }`,
      '  []',
    );
    writeFileSync(file, `include: [${PACK}, ${MINE_PACK}]\n`, { flag: 'a' });
    const out = loadSite(file);
    expect(out.ok ? '' : formatProblems(out.problems)).toMatch(/duplicate rule id "mirrored-feed"[\s\S]*duplicate rule id "clock-backwards"/);
  });
});
