import { HazgateError, systemClock, type Clock, type ComponentState, type FeedMessage } from '../core/index.js';
import { KJ_DEFAULT_LAYOUTS, checkKjLayouts, kjBatchesOf, type KjLayouts } from './kj-feed.js';
import type { KjOptions } from './kj.js';
import { netKjConnect, type KjConnect, type KjSocket } from './kj-socket.js';
import type { OutboxStats } from './outbox-bounds.js';
import { backoffDelay, systemTimers, UPLINK_BACKOFF, type BackoffOptions, type CancelTimer, type UplinkTimers } from './timers.js';

/**
 * What the exporter needs of its outbox (SqliteOutbox has it). The outbox must be the exporter's
 * own (its own folder): its ack is the exporter's cursor, so acking it deletes what was written.
 */
export interface KjExportOutbox {
  readonly site: string;
  pending(limit: number, maxBytes: number, after?: number): FeedMessage[];
  ack(upto: number): number;
  stats(): Pick<OutboxStats, 'ackedSeq' | 'lastSeq'>;
}

export interface KjTcpExporterOptions {
  readonly host: string;
  readonly port: number;
  readonly outbox: KjExportOutbox;
  readonly layouts?: KjLayouts;
  /** Database name and the centre's UTC offset for datetimes (kj.ts). */
  readonly kj?: KjOptions;
  /** Messages read from the outbox per write (default 200). */
  readonly maxMessages?: number;
  /** Body bytes read per write (default 256 KiB). */
  readonly maxBytes?: number;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** A write the OS has not taken within this time means a dead link: the connection is dropped and the write repeated on the next one (default 30 s). */
  readonly writeTimeoutMs?: number;
  /** Waits between connection attempts (default 1 s doubling to 60 s). */
  readonly reconnect?: BackoffOptions;
  /** Looks for new messages this often even without notify() (default 1 s). */
  readonly pollMs?: number;
  readonly clock?: Clock;
  readonly timers?: UplinkTimers;
  readonly connect?: KjConnect;
  /** Connection losses (once per outage) and messages that cannot be encoded; every one is counted. */
  readonly onError?: (error: HazgateError) => void;
}

export const KJ_TCP_DEFAULTS = { maxMessages: 200, maxBytes: 256 * 1024, connectTimeoutMs: 10_000, writeTimeoutMs: 30_000, pollMs: 1_000 } as const;

export interface KjTcpStats {
  readonly state: ComponentState;
  readonly reason?: string;
  /** Writes handed to the OS (each one or more KJ batches). */
  readonly writes: number;
  readonly bytesWritten: number;
  /** Feed messages written as KJ records. */
  readonly messagesExported: number;
  /** Feed messages with no KJ table (status, head, a kind whose layout is null): passed over, counted. */
  readonly messagesWithoutTable: number;
  /** Messages that could not be encoded (HG_ERR_UPLINK_BAD_MESSAGE): passed over, counted. */
  readonly messagesUnencodable: number;
  /** Outbox reads or cursor commits that failed (HG_ERR_UPLINK_OUTBOX); retried at the next poll (a chunk whose cursor was not committed is written again). */
  readonly outboxErrors: number;
  readonly connects: number;
  /** Connections lost or attempts failed. */
  readonly connectionErrors: number;
  /** The exporter's cursor: the last seq written and handed to the OS (the outbox's ack). */
  readonly cursor: number;
}

type Counters = { -readonly [K in 'writes' | 'bytesWritten' | 'messagesExported' | 'messagesWithoutTable' | 'messagesUnencodable' | 'outboxErrors' | 'connects' | 'connectionErrors']: number };

/**
 * The legacy exporter: streams the outbox's messages, as KJ batches (kjBatchesOf), to a centre over
 * one TCP connection, reconnecting with back-off. The format has no ack, so the cursor moves when a
 * write is handed to the OS: bytes in the socket's buffers when the link dies are lost, and a crash
 * between a write and the cursor's commit sends that write again (docs/uplink/kj.md).
 */
export class KjTcpExporter {
  private readonly o: Omit<KjTcpExporterOptions, 'onError'> & Required<Pick<KjTcpExporterOptions, 'layouts' | 'kj' | 'maxMessages' | 'maxBytes' | 'connectTimeoutMs' | 'writeTimeoutMs' | 'reconnect' | 'pollMs' | 'clock' | 'timers' | 'connect'>> & Pick<KjTcpExporterOptions, 'onError'>;
  private readonly c: Counters = { writes: 0, bytesWritten: 0, messagesExported: 0, messagesWithoutTable: 0, messagesUnencodable: 0, outboxErrors: 0, connects: 0, connectionErrors: 0 };
  private running = false;
  private socket: KjSocket | undefined;
  private connected = false;
  private writing: Promise<void> | undefined;
  private attempts = 0;
  private outageReported = false;
  private state: ComponentState = 'stopped';
  private reason: string | undefined;
  private retry: CancelTimer | undefined;
  private pollTimer: CancelTimer | undefined;

  /** @throws HazgateError HG_ERR_UPLINK_KJ_LAYOUT or HG_ERR_UPLINK_CONFIG at construction. */
  constructor(options: KjTcpExporterOptions) {
    this.o = { layouts: KJ_DEFAULT_LAYOUTS, kj: {}, ...KJ_TCP_DEFAULTS, reconnect: UPLINK_BACKOFF, clock: systemClock, timers: systemTimers, connect: netKjConnect, ...options };
    checkKjLayouts(this.o.layouts, this.o.kj);
    if (options.host === '' || !(Number.isInteger(options.port) && options.port >= 1 && options.port <= 65_535)) {
      throw new HazgateError('HG_ERR_UPLINK_CONFIG', `KJ exporter of site "${options.outbox.site}": "${options.host}:${options.port}" is not a host and a port 1-65535`, { host: options.host, port: options.port });
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
    this.poll();
  }

  /** New messages are in the outbox. */
  notify(): void {
    this.pump();
  }

  /** Closes the connection; what was not written stays in the outbox. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.retry?.();
    this.pollTimer?.();
    this.retry = this.pollTimer = undefined;
    this.socket?.destroy('the exporter stopped');
    this.socket = undefined;
    this.connected = false;
    await this.writing;
    this.setState('stopped');
  }

  stats(): KjTcpStats {
    return { state: this.state, ...(this.reason === undefined ? {} : { reason: this.reason }), ...this.c, cursor: this.o.outbox.stats().ackedSeq };
  }

  private open(): void {
    this.setState(this.c.connects === 0 ? 'starting' : 'down', this.reason);
    const socket = this.o.connect(this.o.host, this.o.port, this.o.connectTimeoutMs, {
      connected: () => {
        if (socket !== this.socket) return;
        this.connected = true;
        this.attempts = 0;
        this.outageReported = false;
        this.c.connects++;
        this.setState('up');
        this.pump();
      },
      closed: (reason) => this.onClosed(socket, reason),
    });
    this.socket = socket;
  }

  private onClosed(socket: KjSocket, reason: string): void {
    if (socket !== this.socket || !this.running) return;
    const wasConnected = this.connected;
    this.socket = undefined;
    this.connected = false;
    this.c.connectionErrors++;
    this.setState('down', reason);
    if (!this.outageReported) {
      const what = wasConnected ? 'lost the connection to' : 'cannot connect to';
      const message = `KJ exporter of site "${this.o.outbox.site}" ${what} ${this.o.host}:${this.o.port}: ${reason} (from seq ${this.o.outbox.stats().ackedSeq + 1} on it is sent again on the next connection)`;
      this.o.onError?.(new HazgateError('HG_ERR_UPLINK_TRANSPORT', message, { site: this.o.outbox.site, host: this.o.host, port: this.o.port }));
    }
    this.outageReported = true;
    this.retry = this.o.timers.schedule(() => {
      this.retry = undefined;
      if (this.running) this.open();
    }, backoffDelay(this.attempts++, this.o.reconnect));
  }

  private pump(): void {
    try {
      this.pumpOnce();
    } catch (error) {
      // pump runs from timers and socket callbacks: never throw there. The next poll tries again.
      this.outboxFailed(error);
    }
  }

  private pumpOnce(): void {
    const socket = this.socket;
    if (!this.running || !this.connected || socket === undefined || this.writing !== undefined) return;
    for (;;) {
      const messages = this.o.outbox.pending(this.o.maxMessages, this.o.maxBytes);
      const last = messages[messages.length - 1]?.seq;
      if (last === undefined) return;
      const { text, exported, withoutTable, unencodable } = this.encode(messages);
      if (text === '') {
        // Nothing of these has a KJ table: move past them without writing.
        this.o.outbox.ack(last);
        this.c.messagesWithoutTable += withoutTable;
        this.c.messagesUnencodable += unencodable;
        continue;
      }
      const data = Buffer.from(text, 'utf8');
      this.writing = this.write(socket, data, last, { exported, withoutTable, unencodable }).finally(() => {
        this.writing = undefined;
        this.pump();
      });
      return;
    }
  }

  private outboxFailed(error: unknown): void {
    this.c.outboxErrors++;
    const e = error instanceof HazgateError ? error : new HazgateError('HG_ERR_UPLINK_OUTBOX', `KJ exporter of site "${this.o.outbox.site}": ${String(error)}`, {}, error);
    this.o.onError?.(e);
  }

  private async write(socket: KjSocket, data: Buffer, last: number, counts: { exported: number; withoutTable: number; unencodable: number }): Promise<void> {
    const cancel = this.o.timers.schedule(() => socket.destroy(`a write of ${data.length} bytes was not taken within ${this.o.writeTimeoutMs} ms`), this.o.writeTimeoutMs);
    try {
      await socket.write(data);
    } catch {
      // The close that follows reports it; the cursor stays, so this write is repeated on the next connection.
      return;
    } finally {
      cancel();
    }
    this.c.writes++;
    this.c.bytesWritten += data.length;
    this.c.messagesExported += counts.exported;
    this.c.messagesWithoutTable += counts.withoutTable;
    this.c.messagesUnencodable += counts.unencodable;
    try {
      // Handed to the OS: this is all "written" can mean without an ack (docs/uplink/kj.md).
      this.o.outbox.ack(last);
    } catch (error) {
      // Not committed: the chunk is written again after the next read (the centre gets it twice).
      this.outboxFailed(error);
    }
  }

  /** KJ text of the messages; a message that cannot be encoded is passed over, reported and counted. */
  private encode(messages: readonly FeedMessage[]): { text: string; exported: number; withoutTable: number; unencodable: number } {
    const hasTable = (m: FeedMessage): boolean => (m.kind === 'snapshot' && this.o.layouts.realtime !== null) || (m.kind === 'journal' && this.o.layouts.alarm !== null);
    const tabled = messages.filter(hasTable);
    const withoutTable = messages.length - tabled.length;
    try {
      return { text: kjBatchesOf(tabled, this.o.layouts, this.o.kj).join(''), exported: tabled.length, withoutTable, unencodable: 0 };
    } catch {
      // One bad message must not stop the stream: encode one by one and pass over the bad ones.
      let text = '';
      let unencodable = 0;
      for (const m of tabled) {
        try {
          text += kjBatchesOf([m], this.o.layouts, this.o.kj).join('');
        } catch (cause) {
          unencodable++;
          this.o.onError?.(new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `KJ exporter of site "${m.site}": feed message ${m.id} (${m.kind}) cannot be encoded and is not exported: ${String(cause)}`, { id: m.id, kind: m.kind }, cause));
        }
      }
      return { text, exported: tabled.length - unencodable, withoutTable, unencodable };
    }
  }

  private poll(): void {
    this.pollTimer = this.o.timers.schedule(() => {
      if (!this.running) return;
      this.poll();
      this.pump();
    }, this.o.pollMs);
  }

  private setState(state: ComponentState, reason?: string): void {
    this.state = state;
    this.reason = reason;
  }
}
