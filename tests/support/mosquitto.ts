import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

/**
 * A real Mosquitto for integration tests: its own temp dir, config and free port, with
 * persistence on so a stopped (SIGTERM) broker keeps sessions and queued QoS 1 messages.
 * tests/setup/peers.sh installs the binary.
 */
export interface MosquittoInstance {
  readonly url: string;
  readonly port: number;
  /** `mqtts://127.0.0.1:<tlsPort>` when started with `tls`. */
  readonly tlsUrl?: string;
  readonly tlsPort?: number;
  /** SIGTERM: Mosquitto saves its persistence file and exits. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir (stopping it first if it runs). */
  restart(): Promise<void>;
  /** SIGKILL: no final save; what the last autosave wrote survives. */
  kill(): Promise<void>;
  /** Kills it and removes its temp dir. */
  dispose(): Promise<void>;
}

export interface MosquittoOptions {
  /** Keep sessions and queued messages across stop/restart (default true). Off: a restart forgets every session. */
  readonly persistence?: boolean;
  /** More mosquitto.conf lines (e.g. the bench's `max_queued_messages`), appended after ours. */
  readonly extraConfig?: readonly string[];
  /** A second listener speaking MQTT over TLS (tests/support/tls.ts makes the files). */
  readonly tls?: MosquittoTlsListener;
  /**
   * User name → password. Given, every listener asks for them (no anonymous clients); the
   * password file is made with mosquitto_passwd.
   */
  readonly users?: Readonly<Record<string, string>>;
}

export interface MosquittoTlsListener {
  /** PEM: the CA client certificates must chain to (also what Mosquitto sends no chain from). */
  readonly ca: string;
  /** PEM: the broker's certificate and key. */
  readonly cert: string;
  readonly key: string;
  /** Refuse clients without a certificate signed by `ca` (default false). */
  readonly requireCertificate?: boolean;
}

const START_TIMEOUT_MS = 10_000;

export function findMosquitto(): string {
  return findTool('mosquitto', ['/usr/sbin/mosquitto']);
}

function findTool(name: string, fallbacks: readonly string[]): string {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const candidate of [...dirs.map((d) => join(d, name)), ...fallbacks]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next one
    }
  }
  throw new Error(`${name} not found on PATH or at ${fallbacks.join(', ')}: run \`bash tests/setup/peers.sh\``);
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoInstance> {
  const binary = findMosquitto();
  const dir = await mkdtemp(join(tmpdir(), 'hazgate-mosquitto-'));
  const port = await freePort();
  const tlsPort = options.tls === undefined ? undefined : await freePort();
  const ports = tlsPort === undefined ? [port] : [port, tlsPort];
  const passwordFile = options.users === undefined ? undefined : await writePasswordFile(dir, options.users);
  const configFile = join(dir, 'mosquitto.conf');
  const config = [
    mosquittoConfig(dir, port, options.persistence ?? true, passwordFile),
    ...(options.tls === undefined || tlsPort === undefined ? [] : [tlsListenerConfig(tlsPort, options.tls)]),
    ...(options.extraConfig ?? []).map((l) => `${l}\n`),
  ];
  await writeFile(configFile, config.join(''));
  let child: ChildProcess | undefined = await launch(binary, configFile, ports);

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await terminate(running, sig);
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    ...(tlsPort === undefined ? {} : { tlsUrl: `mqtts://127.0.0.1:${tlsPort}`, tlsPort }),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      child = await launch(binary, configFile, ports);
    },
    dispose: async () => {
      await signal('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoConfig(dir: string, port: number, persistence: boolean, passwordFile: string | undefined): string {
  return [
    `listener ${port} 127.0.0.1`,
    // Global (per_listener_settings is false): the TLS listener asks for the same users.
    ...(passwordFile === undefined ? ['allow_anonymous true'] : ['allow_anonymous false', `password_file ${passwordFile}`]),
    `persistence ${persistence}`,
    // The trailing slash matters: Mosquitto appends the file name to this verbatim.
    `persistence_location ${dir}/`,
    // Save every second, so even a SIGKILL loses at most a second of queued messages.
    'autosave_interval 1',
    // Started as root, Mosquitto would switch to user "mosquitto", who cannot write our temp dir.
    `user ${userInfo().username}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');
}

function tlsListenerConfig(port: number, tls: MosquittoTlsListener): string {
  return [
    `listener ${port} 127.0.0.1`,
    `cafile ${tls.ca}`,
    `certfile ${tls.cert}`,
    `keyfile ${tls.key}`,
    `require_certificate ${tls.requireCertificate ?? false}`,
    '',
  ].join('\n');
}

const runFile = promisify(execFile);

/** mosquitto_passwd -b writes hashed entries; the file must exist before the first -b. */
async function writePasswordFile(dir: string, users: Readonly<Record<string, string>>): Promise<string> {
  const file = join(dir, 'passwd');
  await writeFile(file, '', { mode: 0o600 });
  const tool = findTool('mosquitto_passwd', ['/usr/bin/mosquitto_passwd']);
  for (const [user, password] of Object.entries(users)) await runFile(tool, ['-b', file, user, password]);
  return file;
}

async function launch(binary: string, configFile: string, ports: readonly number[]): Promise<ChildProcess> {
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${stderr}`);
        return (await Promise.all(ports.map(accepts))).every(Boolean);
      },
      START_TIMEOUT_MS,
      `mosquitto to accept connections on 127.0.0.1:${ports.join(', ')}`,
    );
  } catch (error) {
    await terminate(child, 'SIGKILL');
    throw error;
  }
  return child;
}

function terminate(child: ChildProcess, sig: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(sig);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
