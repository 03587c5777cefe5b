import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';

/** Alarm behaviour in rules (latch, confirm, realarm, shelvable, suppress) and the site's alarms section. */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string) {
  dir = mkdtempSync(join(tmpdir(), 'hg-config-alarms-'));
  writeFileSync(join(dir, 'site.yaml'), text);
  return loadSite(join(dir, 'site.yaml'));
}

const POINTS = `site: { id: s }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: U1.running, kind: status, type: boolean }
`;

describe('alarm behaviour config', () => {
  it('reads latch, confirm, realarm, shelvable and suppress; maxShelve defaults to 8 h', () => {
    const out = load(`${POINTS}rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    latch: true
    confirm: true
    realarm: 30m
    shelvable: false
    suppress:
      when: [{ point: U1.running, equals: false, label: unit 1 shut down }]
      firstOut: unit1
    levels: [{ name: H, direction: high, limit: 25, priority: 2 }]
  - { id: quiet, kind: stale, select: { points: [GT-1] }, after: 30s, priority: 3 }
`);
    expect(out.ok ? null : out.problems.map(formatProblem)).toBeNull();
    if (!out.ok) return;
    expect(out.config.rules[0]).toMatchObject({
      latch: true, confirm: true, realarmMs: 1_800_000, shelvable: false,
      suppress: { when: [{ point: 'U1.running', equals: false, label: 'unit 1 shut down' }], firstOut: 'unit1' },
    });
    expect(out.config.rules[1]).not.toHaveProperty('realarmMs');
    expect(out.config.alarms.maxShelve).toBe(8 * 3_600_000);
  });

  it('reads alarms.maxShelve', () => {
    const out = load(`${POINTS}alarms: { maxShelve: 2h }\n`);
    expect(out.ok && out.config.alarms.maxShelve).toBe(7_200_000);
  });

  it('names every bad alarm setting with its path', () => {
    const out = load(`${POINTS}rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    realarm: 10ms
    suppress: { when: [{ point: NOPE, below: 1 }, { point: GT-1, below: 1, above: 2 }] }
    levels: [{ name: H, direction: high, limit: 25, priority: 2 }]
  - id: g2
    kind: stale
    select: { points: [GT-1] }
    after: 30s
    priority: 3
    suppress: {}
`);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const lines = out.problems.map(formatProblem).join('\n');
    expect(lines).toMatch(/rules\[0\]\.realarm: realarm is at least 1s/);
    expect(lines).toMatch(/rules\[0\]\.suppress\.when\[1\]: a suppress\.when predicate has exactly one of equals, below, above/);
    expect(lines).toMatch(/rules\[1\]\.suppress: suppress needs when, firstOut or both/);
  });

  it('refuses a suppress.when on an unknown point', () => {
    const out = load(`${POINTS}rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    suppress: { when: [{ point: NOPE, below: 1 }] }
    levels: [{ name: H, direction: high, limit: 25, priority: 2 }]
`);
    expect(out.ok ? [] : out.problems.map(formatProblem)).toEqual([expect.stringMatching(/site\.yaml:\d+: rules\[0\]\.suppress\.when\[0\]\.point: suppress\.when names unknown point "NOPE"/)]);
  });
});
