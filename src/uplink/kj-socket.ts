import { connect } from 'node:net';

/** What the KJ exporter hears of its connection. */
export interface KjSocketEvents {
  connected(): void;
  /** Once per connection (or failed attempt), with the cause as far as known. */
  closed(reason: string): void;
}

/** The few calls the KJ exporter makes on a TCP connection, so unit tests can use a fake. */
export interface KjSocket {
  /** Resolves when the bytes are handed to the operating system (not when the centre has them: TCP says nothing of that to us). */
  write(data: Buffer): Promise<void>;
  /** Closes at once; a write in progress rejects. */
  destroy(reason: string): void;
}

export type KjConnect = (host: string, port: number, connectTimeoutMs: number, events: KjSocketEvents) => KjSocket;

/** The idle time before TCP keep-alive probes start (the OS's interval and count do the rest). */
const KEEPALIVE_MS = 10_000;

/** KjConnect on node:net. */
export const netKjConnect: KjConnect = (host, port, connectTimeoutMs, events) => {
  const socket = connect({ host, port });
  let lastError: Error | undefined;
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEPALIVE_MS);
  socket.setTimeout(connectTimeoutMs);
  socket.once('timeout', () => socket.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)));
  socket.once('connect', () => {
    socket.setTimeout(0);
    events.connected();
  });
  // The format has no answers; whatever a centre sends is read and dropped so it cannot fill our buffers.
  socket.on('data', () => undefined);
  socket.on('error', (error) => {
    lastError = error;
  });
  socket.once('close', () => events.closed(lastError?.message ?? 'closed by the centre'));
  return {
    write: (data) =>
      new Promise((resolve, reject) => {
        socket.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    destroy: (reason) => socket.destroy(new Error(reason)),
  };
};
