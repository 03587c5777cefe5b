import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCentreClientMessage, parseClientMessage, routesOf } from '../../src/server/index.js';
import { isHazgateError } from '../../src/core/index.js';
import { openDocApps, type DocApps } from '../support/doc-apps.js';
import { apiDocs, REGENERATE } from '../support/gen-docs.js';

/** docs/api: the OpenAPI documents of a gateway and a centre and the WebSocket's AsyncAPI, generated and kept current. */
const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
type Doc = { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>; [k: string]: unknown };

let apps: DocApps;
let generated: ReadonlyMap<string, string>;
beforeAll(async () => {
  apps = await openDocApps('test');
  generated = await apiDocs();
});
afterAll(() => apps.close());

/** The rows of the first table after `heading` whose second column is `direction` (or any, when absent). */
function tableTypes(markdown: string, heading: string, direction?: string): string[] {
  const from = markdown.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(from + heading.length).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| '));
  const rows = lines.slice(start, start + lines.slice(start).findIndex((l) => !l.startsWith('|')));
  return rows.map((l) => l.split('|').map((c) => c.trim())).filter((c) => /^`[a-z-]+`$/.test(c[1] ?? '') && (direction === undefined || c[2] === direction)).map((c) => (c[1] ?? '').slice(1, -1));
}

describe('docs/api', () => {
  it('are what the code gives now', () => {
    expect([...generated.keys()].sort()).toEqual(['docs/api/asyncapi-ws.yaml', 'docs/api/openapi-centre.json', 'docs/api/openapi.json']);
    for (const [path, text] of generated) expect(read(path) === text, `${path} is out of date: run ${REGENERATE}`).toBe(true);
  });

  it('OpenAPI: every route of a gateway and a centre is documented with its method (a new route without docs fails here)', () => {
    for (const [app, file] of [[apps.gateway, 'docs/api/openapi.json'], [apps.centre, 'docs/api/openapi-centre.json']] as const) {
      const doc = JSON.parse(read(file)) as Doc;
      expect(doc['openapi']).toBe('3.1.0');
      expect(doc['x-hazgate-undocumented'], `${file}: add the route to src/server/openapi-routes.ts`).toBeUndefined();
      const routes = routesOf(app).filter((r) => r.method !== 'HEAD');
      expect(routes.length).toBeGreaterThan(12);
      for (const r of routes) {
        const path = r.url === '/api/alarms/*' ? '/api/alarms/{conditionId}/{action}' : r.url.replace(/:(\w+)/g, '{$1}');
        const op = doc.paths[path]?.[r.method.toLowerCase()];
        expect(op?.summary, `${file}: ${r.method} ${path}`).toBeTruthy();
        expect(op?.tags?.includes('undocumented'), `${r.method} ${path}`).toBe(false);
      }
      expect(doc.paths['/api/openapi.json']?.['get']).toBeDefined();
    }
    const gateway = JSON.parse(read('docs/api/openapi.json')) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    // The request schemas are the zod ones the handlers parse with.
    const action = gateway.paths['/api/alarms/{conditionId}/{action}']?.['post'] as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
    expect(Object.keys(action.requestBody.content['application/json']?.schema.properties ?? {}).sort()).toEqual(['comment', 'duration', 'eventId', 'kind', 'user']);
    expect(gateway.paths['/healthz']?.['get']?.['security']).toEqual([]);
    expect(gateway.paths['/api/points']?.['get']?.['security']).toEqual([{ bearer: [] }, { session: [] }]);
  });

  it('OpenAPI: served at GET /api/openapi.json to users (read): the committed document but for the version', async () => {
    const anonymous = await apps.gateway.inject('/api/openapi.json');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('HG_ERR_AUTH_REQUIRED');
    for (const [app, file] of [[apps.gateway, 'docs/api/openapi.json'], [apps.centre, 'docs/api/openapi-centre.json']] as const) {
      const res = await app.inject({ url: '/api/openapi.json', headers: apps.viewer() });
      expect(res.statusCode).toBe(200);
      const committed = JSON.parse(read(file)) as Doc;
      expect({ ...(res.json() as Doc), info: committed['info'] }).toEqual(committed);
      expect((await app.inject({ url: '/api/openapi.json?x=1', headers: apps.viewer() })).json().error.code).toBe('HG_ERR_API_BAD_REQUEST');
    }
  });

  it('AsyncAPI: every message type of the WebSocket tables (README, docs/centre.md) is in the document, and nothing else', () => {
    const doc = parse(read('docs/api/asyncapi-ws.yaml')) as { asyncapi: string; channels: Record<string, { messages: Record<string, { name: string }> }>; operations: Record<string, { action: string; messages: { $ref: string }[] }> };
    expect(doc.asyncapi).toBe('3.0.0');
    const readme = read('README.md');
    const names = (channel: string, action: string) =>
      Object.values(doc.operations).filter((o) => o.action === action && o.messages[0]?.$ref.startsWith(`#/channels/${channel}/`)).flatMap((o) => o.messages.map((m) => doc.channels[channel]?.messages[m.$ref.split('/').pop() ?? '']?.name)).sort();
    expect(names('gateway', 'send')).toEqual(tableTypes(readme, 'Server → client:').sort());
    expect(names('gateway', 'receive')).toEqual(tableTypes(readme, 'Client → server:').sort());
    const centre = read('docs/centre.md');
    expect(names('centre', 'send')).toEqual(tableTypes(centre, '| type | direction |', 'server → client').sort());
    expect(names('centre', 'receive')).toEqual(tableTypes(centre, '| type | direction |', 'client → server').sort());
    expect(read('docs/api/asyncapi-ws.yaml')).toContain('docs/uplink/asyncapi.yaml');
  });

  it("AsyncAPI: the client messages' schemas accept and refuse what the servers' parsers do", () => {
    const doc = parse(read('docs/api/asyncapi-ws.yaml')) as { channels: Record<string, { messages: Record<string, { name: string; payload: object }> }> };
    const ajv = new Ajv2020({ strict: false });
    const check = (channel: string, prefix: string, parser: (t: string) => unknown, samples: readonly unknown[]) => {
      const byType = new Map(Object.entries(doc.channels[channel]?.messages ?? {}).filter(([k]) => k.startsWith(prefix)).map(([, m]) => [m.name, ajv.compile(m.payload)]));
      expect(byType.size).toBeGreaterThan(1);
      for (const sample of samples) {
        const type = (sample as { type?: unknown }).type;
        const validate = typeof type === 'string' ? byType.get(type) : undefined;
        const zodAccepts = !isHazgateError(parser(JSON.stringify(sample)));
        expect(validate?.(sample) ?? false, JSON.stringify(sample)).toBe(zodAccepts);
      }
    };
    check('gateway', 'client-', parseClientMessage, [
      { type: 'subscribe', points: ['GT-101'], requestId: 1 },
      { type: 'subscribe', points: [] },
      { type: 'unsubscribe', points: ['GT-101'] },
      { type: 'ack', conditionId: 'gas/GT-101', eventId: 'e1', comment: 'seen' },
      { type: 'ack', conditionId: 'gas/GT-101' },
      { type: 'action', action: 'shelve', conditionId: 'gas/GT-101', shelve: { kind: 'timed', duration: '2h' } },
      { type: 'action', action: 'shelve', conditionId: 'gas/GT-101', shelve: { kind: 'forever' } },
      { type: 'action', action: 'explode', conditionId: 'gas/GT-101' },
      { type: 'snapshot' },
      { type: 'ping', requestId: 'p1' },
      { type: 'ping', extra: true },
      { type: 'nonsense' },
    ]);
    check('centre', 'centre-client-', parseCentreClientMessage, [{ type: 'snapshot' }, { type: 'ping', requestId: 3 }, { type: 'ping', requestId: {} }, { type: 'ack', conditionId: 'c', eventId: 'e' }]);
  });
});
