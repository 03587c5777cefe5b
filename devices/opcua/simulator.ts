import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUAServer } from 'node-opcua';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logger.js';
import { DEFAULT_SEED, type Scenario } from '../simulator/scenario.js';
import { pointOutputAt } from '../simulator/signal.js';
import { startTickLoop, systemTimers, type Timers } from '../simulator/tick-loop.js';
import { loadItemValue, SIM_NAMESPACE_URI } from './address-model.js';
import { buildPlantNodes, writeLoadValue, writeState, type PlantNodes } from './address-space.js';
import { createCertificateStores, endpointOptions, userManagerFor, type SecurityStores } from './security.js';
import { SERVER_CERTIFICATE_DER, type OpcuaSimConfig } from './sim-config.js';
import { nextVariableState } from './variable-state.js';

export interface OpcuaSimulatorOptions {
  readonly scenario: Scenario;
  readonly config: OpcuaSimConfig;
  readonly logger: Logger;
  /** Overrides the scenario's seed (default 1). */
  readonly seed?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export interface RunningOpcuaSimulator {
  /** opc.tcp://<host>:<bound port>. */
  readonly endpointUrl: string;
  /** The server's own certificate (DER file path), so tests and `hazgate pki trust` can trust it explicitly. */
  readonly certificateFile: string;
  /** Stops ticking and shuts the server down at once (sessions are closed); resolves when the port is free. */
  stop(): Promise<void>;
  /** A snapshot: sessions open now, ticks since start. */
  readonly stats: { readonly sessions: number; readonly ticks: number };
}

/**
 * node-opcua's defaults are far above what a DCS/SIS server allows; tighter, realistic limits make
 * clients read OperationLimits and split their calls (issue 5, item 4).
 */
const SERVER_CAPABILITIES = {
  maxSessions: 50,
  operationLimits: { maxNodesPerRead: 1000, maxNodesPerBrowse: 1000, maxNodesPerTranslateBrowsePathsToNodeIds: 1000, maxMonitoredItemsPerCall: 1000 },
} as const;

/**
 * An OPC UA server exposing a scenario as an SIS/ESD model: every point a variable `ns=1;s=<id>`
 * under Objects/Plant/<Group>, updated every tick with the scenario's value and a StatusCode
 * (variable-state.ts). Its certificate is created in config.pkiDir on first start and kept.
 * Rejects with HG_ERR_SIM_LISTEN when the PKI cannot be set up or the port cannot be bound.
 */
export async function startOpcuaSimulator(options: OpcuaSimulatorOptions): Promise<RunningOpcuaSimulator> {
  const { scenario, config } = options;
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? scenario.seed ?? DEFAULT_SEED;
  const logger = options.logger.child({ component: 'opcua-simulator', scenario: scenario.name });
  const stores = createCertificateStores(config);
  watchRejections(stores, logger);
  const server = new OPCUAServer({
    host: config.host,
    port: config.port,
    // The endpoint URL names the address we listen on, so clients connect where we are.
    ...(isWildcard(config.host) ? {} : { hostname: config.host }),
    ...endpointOptions(config),
    allowAnonymous: config.allowAnonymous,
    userManager: userManagerFor(config.users),
    serverCertificateManager: stores.server,
    userCertificateManager: stores.users,
    serverInfo: { applicationUri: SIM_NAMESPACE_URI, productUri: SIM_NAMESPACE_URI, applicationName: { text: `hazgate simulator ${scenario.name}`, locale: 'en' } },
    buildInfo: { productName: 'hazgate OPC UA simulator', manufacturerName: 'hazgate' },
    serverCapabilities: SERVER_CAPABILITIES,
    maxConnectionsPerEndpoint: SERVER_CAPABILITIES.maxSessions,
  });

  let nodes: PlantNodes;
  let certificateFile: string;
  try {
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (addressSpace === null) throw new Error('node-opcua built no address space');
    nodes = buildPlantNodes(addressSpace.getOwnNamespace(), addressSpace.rootFolder.objects, scenario.points, config.loadItems);
    certificateFile = join(config.pkiDir, SERVER_CERTIFICATE_DER);
    await writeFile(certificateFile, server.getCertificate());
  } catch (error) {
    await server.shutdown(0).catch(() => undefined);
    throw startError(config, 'cannot set up its PKI or address space', error);
  }

  const counters = { ticks: 0 };
  const update = (tick: number, now: number): void => {
    const sourceTime = new Date(now);
    for (const variable of nodes.points) {
      const state = nextVariableState(variable.point, pointOutputAt(scenario, variable.point, tick * scenario.tickMs, seed), variable.last);
      if (state !== 'unchanged') writeState(variable, state, sourceTime);
    }
    nodes.loadItems.forEach((node, n) => writeLoadValue(node, loadItemValue(n, tick), sourceTime));
  };
  update(0, clock.now());

  try {
    await server.start();
  } catch (error) {
    await server.shutdown(0).catch(() => undefined);
    throw startError(config, 'cannot listen', error);
  }
  watchServer(server, logger);
  const loop = startTickLoop({
    tickMs: scenario.tickMs,
    clock,
    timers: options.timers ?? systemTimers,
    onTick: (tick, now) => {
      counters.ticks += 1;
      update(tick, now);
    },
  });
  const endpointUrl = server.getEndpointUrl();
  logger.info({ endpointUrl, securityPolicies: config.securityPolicies, securityModes: config.securityModes, points: nodes.points.length, loadItems: nodes.loadItems.length }, 'OPC UA simulator listening');

  let stopping: Promise<void> | undefined;
  return {
    endpointUrl,
    certificateFile,
    get stats() {
      return { sessions: server.currentSessionCount, ticks: counters.ticks };
    },
    stop() {
      loop.stop();
      stopping ??= server.shutdown(0).then(() => logger.info({ endpointUrl }, 'OPC UA simulator stopped'));
      return stopping;
    },
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

function startError(config: OpcuaSimConfig, what: string, error: unknown): HazgateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new HazgateError('HG_ERR_SIM_LISTEN', `OPC UA simulator on ${config.host}:${config.port} (PKI ${config.pkiDir}) ${what}: ${reason}`, { host: config.host, port: config.port, pkiDir: config.pkiDir }, error);
}

/**
 * node-opcua refuses an untrusted client certificate without a server event; the PKI store's
 * folder watcher sees the certificate land in rejected/, which is what an operator needs to know.
 */
function watchRejections(stores: SecurityStores, logger: Logger): void {
  for (const [kind, store] of [['client', stores.server], ['X.509 user', stores.users]] as const) {
    store.on('certificateAdded', (event) => {
      if (event.store === 'rejected') logger.warn({ kind, certificate: event.filename, fingerprint: event.fingerprint }, 'OPC UA certificate rejected (untrusted): move it to trusted/certs to accept it');
    });
  }
}

/** Sessions and refused channels (an untrusted client certificate, a wrong policy) are worth a line. */
function watchServer(server: OPCUAServer, logger: Logger): void {
  server.on('session_activated', (session) => logger.debug({ session: session.sessionName }, 'OPC UA session activated'));
  server.on('session_closed', (session) => logger.debug({ session: session.sessionName }, 'OPC UA session closed'));
  server.on('openSecureChannelFailure', (socketData, channelData) => {
    logger.warn({ remote: `${socketData.remoteAddress ?? '?'}:${socketData.remotePort ?? '?'}`, policy: channelData.securityPolicy, mode: MessageSecurityMode[channelData.securityMode], reason: socketData.reason }, 'OPC UA secure channel refused');
  });
}
