import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { centreConfigSchema } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/index.js';
import { centreClientMessageSchema, CentreScope, CentreWsHub, createCentreHttpServer, createCentreMetricsRegistry } from '../../src/server/index.js';
import { TestAuth } from '../support/auth.js';

/** docs/centre.md documents every surface of `hazgate centre`; README points to it. */
const doc = readFileSync(new URL('../../docs/centre.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const none = () => [];
const dir = mkdtempSync(join(tmpdir(), 'hg-centre-docs-'));
const auth = TestAuth.open(dir);
afterAll(() => {
  auth.close();
  rmSync(dir, { recursive: true, force: true });
});
const scope = new CentreScope(auth.service);
const hub = new CentreWsHub({ centreId: 'c', version: 'v', alarms: none, sites: none, logger: silentLogger, now: () => 0, maxBufferedBytes: 1, maxMessageBytes: 1, scope });
const metrics = createCentreMetricsRegistry({
  feed: { applied: new Map(), duplicates: new Map(), batches: {}, refused: new Map(), rebuilds: 0 },
  sites: none,
  ws: hub.stats,
  mqtt: () => ({ up: true, reconnects: 0, served: 0, notServed: 0 }),
  now: () => 0,
});

/** The object or array inside defaults, optionals and pipes. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 5 && s !== undefined; i++) {
    if (s instanceof z.ZodObject || s instanceof z.ZodArray) return s;
    const def = (s as { def?: { innerType?: unknown; in?: unknown } }).def;
    s = def?.innerType ?? def?.in;
  }
  return undefined;
}

/** Every leaf key as a dotted path (`server.tls.cert`, `sites[].key`). */
function keysOf(schema: unknown, prefix: string): string[] {
  const obj = unwrap(schema);
  if (!(obj instanceof z.ZodObject)) return [];
  return Object.entries(obj.shape).flatMap(([key, inner]) => {
    const path = `${prefix}${key}`;
    const u = unwrap(inner);
    const nested = u instanceof z.ZodArray ? keysOf(u.element, `${path}[].`) : keysOf(inner, `${path}.`);
    return nested.length > 0 ? nested : [path];
  });
}

/** `METHOD /path` of each route in fastify's printRoutes tree (`├── /api/alarms (GET, HEAD)`, `│   └── /history (GET, HEAD)`). */
function routesOf(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (m === null) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    for (const method of (m[3] ?? '').split(', ')) if (method !== 'HEAD') out.push(`${method} ${stack.join('')}`);
  }
  return out;
}

describe('docs/centre.md', () => {
  it('documents every config key', () => {
    const keys = keysOf(centreConfigSchema, '');
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) expect(doc, key).toContain(`\`${key}\``);
  });

  it('documents every route', async () => {
    const app = createCentreHttpServer({ centreId: 'c', version: 'v', read: { sites: none, alarms: none, history: none, values: none }, feed: { receiveSigned: () => { throw new Error('unused'); }, refuse: (_r, e) => e }, hub, metrics, components: () => ({}), now: () => 0, maxBatchBytes: 1024, http: auth.http, scope });
    await app.ready();
    const documented = routesOf(app.printRoutes({ commonPrefix: false }));
    expect(documented.length).toBeGreaterThan(8);
    for (const r of documented) expect(doc, r).toContain(`\`${r}`);
    await app.close();
  });

  it('documents every metric, and only metrics that exist', async () => {
    const names = (await metrics.getMetricsAsJSON()).map((m) => m.name).filter((n) => !n.startsWith('hazgate_process_'));
    for (const name of names) expect(doc, name).toContain(`\`${name}\``);
    const documented = new Set([...doc.matchAll(/`(hazgate_centre_[a-z0-9_]+)`/g)].map((m) => m[1]));
    expect([...documented].filter((n) => n !== undefined && !names.includes(n))).toEqual([]);
  });

  it('documents every WebSocket message type, both ways', () => {
    const src = readFileSync(new URL('../../src/server/centre-ws-protocol.ts', import.meta.url), 'utf8');
    const sent = [...src.matchAll(/type: '([a-z-]+)'/g)].map((m) => m[1]);
    const received = centreClientMessageSchema.options.map((o) => o.shape.type.value);
    for (const t of [...sent, ...received]) expect(doc, t).toContain(`| \`${t}\` |`);
  });

  it('is linked from README, with the command', () => {
    expect(readme).toContain('hazgate centre');
    expect(readme).toContain('docs/centre.md');
  });
});
