import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authHeaders, provisionToken } from './auth.js';
import { freePort, GatewayProcess } from './gateway-process.js';

/**
 * A site run the way a plant runs it: `hazgate simulate` (the devices) and `hazgate start` (the
 * gateway) as two processes, on free ports given through the site's environment variables.
 */
export interface PlantProcesses {
  readonly http: string;
  /** `Authorization` of a viewer of the site (its users.db holds the user and token). */
  readonly headers: Record<string, string>;
  /** Points with their latest sample, from the REST API. */
  points(): Promise<Map<string, PointView>>;
  stop(): Promise<void>;
}

export interface PointView {
  readonly id: string;
  readonly latest?: {
    readonly value: number | boolean;
    readonly quality: { readonly level: string; readonly reason?: string };
    readonly tsSource: string;
  } | null;
}

/** `portVars` name the site's port variables besides HAZGATE_HTTP_PORT (e.g. HAZGATE_MODBUS_PORT). */
export async function startPlant(site: string, portVars: readonly string[], readyMs = 30_000): Promise<PlantProcesses> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-plant-'));
  const httpPort = await freePort();
  const env: Record<string, string> = { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_DATA_DIR: join(dir, 'data') };
  for (const v of portVars) env[v] = String(await freePort());
  const http = `http://127.0.0.1:${httpPort}`;
  const headers = authHeaders(provisionToken(join(dir, 'data', 'auth'), 'plant-viewer', 'viewer'));
  const sim = GatewayProcess.spawn(['simulate', '--config', site], env);
  const gw = GatewayProcess.spawn(['start', '--config', site], env);
  const stop = async (): Promise<void> => {
    await gw.stop();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await gw.waitReady(http, readyMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    http,
    headers,
    stop,
    async points() {
      const body = (await (await fetch(`${http}/api/points`, { headers })).json()) as { points: PointView[] };
      return new Map(body.points.map((p) => [p.id, p]));
    },
  };
}
