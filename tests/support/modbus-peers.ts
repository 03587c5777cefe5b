import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './gateway-process.js';
import { waitFor } from './wait.js';

/**
 * Real Modbus peers for integration tests: Debian's pymodbus as an independent server, and socat
 * pty pairs as serial lines without hardware. tests/setup/peers.sh installs both.
 */

/** In the source tree, also when this file runs compiled from dist/ (the bench). */
const SCRIPT = `${ROOT}tests/support/pymodbus_server.py`;

export interface ChildPeer {
  readonly child: ChildProcess;
  output: string;
  stop(): Promise<void>;
}

function startChild(cmd: string, args: readonly string[], ready: (output: string) => boolean, what: string): Promise<ChildPeer> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const peer: ChildPeer = {
    child,
    output: '',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
  child.stdout?.on('data', (d: Buffer) => (peer.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (peer.output += d.toString()));
  return waitFor(() => {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${peer.output}`);
    return ready(peer.output);
  }, 10_000, what, 20).then(() => peer);
}

/** pymodbus serving tests/support/pymodbus_server.py's register map on 127.0.0.1:port (TCP) or a serial device (RTU). */
export function startPymodbus(mode: 'tcp', port: number): Promise<ChildPeer>;
export function startPymodbus(mode: 'rtu', device: string): Promise<ChildPeer>;
export function startPymodbus(mode: 'tcp' | 'rtu', where: number | string): Promise<ChildPeer> {
  if (!existsSync(SCRIPT)) throw new Error(`missing ${SCRIPT}`);
  return startChild('/usr/bin/python3', [SCRIPT, mode, String(where)], (out) => out.includes('READY'), `pymodbus ${mode} ${where}`);
}

export interface SerialPair {
  /** The two ends: what one writes, the other reads. */
  readonly a: string;
  readonly b: string;
  close(): Promise<void>;
}

/** A pty pair from socat: a null-modem cable between two serial device paths. */
export async function serialPair(): Promise<SerialPair> {
  const dir = await mkdtemp(join(tmpdir(), 'hazgate-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const peer = await startChild('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], (out) => out.includes('starting data transfer loop'), 'socat pty pair');
  return {
    a,
    b,
    async close() {
      await peer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
