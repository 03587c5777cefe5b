import WebSocket from 'ws';
import { waitFor } from './wait.js';

export type WsMessage = Record<string, unknown> & { type: string };

/** A real WebSocket client that records every message, for tests. */
export class RecordingWsClient {
  readonly messages: WsMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as WsMessage));
  }

  /** Connects with a bearer `token`, or `headers` (a session's cookie and Origin, say). */
  static async connect(url: string, options: { readonly token?: string; readonly headers?: Record<string, string> } = {}): Promise<RecordingWsClient> {
    const headers = { ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }), ...options.headers };
    const socket = new WebSocket(url, { headers });
    const client = new RecordingWsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(msg: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(msg));
  }

  ofType(type: string): WsMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  async waitForMessage(predicate: (m: WsMessage) => boolean, timeoutMs: number, what: string): Promise<WsMessage> {
    let found: WsMessage | undefined;
    await waitFor(() => (found = this.messages.find(predicate)) !== undefined, timeoutMs, what);
    return found as WsMessage;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
