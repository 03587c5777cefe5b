import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export { authHeaders, demoAdmin, demoSession, login, provisionLogin, provisionToken, type LoginSession } from './auth.js';

/** The repository root, from tests/support (vitest) or dist/tests/support (the built bench). */
function findRoot(): string {
  for (const rel of ['../..', '../../..']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}/package.json`) && existsSync(`${dir}/src/main.ts`)) return dir.endsWith('/') ? dir : `${dir}/`;
  }
  throw new Error('cannot find the hazgate repository root');
}

export const ROOT = findRoot();
const MAIN = `${ROOT}dist/src/main.js`;

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The built gateway (`npm test` builds first) running as a real process. */
export class GatewayProcess {
  output = '';
  exitCode: number | null = null;
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.on('exit', (code, signal) => (this.exitCode = code ?? (signal ? 128 : -1)));
  }

  static spawn(args: string[], env: Record<string, string>): GatewayProcess {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new GatewayProcess(child);
  }

  async waitReady(httpBase: string, timeoutMs = 20_000): Promise<void> {
    // A gateway that exits must fail the wait at once, not at the timeout (waitFor retries throws).
    await waitFor(
      async () => this.exitCode !== null || (await fetch(`${httpBase}/readyz`).catch(() => null))?.status === 200,
      timeoutMs,
      'the gateway to be ready',
      100,
    );
    if (this.exitCode !== null) throw new Error(`gateway exited with ${this.exitCode}:\n${this.output}`);
  }

  async waitExit(timeoutMs = 10_000): Promise<number> {
    await waitFor(() => this.exitCode !== null, timeoutMs, 'the gateway to exit');
    return this.exitCode ?? -1;
  }

  kill9(): Promise<number> {
    this.child.kill('SIGKILL');
    return this.waitExit();
  }

  async stop(): Promise<number> {
    if (this.exitCode !== null) return this.exitCode;
    this.child.kill('SIGTERM');
    return this.waitExit();
  }
}
