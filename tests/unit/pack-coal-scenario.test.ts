import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, readingsAt } from '../../devices/index.js';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';
import type { RuleResult } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { Ingest } from '../../src/pipeline/index.js';
import { T0 } from './engine-fixtures.js';

/**
 * The claims of devices/scenarios/coal-face-methane.yaml, replayed tick by tick on fake time
 * through the pipeline (4-20 mA scaling) and the rules of deploy/sites/demo-coal-mine.yaml (the coal
 * pack as a site includes it): one full round of the loop, and nothing raised but what it says.
 */
const SITE = fileURLToPath(new URL('../../deploy/sites/demo-coal-mine.yaml', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../devices/scenarios/coal-face-methane.yaml', import.meta.url));

describe('the coal demo scenario against the coal pack', () => {
  it('raises what the scenario says, when it says it, and nothing else', async () => {
    const site = loadSite(SITE);
    if (!site.ok) throw new Error(site.problems.map(formatProblem).join('\n'));
    const scenario = await loadScenario(SCENARIO);
    const sitePoints = new Set(site.config.points.map((p) => p.id));
    expect(scenario.points.map((p) => p.id).filter((id) => !sitePoints.has(id))).toEqual([]);

    let now = T0;
    const engine = new RuleEngine(site.config.points, site.config.rules, T0);
    const log: string[] = [];
    const all: RuleResult[] = [];
    const record = (results: readonly RuleResult[]): void => {
      for (const r of results) log.push(`${(now - T0) / 1000}s ${r.conditionId} ${r.level ?? 'normal'}`);
      all.push(...results);
    };
    const ingest = new Ingest({
      points: site.config.points, clock: { now: () => now }, maxFutureMs: 300_000,
      onSample: (s) => record(engine.evaluate(s)),
      onReject: (e) => { throw e; },
    });
    for (let t = 0; t < scenario.durationMs; t += scenario.tickMs) {
      now = T0 + t;
      record(engine.tick(now));
      for (const r of readingsAt(scenario, t, scenario.seed ?? 1)) ingest.accept({ source: 'scenario', pointId: r.pointId, value: r.value, ts: now });
    }
    expect(log).toEqual([
      '8s coal-methane/T1-CH4 ALARM',
      '10s coal-methane/T1-CH4 POWER_OFF',
      // F-101 drops at 11 s; F-102 is still live more than 12 s after the power-off.
      '23s coal-feed-check/T1-CH4 FEED_FAULT',
      // T2-CH4's line breaks at 30 s (2.0 mA): FAULT, and its power-off (断线断电) is not confirmed either.
      '30s coal-sensor-fault/T2-CH4 FAULT',
      '43s coal-feed-check/T2-CH4 FEED_FAULT',
      '50s coal-feed-check/T2-CH4 normal',
      '50s coal-sensor-fault/T2-CH4 normal',
      '71s coal-methane/T1-CH4 normal',
      '71s coal-feed-check/T1-CH4 normal',
    ]);

    // Every alarm carries the regulatory codes of its point (the feed check: its CH4 sensor's).
    const codes = { enterpriseCode: 'DEMO-COAL-01', indicatorType: 'CH4', equipmentCode: '001A01' };
    expect(all.find((r) => r.conditionId === 'coal-methane/T1-CH4' && r.level === 'POWER_OFF')?.codes).toEqual(codes);
    expect(all.find((r) => r.conditionId === 'coal-feed-check/T1-CH4')?.codes).toEqual(codes);
    expect(all.find((r) => r.conditionId === 'coal-sensor-fault/T2-CH4')?.codes).toEqual({ ...codes, equipmentCode: '001A03' });
    expect(all.find((r) => r.conditionId === 'coal-sensor-fault/T2-CH4')?.message).toMatch(/^T2-CH4 FAULT: signal-fault-low .*its power-off scope F-101, F-102 must be cut \(断线断电\)$/);
  });

  it('gives every point of the demo its regulatory codes', () => {
    const site = loadSite(SITE);
    if (!site.ok) throw new Error(site.problems.map(formatProblem).join('\n'));
    for (const p of site.config.points) {
      expect(p.attrs, p.id).toMatchObject({ enterpriseCode: 'DEMO-COAL-01', indicatorType: expect.stringMatching(/^(CH4|CO|O2|FEED)$/), equipmentCode: expect.stringMatching(/^001[AD]\d\d$/) });
    }
  });
});
