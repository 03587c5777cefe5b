import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess, ROOT, type LoginSession } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';

/**
 * The example sites of deploy/examples as a newcomer runs them (`npm run example:<name>`, i.e.
 * `hazgate demo --config deploy/examples/<name>/site.yaml`): all three start at once, each on its
 * own free ports, and each must raise, within its scenario's time, every alarm its alarms.yaml says
 * it is designed to raise by then (seen in the journal over REST, so an alarm that came and went,
 * or escalated, before the test looked still counts). The tank farm's bypass also goes through the
 * register (POST /api/bypasses) to OVERDUE, as its README tells a person to do.
 */
const EXAMPLES = ['tank-farm', 'coal-mine', 'explosives-plant'] as const;
type Example = (typeof EXAMPLES)[number];

interface ExpectedAlarm {
  readonly condition: string;
  readonly level: string;
  readonly by?: string;
  readonly after?: string;
}

interface Running {
  readonly gw: GatewayProcess;
  readonly http: string;
  readonly dataDir: string;
  readonly startedAt: number;
  session?: LoginSession;
}

interface Transition {
  readonly conditionId: string;
  readonly level: string | null;
  readonly active: boolean;
  readonly people?: ReadonlyArray<{ readonly tagId?: string }>;
}

const siteOf = (name: Example): string => join(ROOT, 'deploy/examples', name, 'site.yaml');
const expectedOf = (name: Example): ExpectedAlarm[] => parse(readFileSync(join(ROOT, 'deploy/examples', name, 'alarms.yaml'), 'utf8')) as ExpectedAlarm[];
const seconds = (text: string): number => Number(/^(\d+)s$/.exec(text)?.[1] ?? Number.NaN);

const running = new Map<Example, Running>();

beforeAll(async () => {
  await Promise.all(
    EXAMPLES.map(async (name) => {
      const [h, m, v] = [await freePort(), await freePort(), await freePort()];
      const dataDir = mkdtempSync(join(tmpdir(), `hg-example-${name}-`));
      const http = `http://127.0.0.1:${h}`;
      const gw = GatewayProcess.spawn(['demo', '--config', siteOf(name)], {
        HAZGATE_HTTP_PORT: String(h), HAZGATE_MQTT_PORT: String(m), HAZGATE_VIDEO_PORT: String(v), HAZGATE_DATA_DIR: dataDir,
      });
      running.set(name, { gw, http, dataDir, startedAt: Date.now() });
      await gw.waitReady(http, 30_000);
      const r = running.get(name);
      if (r !== undefined) r.session = await demoSession(http, dataDir);
    }),
  );
}, 45_000);

afterAll(async () => {
  const codes = await Promise.all([...running.values()].map(async (r) => {
    const code = await r.gw.stop();
    rmSync(r.dataDir, { recursive: true, force: true });
    return code;
  }));
  for (const code of codes) expect(code).toBe(0); // graceful stops on SIGTERM
});

function the(name: Example): Required<Running> {
  const r = running.get(name);
  if (r?.session === undefined) throw new Error(`${name} did not start`);
  return r as Required<Running>;
}

async function journal(r: Required<Running>): Promise<Transition[]> {
  const res = await fetch(`${r.http}/api/alarms/history?limit=5000`, { headers: r.session.headers() });
  if (res.status !== 200) throw new Error(`history: ${res.status}`);
  return ((await res.json()) as { transitions: Transition[] }).transitions;
}

/** Waits until every alarm is in the journal, active at its level; the timeout is the latest `by` plus start-up slack. */
async function waitForAlarms(r: Required<Running>, alarms: readonly ExpectedAlarm[]): Promise<Transition[]> {
  const latest = Math.max(...alarms.map((a) => seconds(a.by ?? '0s')));
  let seen: Transition[] = [];
  const missing = (): ExpectedAlarm[] => alarms.filter((a) => !seen.some((t) => t.conditionId === a.condition && t.level === a.level && t.active));
  await waitFor(async () => {
    seen = await journal(r);
    return missing().length === 0;
  }, Math.max(5_000, r.startedAt + (latest + 15) * 1000 - Date.now()), `${alarms.length} alarms`, 1000).catch((e: unknown) => {
    throw new Error(`${String(e)}; missing: ${missing().map((a) => `${a.condition} ${a.level}`).join(', ')}`);
  });
  return seen;
}

describe('example sites', () => {
  it.concurrent.each(EXAMPLES)('%s passes hazgate validate', async (name) => {
    const out = spawnSync(process.execPath, [join(ROOT, 'dist/src/main.js'), 'validate', '--config', siteOf(name)], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(': ok (');
  });

  it.concurrent('tank farm: leak, both gas levels, the dike trip, a late ESD valve, an unregistered then overdue bypass, a contractor in the dike, a camera', async () => {
    const r = the('tank-farm');
    const expected = expectedOf('tank-farm');
    const seen = await waitForAlarms(r, expected.filter((a) => a.by !== undefined));
    // The level-2 gas alarm in the dike carries the people standing in it: the contractor is one.
    const al2 = seen.find((t) => t.conditionId === 'gas-level/GT-101' && t.level === 'AL2');
    expect(JSON.stringify(al2?.people ?? [])).toContain('C07');

    // The shift registers the SIS bypass with a planned end 3 s ahead: BYPASSED, then OVERDUE.
    const res = await fetch(`${r.http}/api/bypasses`, {
      method: 'POST', headers: r.session.headers(),
      body: JSON.stringify({ interlock: 'IL-102', who: 'Li Na', approver: 'Zhang Wei', reason: 'PT-102 transmitter check', plannedEnd: Date.now() + 3000 }),
    });
    expect(res.status).toBe(201);
    await waitForAlarms({ ...r, startedAt: Date.now() }, expected.filter((a) => a.after === 'bypass-registered').map((a) => ({ ...a, by: '5s' })));
  }, 110_000);

  it.concurrent('coal mine: methane over the power-off level, a feeder left live (FEED_FAULT), a miner in the goaf, people underground', async () => {
    const r = the('coal-mine');
    const seen = await waitForAlarms(r, expectedOf('coal-mine').filter((a) => a.by !== undefined));
    const feedFault = seen.find((t) => t.conditionId === 'coal-feed-check/T1-1301' && t.level === 'FEED_FAULT') as (Transition & { message?: string }) | undefined;
    expect(feedFault?.message).toContain('F-102 live');
    const zones = (await (await fetch(`${r.http}/api/people/zones`, { headers: r.session.headers() })).json()) as { zones: Array<{ zoneId: string; headcount: number }> };
    const underground = zones.zones.find((z) => z.zoneId === 'underground');
    expect(underground?.headcount).toBe(39); // 37 cards and 2 UWB tags, every one inside some reader's area
  }, 110_000);

  it.concurrent('explosives plant: a charging workshop over its headcount limit (超员), an unauthorised entry, too long in the magazine', async () => {
    const r = the('explosives-plant');
    const seen = await waitForAlarms(r, expectedOf('explosives-plant').filter((a) => a.by !== undefined));
    const over = seen.find((t) => t.conditionId === 'headcount/ws-101' && t.level === 'HEADCOUNT') as (Transition & { value?: number }) | undefined;
    expect(over?.value).toBe(4);
    expect(JSON.stringify(over?.people ?? [])).toContain('K04');
  }, 110_000);
});
