import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';

/**
 * The example sites (deploy/examples): each README names every alarm its alarms.yaml says the
 * scenarios are designed to raise (the condition id and its level on one line), and every such
 * condition belongs to a rule of the loaded site (or to personnel location or video, whose ids are
 * reserved), so neither the README nor alarms.yaml can drift from the site file.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = ['tank-farm', 'coal-mine', 'explosives-plant'];
const PEOPLE_AND_VIDEO = new Set(['headcount', 'crowd', 'dwell', 'unauthorised', 'sos', 'man-down', 'tag-offline', 'battery-low', 'video', 'camera-offline']);

describe.each(EXAMPLES)('example %s', (name) => {
  const dir = join(ROOT, 'deploy/examples', name);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const alarms = parse(readFileSync(join(dir, 'alarms.yaml'), 'utf8')) as Array<{ condition: string; level: string }>;

  it('lists its designed alarms in alarms.yaml', () => {
    expect(alarms.length).toBeGreaterThan(3);
  });

  it('names every designed alarm in its README, condition and level on one line', () => {
    const lines = readme.split('\n');
    const missing = alarms.filter((a) => !lines.some((l) => l.includes(`\`${a.condition}\``) && new RegExp(`\\b${a.level}\\b`).test(l)));
    expect(missing).toEqual([]);
  });

  it('raises only conditions of its own rules, zones and points', () => {
    const out = loadSite(join(dir, 'site.yaml'));
    if (!out.ok) throw new Error(out.problems.map((p) => p.message).join('\n'));
    const { points, people, video } = out.config;
    const rules = new Set(out.config.rules.map((r) => r.id));
    // What the rest of a condition id may name: a point, a valve, interlock or unit of the ESD pack,
    // a zone, a tag on the roster, a camera and a detection type.
    const known = new Set<string>([
      ...points.map((p) => p.id),
      ...points.flatMap((p) => ['valve', 'interlock', 'unit'].map((k) => p.attrs[k] ?? '')),
      ...(people?.zones ?? []).map((z) => z.id),
      ...(people?.people ?? []).map((p) => p.tagId),
      ...(video?.cameras ?? []).map((c) => c.id),
      'no-helmet', 'intrusion', 'fire-smoke',
    ]);
    for (const { condition } of alarms) {
      const [rule = '', ...rest] = condition.split('/');
      expect(rules.has(rule) || PEOPLE_AND_VIDEO.has(rule), `${condition}: no rule ${rule}`).toBe(true);
      expect(rest.filter((part) => !known.has(part)), `${condition}: names something the site does not have`).toEqual([]);
    }
  });
});
