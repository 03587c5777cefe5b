import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plantGroupOf } from '../../devices/opcua/address-model.js';
import { nextVariableState, type VariableState } from '../../devices/opcua/variable-state.js';
import { builtinScenarioFile, loadScenario } from '../../devices/simulator/load.js';
import { pointOutputAt } from '../../devices/simulator/signal.js';

/*
 * The claims of devices/scenarios/sis-tank-farm.yaml (header and devices/README.md), checked on
 * what the OPC UA simulator's variables hold second by second, for several seeds.
 */

const S = 1000;
const farm = await loadScenario(builtinScenarioFile('sis-tank-farm'));
const SEEDS = [farm.seed ?? 1, 1, 2, 3, 99, 12345];

/** Each point's variable state at every second of [0, toS), as the simulator writes it (held when unchanged). */
function run(seed: number, toS: number): Map<string, VariableState[]> {
  const states = new Map<string, VariableState[]>(farm.points.map((p) => [p.id, []]));
  for (const point of farm.points) {
    const series = states.get(point.id) ?? [];
    let last: VariableState | undefined;
    for (let t = 0; t < toS; t += 1) {
      const next = nextVariableState(point, pointOutputAt(farm, point, t * S, seed), last);
      if (next !== 'unchanged') last = next;
      if (last !== undefined) series.push(last);
    }
  }
  return states;
}

function of(states: Map<string, VariableState[]>, id: string): VariableState[] {
  const series = states.get(id);
  if (series === undefined) throw new Error(`no point ${id}`);
  return series;
}

/** Seconds (indexes) where the predicate holds. */
function secondsWhere(series: readonly VariableState[], predicate: (s: VariableState) => boolean): number[] {
  return series.flatMap((s, t) => (predicate(s) ? [t] : []));
}

function span(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('the OPC UA demo scenario sis-tank-farm', () => {
  it('loops every 120 s and names only profiles that exist', () => {
    expect(farm.atEnd).toBe('loop');
    expect(farm.durationMs).toBe(120 * S);
    for (const profile of new Set(farm.points.flatMap((p) => (p.profile === undefined ? [] : [p.profile])))) {
      expect(existsSync(new URL(`../../devices/profiles/${profile}.yaml`, import.meta.url)), profile).toBe(true);
    }
  });

  it('puts every point in a plant group (none in Other)', () => {
    const groups = Object.fromEntries(farm.points.map((p) => [p.id, plantGroupOf(p)]));
    expect(groups).toMatchObject({ 'GT-301': 'GasDetectors', 'LT-301': 'Process', 'PT-302': 'Process', 'XV-301.ZSO': 'ESD', 'IL-302.BYP': 'Interlocks' });
    expect(Object.values(groups)).not.toContain('Other');
  });

  it.each(SEEDS)('seed %i: LT-301 high-high at ~28 s trips IL-301, XV-301 closes, and all resets by 104 s', (seed) => {
    const states = run(seed, 120);
    const level = of(states, 'LT-301').map((s) => s.value as number);
    const crossing = level.findIndex((v) => v >= 90);
    expect(crossing).toBeGreaterThanOrEqual(27);
    expect(crossing).toBeLessThanOrEqual(29);
    expect(secondsWhere(of(states, 'IL-301.TRIP'), (s) => s.value === true)).toEqual(span(28, 95));
    expect(secondsWhere(of(states, 'XV-301.CMD'), (s) => s.value === false)).toEqual(span(28, 100));
    expect(secondsWhere(of(states, 'XV-301.ZSO'), (s) => s.value === false)).toEqual(span(29, 104));
    expect(secondsWhere(of(states, 'XV-301.ZSC'), (s) => s.value === true)).toEqual(span(32, 101));
    // The trip is reset only once the level is back below 90 %.
    expect(level[95]).toBeLessThan(90);
  });

  it.each(SEEDS)('seed %i: PT-302 passes the IL-302 trip point only while IL-302 is bypassed; no trip', (seed) => {
    const states = run(seed, 120);
    const high = secondsWhere(of(states, 'PT-302'), (s) => (s.value as number) >= 6);
    const bypassed = secondsWhere(of(states, 'IL-302.BYP'), (s) => s.value === true);
    expect(bypassed).toEqual(span(50, 90));
    expect(high.length).toBeGreaterThan(0);
    expect(high.every((t) => bypassed.includes(t))).toBe(true);
    expect(secondsWhere(of(states, 'IL-302.TRIP'), (s) => s.value === true)).toEqual([]);
  });

  it.each(SEEDS)('seed %i: GT-303 wire break 40-60 s is BadSensorFailure holding its last value; GT-304 silent 75-105 s', (seed) => {
    const states = run(seed, 120);
    const gt303 = of(states, 'GT-303');
    expect(secondsWhere(gt303, (s) => s.status !== 'Good')).toEqual(span(40, 60));
    expect(gt303.slice(40, 60).every((s) => s.status === 'BadSensorFailure' && s.value === gt303[39]?.value)).toBe(true);
    const gt304 = of(states, 'GT-304');
    expect(secondsWhere(gt304, (s) => s.status === 'BadCommunicationError')).toEqual(span(75, 105));
    expect(gt304.slice(75, 105).every((s) => s.value === gt304[74]?.value)).toBe(true);
  });

  it.each(SEEDS)('seed %i: everything else stays calm and Good', (seed) => {
    const states = run(seed, 240);
    for (const id of ['GT-301', 'GT-302', 'GT-303', 'GT-304']) {
      expect(Math.max(...of(states, id).map((s) => (s.value as number | null) ?? 0)), id).toBeLessThan(5);
    }
    // Points without events: always Good, booleans never change, numbers stay within their noise.
    const quiet = farm.points.filter((p) => !farm.events.some((e) => e.pointId === p.id));
    expect(quiet.map((p) => p.id)).toEqual(['GT-301', 'GT-302', 'LT-302', 'PT-301', 'XV-302.CMD', 'XV-302.ZSO', 'XV-302.ZSC', 'IL-301.BYP', 'IL-302.TRIP']);
    for (const point of quiet) {
      const series = of(states, point.id);
      expect(series.every((s) => s.status === 'Good'), point.id).toBe(true);
      const values = series.map((s) => s.value);
      if (point.type === 'boolean') expect(new Set(values), point.id).toEqual(new Set([point.base]));
      else expect(values.every((v) => Math.abs((v as number) - point.base) <= point.noise + 1e-9), point.id).toBe(true);
    }
  });

  it('starts each round where the last one ended (no jump of a boolean at the wrap)', () => {
    const states = run(farm.seed ?? 1, 121);
    for (const point of farm.points.filter((p) => p.type === 'boolean')) {
      expect(of(states, point.id)[119]?.value, point.id).toBe(of(states, point.id)[120]?.value);
    }
  });
});
