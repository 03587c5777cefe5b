import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { waitFor } from './wait.js';

/**
 * A real Mosquitto for integration tests: its own temp dir, config and free port, with
 * persistence on so a stopped (SIGTERM) broker keeps sessions and queued QoS 1 messages.
 * tests/setup/peers.sh installs the binary.
 */
export interface MosquittoInstance {
  readonly url: string;
  readonly port: number;
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
}

const START_TIMEOUT_MS = 10_000;

export function findMosquitto(): string {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const candidate of [...dirs.map((d) => join(d, 'mosquitto')), '/usr/sbin/mosquitto']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next one
    }
  }
  throw new Error('mosquitto not found on PATH or at /usr/sbin/mosquitto: run `bash tests/setup/peers.sh`');
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoInstance> {
  const binary = findMosquitto();
  const dir = await mkdtemp(join(tmpdir(), 'hazgate-mosquitto-'));
  const port = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(configFile, mosquittoConfig(dir, port, options.persistence ?? true) + (options.extraConfig ?? []).map((l) => `${l}\n`).join(''));
  let child: ChildProcess | undefined = await launch(binary, configFile, port);

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await terminate(running, sig);
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      child = await launch(binary, configFile, port);
    },
    dispose: async () => {
      await signal('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoConfig(dir: string, port: number, persistence: boolean): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
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

async function launch(binary: string, configFile: string, port: number): Promise<ChildProcess> {
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${stderr}`);
        return accepts(port);
      },
      START_TIMEOUT_MS,
      `mosquitto to accept connections on 127.0.0.1:${port}`,
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
