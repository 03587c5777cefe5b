import WebSocket from 'ws';

/**
 * Asks a Node process started with `--inspect=127.0.0.1:<port>` for a full, memory-reducing
 * garbage collection (DevTools protocol `HeapProfiler.collectGarbage`), so its resident memory can
 * be read in a GC-settled state from outside, without changing the process. Without it the
 * figure depends on luck: a gateway that has not needed a major GC since start-up still carries
 * the garbage of its config parse (≈ 1.1 GB for 100,000 points) in its heap.
 */
export async function collectGarbage(inspectPort: number, timeoutMs = 30_000): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as ReadonlyArray<{ webSocketDebuggerUrl?: unknown }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (typeof url !== 'string') throw new Error(`no inspector target on port ${inspectPort}`);
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HeapProfiler.collectGarbage took over ${timeoutMs} ms`)), timeoutMs);
      socket.on('message', (data: WebSocket.RawData) => {
        const reply = JSON.parse(data.toString()) as { id?: unknown; error?: { message?: unknown } };
        if (reply.id !== 1) return; // events, not our answer
        clearTimeout(timer);
        if (reply.error !== undefined) reject(new Error(`HeapProfiler.collectGarbage: ${String(reply.error.message)}`));
        else resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    socket.close();
  }
}
