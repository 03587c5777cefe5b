import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isHazgateError } from '../../src/core/errors.js';
import { builtinScenarioFile, loadScenario } from '../../devices/simulator/load.js';
import { parseScenario, type ReportedProblem } from '../../devices/simulator/parse.js';
import { readingsAt } from '../../devices/simulator/readings.js';
import type { Scenario } from '../../devices/simulator/scenario.js';
import { eventSchema, exceptionSchema, faultSchema, pointSchema, rampSchema, scenarioFileSchema, slowSchema, stepSchema, windowSchema } from '../../devices/simulator/scenario-schema.js';

const S = 1000;
const demoFile = builtinScenarioFile('tank-farm-leak');
const demo = await loadScenario(demoFile);
const SEEDS = [demo.seed ?? 1, 1, 2, 3, 99, 12345];

/** Value of a point at every tick of [fromS, toS); undefined while it is silent. */
function series(scenario: Scenario, pointId: string, seed: number, fromS: number, toS: number): (number | undefined)[] {
  return Array.from({ length: toS - fromS }, (_, i) => {
    const reading = readingsAt(scenario, (fromS + i) * S, seed).find((r) => r.pointId === pointId);
    return typeof reading?.value === 'number' ? reading.value : undefined;
  });
}

/** Seconds from start of the first tick at or above limit. */
function firstCrossing(values: readonly (number | undefined)[], limit: number): number {
  return values.findIndex((v) => v !== undefined && v >= limit);
}

describe('the demo scenario tank-farm-leak', () => {
  it('parses with the points the demo needs', () => {
    expect(demo.name).toBe('tank-farm-leak');
    expect(demo.atEnd).toBe('loop');
    expect(demo.points.map((p) => p.id)).toEqual(['GT-101', 'GT-102', 'GT-103', 'GT-104', 'AT-201', 'AT-202', 'TK101.LT', 'TK101.TT']);
    expect(demo.points.filter((p) => p.id.startsWith('GT-')).every((p) => p.unit === '%LEL')).toBe(true);
  });

  it('names only profiles that exist in devices/profiles', () => {
    const profiles = new Set(demo.points.map((p) => p.profile));
    for (const profile of profiles) {
      expect(existsSync(new URL(`../../devices/profiles/${profile ?? 'missing'}.yaml`, import.meta.url)), String(profile)).toBe(true);
    }
  });

  it.each(SEEDS)('seed %i: the GT-102 leak reaches 25 %LEL within 30 s and 50 %LEL within 60 s, then recovers', (seed) => {
    const leak = series(demo, 'GT-102', seed, 0, 180);
    expect(firstCrossing(leak, 25)).toBeGreaterThan(10);
    expect(firstCrossing(leak, 25)).toBeLessThanOrEqual(30);
    expect(firstCrossing(leak, 50)).toBeGreaterThan(firstCrossing(leak, 25));
    expect(firstCrossing(leak, 50)).toBeLessThan(60);
    expect(Math.max(...series(demo, 'GT-102', seed, 95, 180).map((v) => v ?? Infinity))).toBeLessThan(25);
  });

  it.each([
    { pointId: 'GT-101', below: 25 },
    { pointId: 'GT-103', below: 25 },
    { pointId: 'GT-104', below: 25 },
    { pointId: 'AT-201', below: 10 },
    { pointId: 'AT-202', below: 24 },
  ])('$pointId stays below $below over two rounds for every seed', ({ pointId, below }) => {
    for (const seed of SEEDS) {
      const values = series(demo, pointId, seed, 0, 360).filter((v) => v !== undefined);
      expect(Math.max(...values), `seed ${seed}`).toBeLessThan(below);
      expect(Math.min(...values), `seed ${seed}`).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(['GT-101', 'GT-103', 'GT-104'])('%s never rises 10 %LEL within 30 s (the demo rate rule)', (pointId) => {
    for (const seed of SEEDS) {
      const values = series(demo, pointId, seed, 0, 360);
      const rises = values.map((v, t) => (v ?? 0) - Math.min(...values.slice(Math.max(0, t - 30), t + 1).map((w) => w ?? Infinity)));
      expect(Math.max(...rises), `seed ${seed}`).toBeLessThan(10);
    }
  });

  it.each([
    { pointId: 'TK101.LT', low: 60, high: 66 },
    { pointId: 'TK101.TT', low: 24, high: 25 },
  ])('$pointId stays calm between $low and $high', ({ pointId, low, high }) => {
    const values = series(demo, pointId, 7, 0, 360).filter((v) => v !== undefined);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...values)).toBeLessThanOrEqual(high);
  });

  it('GT-104 is silent from 105 s to 165 s and sends otherwise, every round', () => {
    const sends = series(demo, 'GT-104', 7, 0, 360).map((v) => v !== undefined);
    const expected = Array.from({ length: 360 }, (_, t) => !(t % 180 >= 105 && t % 180 < 165));
    expect(sends).toEqual(expected);
  });
});

function problemsOf(yaml: string): readonly ReportedProblem[] {
  try {
    parseScenario(yaml, 'scenarios/broken.yaml');
  } catch (error) {
    if (!isHazgateError(error)) throw error;
    expect(error.code).toBe('HG_ERR_SIM_SCENARIO');
    expect(error.message).toContain('scenarios/broken.yaml');
    expect(error.details['file']).toBe('scenarios/broken.yaml');
    return error.details['problems'] as readonly ReportedProblem[];
  }
  throw new Error('expected the scenario to be rejected');
}

const HEAD = 'scenario: broken\ntickMs: 1000\ndurationS: 60\n';
const POINTS = 'points:\n  GT-101: { base: 1, range: [0, 100] }\n  XV-1: { base: true }\n';

describe('an invalid scenario gives HG_ERR_SIM_SCENARIO naming the file and the YAML path of each problem', () => {
  it.each([
    { name: 'YAML syntax', yaml: 'scenario: [broken\n', paths: [''] },
    { name: 'not a mapping', yaml: '- 1\n- 2\n', paths: [''] },
    { name: 'missing keys', yaml: 'scenario: broken\n', paths: ['tickMs', 'durationS', 'points'] },
    { name: 'bad name and tick', yaml: `scenario: Broken One\ntickMs: 0\ndurationS: 60\n${POINTS}`, paths: ['scenario', 'tickMs'] },
    { name: 'unknown key, negative noise', yaml: `${HEAD}points:\n  GT-101: { base: 1, noise: -1, colour: red }\n`, paths: ['points.GT-101.noise', 'points.GT-101.colour'] },
    { name: 'point id with a slash', yaml: `${HEAD}points:\n  GT/101: { base: 1 }\n`, paths: ['points.GT/101'] },
    { name: 'bad duration', yaml: `${HEAD}${POINTS}events:\n  - { at: 5s, point: GT-101, ramp: { to: 9, over: 40x } }\n`, paths: ['events[0].ramp.over'] },
    { name: 'two actions', yaml: `${HEAD}${POINTS}events:\n  - { at: 5s, point: GT-101, step: { to: 9 }, stuck: { for: 1s } }\n`, paths: ['events[0]'] },
    { name: 'unknown point', yaml: `${HEAD}${POINTS}events:\n  - { at: 5s, point: GT-999, step: { to: 9 } }\n`, paths: ['events[0].point'] },
    { name: 'after the end', yaml: `${HEAD}${POINTS}events:\n  - { at: 60s, point: GT-101, step: { to: 9 } }\n  - { at: 50s, point: GT-101, silent: { for: 20s } }\n`, paths: ['events[0].at', 'events[1].silent.for'] },
    { name: 'boolean ramp, wrong step type', yaml: `${HEAD}${POINTS}events:\n  - { at: 1s, point: XV-1, ramp: { to: 1, over: 1s } }\n  - { at: 1s, point: GT-101, step: { to: true } }\n`, paths: ['events[0].ramp', 'events[1].step.to'] },
    { name: 'mA fault on an engineering point', yaml: `${HEAD}${POINTS}events:\n  - { at: 1s, point: GT-101, fault: { for: 1s, value: 3.5, unit: mA } }\n`, paths: ['events[0].fault.unit'] },
    { name: 'numeric keys on a boolean', yaml: `${HEAD}points:\n  XV-1: { base: true, noise: 1 }\n`, paths: ['points.XV-1.noise'] },
    { name: '4-20mA without range', yaml: `${HEAD}points:\n  TK101.LT: { base: 1, signal: 4-20mA }\n`, paths: ['points["TK101.LT"].signal'] },
    { name: 'base outside range', yaml: `${HEAD}points:\n  GT-101: { base: 120, range: [0, 100] }\n`, paths: ['points.GT-101.base'] },
  ])('$name', ({ yaml, paths }) => {
    expect(problemsOf(yaml).map((p) => p.path)).toEqual(paths);
  });

  it('gives the line of each problem and lists them all in the message', () => {
    const yaml = `${HEAD}${POINTS}events:\n  - { at: 5s, point: GT-999, step: { to: 9 } }\n  - { at: 1s, point: XV-1, ramp: { to: 1, over: 1s } }\n`;
    expect(problemsOf(yaml).map((p) => p.line)).toEqual([8, 9]);
    expect(() => parseScenario(yaml, 'scenarios/broken.yaml')).toThrow(/events\[0\]\.point \(line 8\): names no point.*\n.*events\[1\]\.ramp \(line 9\)/);
  });

  it('a file that cannot be read is HG_ERR_SIM_SCENARIO too', async () => {
    await expect(loadScenario('devices/scenarios/no-such-file.yaml')).rejects.toMatchObject({ code: 'HG_ERR_SIM_SCENARIO', details: { file: 'devices/scenarios/no-such-file.yaml' } });
  });

  it('an unknown built-in scenario is HG_ERR_SIM_SCENARIO', () => {
    expect(() => builtinScenarioFile('no-such-scenario')).toThrow(expect.objectContaining({ code: 'HG_ERR_SIM_SCENARIO' }));
  });
});

describe('a valid scenario', () => {
  it('takes durations in ms, s, m, h and bare seconds, and sorts events by time', () => {
    const yaml = `${HEAD.replace('60', '7200')}${POINTS}events:\n  - { at: 1h, point: GT-101, step: { to: 3 } }\n  - { at: 1.5m, point: GT-101, step: { to: 2 } }\n  - { at: 30, point: XV-1, step: { to: false } }\n  - { at: 500ms, point: GT-101, stuck: { for: 2s } }\n`;
    expect(parseScenario(yaml, 'ok.yaml').events.map((e) => e.atMs)).toEqual([500, 30_000, 90_000, 3_600_000]);
  });

  it('defaults: holds at the end, no seed, clamps to the range, engineering signal', () => {
    const scenario = parseScenario(`${HEAD}${POINTS}`, 'ok.yaml');
    expect(scenario).toMatchObject({ atEnd: 'hold', seed: undefined, description: '', events: [] });
    expect(scenario.points[0]).toMatchObject({ noise: 0, driftPerS: 0, min: 0, max: 100, signal: 'engineering' });
  });
});

describe('devices/README.md', () => {
  const readme = readFileSync(new URL('../../devices/README.md', import.meta.url), 'utf8');
  const keys = [scenarioFileSchema, pointSchema, eventSchema, rampSchema, stepSchema, windowSchema, faultSchema, slowSchema, exceptionSchema].flatMap((schema) => Object.keys(schema.shape));

  it.each([...new Set(keys)])('documents the scenario key `%s`', (key) => {
    expect(readme).toContain(`\`${key}\``);
  });
});
