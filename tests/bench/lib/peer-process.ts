import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A peer (Node-RED, VictoriaMetrics, vmalert) running as a child process of the bench. Keeps the
 * tail of its output for error messages and always ends it: SIGTERM, then SIGKILL after a grace
 * period, so a hung peer cannot keep the bench (or its port) alive.
 */
export interface PeerProcess {
  readonly name: string;
  /** For reading the peer's CPU time or memory from /proc. */
  readonly pid: number | undefined;
  /** The last few KiB of stdout and stderr. */
  output(): string;
  exited(): boolean;
  /** Polls `ready` until it holds; throws (with the peer's output) if the peer exits first. */
  waitReady(ready: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const OUTPUT_TAIL = 4000;
const KILL_AFTER_MS = 5000;

export function spawnPeer(name: string, command: string, args: readonly string[], cwd: string): PeerProcess {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let spawnError: Error | null = null;
  const keep = (d: Buffer): void => void (tail = (tail + d.toString()).slice(-OUTPUT_TAIL));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A missing binary is reported here, not thrown: waitReady turns it into the peer's error.
  child.once('error', (e) => (spawnError = e));
  const exited = (): boolean => spawnError !== null || child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    pid: child.pid,
    output: () => tail,
    exited,
    waitReady: async (ready, timeoutMs) => {
      // Not support/wait.ts's waitFor: it retries past a thrown error, and a peer that exited
      // should fail the section at once rather than after the whole timeout.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (spawnError !== null) throw new Error(`${name} could not start: ${String(spawnError)}`);
        if (exited()) throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode ?? '?'}: ${tail}`);
        if (await ready().catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms: ${tail}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => terminate(child),
  };
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when `url` answers 2xx (within 2 s: a peer that accepts but never answers is not ready). */
export async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}
