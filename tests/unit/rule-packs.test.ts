import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runRuleTestFile } from '../../src/app/index.js';

/**
 * Every rule test under rules/ (`<pack>/tests/*.test.yaml`: readings on a timeline and the alarm
 * transitions expected) runs here through the real loader, pipeline, engine and alarm manager;
 * `hazgate rules test FILE` runs the same for a safety engineer. Below: the runner itself.
 */

const RULES = fileURLToPath(new URL('../../rules/', import.meta.url));

function ruleTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ruleTests(path);
    return e.name.endsWith('.test.yaml') ? [path] : [];
  });
}

describe('rule tests as data', () => {
  const files = ruleTests(RULES);

  it('finds the rule tests', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(RULES, f), f]))('%s', (_name, file) => {
    const out = runRuleTestFile(file);
    expect(out.problems).toEqual([]);
    expect(out.ok).toBe(true);
  });
});

describe('the rule test runner', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(text: string): string {
    dir = mkdtempSync(join(tmpdir(), 'hg-rule-test-'));
    const file = join(dir, 'x.test.yaml');
    writeFileSync(file, text);
    return file;
  }

  const HEAD = `name: runner
points: [{ id: P, kind: pressure, unit: MPa, range: [0, 2] }]
rules:
  - { id: p, kind: threshold, select: { points: [P] }, latch: true, levels: [{ name: H, direction: high, limit: 1.5, priority: 3 }] }
`;

  it('names every difference: a wrong field, a wrong time, a missing and an unexpected transition', () => {
    const out = runRuleTestFile(write(`${HEAD}series:
  - { at: 0s, P: 1 }
  - { at: 2s, P: 1.8 }
  - { at: 4s, P: 1 }
expect:
  - { at: 3s, condition: p/P, reason: activate, level: HH }
`));
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual([
      '#1 (p/P activate active-unacked level=H at 2s): at 2s, expected 3s; level "H", expected "HH"',
      '#2: unexpected p/P return returned-unacked level=H at 4s',
    ]);
  });

  it('plays operator actions with the latest eventId, and lets time run to `until`', () => {
    const out = runRuleTestFile(write(`${HEAD}series:
  - { at: 0s, P: 1.8 }
  - { at: 1s, P: 1, act: { action: acknowledge, condition: p/P } }
  - { at: 2s, act: { action: reset, condition: p/P, comment: checked } }
expect:
  - { at: 0s, condition: p/P, reason: activate }
  - { at: 1s, condition: p/P, reason: return, state: returned-unacked }
  - { at: 1s, condition: p/P, reason: acknowledge, state: latched }
  - { at: 2s, condition: p/P, reason: reset, state: normal }
`));
    expect(out.problems).toEqual([]);
  });

  it('reports a bad test file and a site problem instead of throwing', () => {
    expect(runRuleTestFile(write('name: x\nseries: []\nexpect: []\n')).problems).toEqual(['series: Too small: expected array to have >=1 items']);
    const bad = runRuleTestFile(write(`name: x
points: [{ id: P, kind: pressure }]
rules: [{ id: r, kind: threshold, select: { points: [NOPE] }, levels: [{ name: H, direction: high, limit: 1, priority: 3 }] }]
series: [{ at: 0s, P: 1 }]
expect: []
`));
    expect(bad.ok).toBe(false);
    expect(bad.problems.join('\n')).toMatch(/selects unknown point "NOPE"/);
  });

  it('a reading the pipeline refuses fails the test with its code', () => {
    const out = runRuleTestFile(write(`${HEAD}series: [{ at: 0s, NOPE: 1 }]\nexpect: []\n`));
    expect(out.problems).toEqual([expect.stringMatching(/HG_ERR_INGEST_UNKNOWN_POINT/)]);
  });
});
