import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modbusMetrics } from '../../adapters/modbus/index.js';
import { opcuaMetrics } from '../../adapters/opcua/index.js';
import { silentLogger } from '../../src/core/index.js';
import { USAGE } from '../../src/cli/args.js';
import { createHttpServer, createMetricsRegistry, routesOf, SESSION_COOKIE, SiteScope, WsHub } from '../../src/server/index.js';
import { TestAuth } from '../support/auth.js';
import { influxMetrics } from '../../src/store/index.js';
import { locationMetrics } from '../../adapters/location/index.js';
import { sparkplugMetrics } from '../../adapters/sparkplug/index.js';
import { emptyVideoStats, videoMetrics } from '../../adapters/video/index.js';
import { clientMessageSchema } from '../../src/server/ws-protocol.js';
import { RuleEngine } from '../../src/engine/index.js';

/** README documents every surface a user touches; these tests keep it in step with the code. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const none = () => [];
const alarms = { retained: none, get: () => undefined, act: () => { throw new Error('unused'); } };
const points = { list: none, get: () => undefined, latest: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'hg-docs-readme-'));
const auth = TestAuth.open(dir);
afterAll(() => {
  auth.close();
  rmSync(dir, { recursive: true, force: true });
});
const scope = new SiteScope('s', points, auth.service);
const hub = new WsHub({ siteId: 's', version: 'v', alarms, points, logger: silentLogger, now: () => 0, maxBufferedBytes: 1, maxMessageBytes: 1, scope });
const metrics = createMetricsRegistry({
  ingest: { readings: 0, samples: 0, rejected: new Map() }, adapters: none, engine: new RuleEngine([], [], 0).stats,
  alarms: { transitions: {}, actions: {}, refused: {}, journalFailures: 0 }, retained: none,
  store: () => ({ written: 0, dropped: 0, writeErrors: 0, buffered: 0, diskBytes: 0 }), ws: hub.stats,
  // Every adapter kind's own families (their names do not depend on the values).
  operations: { adapters: none, journalBacklog: () => 0, databases: none, dataDir: () => null },
  adapterMetrics: () => [...modbusMetrics('line', undefined), ...opcuaMetrics('ua', undefined), ...influxMetrics(undefined, undefined, undefined), ...locationMetrics('uwb'), ...videoMetrics('video', emptyVideoStats()), ...sparkplugMetrics('spb')],
});

/** The names README's Metrics section documents (its table and the paragraphs after it). */
function documentedMetrics(): Set<string> {
  const start = readme.indexOf('\n## Metrics');
  const section = readme.slice(start, readme.indexOf('\n### ', start));
  return new Set([...section.matchAll(/`(hazgate_[a-z0-9_]+)`/g)].map((m) => m[1] ?? '').filter((n) => n !== 'hazgate_process_'));
}

/** Metric names as string literals in src/ and adapters/: every family, those the app wires (uplink, people) too. */
function metricNamesInCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: URL): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'console') walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(new URL(e.name, dir), 'utf8').matchAll(/'(hazgate_[a-z0-9_]+)'/g)) names.add(m[1] ?? '');
    }
  };
  walk(new URL('../../src/', import.meta.url));
  walk(new URL('../../adapters/', import.meta.url));
  // Not metrics: the session cookie, the process metrics' prefix. The centre's are in docs/centre.md (centre-docs.test.ts).
  return new Set([...names].filter((n) => n !== SESSION_COOKIE && !n.endsWith('_') && !n.startsWith('hazgate_centre_')));
}

describe('README', () => {
  it('documents every metric the registry registers', async () => {
    const names = (await metrics.getMetricsAsJSON()).map((m) => m.name).filter((n) => !n.startsWith('hazgate_process_'));
    expect(names.length).toBeGreaterThan(10);
    const documented = documentedMetrics();
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('documents every metric name in the code, and only metrics that exist', () => {
    const inCode = metricNamesInCode();
    const documented = documentedMetrics();
    expect(inCode.size).toBeGreaterThan(60);
    expect([...inCode].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !inCode.has(n))).toEqual([]);
  });

  it('documents every HTTP route', () => {
    const app = createHttpServer({ siteId: 's', bypasses: { list: () => [], register: () => { throw new Error('unused'); }, end: () => { throw new Error('unused'); }, inServiceRates: () => [] }, version: 'v', alarms, journal: { append: () => undefined, loadRetained: none, recent: none, close: () => undefined }, points, health: { kpis: () => { throw new Error('unused'); }, floods: none }, history: { query: async () => [], queryColumns: async () => { throw new Error('unused'); } }, hub, metrics, components: () => ({}), now: () => 0, logger: silentLogger, http: auth.http, scope });
    // routesOf, not an onRoute hook added here: the routes are registered by now, and a hook added
    // after them heard none (this test checked nothing until issue #12).
    return app.ready().then(() => {
      const routes = routesOf(app).filter((r) => r.method !== 'HEAD');
      expect(routes.length).toBeGreaterThan(15);
      const documented = routes.filter((r) => !r.url.endsWith('*')).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
      expect(documented.filter((r) => !readme.includes(r))).toEqual([]);
      expect(readme).toContain('POST /api/alarms/{conditionId}/ack');
    });
  });

  it('documents every WebSocket message type, both ways', () => {
    const serverTypes = ['hello', 'snapshot-begin', 'condition', 'snapshot-end', 'transition', 'values', 'value', 'ack-result', 'action-result', 'pong', 'error', 'flood', 'behind', 'resync', 'headcount'];
    const src = readFileSync(new URL('../../src/server/ws-protocol.ts', import.meta.url), 'utf8');
    const sent = [...src.matchAll(/type: '([a-z-]+)'/g)].map((m) => m[1]);
    expect(new Set(sent)).toEqual(new Set(serverTypes));
    const clientTypes = clientMessageSchema.options.map((o) => o.shape.type.value);
    for (const t of [...serverTypes, ...clientTypes]) expect(readme, t).toContain(`| \`${t}\` |`);
  });

  it('documents every CLI command', () => {
    for (const cmd of [...USAGE.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1])) expect(readme).toContain(`hazgate ${cmd}`);
  });
});
