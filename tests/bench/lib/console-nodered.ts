import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/gateway-process.js';
import { nodeRedFlow } from './nodered-flow.js';
import { answers, spawnPeer } from './peer-process.js';

/**
 * Node-RED with its editor on, for the console section: the peer's own web UI, served by Node.js
 * as hazgate's console is. Installed by nodered.ts's installNodeRed; runs the bench's Node-RED
 * flow (nodered-flow.ts, connected to a Mosquitto of the run) so the editor opens on a deployed
 * flow of six nodes rather than an empty workspace.
 *
 * Settings as a user leaves them but for what would stop a headless load or talk to the
 * internet: editor at `/` (httpAdminRoot), no adminAuth (the editor opens without a login: the
 * console's figure starts at its login form), the welcome tour, telemetry and update checks off,
 * no projects, warn-level logs. Node-RED serves its files uncompressed (no compression middleware
 * by default) and caches nothing across the bench's fresh browser contexts.
 */
export interface NodeRedEditor {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface NodeRedEditorOptions {
  readonly installDir: string;
  readonly workDir: string;
  readonly brokerPort: number;
}

function editorSettings(port: number, flowFile: string): string {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    httpAdminRoot: '/',
    httpNodeRoot: '/api-nodes',
    flowFile,
    flowFilePretty: false,
    credentialSecret: false,
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false }, tours: false },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
  };
  return `module.exports = ${JSON.stringify(settings, null, 2)};\n`;
}

export async function startNodeRedEditor(o: NodeRedEditorOptions): Promise<NodeRedEditor> {
  const redJs = join(o.installDir, 'node_modules', 'node-red', 'red.js');
  if (!existsSync(redJs)) throw new Error(`${redJs} is missing: installNodeRed first`);
  const port = await freePort();
  mkdirSync(o.workDir, { recursive: true });
  const flowFile = join(o.workDir, 'flows.json');
  const settingsFile = join(o.workDir, 'settings.cjs');
  const flow = nodeRedFlow({ brokerHost: '127.0.0.1', brokerPort: o.brokerPort, clientId: `nodered-editor-${port}`, topic: 'bench/console/+', qos: 0, wsPath: '/ws/alarms', countPath: '/bench/count', valueField: 'value', limit: 50 });
  writeFileSync(flowFile, JSON.stringify(flow));
  writeFileSync(settingsFile, editorSettings(port, flowFile));
  const peer = spawnPeer('node-red editor', process.execPath, [redJs, '--settings', settingsFile, '--userDir', o.workDir], o.workDir);
  const url = `http://127.0.0.1:${port}/`;
  try {
    // The editor's settings answer once the runtime and its admin API are up, the flow started.
    await peer.waitReady(() => answers(`${url}settings`), 60_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  return { url, pid: peer.pid, stop: () => peer.stop() };
}
