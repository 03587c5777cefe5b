import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildSiteSchema, duplicateIds, formatProblem, loadSiteConfig } from '../../src/config/index.js';

const adapterSchema = z.object({ kind: z.literal('fake'), id: z.string(), port: z.number() }).strict();
const brokerSchema = z.object({ enabled: z.boolean() }).strict();
const schema = buildSiteSchema(adapterSchema, brokerSchema);

function files(entries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hg-config-'));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return dir;
}

const SITE = `site: { id: demo }
include: [rules.yaml]
points:
  - { id: GT-101, kind: gas, unit: "%LEL", range: [0, 100], attrs: { gas: CH4 } }
  - { id: TK101.LT, kind: level }
rules:
  - id: gas-high
    kind: threshold
    select: { match: { kind: gas } }
    levels:
      - { name: H, direction: high, limit: 25, priority: 2 }
      - { name: HH, direction: high, limit: 50, priority: 1, onDelay: 2s }
`;

describe('loadSiteConfig', () => {
  it('loads a site with an included rule pack and fills defaults', () => {
    const dir = files({
      'site.yaml': SITE,
      'rules.yaml': 'rules:\n  - { id: stale, kind: stale, select: { points: [GT-101] }, after: 30s, priority: 3 }\n',
    });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.config.rules.map((r) => r.id)).toEqual(['gas-high', 'stale']);
    expect(out.config.rules[1]).toMatchObject({ afterMs: 30_000 });
    expect(out.config.rules[0]).toMatchObject({ levels: [{ onDelayMs: 0 }, { onDelayMs: 2000 }] });
    expect(out.config.points[1]).toMatchObject({ type: 'number', attrs: {} });
    expect(out.config.server.port).toBe(8080);
  });

  it('reports every problem with file, path and line, including ones in includes', () => {
    const dir = files({
      'site.yaml': SITE.replace('range: [0, 100]', 'range: [100, 0]') + 'adapters:\n  - { kind: fake, id: a, port: "x" }\nbogus: 1\n',
      'rules.yaml': 'rules:\n  - id: r2\n    kind: rate\n    select: { points: [GT-101] }\n    window: soon\n    priority: 9\n',
    });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const lines = out.problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/site\.yaml:4: points\[0\]\.range: range must be/),
        expect.stringMatching(/site\.yaml:\d+: adapters\[0\]\.port: /),
        expect.stringMatching(/site\.yaml:\d+: .*bogus/),
        expect.stringMatching(/rules\.yaml:5: rules\[0\]\.window: "soon" is not a duration/),
        expect.stringMatching(/rules\.yaml:6: rules\[0\]\.priority: priority is 1/),
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = files({ 'site.yaml': 'site:\n  id: x\npoints: [\n' });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems[0]?.message).toMatch(/^YAML/);
  });

  it('reports a missing file and a missing include', () => {
    const dir = files({ 'site.yaml': 'site: { id: x }\ninclude: [nope.yaml]\n' });
    const missing = loadSiteConfig(join(dir, 'absent.yaml'), schema);
    expect(!missing.ok && missing.problems[0]?.message).toMatch(/cannot read/);
    const inc = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(!inc.ok && formatProblem(inc.problems[0]!)).toMatch(/site\.yaml:2: include\[0\]: .*nope\.yaml.*cannot read/);
  });

  it('refuses include files with other keys than points and rules', () => {
    const dir = files({ 'site.yaml': 'site: { id: x }\ninclude: [inc.yaml]\n', 'inc.yaml': 'server: { port: 1 }\n' });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(!out.ok && formatProblem(out.problems[0]!)).toMatch(/inc\.yaml:1: .*only points and rules/);
  });

  it('maps cross-check problems back to the file an item came from', () => {
    const dir = files({
      'site.yaml': SITE,
      'rules.yaml': 'rules:\n  - { id: gas-high, kind: stale, select: { points: [GT-101] }, after: 30s, priority: 3 }\n',
    });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema, (c) => duplicateIds(c.rules, 'rules', 'rule'));
    expect(!out.ok && formatProblem(out.problems[0]!)).toMatch(/rules\.yaml:2: rules\[0\]\.id: duplicate rule id "gas-high"/);
  });
});

describe('environment substitution', () => {
  it('fills ${VAR} and ${VAR:-default}, keeps $${ literal, and reports unset variables with their line', async () => {
    const { substituteEnv } = await import('../../src/config/yaml-file.js');
    const text = 'a: ${HG_A}\nb: ${HG_B:-8080}\nc: $${HG_A}\nd: ${HG_MISSING}\n';
    const out = substituteEnv('f.yaml', text, { HG_A: 'x' });
    expect(out.text).toBe('a: x\nb: 8080\nc: ${HG_A}\nd: \n');
    expect(out.problems).toEqual([{ file: 'f.yaml', path: '', line: 4, message: expect.stringMatching(/HG_MISSING is not set/) }]);
  });
});

describe('point scaling checks', () => {
  it('refuses linear scaling with equal ends and NE 43 bands that cannot bracket 4-20 mA', () => {
    const dir = files({
      'site.yaml': `site: { id: x }
points:
  - { id: A, kind: pressure, range: [0, 1], scaling: { kind: linear, rawLow: 5, rawHigh: 5 } }
  - { id: B, kind: gas, range: [0, 100], scaling: { kind: current-loop, faultLowMa: 21, faultHighMa: 3.6 } }
`,
    });
    const out = loadSiteConfig(join(dir, 'site.yaml'), schema);
    expect(!out.ok && out.problems.map((p) => p.path)).toEqual(['points[0].scaling.rawHigh', 'points[1].scaling.faultLowMa', 'points[1].scaling.faultHighMa']);
  });
});
