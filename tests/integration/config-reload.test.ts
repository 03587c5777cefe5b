import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

/**
 * Hot reload against a real gateway process and a real Mosquitto (docs/reload.md): SIGHUP and
 * POST /api/config/reload apply changed points, rules and adapters; alarms keep their state; an
 * untouched adapter keeps its connection; invalid files are refused with the report; all audited.
 */
const site = (o: { gas2Limit: number; extra: boolean; levelRule: boolean; auxTopic: string; gas3Limit?: number; broken?: boolean; server?: string }): string => `
site: { id: reload-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: GT-2, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: LT-1, kind: level, unit: "%" }
${o.extra ? '  - { id: GT-3, kind: gas, unit: "%LEL", range: [0, 100] }\n' : ''}rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    levels:
      - { name: AL1, direction: high, limit: 25, priority: 2 }
      - { name: AL2, direction: high, limit: 50, priority: 1 }
  - id: gas-2
    kind: threshold
    select: { points: [GT-2] }
    levels:
      - { name: AL1, direction: high, limit: ${o.broken === true ? 'lots' : o.gas2Limit}, priority: 2 }
${o.levelRule ? `  - id: level
    kind: threshold
    select: { points: [LT-1] }
    levels:
      - { name: H, direction: high, limit: 80, priority: 3 }
` : ''}${o.extra ? `  - id: gas-3
    kind: threshold
    select: { points: [GT-3] }
    levels:
      - { name: AL1, direction: high, limit: ${o.gas3Limit ?? 5}, priority: 2 }
` : ''}adapters:
  - { kind: mqtt, id: in, url: "\${MQTT_URL}", clientId: hg-reload-in, subscriptions: [{ topic: "plant/{point}", qos: 1 }] }
  - { kind: mqtt, id: aux, url: "\${MQTT_URL}", clientId: hg-reload-aux, subscriptions: [{ topic: "${o.auxTopic}/{point}", qos: 1 }] }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT}${o.server ?? ''} }
`;
const V1 = { gas2Limit: 30, extra: false, levelRule: true, auxTopic: 'aux' };
const V2 = { gas2Limit: 10, extra: true, levelRule: false, auxTopic: 'aux2' };

let dir: string;
let file: string;
let env: Record<string, string>;
let http: string;
let gw: GatewayProcess;
let broker: MosquittoInstance;
let admin: string;
let operator: string;

interface Alarm {
  conditionId: string;
  eventId: string;
  state: string;
  level: string | null;
  active: boolean;
  message: string;
}

async function alarms(): Promise<Alarm[]> {
  return ((await (await fetch(`${http}/api/alarms`, { headers: authHeaders(operator) })).json()) as { alarms: Alarm[] }).alarms;
}

const alarmOf = async (id: string): Promise<Alarm | undefined> => (await alarms()).find((a) => a.conditionId === id);

async function publish(topic: string, value: number): Promise<void> {
  const client = await mqtt.connectAsync(broker.url, { clientId: `pub-${Math.random()}` });
  await client.publishAsync(topic, JSON.stringify({ value }), { qos: 1 });
  await client.endAsync();
}

async function current(): Promise<{ digest: string; loadedAt: number; file: string }> {
  return (await (await fetch(`${http}/api/config`, { headers: authHeaders(admin) })).json()) as { digest: string; loadedAt: number; file: string };
}

async function adapterSince(id: string): Promise<number> {
  const body = (await (await fetch(`${http}/readyz`)).json()) as { components: Record<string, { state: string; since: number }> };
  const c = body.components[`adapter:${id}`];
  if (c?.state !== 'up') throw new Error(`adapter ${id} is not up: ${JSON.stringify(c)}`);
  return c.since;
}

async function metric(line: string): Promise<string | undefined> {
  return (await (await fetch(`${http}/metrics`)).text()).split('\n').find((l) => l.startsWith(line));
}

function reloadApi(token: string, body: unknown): Promise<Response> {
  return fetch(`${http}/api/config/reload`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(token) }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
  dir = mkdtempSync(join(tmpdir(), 'hg-reload-'));
  file = join(dir, 'site.yaml');
  writeFileSync(file, site(V1));
  const h = await freePort();
  env = { HAZGATE_HTTP_PORT: String(h), MQTT_URL: broker.url, HAZGATE_DATA_DIR: join(dir, 'data') };
  http = `http://127.0.0.1:${h}`;
  admin = provisionToken(join(dir, 'data', 'auth'), 'li', 'admin');
  operator = provisionToken(join(dir, 'data', 'auth'), 'wang', 'operator');
  gw = GatewayProcess.spawn(['start', '--config', file], env);
  await gw.waitReady(http);
  await waitFor(async () => (await adapterSince('in').catch(() => 0)) > 0 && (await adapterSince('aux').catch(() => 0)) > 0, 10_000, 'both adapters up');
}, 30_000);

afterAll(async () => {
  await gw?.stop();
  await broker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('configuration reload', () => {
  it('applies changed points, rules and adapters on SIGHUP, keeping alarms and untouched adapters', async () => {
    await publish('plant/GT-1', 60);
    await publish('plant/LT-1', 90);
    await publish('plant/GT-2', 15); // below the old limit (30), above the new (10); sent once, before the reload
    await waitFor(async () => (await alarmOf('gas/GT-1'))?.level === 'AL2' && (await alarmOf('level/LT-1'))?.active === true, 10_000, 'the gas and level alarms');
    await waitFor(async () => ((await (await fetch(`${http}/api/points/GT-2`, { headers: authHeaders(operator) })).json()) as { latest?: { value: number } }).latest?.value === 15, 10_000, 'GT-2 at 15');
    expect(await alarmOf('gas-2/GT-2')).toBeUndefined();
    const gas = await alarmOf('gas/GT-1');
    expect(gas).toMatchObject({ state: 'active-unacked', level: 'AL2' });
    const [inSince, auxSince, before] = [await adapterSince('in'), await adapterSince('aux'), await current()];
    expect(before.file).toBe(file);

    writeFileSync(file, site(V2));
    gw.child.kill('SIGHUP');
    await waitFor(async () => (await current()).digest !== before.digest, 10_000, 'the reload');
    await waitFor(async () => (await adapterSince('aux').catch(() => 0)) > auxSince, 10_000, 'the changed adapter up again');

    // Same alarm, same event: the alarm manager kept it and the engine resumed from its level.
    expect(await alarmOf('gas/GT-1')).toEqual(gas);
    // The removed rule's active alarm returned, with the reason; it waits for its acknowledgement.
    expect(await alarmOf('level/LT-1')).toMatchObject({ state: 'returned-unacked', active: false, message: expect.stringContaining('no longer configured; returned at reload') });
    // The untouched adapter kept its connection: the same component, up since before, no reconnect.
    expect(await adapterSince('in')).toBe(inSince);
    expect(await metric('hazgate_adapter_reconnects_total{adapter="in"')).toMatch(/ 0$/);

    await publish('plant/GT-3', 7); // a new rule on a new point
    // GT-2 sends nothing new: its latest value, replayed into the new rules at the swap, meets the new limit.
    await publish('aux2/LT-1', 95); // through the changed adapter; no rule reads LT-1 now
    await waitFor(async () => (await alarmOf('gas-3/GT-3'))?.active === true && (await alarmOf('gas-2/GT-2'))?.active === true, 10_000, 'the new rule and the new limit');
    await waitFor(async () => ((await (await fetch(`${http}/api/points/LT-1`, { headers: authHeaders(operator) })).json()) as { latest?: { value: number } }).latest?.value === 95, 10_000, 'a reading through the changed adapter');
    expect((await alarmOf('level/LT-1'))?.state).toBe('returned-unacked');
    expect(await metric('hazgate_config_reloads_total{result="applied"}')).toMatch(/ 1$/);
    expect(gw.output).toContain('configuration reloaded');
  }, 60_000);

  it('refuses an invalid file with the report naming file and line, and keeps evaluating the running rules', async () => {
    const before = await current();
    writeFileSync(file, site({ ...V2, broken: true }));
    gw.child.kill('SIGHUP');
    await waitFor(() => gw.output.includes('configuration reload refused'), 10_000, 'the refusal in the log');
    const line = site({ ...V2, broken: true }).split('\n').findIndex((l) => l.includes('limit: lots')) + 1;
    expect(gw.output).toContain(`site.yaml:${line}`);
    expect((await current()).digest).toBe(before.digest);
    // The running rules still evaluate: gas-3 returns below its limit.
    await publish('plant/GT-3', 1);
    await waitFor(async () => (await alarmOf('gas-3/GT-3'))?.state === 'returned-unacked', 10_000, 'gas-3 returning under the running config');
    expect(await metric('hazgate_config_reloads_total{result="refused"}')).toMatch(/ 1$/);
  }, 30_000);

  it('reloads through the API for an administrator only: 422 with the report, dry run, apply', async () => {
    expect((await reloadApi(operator, {})).status).toBe(403);
    expect((await fetch(`${http}/api/config`, { headers: authHeaders(operator) })).status).toBe(403);

    const refused = await reloadApi(admin, {});
    expect(refused.status).toBe(422);
    const report = (await refused.json()) as { applied: boolean; error: { code: string }; refused: { problems: { file: string; line: number; path: string }[] } };
    expect(report.applied).toBe(false);
    expect(report.error.code).toBe('HG_ERR_CONFIG_INVALID');
    expect(report.refused.problems).toEqual([expect.objectContaining({ file, path: 'rules[1].levels[0].limit', line: expect.any(Number) })]);

    writeFileSync(file, site({ ...V2, server: ', bodyLimit: 100000' }));
    const restart = await reloadApi(admin, {});
    expect(restart.status).toBe(422);
    expect(await restart.json()).toMatchObject({ error: { code: 'HG_ERR_CONFIG_RELOAD', message: expect.stringContaining('section "server" changed') } });

    const before = await current();
    writeFileSync(file, site({ ...V2, gas3Limit: 3 }));
    const dry = await reloadApi(admin, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ applied: false, dryRun: true, plan: { rules: { changed: ['gas-3'], added: [], removed: [] }, adapters: { changed: [] } } });
    expect((await current()).digest).toBe(before.digest);

    const applied = await reloadApi(admin, {});
    expect(applied.status).toBe(200);
    const body = (await applied.json()) as { applied: boolean; digest: string; previousDigest: string };
    expect(body).toMatchObject({ applied: true, previousDigest: before.digest });
    expect((await current()).digest).toBe(body.digest);
    expect((await reloadApi(admin, { dryRun: 'yes' })).status).toBe(400);
  }, 30_000);

  it('refuses a reload while another one runs (409)', async () => {
    // The first stops and starts the changed adapter (network round trips): the second arrives meanwhile.
    writeFileSync(file, site({ ...V2, gas3Limit: 3, auxTopic: 'aux3' }));
    const answers = await Promise.all([reloadApi(admin, {}), reloadApi(admin, {})]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await answers.find((r) => r.status === 409)?.json()).toEqual({ error: { code: 'HG_ERR_CONFIG_RELOAD', message: expect.stringContaining('already running') } });
  }, 30_000);

  it('audits every reload and refusal: who, digests, plan', async () => {
    const run = async (kind: string): Promise<{ user: string; details: Record<string, unknown> }[]> => {
      const cli = GatewayProcess.spawn(['journal', 'audit', '--config', file, '--kind', kind], env);
      // A CLI process loads every module first: seconds on a busy machine.
      expect(await cli.waitExit(40_000)).toBe(0);
      return cli.output.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { user: string; details: Record<string, unknown> });
    };
    const [applied, refused] = await Promise.all([run('config-reload'), run('config-reload-refused')]);
    expect(applied.map((r) => r.user)).toEqual(['signal:SIGHUP', 'li', 'li']);
    expect(applied[0]?.details).toMatchObject({ plan: 'adapters +0 -0 ~1, points +1 -0 ~0, rules +1 -1 ~1', rulesRemoved: 'level', adaptersChanged: 'aux', returned: 'level/LT-1' });
    expect(applied[1]?.details['previousSha256']).toBe(applied[0]?.details['configSha256']);
    expect(refused.map((r) => [r.user, r.details['code']])).toEqual([['signal:SIGHUP', 'HG_ERR_CONFIG_INVALID'], ['li', 'HG_ERR_CONFIG_INVALID'], ['li', 'HG_ERR_CONFIG_RELOAD'], ['li', 'HG_ERR_CONFIG_RELOAD']]);
  }, 60_000);
});
