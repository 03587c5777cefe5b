import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/gateway-process.js';
import { waitFor } from '../../support/wait.js';
import { nodeRedFlow, type NodeRedFlowOptions } from './nodered-flow.js';
import { spawnPeer } from './peer-process.js';

/**
 * Node-RED as a benchmark peer: installed by the bench into its own folder (never the repo's
 * node_modules, so it cannot leak into hazgate's dependency tree) and started headless.
 */
export const NODE_RED_VERSION = '4.1.8';

/** `<root>/.bench-peers/node-red` (git-ignored): kept between runs so the install happens once. */
export const nodeRedDir = (root: string): string => join(root, '.bench-peers', 'node-red');

function installedVersion(dir: string): string | null {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(dir, 'node_modules', 'node-red', 'package.json'), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** Installs node-red@NODE_RED_VERSION into `dir` unless that version is already there. */
export function installNodeRed(dir: string, log: (m: string) => void): void {
  if (installedVersion(dir) === NODE_RED_VERSION) return;
  mkdirSync(dir, { recursive: true });
  log(`installing node-red@${NODE_RED_VERSION} into ${dir}`);
  const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', dir, `node-red@${NODE_RED_VERSION}`], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (npm.status !== 0) throw new Error(`npm install node-red@${NODE_RED_VERSION} failed (${npm.status ?? npm.signal ?? 'no status'}): ${(npm.stderr ?? '').slice(-1500)}`);
  const got = installedVersion(dir);
  if (got !== NODE_RED_VERSION) throw new Error(`node-red ${NODE_RED_VERSION} not found in ${dir} after install (found ${got ?? 'nothing'})`);
}

export interface NodeRedInstance {
  readonly port: number;
  readonly pid: number | undefined;
  /** ws:// URL of the websocket out node's listener. */
  readonly wsUrl: string;
  /** Messages that went through the count node since start. */
  count(): Promise<number>;
  stop(): Promise<void>;
}

export type StartNodeRedOptions = Omit<NodeRedFlowOptions, 'countPath' | 'clientId'> & {
  /** Folder holding node_modules/node-red. */
  readonly installDir: string;
  /** Scratch folder for userDir, settings and flow file. */
  readonly workDir: string;
  /** `sync` (default, the bench's): runtimeSyncDelivery on; `async`: Node-RED's default, to compare. */
  readonly delivery?: 'sync' | 'async';
};

const COUNT_PATH = '/bench/count';

/**
 * Headless settings: no editor or admin API (httpAdminRoot false), http-in nodes still served on
 * httpNodeRoot, no credential secret prompt, no telemetry or update checks, warn-level logs.
 *
 * `runtimeSyncDelivery: true` is the peer at its best: since 1.0 Node-RED hands every message to
 * the next node through setImmediate; this (undocumented, read by @node-red/runtime flows/Flow.js)
 * setting calls the next node directly. Two instances fed the same messages side by side spent
 * 27.8 (sync) against 29.8 (async) µs of CPU per message: a small gain, but a gain.
 */
function settingsSource(port: number, flowFile: string, delivery: 'sync' | 'async'): string {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    httpAdminRoot: false,
    httpNodeRoot: '/',
    flowFile,
    flowFilePretty: false,
    runtimeSyncDelivery: delivery === 'sync',
    credentialSecret: false,
    disableEditor: true,
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false } },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
  };
  return `module.exports = ${JSON.stringify(settings, null, 2)};\n`;
}

export async function startNodeRed(o: StartNodeRedOptions): Promise<NodeRedInstance> {
  const redJs = join(o.installDir, 'node_modules', 'node-red', 'red.js');
  if (!existsSync(redJs)) throw new Error(`${redJs} is missing: installNodeRed first`);
  const port = await freePort();
  mkdirSync(o.workDir, { recursive: true });
  const flowFile = join(o.workDir, 'flows.json');
  const settingsFile = join(o.workDir, 'settings.cjs');
  writeFileSync(flowFile, JSON.stringify(nodeRedFlow({ ...o, countPath: COUNT_PATH, clientId: `nodered-bench-${port}` })));
  writeFileSync(settingsFile, settingsSource(port, flowFile, o.delivery ?? 'sync'));
  const peer = spawnPeer('node-red', process.execPath, [redJs, '--settings', settingsFile, '--userDir', o.workDir], o.workDir);
  const base = `http://127.0.0.1:${port}`;
  const count = async (): Promise<number> => {
    // Generous: under overload Node-RED answers late, and a late count is still a count.
    const res = await fetch(`${base}${COUNT_PATH}`, { signal: AbortSignal.timeout(15_000) });
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null || !('count' in body) || typeof body.count !== 'number') throw new Error(`node-red ${COUNT_PATH} answered ${JSON.stringify(body)}`);
    return body.count;
  };
  try {
    await peer.waitReady(() => count().then(() => true), 60_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  return { port, pid: peer.pid, wsUrl: `ws://127.0.0.1:${port}${o.wsPath}`, count, stop: () => peer.stop() };
}

/**
 * The count endpoint answers before the MQTT in node has subscribed: publish a below-limit reading
 * on `topic` until the count moves, so no measured reading is lost to a late subscription.
 */
export async function waitSubscribed(nodeRed: NodeRedInstance, publish: () => void, timeoutMs = 30_000): Promise<void> {
  const before = await nodeRed.count();
  await waitFor(
    async () => {
      publish();
      return (await nodeRed.count()) > before;
    },
    timeoutMs,
    'node-red to receive MQTT messages',
    200,
  );
}
