import { fork, type ChildProcess } from 'node:child_process';

/**
 * A forked helper process (publisher, bare subscriber) spoken to over IPC with `{ type }`
 * messages. `next(type)` waits for that message; an `{ type: 'error' }` message or the process
 * exiting rejects it, so a dead helper fails the run instead of hanging it.
 */
export class ChildHandle<In extends { readonly type: string }, Out extends { readonly type: string }> {
  private readonly child: ChildProcess;
  private readonly inbox: Out[] = [];
  private waiter: (() => void) | undefined;
  private exitReason: string | undefined;

  constructor(modulePath: string, args: readonly string[] = []) {
    // execArgv [] : a profiled or inspected bench must not pass those flags to its helpers.
    this.child = fork(modulePath, [...args], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (m: Out) => {
      this.inbox.push(m);
      this.waiter?.();
    });
    this.child.on('exit', (code, signal) => {
      this.exitReason = `exited with ${code ?? signal ?? 'unknown'}`;
      this.waiter?.();
    });
    this.child.on('error', (e) => {
      this.exitReason = e.message;
      this.waiter?.();
    });
  }

  send(message: In): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The next message of this type (earlier messages of other types are dropped). */
  async next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.shift();
      if (m !== undefined) {
        if (m.type === type) return m as Extract<Out, { type: T }>;
        if (m.type === 'error') throw new Error(`helper process: ${JSON.stringify(m)}`);
        continue;
      }
      if (this.exitReason !== undefined) throw new Error(`helper process ${this.exitReason} before sending "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`helper process sent no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Disconnects (helpers exit on that), then SIGKILL if it is still there after a second. */
  async dispose(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }
}
