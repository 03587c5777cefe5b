import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/site-config.js';
import { formatProblem } from '../../src/config/index.js';
import { ruleSchema } from '../../src/config/rules.js';
import type { Point, RuleSpec } from '../../src/core/index.js';
import { esdChecks } from '../../src/engine/packs/esd/index.js';

/**
 * The ESD pack's config: schema defaults and refusals, and the config-time checks that name a point
 * that does not say what it is (file:line, as `hazgate validate` prints them).
 */

const PACK = fileURLToPath(new URL('../../rules/packs/esd/esd.yaml', import.meta.url));

describe('ESD rule schemas', () => {
  it('fills the pack\'s defaults: 10 s travel, 2 s settle, priorities, the most urgent as the rule\'s priority', () => {
    const valve = ruleSchema.parse({ id: 'v', kind: 'valve', select: { match: { kind: 'valve' } } });
    expect(valve).toMatchObject({ travelMs: 10_000, settleMs: 2000, priorities: { failToClose: 1, failToOpen: 3, positionFault: 2 }, priority: 1 });
    const bypass = ruleSchema.parse({ id: 'b', kind: 'interlock-bypass', select: { match: { kind: 'interlock' } }, priorities: { unregistered: 3, overdue: 2 }, realarm: '1h' });
    expect(bypass).toMatchObject({ register: 'required', priorities: { bypassed: 3, unregistered: 3, overdue: 2 }, priority: 2, realarmMs: 3_600_000 });
    expect(bypass).not.toHaveProperty('realarm');
    expect(ruleSchema.parse({ id: 't', kind: 'interlock-trip', select: { match: { flag: 'trip' } } })).toMatchObject({ priority: 1, firstOutBy: 'unit' });
    expect(ruleSchema.parse({ id: 'n', kind: 'esd-not-in-service', select: { match: { kind: 'interlock' } }, hazardLevels: [1, '2'] })).toMatchObject({ hazardLevels: ['1', '2'], priority: 1 });
  });

  it('refuses what cannot work, with the field named', () => {
    const issues = (rule: unknown): string[] => {
      const out = ruleSchema.safeParse(rule);
      return out.success ? [] : out.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ id: 'v', kind: 'valve', select: { match: {} }, travel: '500ms' })).toEqual(['travel: travel is at least 1s']);
    expect(issues({ id: 'v', kind: 'valve', select: { match: {} }, priorities: { failToClose: 0 } })).toEqual(['priorities.failToClose: priority is 1 (red, highest) to 4 (blue)']);
    expect(issues({ id: 'v', kind: 'valve', select: { match: {} }, priority: 1 })).toHaveLength(1);
    expect(issues({ id: 't', kind: 'interlock-trip', select: { match: {} }, firstOutBy: 'none', suppress: { firstOut: 'esd' } })).toEqual([
      'firstOutBy: firstOutBy: none contradicts suppress.firstOut (the prefix of the first-out groups); drop one',
    ]);
    expect(issues({ id: 'n', kind: 'esd-not-in-service', select: { match: {} }, hazardLevels: ['5'] })).toEqual(['hazardLevels.0: a major hazard source level is 1, 2, 3 or 4']);
    expect(issues({ id: 'b', kind: 'interlock-bypass', select: { match: {} }, register: 'optional' })).toHaveLength(1);
  });
});

function pt(id: string, kind: string, attrs: Record<string, string>, type: 'boolean' | 'number' = 'boolean'): Point {
  return { id, kind, type, attrs };
}

describe('ESD config checks', () => {
  const rules = (): RuleSpec[] => [
    ruleSchema.parse({ id: 'v', kind: 'valve', select: { match: { kind: 'valve' } } }),
    ruleSchema.parse({ id: 't', kind: 'interlock-trip', select: { match: { kind: 'interlock', flag: 'trip' } } }),
    ruleSchema.parse({ id: 'b', kind: 'interlock-bypass', select: { match: { kind: 'interlock', flag: 'bypass' } } }),
    ruleSchema.parse({ id: 'n', kind: 'esd-not-in-service', select: { match: { kind: 'interlock' } } }),
  ] as RuleSpec[];

  it('a good site has no problem', () => {
    const points = [
      pt('XV-1.CMD', 'valve', { valve: 'XV-1', signal: 'command', travel: '30s' }),
      pt('XV-1.ZSC', 'valve', { valve: 'XV-1', signal: 'closed' }),
      pt('IL-1.TRIP', 'interlock', { interlock: 'IL-1', flag: 'trip', unit: 'TF-1' }),
      pt('IL-1.BYP', 'interlock', { interlock: 'IL-1', flag: 'bypass', unit: 'TF-1', hazardLevel: '1' }),
      pt('IL-1.REG', 'bypass-register', { interlock: 'IL-1' }, 'number'),
    ];
    expect(esdChecks(rules(), points)).toEqual([]);
    expect(esdChecks([], [pt('X', 'valve', {})])).toEqual([]);
  });

  it('names each point that does not say what it is, by its index in the config', () => {
    const points = [
      pt('XV-1.CMD', 'valve', { valve: 'XV-1', signal: 'command' }),
      pt('XV-2.ZSO', 'valve', { valve: 'XV-2', signal: 'open' }),
      pt('XV-2.ZSC', 'valve', { valve: 'XV-2', signal: 'clsed', polarity: 'reverse' }),
      pt('XV-3.ZSO', 'valve', { signal: 'open', travel: 'slow' }),
      pt('IL-1.TRIP', 'interlock', { interlock: 'IL-1', flag: 'trip' }),
      pt('IL-1.BYP', 'interlock', { interlock: 'IL-1', flag: 'bypass', unit: 'TF-1', hazardLevel: '1' }),
      pt('IL-2.BYP', 'interlock', { flag: 'bypass', unit: 'TF-1', hazardLevel: '2' }),
      pt('IL-3.BYP', 'interlock', { interlock: 'IL-3', flag: 'bypass', unit: 'TF-1', hazardLevel: 'one' }),
      pt('IL-3.REG', 'bypass-register', { interlock: 'IL-3' }),
      pt('IL-3.REG2', 'bypass-register', { interlock: 'IL-3' }, 'number'),
    ];
    const problems = esdChecks(rules(), points).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(problems).toEqual([
      'points.8.type: bypass-register point "IL-3.REG" is a number (the planned end of the active bypass, epoch ms, or 0), not a boolean',
      'points.9.attrs.interlock: interlock IL-3 has two bypass-register points: "IL-3.REG" and "IL-3.REG2"',
      'points.6.attrs.hazardLevel: unit TF-1 is a level-1 major hazard source by "IL-1.BYP" but level 2 by "IL-2.BYP"',
      'points.7.attrs.hazardLevel: point "IL-3.BYP": hazardLevel is the major hazard source level 1, 2, 3 or 4, not "one"',
      'points.2.attrs.signal: point "XV-2.ZSC" (selected by valve rule "v") needs attrs.signal: one of command, open, closed',
      'points.2.attrs.polarity: point "XV-2.ZSC": polarity is normal or inverted, not "reverse"',
      'points.3.attrs: point "XV-3.ZSO" (selected by valve rule "v") has no attrs.valve: the valve tag its signals share (XV-301)',
      'points.3.attrs.travel: point "XV-3.ZSO" (selected by valve rule "v"): travel "slow" is not a duration (e.g. 15s)',
      'points.0.attrs: valve XV-1 (rule "v") has no limit switch (attrs.signal: open or closed)',
      'points.1.attrs: valve XV-2 (rule "v") has no command point (attrs.signal: command): without it no discrepancy can be found',
      'points.4.attrs: trip point "IL-1.TRIP" has no attrs.unit (or area): rule "t" puts trips in a first-out group per unit',
      'points.5.attrs.interlock: interlock IL-1 has no bypass-register point (kind: bypass-register, attrs.interlock: IL-1): rule "b" compares the SIS with the bypass register; add one, or set register: none',
      'points.6.attrs: point "IL-2.BYP" (selected by bypass rule "b") has no attrs.interlock: the interlock it belongs to',
      'points.6.attrs: point "IL-2.BYP" (selected by rule "n") has no attrs.interlock: the interlock it belongs to',
    ]);
  });

  it('a rule that selects the wrong flags is told to narrow its select; register: none needs no register point', () => {
    const wide = [
      ruleSchema.parse({ id: 't', kind: 'interlock-trip', select: { match: { kind: 'interlock' } } }),
      ruleSchema.parse({ id: 'b', kind: 'interlock-bypass', select: { match: { kind: 'interlock' } }, register: 'none' }),
    ] as RuleSpec[];
    const points = [pt('IL-1.TRIP', 'interlock', { interlock: 'IL-1', flag: 'trip', unit: 'U' }), pt('IL-1.BYP', 'interlock', { interlock: 'IL-1', flag: 'bypass', unit: 'U' })];
    expect(esdChecks(wide, points).map((p) => p.message)).toEqual([
      'trip rule "t" selects "IL-1.BYP", whose flag is bypass: it reads trip flags only (narrow its select)',
      'bypass rule "b" selects "IL-1.TRIP", which is neither an SIS bypass flag (kind: interlock, attrs.flag: bypass) nor a bypass-register point (narrow its select)',
    ]);
  });
});

describe('a site including the pack', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(points: string): ReturnType<typeof loadSite> {
    dir = mkdtempSync(join(tmpdir(), 'hg-esd-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, `site: { id: esd-test }\ninclude: [${PACK}]\nstore: { dir: ${dir} }\npoints:\n${points}`);
    return loadSite(file);
  }

  const GOOD = `  - { id: XV-1.CMD, kind: valve, type: boolean, attrs: { valve: XV-1, signal: command } }
  - { id: XV-1.ZSC, kind: valve, type: boolean, attrs: { valve: XV-1, signal: closed } }
  - { id: IL-1.TRIP, kind: interlock, type: boolean, attrs: { interlock: IL-1, flag: trip, unit: TF-1 } }
  - { id: IL-1.BYP, kind: interlock, type: boolean, attrs: { interlock: IL-1, flag: bypass, unit: TF-1, hazardLevel: "1" } }
  - { id: IL-1.REG, kind: bypass-register, attrs: { interlock: IL-1, unit: TF-1 } }
`;

  it('loads with every rule of the pack', () => {
    const out = load(GOOD);
    if (!out.ok) throw new Error(out.problems.map(formatProblem).join('\n'));
    expect(out.config.rules.map((r) => `${r.id}:${r.kind}`)).toEqual(['esd-valve:valve', 'esd-trip:interlock-trip', 'interlock-bypass:interlock-bypass', 'esd-not-in-service:esd-not-in-service']);
  });

  it('fails with file:line for a valve tag missing its command and an interlock without its register point', () => {
    const out = load(GOOD.split('\n').filter((l) => !l.includes('XV-1.CMD') && !l.includes('IL-1.REG')).join('\n'));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const lines = out.problems.map(formatProblem);
    expect(lines).toEqual([
      `${join(dir, 'site.yaml')}:5: points[0].attrs: valve XV-1 (rule "esd-valve") has no command point (attrs.signal: command): without it no discrepancy can be found`,
      `${join(dir, 'site.yaml')}:7: points[2].attrs.interlock: interlock IL-1 has no bypass-register point (kind: bypass-register, attrs.interlock: IL-1): rule "interlock-bypass" compares the SIS with the bypass register; add one, or set register: none`,
    ]);
  });
});
