import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';

/**
 * The gas pack's config-time refusals (GB/T 50493-2019 5.5.2 setpoints, detectors lacking what their
 * class needs, k-of-n zones that could never confirm), through the real site loader: each names
 * the rule, level and point, at the file line of the offending key.
 */

const PACK = fileURLToPath(new URL('../../rules/packs/gas/gas.yaml', import.meta.url));
const SITES = fileURLToPath(new URL('../../deploy/sites/', import.meta.url));

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** Loads a site made of `body` (points and rules) and returns its problems, one a line (`site.yaml:7: path: message`). */
function problemsOf(body: string, include: readonly string[] = []): string[] {
  dir = mkdtempSync(join(tmpdir(), 'hg-gas-checks-'));
  const file = join(dir, 'site.yaml');
  const inc = include.length === 0 ? '' : `include: [${include.map((p) => JSON.stringify(p)).join(', ')}]\n`;
  writeFileSync(file, `site: { id: gas-check }\n${inc}store: { dir: ${JSON.stringify(join(dir, 'data'))} }\n${body}`);
  const out = loadSite(file);
  return out.ok ? [] : out.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''));
}

const COMBUSTIBLE = '  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { gas: CH4, class: combustible } }\n';

function threshold(levels: string, select = 'points: [GT-1]'): string {
  return `rules:\n  - id: gas-th\n    kind: threshold\n    select: { ${select} }\n    levels:\n${levels}`;
}

describe('threshold setpoints on gas detectors (GB/T 50493-2019 5.5.2)', () => {
  it('accepts the standard levels and lower ones', () => {
    const levels = '      - { name: AL1, direction: high, limit: 25, priority: 2 }\n      - { name: AL2, direction: high, limit: 50, priority: 1 }\n';
    expect(problemsOf(`points:\n${COMBUSTIBLE}${threshold(levels)}`)).toEqual([]);
    const lower = '      - { name: AL1, direction: high, limit: 10, priority: 2 }\n      - { name: AL2, direction: high, limit: 20, priority: 1 }\n';
    expect(problemsOf(`points:\n${COMBUSTIBLE}${threshold(lower)}`)).toEqual([]);
  });

  it('refuses a combustible level 1 above 25 %LEL and a level 2 above 50 %LEL, naming rule, level and point at the limit line', () => {
    const levels = '      - { name: AL1, direction: high, limit: 30, priority: 2 }\n      - { name: AL2, direction: high, limit: 60, priority: 1 }\n';
    expect(problemsOf(`points:\n${COMBUSTIBLE}${threshold(levels)}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level AL1 (30 %LEL) on point "GT-1" is above GB/T 50493-2019 5.5.2 level 1: 25 %LEL',
      'site.yaml:11: rules[0].levels[1].limit: rule "gas-th" level AL2 (60 %LEL) on point "GT-1" is above GB/T 50493-2019 5.5.2 level 2: 50 %LEL',
    ]);
  });

  it('takes the lowest high level as level 1 whatever its name or order, and leaves higher extra stages alone', () => {
    const levels =
      '      - { name: HHH, direction: high, limit: 80, priority: 1 }\n      - { name: HH, direction: high, limit: 45, priority: 1 }\n      - { name: H, direction: high, limit: 26, priority: 2 }\n';
    expect(problemsOf(`points:\n${COMBUSTIBLE}${threshold(levels)}`)).toEqual([
      'site.yaml:12: rules[0].levels[2].limit: rule "gas-th" level H (26 %LEL) on point "GT-1" is above GB/T 50493-2019 5.5.2 level 1: 25 %LEL',
    ]);
  });

  it('converts a %VOL methane detector: 25 %LEL is 1.1 %VOL (LEL 4.4 %VOL)', () => {
    const point = '  - { id: GT-1, kind: gas, unit: "%VOL", range: [0, 5], attrs: { gas: CH4, class: combustible } }\n';
    const ok = '      - { name: AL1, direction: high, limit: 1.1, priority: 2 }\n';
    expect(problemsOf(`points:\n${point}${threshold(ok)}`)).toEqual([]);
    const bad = '      - { name: AL1, direction: high, limit: 1.2, priority: 2 }\n';
    expect(problemsOf(`points:\n${point}${threshold(bad)}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level AL1 (1.2 %VOL) on point "GT-1" is above GB/T 50493-2019 5.5.2 level 1: 25 %LEL of CH4, LEL 4.4 %VOL',
    ]);
  });

  it('holds toxic levels to 100 / 200 %OEL whatever the range, and to 5 / 10 %IDLH only on a point that declares it', () => {
    const narrow = '  - { id: AT-1, kind: gas, unit: ppm, range: [0, 20], attrs: { gas: H2S, class: toxic } }\n';
    const wide = '  - { id: AT-1, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: H2S, class: toxic } }\n';
    const declared = '  - { id: AT-1, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: H2S, class: toxic, toxicBasis: idlh } }\n';
    const at = (l1: number, l2: number): string =>
      threshold(`      - { name: AL1, direction: high, limit: ${l1}, priority: 2 }\n      - { name: AL2, direction: high, limit: ${l2}, priority: 1 }\n`, 'points: [AT-1]');
    const oelRefusal = [
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level AL1 (8 ppm) on point "AT-1" is above GB/T 50493-2019 5.5.2 level 1: 100 %OEL of H2S MAC 10 mg/m³ (GBZ 2.1-2019) = 7.05 ppm',
      'site.yaml:11: rules[0].levels[1].limit: rule "gas-th" level AL2 (14.2 ppm) on point "AT-1" is above GB/T 50493-2019 5.5.2 level 2: 200 %OEL of H2S MAC 10 mg/m³ (GBZ 2.1-2019) = 14.1 ppm',
    ];
    expect(problemsOf(`points:\n${narrow}${at(7, 14)}`)).toEqual([]);
    expect(problemsOf(`points:\n${narrow}${at(8, 14.2)}`)).toEqual(oelRefusal);
    // A 0-100 ppm head is wider than 0-300 %OEL (21.2 ppm), as nearly every one is: still %OEL.
    expect(problemsOf(`points:\n${wide}${at(7, 14)}`)).toEqual([]);
    expect(problemsOf(`points:\n${wide}${at(8, 14.2)}`)).toEqual(oelRefusal);
    // The old demo tank farm's 10 / 20 ppm: refused now.
    expect(problemsOf(`points:\n${wide}${at(10, 20)}`)).toHaveLength(2);
    // Declared (no 0-21 ppm H2S head for this service): 5 / 10 %IDLH, 15.2 / 30.3 ppm.
    expect(problemsOf(`points:\n${declared}${at(10, 20)}`)).toEqual([]);
    expect(problemsOf(`points:\n${declared}${at(16, 20)}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level AL1 (16 ppm) on point "AT-1" is above GB/T 50493-2019 5.5.2 level 1: 5 %IDLH of H2S IDLH 430 mg/m³ (GB/T 50493-2019 appendix B) = 15.2 ppm (declared: attrs.toxicBasis idlh)',
    ]);
  });

  it('holds CO to its PC-TWA (20 mg/m³ = 17.2 ppm), not the higher PC-STEL (30 mg/m³ = 25.7 ppm)', () => {
    const co = '  - { id: AT-2, kind: gas, unit: ppm, range: [0, 500], attrs: { gas: CO, class: toxic } }\n';
    const at = (l1: number, l2: number): string =>
      threshold(`      - { name: AL1, direction: high, limit: ${l1}, priority: 2 }\n      - { name: AL2, direction: high, limit: ${l2}, priority: 1 }\n`, 'points: [AT-2]');
    expect(problemsOf(`points:\n${co}${at(17, 34)}`)).toEqual([]);
    expect(problemsOf(`points:\n${co}${at(25, 50)}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level AL1 (25 ppm) on point "AT-2" is above GB/T 50493-2019 5.5.2 level 1: 100 %OEL of CO PC-TWA 20 mg/m³ (GBZ 2.1-2019) = 17.2 ppm',
      'site.yaml:11: rules[0].levels[1].limit: rule "gas-th" level AL2 (50 ppm) on point "AT-2" is above GB/T 50493-2019 5.5.2 level 2: 200 %OEL of CO PC-TWA 20 mg/m³ (GBZ 2.1-2019) = 34.3 ppm',
    ]);
  });

  it('holds oxygen to 19.5 %VOL low and 23.5 %VOL high', () => {
    const o2 = '  - { id: OT-1, kind: gas, unit: "%VOL", range: [0, 25], attrs: { class: oxygen } }\n';
    const levels = '      - { name: L, direction: low, limit: 18, priority: 2 }\n      - { name: H, direction: high, limit: 24, priority: 2 }\n';
    expect(problemsOf(`points:\n${o2}${threshold(levels, 'points: [OT-1]')}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].limit: rule "gas-th" level L (18 %VOL) on point "OT-1" is below GB/T 50493-2019 5.5.2 oxygen deficiency: 19.5 %VOL (oxygen deficiency)',
      'site.yaml:11: rules[0].levels[1].limit: rule "gas-th" level H (24 %VOL) on point "OT-1" is above GB/T 50493-2019 5.5.2 oxygen enrichment: 23.5 %VOL (oxygen enrichment)',
    ]);
  });

  it('refuses an on-delay on a regulatory gas level', () => {
    const levels = '      - { name: AL1, direction: high, limit: 20, onDelay: 5s, priority: 2 }\n';
    expect(problemsOf(`points:\n${COMBUSTIBLE}${threshold(levels)}`)).toEqual([
      'site.yaml:10: rules[0].levels[0].onDelay: rule "gas-th" level AL1 (20 %LEL) on point "GT-1": a regulatory gas level has no on-delay',
    ]);
  });

  it('leaves gas points without attrs.class to their own rules (not GB/T 50493 detectors: a mine methane sensor)', () => {
    const ch4 = '  - { id: CH4-1, kind: gas, unit: "%", range: [0, 4], attrs: { gas: CH4 } }\n';
    const levels = '      - { name: OFF, direction: high, limit: 2.5, priority: 1 }\n';
    expect(problemsOf(`points:\n${ch4}${threshold(levels, 'points: [CH4-1]')}`)).toEqual([]);
  });
});

describe('gas detectors lacking what their class needs', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['a toxic gas not in the table without an OEL', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 50], attrs: { gas: XYZ, class: toxic } }', 'points[0].attrs.gas: toxic point "AT-1" needs an OEL (attrs.gas "XYZ" is not a listed gas): name a listed gas or give attrs.oel (e.g. "10 mg/m3")'],
    ['a toxic point without a gas', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 50], attrs: { class: toxic } }', 'points[0].attrs.gas: toxic point "AT-1" needs an OEL (no attrs.gas): name a listed gas or give attrs.oel (e.g. "10 mg/m3")'],
    ['a combustible gas without an OEL measured as toxic', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 50], attrs: { gas: CH4, class: toxic } }', 'points[0].attrs.gas: toxic point "AT-1" needs an OEL (attrs.gas "CH4" is not a listed gas without a GBZ 2.1 limit): name a listed gas or give attrs.oel (e.g. "10 mg/m3")'],
    ['a combustible in ppm of an unknown gas', '{ id: GT-1, kind: gas, unit: ppm, range: [0, 5000], attrs: { gas: FOO, class: combustible } }', 'points[0].attrs.gas: combustible point "GT-1" in ppm needs its gas\'s LEL (attrs.gas "FOO" is not a listed gas): name a listed gas or give attrs.lel (%VOL)'],
    ['a unit that is not a gas unit', '{ id: GT-1, kind: gas, unit: mA, range: [4, 20], attrs: { gas: CH4, class: combustible } }', 'points[0].unit: point "GT-1": unit "mA" is not a gas unit (%LEL, %VOL, ppm, mg/m3 or LEL·m)'],
    ['a toxic point in %LEL', '{ id: AT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { gas: H2S, class: toxic } }', 'points[0].unit: toxic point "AT-1" is in %LEL; a toxic detector measures ppm, mg/m3 or %VOL'],
    ['an oxygen point in ppm', '{ id: OT-1, kind: gas, unit: ppm, range: [0, 250000], attrs: { class: oxygen } }', 'points[0].unit: oxygen point "OT-1" is in ppm; oxygen is watched in %VOL (19.5 / 23.5 %VOL)'],
    ['a class the pack does not know', '{ id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { class: flammable } }', 'points[0].attrs.class: point "GT-1": attrs.class is "flammable"; a gas detector\'s class is combustible, toxic or oxygen'],
    ['an unreadable OEL attribute', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 50], attrs: { gas: H2S, class: toxic, oel: lots } }', 'points[0].attrs.oel: point "AT-1": attrs.oel "lots" is not a concentration (e.g. "10 mg/m3" or "7 ppm")'],
    ['a %IDLH declaration on a detector that measures 0-300 %OEL', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 20], attrs: { gas: H2S, class: toxic, toxicBasis: idlh } }', 'points[0].attrs.toxicBasis: toxic point "AT-1" declares the %IDLH basis (attrs.toxicBasis: idlh), but its range [0, 20] measures 0-300 %OEL (21.2 ppm): GB/T 50493-2019 5.5.2 allows %IDLH only where no detector can; remove attrs.toxicBasis'],
    ['a %IDLH declaration without an IDLH', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: XYZ, class: toxic, oel: 1 ppm, toxicBasis: idlh } }', 'points[0].attrs.toxicBasis: toxic point "AT-1" declares the %IDLH basis (attrs.toxicBasis: idlh) but has no IDLH: name a listed gas or give attrs.idlh (e.g. "430 mg/m3")'],
    ['a toxic basis on a combustible detector', '{ id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { class: combustible, toxicBasis: idlh } }', 'points[0].attrs.toxicBasis: combustible point "GT-1" has attrs.toxicBasis "idlh"; only a toxic detector has a toxic basis'],
    ['an OEL in mg/m3 for a ppm point without a molar mass', '{ id: AT-1, kind: gas, unit: ppm, range: [0, 50], attrs: { gas: XYZ, class: toxic, oel: "3 mg/m3" } }', 'points[0].attrs.molarMass: toxic point "AT-1" in ppm: its OEL 3 mg/m³ cannot be converted without the gas\'s molar mass: give attrs.molarMass (g/mol)'],
  ];

  it.each(cases)('refuses %s, naming the point', (_name, point, message) => {
    expect(problemsOf(`points:\n  - ${point}\n`)).toEqual([`site.yaml:4: ${message}`]);
  });

  it('accepts what each class needs, overrides included', () => {
    const points = [
      '{ id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { class: combustible } }',
      '{ id: GT-2, kind: gas, unit: ppm, range: [0, 10000], attrs: { gas: FOO, class: combustible, lel: "2.0" } }',
      '{ id: GP-3, kind: gas, unit: "LEL.m", range: [0, 5], attrs: { class: combustible } }',
      '{ id: AT-4, kind: gas, unit: mg/m3, range: [0, 50], attrs: { gas: cl2, class: toxic } }',
      '{ id: AT-5, kind: gas, unit: ppm, range: [0, 50], attrs: { gas: XYZ, class: toxic, oel: 5 ppm } }',
      '{ id: OT-6, kind: gas, unit: "%", range: [0, 25], attrs: { gas: O2, class: oxygen } }',
    ];
    expect(problemsOf(`points:\n${points.map((p) => `  - ${p}\n`).join('')}`)).toEqual([]);
  });
});

describe('gas-level rules', () => {
  it('refuses setpoints above the standard in the rule itself', () => {
    const rule = `rules:
  - id: gl
    kind: gas-level
    select: { points: [GT-1] }
    setpoints:
      combustible: { level1: 30 }
      toxic: { oel: { level2: 250 } }
      oxygen: { low: 19 }
`;
    expect(problemsOf(`points:\n${COMBUSTIBLE}${rule}`)).toEqual([
      'site.yaml:10: rules[0].setpoints.combustible.level1: combustible level 1 is at most 25 %LEL (GB/T 50493-2019 5.5.2)',
      'site.yaml:11: rules[0].setpoints.toxic.oel.level2: toxic level 2 is at most 200 %OEL (GB/T 50493-2019 5.5.2)',
      'site.yaml:12: rules[0].setpoints.oxygen.low: the oxygen deficiency alarm is at least 19.5 %VOL (GB/T 50493-2019 5.5.2)',
    ]);
  });

  it('refuses the range-based toxic basis "auto", which loosened almost every toxic detector', () => {
    const rule = `rules:
  - id: gl
    kind: gas-level
    select: { points: [GT-1] }
    setpoints:
      toxic: { basis: auto }
`;
    expect(problemsOf(`points:\n${COMBUSTIBLE}${rule}`)).toEqual([
      'site.yaml:10: rules[0].setpoints.toxic.basis: toxic basis "auto" is no longer accepted: the %OEL basis holds unless a point declares attrs.toxicBasis: idlh (no detector for 0-300 %OEL exists for its gas); write point or oel',
    ]);
  });

  it('refuses a selected gas point that is not a detector, and a level outside the range (it could never alarm)', () => {
    const points = `points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: AT-2, kind: gas, unit: ppm, range: [0, 10], attrs: { gas: H2S, class: toxic } }
`;
    // Both at the pack's rule (gas.yaml): the level at the rule's line (setpoints is not written), the point at its select.
    expect(problemsOf(points, [PACK])).toEqual([
      expect.stringMatching(
        /gas\.yaml:\d+: rules\[0\]\.setpoints: rule "gas-level" level AL2 of point "AT-2" is 14\.108 ppm \(200 %OEL of H2S MAC 10 mg\/m³ \(GBZ 2\.1-2019\) = 14\.1 ppm\), outside its range \[0, 10\]: it could never alarm/,
      ),
      expect.stringMatching(/gas\.yaml:\d+: rules\[0\]\.select: rule "gas-level" selects point "GT-1", which is not a gas detector \(kind gas with attrs\.class combustible, toxic or oxygen\): it has no GB\/T 50493 levels$/),
    ]);
  });
});

describe('gas-vote rules', () => {
  it('refuses a zone with fewer detectors than k, a detector without the zone key, and one limit over mixed units', () => {
    const body = `points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: a, attrs: { class: combustible } }
  - { id: GT-2, kind: gas, unit: "%LEL", range: [0, 100], area: a, attrs: { class: combustible } }
  - { id: GT-3, kind: gas, unit: "%LEL", range: [0, 100], area: b, attrs: { class: combustible } }
  - { id: GT-4, kind: gas, unit: "%VOL", range: [0, 5], attrs: { gas: CH4, class: combustible } }
  - { id: GT-5, kind: gas, unit: "%VOL", range: [0, 5], area: a, attrs: { gas: CH4, class: combustible } }
rules:
  - { id: v, kind: gas-vote, select: { match: { kind: gas } }, k: 2 }
  - { id: w, kind: gas-vote, select: { points: [GT-1, GT-5] }, k: 2, limit: 10 }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:10: rules[0].groupBy: rule "v" groups by area, which point "GT-4" does not have',
      'site.yaml:10: rules[0].k: rule "v" zone "b" has 1 detector (GT-3): k = 2 could never be reached',
      'site.yaml:11: rules[1].limit: rule "w" zone "a": a limit needs one unit, its detectors (GT-1, GT-5) are in %LEL, %VOL',
    ]);
  });

  it('refuses a zone name that cannot be part of a condition id', () => {
    const body = `points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: "unit 4/pumps", attrs: { class: combustible } }
  - { id: GT-2, kind: gas, unit: "%LEL", range: [0, 100], area: "unit 4/pumps", attrs: { class: combustible } }
rules:
  - { id: v, kind: gas-vote, select: { match: { kind: gas } }, k: 2 }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:7: rules[0].groupBy: rule "v" zone "unit 4/pumps" (of GT-1, GT-2) is not usable in a condition id "v/unit 4/pumps": 1-128 letters, digits and . _ - :',
    ]);
  });

  it('refuses an oxygen detector in a vote at level 2, and a point that is not a detector without a limit', () => {
    const body = `points:
  - { id: OT-1, kind: gas, unit: "%VOL", range: [0, 25], area: a, attrs: { class: oxygen } }
  - { id: X-2, kind: gas, unit: "%LEL", range: [0, 100], area: a }
rules:
  - { id: v, kind: gas-vote, select: { match: { area: a } }, k: 2, at: level2 }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:7: rules[0].at: rule "v" votes at level 2, which oxygen point "OT-1" does not have',
      'site.yaml:7: rules[0].select: rule "v" selects point "X-2", which is not a gas detector (kind gas with attrs.class combustible, toxic or oxygen): give the rule a limit or select detectors',
    ]);
  });
});

describe('leak rates', () => {
  const LEAK = fileURLToPath(new URL('../../rules/packs/gas/gas-leak-rate.yaml', import.meta.url));
  const mixed = `points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], attrs: { gas: CH4, class: combustible } }
  - { id: GT-2, kind: gas, unit: "%lel", range: [0, 100], attrs: { gas: CH4, class: combustible } }
  - { id: GT-3, kind: gas, unit: LEL, range: [0, 100], attrs: { gas: CH4, class: combustible } }
  - { id: GT-4, kind: gas, unit: "%VOL", range: [0, 5], attrs: { gas: CH4, class: combustible } }
  - { id: GP-5, kind: gas, unit: "LEL·m", range: [0, 5], attrs: { class: combustible } }
  - { id: AT-6, kind: gas, unit: ppm, range: [0, 100], attrs: { gas: H2S, class: toxic } }
`;

  it('accepts the pack include over combustible detectors in every unit and spelling', () => {
    expect(problemsOf(mixed, [LEAK])).toEqual([]);
  });

  it('refuses a leak-rate rule that selects a detector of another class, or a point that is no detector', () => {
    const body = `${mixed}  - { id: X-7, kind: gas, unit: "%LEL", range: [0, 100] }
rules:
  - { id: lr, kind: leak-rate, select: { match: { kind: gas } } }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:12: rules[0].select: rule "lr" selects point "AT-6": it is a toxic detector; a leak rate watches combustible detectors',
      'site.yaml:12: rules[0].select: rule "lr" selects point "X-7", which is not a gas detector (kind gas with attrs.class combustible, toxic or oxygen): a leak rate watches combustible detectors',
    ]);
  });

  it('refuses the old `unit: "%LEL"` selector that left out the same unit spelled otherwise', () => {
    const body = `${mixed}rules:
  - { id: old-rate, kind: rate, select: { match: { kind: gas, class: combustible, unit: "%LEL" } }, window: 60s, rise: 10, priority: 3 }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:11: rules[0].select.match.unit: rule "old-rate" selects unit "%LEL" as written, which leaves out gas detectors "GT-2" (%lel), "GT-3" (LEL) in the same unit spelled otherwise: spell the units alike, or select by class (kind leak-rate converts a leak rate to each detector\'s unit)',
    ]);
  });

  it('refuses a core rate rule over combustible detectors in different units (one rise cannot mean the same leak)', () => {
    const body = `${mixed}rules:
  - { id: any-rate, kind: rate, select: { match: { kind: gas, class: combustible } }, window: 60s, rise: 10, priority: 3 }
`;
    expect(problemsOf(body)).toEqual([
      'site.yaml:11: rules[0].rise: rule "any-rate" is a rate rule over combustible detectors in different units, %LEL (GT-1, GT-2, GT-3), %VOL (GT-4), LEL·m (GP-5): one rise cannot mean the same leak in each; use kind leak-rate (in %LEL, converted per detector), or one rate rule per unit',
    ]);
  });
});

describe('the shipped sites', () => {
  // The demos that existed before the pack (their threshold gas rules must stay within 5.5.2), the
  // authenticity demo (toxic detectors) and the pack's own.
  it.each(['demo-tank-farm.yaml', 'demo-sis-tank-farm.yaml', 'demo-modbus-plant.yaml', 'demo-authenticity.yaml', 'demo-gas.yaml'])('%s passes the gas checks', (name) => {
    const out = loadSite(join(SITES, name));
    expect(out.ok ? [] : out.problems.map(formatProblem)).toEqual([]);
  });
});
