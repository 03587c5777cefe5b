import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HazgateError, systemClock, type Clock, type FeedAck, type FeedBatch } from '../core/index.js';
import { batchHeaders } from './sign.js';
import { systemTimers, type UplinkTimers } from './timers.js';
import { readTlsFiles, type UplinkTlsMaterial, type UplinkTlsOptions } from './tls-files.js';
import { parseAckText, TransportState, type TransportStatus, type UplinkTransport } from './transport.js';

export interface HttpsTransportOptions {
  /** Where batches are POSTed: `https://centre.example/feed`. `http://` is taken for a relay on the same host only: the feed would cross the network in clear. */
  readonly url: string;
  readonly site: string;
  /** The site's HMAC key: every batch is signed (X-Hazgate-Signature). */
  readonly key: string;
  readonly tls?: UplinkTlsOptions;
  /** Whole request, connect to last response byte (default 30 s). */
  readonly timeoutMs?: number;
  /** A longer answer is cut off and treated as a bad ack (default 64 KiB). */
  readonly maxResponseBytes?: number;
  readonly clock?: Clock;
  readonly timers?: UplinkTimers;
}

export const HTTPS_TRANSPORT_DEFAULTS: Readonly<Required<Pick<HttpsTransportOptions, 'timeoutMs' | 'maxResponseBytes'>>> = { timeoutMs: 30_000, maxResponseBytes: 64 * 1024 };

/** Statuses that mean "try again later", not "you are wrong" (RFC 9110 15.5.9, RFC 6585 4). */
const RETRYABLE_4XX = new Set([408, 429]);

/**
 * The feed over HTTPS: each batch is one POST of its JSON text with the signature and
 * Idempotency-Key headers (sign.ts); a 2xx answer carries the centre's ack (FeedAck JSON) and is
 * passed to onAck before send() resolves. 408, 429, 5xx and network failures are
 * HG_ERR_UPLINK_TRANSPORT (retried with back-off); any other answer (401 bad signature, 404 wrong
 * URL, a redirect) is HG_ERR_UPLINK_REFUSED: a misconfiguration, retried slowly, nothing dropped.
 */
export class HttpsTransport implements UplinkTransport {
  readonly kind = 'https';
  private readonly o: HttpsTransportOptions & Required<Pick<HttpsTransportOptions, 'timeoutMs' | 'maxResponseBytes' | 'clock' | 'timers'>>;
  private readonly target: URL;
  private readonly state: TransportState;
  private readonly tls: UplinkTlsMaterial;
  private agent: HttpAgent | undefined;
  private readonly active = new Set<ClientRequest>();

  /** @throws HazgateError HG_ERR_UPLINK_CONFIG (URL, key, TLS files) before anything is opened. */
  constructor(options: HttpsTransportOptions) {
    this.o = { ...HTTPS_TRANSPORT_DEFAULTS, clock: systemClock, timers: systemTimers, ...options };
    const problems: string[] = [];
    let target: URL | undefined;
    try {
      target = new URL(options.url);
    } catch {
      // reported below
    }
    if (target === undefined || (target.protocol !== 'https:' && target.protocol !== 'http:')) problems.push(`"${options.url}" is not an https:// URL`);
    if (options.key.length === 0) problems.push('the signing key is empty');
    if (problems.length > 0 || target === undefined) throw new HazgateError('HG_ERR_UPLINK_CONFIG', `uplink https of site "${options.site}": ${problems.join('; ')}`, { site: options.site, problems });
    this.target = target;
    this.state = new TransportState(() => this.o.clock.now());
    // Read now: a missing CA file fails at boot, not at the first batch.
    this.tls = readTlsFiles(options.tls, `uplink https ${options.url}`);
  }

  async start(): Promise<void> {
    if (this.agent !== undefined) return;
    this.agent = this.target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...this.tls }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    // Nothing to connect to in advance: the first POST tells.
    this.state.set('starting');
  }

  send(batch: FeedBatch): Promise<void> {
    const agent = this.agent;
    if (agent === undefined) return Promise.reject(this.transportError('the uplink is stopped'));
    const body = JSON.stringify(batch);
    const headers = { ...batchHeaders(batch, body, this.o.key), 'content-length': String(Buffer.byteLength(body)) };
    const request = this.target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error?: HazgateError): void => {
        if (settled) return;
        settled = true;
        cancelDeadline();
        this.active.delete(req);
        if (error === undefined) resolve();
        else reject(error);
      };
      const req = request(this.target, { method: 'POST', agent, headers }, (res) => this.readAnswer(res, finish));
      this.active.add(req);
      const cancelDeadline = this.o.timers.schedule(() => req.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      req.on('error', (error) => finish(this.failed(this.transportError(`POST ${this.target.href} failed: ${error.message}`, error))));
      req.end(body);
    });
  }

  onAck(callback: (ack: FeedAck) => void): void {
    this.state.addAckListener(callback);
  }

  onError(callback: (error: HazgateError) => void): void {
    this.state.addErrorListener(callback);
  }

  onStatus(callback: (status: TransportStatus) => void): void {
    this.state.addStatusListener(callback);
  }

  async stop(): Promise<void> {
    const agent = this.agent;
    if (agent === undefined) return;
    this.agent = undefined;
    for (const req of [...this.active]) req.destroy(new Error('the uplink stopped'));
    agent.destroy();
    this.state.set('stopped');
  }

  status(): TransportStatus {
    return this.state.status();
  }

  private readAnswer(res: IncomingMessage, finish: (error?: HazgateError) => void): void {
    const chunks: Buffer[] = [];
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= this.o.maxResponseBytes) chunks.push(chunk);
    });
    res.on('error', () => undefined);
    // Cut off mid-answer (the deadline, a reset): 'end' never comes.
    res.on('close', () => {
      if (!res.complete) finish(this.failed(this.transportError(`the answer from ${this.target.href} was cut off`)));
    });
    res.on('end', () => {
      const status = res.statusCode ?? 0;
      const text = Buffer.concat(chunks).toString('utf8');
      if (status >= 200 && status < 300) finish(this.accepted(text));
      else if (status >= 500 || RETRYABLE_4XX.has(status)) finish(this.failed(this.transportError(`the centre answered ${status}: ${snippet(text)}`)));
      else finish(this.refused(status, text));
    });
  }

  /** Handed over; the ack in the answer goes to the sender before send() resolves. */
  private accepted(text: string): undefined {
    this.state.set('up');
    let ack: FeedAck;
    try {
      ack = parseAckText(this.o.site, text);
    } catch (error) {
      // The centre took the batch but said nothing usable: the sender's ack timeout sends it again.
      this.state.badAcks++;
      if (error instanceof HazgateError) this.state.error(error);
      return undefined;
    }
    this.state.ack(ack);
    return undefined;
  }

  private refused(status: number, text: string): HazgateError {
    const why = status === 401 ? ' (signature or key rejected)' : status >= 300 && status < 400 ? ' (a redirect: redirects are not followed, configure the final URL)' : '';
    const message = `uplink https of site "${this.o.site}": the centre refused the batch with ${status}${why}: ${snippet(text)}`;
    this.state.set('degraded', `refused with ${status}`);
    return new HazgateError('HG_ERR_UPLINK_REFUSED', message, { site: this.o.site, url: this.target.href, status });
  }

  private failed(error: HazgateError): HazgateError {
    this.state.set('down', error.message);
    return error;
  }

  private transportError(message: string, cause?: unknown): HazgateError {
    return new HazgateError('HG_ERR_UPLINK_TRANSPORT', `uplink https of site "${this.o.site}": ${message}`, { site: this.o.site, url: this.target.href }, cause);
  }
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length === 0 ? '(no body)' : t.length > 200 ? `${t.slice(0, 200)}…` : t;
}
