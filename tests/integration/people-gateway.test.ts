import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';

/**
 * Personnel location through a real gateway process: Pozyx-style position arrays over real MQTT
 * into the location-mqtt adapter, the people monitor, the alarm manager and /ws; the people API;
 * a gas alarm in a zone carrying the evacuation list and the zone's cameras.
 */
const SITE = `
site: { id: people-test, enterpriseCode: E-PEOPLE }
points:
  - { id: GT-9, kind: gas, unit: "%LEL", range: [0, 100], area: reactor }
rules:
  - { id: gas, kind: threshold, select: { points: [GT-9] }, levels: [{ name: AL1, direction: high, limit: 25, priority: 2 }] }
people:
  zones:
    - { id: reactor, name: Reactor hall, kind: restricted, polygon: [[0, 0], [20, 0], [20, 20], [0, 20]], headcountLimit: 2, cameras: [cam-3] }
    - { id: yard, kind: general, polygon: [[100, 0], [200, 0], [200, 100], [100, 100]] }
    - { id: adit, name: Adit, kind: key, readers: [KJ-04] }
  people:
    - { tagId: "0x6a11", personId: P1, name: Li Wei, authorisedZones: [reactor] }
    - { tagId: "0x6a12", personId: P2, name: Zhao Lei }
adapters:
  - kind: mqtt
    id: plant
    url: mqtt://127.0.0.1:\${HAZGATE_MQTT_PORT}
    clientId: hazgate-people-plant
    subscriptions: [{ topic: "plant/{point}", qos: 1 }]
  - kind: location-mqtt
    id: uwb
    url: mqtt://127.0.0.1:\${HAZGATE_MQTT_PORT}
    clientId: hazgate-people-uwb
    subscriptions: [{ topic: tags, format: pozyx }, { topic: readers, format: reader }]
  - kind: video-webhook
    id: ai-box
    port: \${HAZGATE_VIDEO_PORT}
video:
  cameras: [{ id: cam-3, name: Reactor hall east, zone: reactor }]
  hold: 45s
broker: { enabled: true, port: \${HAZGATE_MQTT_PORT} }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT} }
`;

let dir = '';
let http = '';
let mqttUrl = '';
let videoUrl = '';
let gw: GatewayProcess;
/** An operator's API token (zhang.san). */
let token = '';
let env: Record<string, string> = {};

async function startGateway(): Promise<void> {
  gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], env);
  await gw.waitReady(http);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-people-gw-'));
  writeFileSync(join(dir, 'site.yaml'), SITE);
  const [h, m, v] = [await freePort(), await freePort(), await freePort()];
  http = `http://127.0.0.1:${h}`;
  mqttUrl = `mqtt://127.0.0.1:${m}`;
  videoUrl = `http://127.0.0.1:${v}`;
  env = { HAZGATE_HTTP_PORT: String(h), HAZGATE_MQTT_PORT: String(m), HAZGATE_VIDEO_PORT: String(v), HAZGATE_DATA_DIR: join(dir, 'data') };
  token = provisionToken(join(dir, 'data', 'auth'), 'zhang.san', 'operator');
  await startGateway();
}, 30_000);

afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function publish(topic: string, payload: unknown): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `pub-${Math.random()}` });
  await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  await client.endAsync();
}

/** A Pozyx-style fix: millimetres, epoch seconds. */
const fix = (tagId: string, xM: number, yM: number, extra: Record<string, unknown> = {}) => ({ tagId, timestamp: Date.now() / 1000, success: true, data: { coordinates: { x: xM * 1000, y: yM * 1000, z: 1200 } }, ...extra });

interface Alarm {
  conditionId: string;
  eventId: string;
  state: string;
  latched: boolean;
  message: string;
  zoneId?: string;
  cameras?: string[];
}

async function alarm(conditionId: string): Promise<Alarm | undefined> {
  const list = ((await (await fetch(`${http}/api/alarms`, { headers: authHeaders(token) })).json()) as { alarms: Alarm[] }).alarms;
  return list.find((a) => a.conditionId === conditionId);
}

async function act(conditionId: string, action: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${http}/api/alarms/${conditionId}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(token) }, body: JSON.stringify(body) });
  return res.status;
}

describe('personnel location in a gateway process', () => {
  it('an unauthorised person entering a restricted zone is an INTRUSION on /ws; the API counts heads; a gas alarm there names who is inside', async () => {
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { token });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'snapshot');
    await publish('tags', [fix('0x6a11', 5, 5), fix('0x6a12', 150, 50)]);
    await waitFor(async () => ((await (await fetch(`${http}/api/people/zones`, { headers: authHeaders(token) })).json()) as { total: number }).total === 2, 10_000, 'two heads counted');
    await publish('tags', [fix('0x6a12', 10, 10)]);
    const intrusion = await ws.waitForMessage((m) => m.type === 'transition' && m['conditionId'] === 'unauthorised/reactor/0x6a12', 10_000, 'the intrusion alarm');
    expect(intrusion).toMatchObject({ ruleKind: 'people', zoneId: 'reactor', level: 'INTRUSION', priority: 1, active: true, cameras: ['cam-3'], people: [{ tagId: '0x6a12', name: 'Zhao Lei' }] });
    expect(ws.ofType('headcount').at(-1)).toMatchObject({ zoneId: 'reactor', headcount: 2, limit: 2 });
    const zone = (await (await fetch(`${http}/api/people/zones/reactor`, { headers: authHeaders(token) })).json()) as { people: { name: string }[] };
    expect(zone.people.map((p) => p.name)).toEqual(['Li Wei', 'Zhao Lei']);

    await publish('plant/GT-9', { value: 40 });
    const gas = await ws.waitForMessage((m) => m.type === 'transition' && m['conditionId'] === 'gas/GT-9', 10_000, 'the gas alarm');
    expect(gas).toMatchObject({ level: 'AL1', cameras: ['cam-3'], codes: { enterpriseCode: 'E-PEOPLE' } });
    expect((gas['people'] as { name: string }[]).map((p) => p.name)).toEqual(['Li Wei', 'Zhao Lei']);

    const track = (await (await fetch(`${http}/api/people/tags/0x6a12/track`, { headers: authHeaders(token) })).json()) as { points: { x: number }[] };
    expect(track.points.map((p) => p.x)).toEqual([150, 10]);
    await ws.close();
  }, 60_000);

  it('a malformed location message is refused and counted while positions keep arriving', async () => {
    await publish('tags', 'not json at all');
    await publish('tags', [fix('0x6a11', 150, 60)]);
    await waitFor(async () => ((await (await fetch(`${http}/api/people/zones/reactor`, { headers: authHeaders(token) })).json()) as { zone: { headcount: number } }).zone.headcount === 1, 10_000, 'Li Wei leaves the reactor hall');
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/hazgate_location_rejected_total\{adapter="uwb",reason="[a-z-]+"\} 1/);
  }, 30_000);

  it('a camera detection posted to the webhook is an alarm in the camera’s zone, with the people in it', async () => {
    await publish('tags', [fix('0x6a12', 12, 12)]);
    await waitFor(async () => ((await (await fetch(`${http}/api/people/zones/reactor`, { headers: authHeaders(token) })).json()) as { zone: { headcount: number } }).zone.headcount === 1, 10_000, 'Zhao Lei in the reactor hall');
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { token });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'snapshot');
    const post = await fetch(`${videoUrl}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cameraId: 'cam-3', type: 'no-helmet', ts: Date.now(), snapshotUrl: 'http://nvr/snap/9.jpg' }) });
    expect(post.status).toBe(200);
    const alarm = await ws.waitForMessage((m) => m.type === 'transition' && m['conditionId'] === 'video/cam-3/no-helmet/reactor', 10_000, 'the no-helmet alarm');
    expect(alarm).toMatchObject({ ruleKind: 'video', zoneId: 'reactor', level: 'NO_HELMET', priority: 3, cameras: ['cam-3'], people: [{ name: 'Zhao Lei' }] });
    expect(String(alarm['message'])).toContain('snapshot http://nvr/snap/9.jpg');
    await ws.close();
  }, 30_000);

  it('an SOS latches, comes back after kill -9 as the same alarm (not as an unconfigured one), and is reset over REST; headcounts come with the snapshot', async () => {
    await publish('tags', [fix('0x6a12', 12, 12, { sos: true })]);
    await waitFor(async () => (await alarm('sos/0x6a12'))?.state === 'active-unacked', 10_000, 'the SOS alarm');
    const before = await alarm('sos/0x6a12');
    expect(before).toMatchObject({ zoneId: 'reactor', cameras: ['cam-3'] });
    expect(await act('sos/0x6a12', 'shelve', { kind: 'timed', duration: '10m' })).toBe(403);

    expect(await gw.kill9()).toBe(128);
    token = provisionToken(join(dir, 'data', 'auth'), 'zhang.san', 'operator');
  await startGateway();
    expect(await alarm('sos/0x6a12')).toEqual(before);
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { token });
    await ws.waitForMessage((m) => m.type === 'headcount' && m['zoneId'] === 'adit', 5000, 'headcounts after the snapshot');
    expect(ws.ofType('headcount').map((m) => m['zoneId'])).toEqual(['reactor', 'yard', 'adit']);
    await ws.close();

    // The button is released: the condition returns, the alarm stays latched until reset.
    await publish('tags', [fix('0x6a12', 12, 12, { sos: false })]);
    await waitFor(async () => (await alarm('sos/0x6a12'))?.state === 'returned-unacked', 10_000, 'returned after the release');
    expect(await act('sos/0x6a12', 'acknowledge', { eventId: (await alarm('sos/0x6a12'))?.eventId })).toBe(200);
    expect(await alarm('sos/0x6a12')).toMatchObject({ state: 'latched', latched: true });
    expect(await act('sos/0x6a12', 'reset', { comment: 'Zhao Lei found well' })).toBe(200);
    expect(await alarm('sos/0x6a12')).toBeUndefined();
  }, 60_000);

  it('a miner a reader put underground is still underground after a kill -9 right after the event was acknowledged', async () => {
    const headcount = async () => ((await (await fetch(`${http}/api/people/zones/adit`, { headers: authHeaders(token) })).json()) as { zone: { headcount: number } }).zone.headcount;
    await publish('readers', [{ tagId: 'M-0117', readerId: 'KJ-04', event: 'enter', ts: Date.now() }]);
    await waitFor(async () => (await headcount()) === 1, 10_000, 'the miner in the adit');
    expect(await gw.kill9()).toBe(128);
    token = provisionToken(join(dir, 'data', 'auth'), 'zhang.san', 'operator');
  await startGateway();
    expect(await headcount()).toBe(1);
    await publish('readers', [{ tagId: 'M-0117', readerId: 'KJ-04', event: 'leave', ts: Date.now() }]);
    await waitFor(async () => (await headcount()) === 0, 10_000, 'the miner out');
  }, 60_000);
});

