import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, readingsAt } from '../../devices/index.js';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { sample, T0 } from './engine-fixtures.js';

/**
 * The claims of devices/scenarios/esd-tank-farm.yaml, replayed tick by tick on fake time through the
 * rules of deploy/sites/demo-esd.yaml (the pack as a site includes it). The register says "no
 * bypass" (0) at start, as the gateway's bypass register does for every interlock.
 */

const SITE = fileURLToPath(new URL('../../deploy/sites/demo-esd.yaml', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../devices/scenarios/esd-tank-farm.yaml', import.meta.url));

describe('the ESD demo scenario against the ESD pack', () => {
  it('raises what the scenario says, when it says it, and nothing else', async () => {
    const site = loadSite(SITE);
    if (!site.ok) throw new Error(site.problems.map(formatProblem).join('\n'));
    const scenario = await loadScenario(SCENARIO);
    const sitePoints = new Set(site.config.points.map((p) => p.id));
    expect(scenario.points.map((p) => p.id).filter((id) => !sitePoints.has(id))).toEqual([]);

    const engine = new RuleEngine(site.config.points, site.config.rules, T0);
    const log: string[] = [];
    const record = (t: number, results: readonly { conditionId: string; level: string | null }[]): void => {
      for (const r of results) log.push(`${t / 1000}s ${r.conditionId} ${r.level ?? 'normal'}`);
    };
    for (const id of ['IL-401.REG', 'IL-402.REG']) record(0, engine.evaluate(sample(id, 0, T0)));
    for (let t = 0; t <= 60_000; t += scenario.tickMs) {
      for (const r of readingsAt(scenario, t, scenario.seed ?? 1)) record(t, engine.evaluate(sample(r.pointId, r.value, T0 + t)));
      record(t, engine.tick(T0 + t));
    }
    expect(log).toEqual([
      '2s interlock-bypass/IL-402 UNREGISTERED',
      '2s esd-not-in-service/tank-farm-4 MAJOR_HAZARD',
      '4s esd-trip/IL-401.TRIP TRIPPED',
      // Commanded closed at 4 s, XV-401 has not moved 8 s later; XV-402 closed at 7 s.
      '12s esd-valve/XV-401 DISCREPANCY',
      '42s esd-valve/XV-401 normal',
    ]);
  });
});
