import { fileURLToPath } from 'node:url';
import { loadLocationScenario, loadScenario, startCameraSimulator, startLocationSimulator, startModbusSimulator, startMqttSimulator, startOpcuaSimulator, startSparkplugEdge } from '../../devices/index.js';
import { Gateway, loadSite, usersDirOf, VERSION, type SiteConfig } from '../app/index.js';
import { formatProblems } from '../config/index.js';
import { systemClock, type Logger } from '../core/index.js';
import { ensureDemoAdmin, type DemoAdmin } from './demo-admin.js';

export const EXIT = { ok: 0, invalidConfig: 1, usage: 2, startFailed: 3, checksFailed: 4 } as const;

/** Something to stop on SIGINT/SIGTERM; a gateway also reloads its site file on SIGHUP. */
export interface Running {
  stop(): Promise<void>;
  reload?(by: { user: string; address: string | null }): Promise<unknown>;
}

export const DEMO_SITE = fileURLToPath(new URL('../../../deploy/sites/demo-tank-farm.yaml', import.meta.url));

/** Loads a site or prints every problem (stderr) and returns null. */
export function loadOrReport(file: string): SiteConfig | null {
  const out = loadSite(file);
  if (out.ok) return out.config;
  process.stderr.write(`${file}: ${out.problems.length} problem(s)\n${formatProblems(out.problems)}\n`);
  return null;
}

export function runValidate(file: string): number {
  const config = loadOrReport(file);
  if (config === null) return EXIT.invalidConfig;
  process.stdout.write(`${file}: ok (${config.points.length} points, ${config.rules.length} rules, ${config.adapters.length} adapters)\n`);
  return EXIT.ok;
}

/** `file`: the site file, read again on SIGHUP (docs/reload.md). */
export async function runStart(config: SiteConfig, logger: Logger, file?: string): Promise<Running> {
  const gw = await Gateway.start(config, { clock: systemClock, logger, ...(file === undefined ? {} : { configFile: file }) });
  logger.info({ url: gw.url, site: config.site.id, version: VERSION }, `hazgate ${VERSION} serving site ${config.site.id} at ${gw.url}`);
  return gw;
}

/**
 * The site's simulated plant: a Modbus simulator for each server under `simulator.modbus`, an OPC
 * UA server for `simulator.opcua`, and the MQTT simulator when the section names a broker `url`
 * (or has neither of the others).
 */
export async function runSimulate(config: SiteConfig, logger: Logger): Promise<Running> {
  const sim = config.simulator;
  if (sim === undefined) throw new Error(`the site ${config.site.id} has no simulator section`);
  const scenario = await loadScenario(sim.scenario);
  const seed = sim.seed === undefined ? {} : { seed: sim.seed };
  const running: Running[] = [];
  try {
    if (sim.modbus !== undefined && sim.modbus.length > 0) {
      const modbus = await startModbusSimulator({ scenario, servers: sim.modbus, logger: logger.child({ simulator: 'modbus' }), ...seed });
      running.push(modbus);
      const where = sim.modbus.map((s, i) => (s.transport.type === 'tcp' ? `tcp://${s.transport.host}:${modbus.ports[i] ?? s.transport.port}` : `rtu:${s.transport.path}`));
      logger.info({ scenario: scenario.name, servers: where }, `Modbus simulator playing ${scenario.name} on ${where.join(', ')}`);
    }
    if (sim.opcua !== undefined) {
      const opcua = await startOpcuaSimulator({ scenario, config: sim.opcua, logger: logger.child({ simulator: 'opcua' }), ...seed });
      running.push(opcua);
      logger.info({ scenario: scenario.name, endpointUrl: opcua.endpointUrl, certificate: opcua.certificateFile }, `OPC UA simulator playing ${scenario.name} at ${opcua.endpointUrl}`);
    }
    if (sim.location !== undefined) {
      const url = sim.location.url ?? sim.url ?? 'mqtt://127.0.0.1:1883';
      const location = await startLocationSimulator({ scenario: await loadLocationScenario(sim.location.scenario), url, topic: sim.location.topic, logger: logger.child({ simulator: 'location' }), ...seed });
      running.push(location);
      logger.info({ url, topic: sim.location.topic }, `location simulator publishing tags to ${url}`);
    }
    if (sim.video !== undefined) {
      const video = await startCameraSimulator({ url: sim.video.url, heartbeatMs: sim.video.heartbeat, ...(sim.video.loop === undefined ? {} : { loopMs: sim.video.loop }) });
      running.push(video);
      logger.info({ url: sim.video.url }, `camera simulator posting alerts to ${sim.video.url}`);
    }
    if (sim.sparkplug !== undefined) {
      const url = sim.sparkplug.url ?? sim.url ?? 'mqtt://127.0.0.1:1883';
      running.push(await startSparkplugEdge({ scenario, url, group: sim.sparkplug.group, node: sim.sparkplug.node, devices: sim.sparkplug.devices, logger: logger.child({ simulator: 'sparkplug' }), ...seed }));
      logger.info({ url, group: sim.sparkplug.group, node: sim.sparkplug.node }, `Sparkplug edge node ${sim.sparkplug.group}/${sim.sparkplug.node} playing ${scenario.name} to ${url}`);
    }
    const others = (sim.modbus?.length ?? 0) > 0 || sim.opcua !== undefined || sim.sparkplug !== undefined;
    if (sim.url !== undefined || !others) {
      const url = sim.url ?? 'mqtt://127.0.0.1:1883';
      running.push(await startMqttSimulator({ scenario, url, topicPrefix: sim.topicPrefix, logger, ...seed }));
      logger.info({ scenario: scenario.name, url }, `simulator playing ${scenario.name} to ${url}`);
    }
  } catch (e) {
    for (const r of running) await r.stop();
    throw e;
  }
  return {
    async stop() {
      for (const r of running) await r.stop();
    },
  };
}

/** The gateway and its simulated plant in one process: what `npm start` runs. */
export async function runDemo(config: SiteConfig, logger: Logger, configFile: string | undefined): Promise<Running> {
  const admin = await ensureDemoAdmin(usersDirOf(config));
  const gw = await Gateway.start(config, { clock: systemClock, logger });
  const sim = await runSimulate(config, logger.child({ component: 'simulator' }));
  const base = gw.url.replace('0.0.0.0', '127.0.0.1');
  process.stdout.write(demoBanner(base.replace(/^http/, 'ws'), base, config, loginBanner(base, admin, configFile)));
  return {
    async stop() {
      await sim.stop();
      await gw.stop();
    },
  };
}

function demoBanner(ws: string, http: string, config: SiteConfig, login: string): string {
  return `
  hazgate ${VERSION} demo: site ${config.site.id}, ${config.points.length} points, simulated plant on ${plantOf(config)}
    console       ${http}/                     (the supervisor console: open it in a browser and log in)
    alarms        ${http}/api/alarms          (the scenario raises gas alarms within ~30 s)
    points        ${http}/api/points
    history       ${http}/api/points/${config.points[0]?.id ?? 'POINT'}/history
    live feed     ${ws}/ws                     (snapshot, then every transition)
    metrics       ${http}/metrics
    acknowledge   curl -X POST ${http}/api/alarms/<conditionId>/ack -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"eventId":"…","comment":"seen"}'
${login}

  Ctrl-C stops it.

`;
}

/** How to log in: every route but the probes and /metrics wants a user (docs/auth.md). */
function loginBanner(http: string, admin: DemoAdmin, configFile: string | undefined): string {
  const name = admin.created?.user ?? 'NAME';
  const config = configFile === undefined ? '' : ` --config ${configFile}`;
  const lines = [
    `    console       curl -c jar -H 'content-type: application/json' -d '{"user":"${name}","password":"…"}' ${http}/api/login`,
    `    API token     TOKEN=$(node dist/src/main.js user token ${name}${config})   then -H "Authorization: Bearer $TOKEN"`,
  ];
  if (admin.created === null) {
    const where = admin.file === null ? '' : ` (the demo administrator's password is in ${admin.file})`;
    return [``, `  Log in as a user of ${admin.usersDb}${where}:`, ...lines].join('\n');
  }
  return [
    ``,
    `  Log in: ${admin.usersDb} had no user, so the demo made one. Its password is shown this once`,
    `  (also in ${admin.file ?? ''}, readable by you only):`,
    `    user          ${admin.created.user}`,
    `    password      ${admin.created.password}`,
    ...lines,
  ].join('\n');
}

function plantOf(config: SiteConfig): string {
  const sim = config.simulator;
  const modbus = (sim?.modbus ?? []).map((s) => (s.transport.type === 'tcp' ? `modbus-tcp://${s.transport.host}:${s.transport.port}` : `modbus-rtu:${s.transport.path}`));
  const opcua = sim?.opcua === undefined ? [] : [`opc.tcp://${sim.opcua.host}:${sim.opcua.port}`];
  return [...(sim?.url === undefined ? [] : [sim.url]), ...modbus, ...opcua].join(', ');
}
