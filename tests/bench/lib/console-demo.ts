import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { demoAdmin, freePort, ROOT } from '../../support/gateway-process.js';
import { spawnPeer } from './peer-process.js';
import type { BenchContext } from './section.js';

/**
 * `hazgate demo` as a user starts it (`node dist/src/main.js demo`): the gateway, its MQTT
 * listener and the simulated tank farm in one process, on free ports of 127.0.0.1 and a data
 * folder of the run's scratch space, serving the built console at `/`.
 */
export interface ConsoleDemo {
  readonly httpBase: string;
  readonly pid: number | undefined;
  /** The administrator the demo made (`<data dir>/auth/demo-admin.txt`). */
  readonly user: string;
  readonly password: string;
  stop(): Promise<void>;
}

export async function startConsoleDemo(ctx: BenchContext): Promise<ConsoleDemo> {
  const dataDir = mkdtempSync(join(ctx.tmp, 'console-demo-'));
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const env = { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir, HAZGATE_HTTP_HOST: '127.0.0.1', HAZGATE_LOG_LEVEL: 'warn' };
  // spawnPeer passes the bench's own environment: env(1) adds the demo's and execs node (same pid).
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const peer = spawnPeer('hazgate demo', '/usr/bin/env', [...assignments, process.execPath, join(ROOT, 'dist/src/main.js'), 'demo'], ROOT);
  const httpBase = `http://127.0.0.1:${httpPort}`;
  try {
    await peer.waitReady(async () => (await fetch(`${httpBase}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200, 90_000);
    // The page itself must be there: without a console build / answers 503.
    const page = await fetch(`${httpBase}/`);
    await page.arrayBuffer();
    if (page.status !== 200) throw new Error(`GET / answered ${page.status}: build the console (npm run build)`);
    const admin = demoAdmin(join(dataDir, 'auth'));
    return { httpBase, pid: peer.pid, user: admin.user, password: admin.password, stop: () => peer.stop() };
  } catch (e) {
    await peer.stop();
    throw e;
  }
}
