import { excerpt } from '../core/excerpt.js';
import { FEED_VERSION, HazgateError, type FeedAck, type FeedBatch, type Logger } from '../core/index.js';
import { CentreSiteState } from './centre-apply.js';
import type { SqliteCentreStore, StoredRecord } from './centre-store-sqlite.js';
import { siteStatusChanged, summariseSite, type CentreSiteSummary } from './centre-summary.js';
import { parseFeedBatch } from './message-schema.js';
import { requireSignature } from './sign.js';

/** How a batch reached the centre. */
export type FeedChannel = 'http' | 'mqtt';

export const FEED_CHANNELS: readonly FeedChannel[] = ['http', 'mqtt'];

/** Why a batch was refused (the label of hazgate_centre_batches_refused_total). */
export type RefusalReason = 'unknown-site' | 'bad-signature' | 'bad-message' | 'wrong-partition' | 'too-large' | 'store-error';

const REFUSAL_CODES = {
  'unknown-site': 'HG_ERR_CENTRE_UNKNOWN_SITE',
  'bad-signature': 'HG_ERR_UPLINK_BAD_SIGNATURE',
  'bad-message': 'HG_ERR_UPLINK_BAD_MESSAGE',
  'wrong-partition': 'HG_ERR_CENTRE_WRONG_PARTITION',
  'too-large': 'HG_ERR_UPLINK_BAD_MESSAGE',
  'store-error': 'HG_ERR_CENTRE_STORE',
} as const;

export interface CentreFeedEvents {
  /** A journal record stored now (never for a duplicate). */
  readonly onRecord?: (record: StoredRecord) => void;
  /** A site's gaps or chain verdict changed. */
  readonly onSiteChange?: (summary: CentreSiteSummary) => void;
  /** A batch was refused (already counted): log it, throttled. */
  readonly onRefused?: (reason: RefusalReason, error: HazgateError) => void;
}

export interface CentreFeedStats {
  /** Messages stored, and deliveries of messages already stored, by site. */
  readonly applied: Map<string, number>;
  readonly duplicates: Map<string, number>;
  readonly batches: Record<FeedChannel, number>;
  readonly refused: Map<RefusalReason, number>;
  /** Site states rebuilt from the store (at first contact after a start, or found stale). */
  rebuilds: number;
}

/** What the feed needs of the store (SqliteCentreStore). */
export type CentreFeedStore = Pick<SqliteCentreStore, 'applyBatch' | 'appliedCount' | 'oldest' | 'replay'>;

export interface CentreFeedOptions {
  readonly store: CentreFeedStore;
  /** Each configured site's feed key. */
  readonly keys: ReadonlyMap<string, string>;
  /** MQTT only: apply sites without a key (the broker authenticated them). */
  readonly acceptUnknownSites: boolean;
  /** MQTT: refuse batches without a valid signature (user property x-hazgate-signature). */
  readonly requireMqttSignature?: boolean;
  readonly now: () => number;
  readonly logger: Logger;
  readonly events?: CentreFeedEvents;
}

/** A site's state in memory, the count of messages it applied (compared with the store's) and its summary. */
interface Held {
  readonly state: CentreSiteState;
  applied: number;
  summary: CentreSiteSummary;
}

/**
 * The centre's receiving side: admits a batch (site known, signature), applies it to the site's
 * state and stores it in one transaction, then answers the ack. A site's state is rebuilt from the
 * store at first contact, and again whenever the store holds messages it did not apply (another
 * centre process applied them), so what it acknowledges is always what the store holds.
 */
export class CentreFeed {
  readonly stats: CentreFeedStats = { applied: new Map(), duplicates: new Map(), batches: { http: 0, mqtt: 0 }, refused: new Map(), rebuilds: 0 };
  private readonly held = new Map<string, Held>();

  constructor(private readonly opts: CentreFeedOptions) {}

  /**
   * An HTTP(S) delivery: the body's exact bytes and its X-Hazgate-Signature, checked with the key
   * of the site the batch names. @throws HazgateError (counted): HG_ERR_CENTRE_UNKNOWN_SITE,
   * HG_ERR_UPLINK_BAD_SIGNATURE, HG_ERR_UPLINK_BAD_MESSAGE, HG_ERR_CENTRE_STORE.
   */
  receiveSigned(body: Buffer, signature: string | undefined): FeedAck {
    const json = this.parseJson(body);
    const named = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['site'] : undefined;
    // Without a site there is no key to check with: the schema's complaint is the answer.
    const site = typeof named === 'string' ? named : this.attempt('bad-message', () => parseFeedBatch(json)).site;
    const key = this.opts.keys.get(site);
    if (key === undefined) throw this.unknownSite(site, 'it has no key to check the signature with');
    this.attempt('bad-signature', () => requireSignature(site, body, key, signature));
    const batch = this.attempt('bad-message', () => parseFeedBatch(json));
    return this.apply(batch, 'http');
  }

  /**
   * An MQTT delivery on the feed topic of `site` (the broker authenticated the publisher), with the
   * signature an MQTT 5 publisher put in its user properties: checked when present (or required by
   * requireMqttSignature) and the site has a key. @throws HazgateError (counted).
   */
  receiveFromTopic(site: string, payload: Buffer, signature?: string): FeedAck {
    const key = this.opts.keys.get(site);
    if (key === undefined && (!this.opts.acceptUnknownSites || this.opts.requireMqttSignature === true)) {
      throw this.unknownSite(site, this.opts.acceptUnknownSites ? 'signatures are required and it has no key' : 'acceptUnknownSites is off');
    }
    if (key !== undefined && (signature !== undefined || this.opts.requireMqttSignature === true)) {
      this.attempt('bad-signature', () => requireSignature(site, payload, key, signature));
    }
    const batch = this.attempt('bad-message', () => parseFeedBatch(this.parseJson(payload)));
    if (batch.site !== site) {
      const [onTopic, named] = [excerpt(site), excerpt(batch.site)];
      throw this.refuse('bad-message', new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed batch of site "${named}" arrived on the topic of site "${onTopic}"`, { site: onTopic, batchSite: named }));
    }
    return this.apply(batch, 'mqtt');
  }

  /** Counts a refusal found outside (a body over the size limit, a batch on the wrong partition) and returns the error. */
  refuse(reason: RefusalReason, error: HazgateError): HazgateError {
    this.stats.refused.set(reason, (this.stats.refused.get(reason) ?? 0) + 1);
    this.opts.events?.onRefused?.(reason, error);
    return error;
  }

  /** Drops the site's state from memory (its partition went to another process); rebuilt from the store at its next batch. */
  forget(site: string): void {
    this.held.delete(site);
  }

  /** The site's summary as its state (rebuilt from the store when not held or stale) has it now. @throws HazgateError HG_ERR_CENTRE_STORE. */
  summary(site: string): CentreSiteSummary {
    return this.stateOf(site).summary;
  }

  /** Sites whose state is in memory. */
  sitesHeld(): string[] {
    return [...this.held.keys()];
  }

  private apply(batch: FeedBatch, channel: FeedChannel): FeedAck {
    const site = batch.site;
    const held = this.attempt('store-error', () => this.stateOf(site));
    const before = held.summary;
    const result = held.state.applyBatch(batch);
    const after = summariseSite(held.state.report());
    let stored;
    try {
      const distrusted = new Set(result.tampered.filter((t) => t.problem !== 'head-mismatch').map((t) => t.seq));
      stored = this.opts.store.applyBatch(batch, this.opts.now(), after, distrusted);
    } catch (e) {
      // The state applied what the store did not keep: rebuild it from the store next time.
      this.held.delete(site);
      throw this.refuse('store-error', asCoded(e, 'HG_ERR_CENTRE_STORE'));
    }
    held.applied += result.results.filter((r) => r !== 'duplicate').length;
    held.summary = after;
    this.stats.batches[channel]++;
    const applied = stored.results.filter((r) => r === 'applied').length;
    add(this.stats.applied, site, applied);
    add(this.stats.duplicates, site, stored.results.length - applied);
    this.report(batch, result.results, result.tampered);
    for (const r of stored.records) this.opts.events?.onRecord?.(r);
    if (siteStatusChanged(before, after)) this.opts.events?.onSiteChange?.(after);
    return { v: FEED_VERSION, site, upto: result.ackUpto };
  }

  private stateOf(site: string): Held {
    const held = this.held.get(site);
    const stored = this.opts.store.appliedCount(site);
    if (held !== undefined && held.applied === stored) return held;
    const state = new CentreSiteState(site);
    let applied = 0;
    for (const msg of this.opts.store.replay(site)) if (state.apply(msg) !== 'duplicate') applied++;
    const oldest = this.opts.store.oldest(site);
    if (oldest > 1) state.markLost(oldest);
    const fresh = { state, applied, summary: summariseSite(state.report()) };
    this.held.set(site, fresh);
    this.stats.rebuilds++;
    return fresh;
  }

  private report(batch: FeedBatch, results: ReturnType<CentreSiteState['applyBatch']>['results'], tampered: ReturnType<CentreSiteState['applyBatch']>['tampered']): void {
    const gaps = results.flatMap((r) => (typeof r === 'object' ? [r.gap] : []));
    if (gaps.length > 0) {
      this.opts.logger.warn({ code: 'HG_ERR_CENTRE_FEED_GAP', site: batch.site, gaps, oldest: batch.oldest }, `feed of site ${batch.site} is missing messages ${gaps.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`);
    }
    if (tampered.length > 0) {
      const what = tampered.map((t) => `${t.problem} at journal seq ${t.seq}`).join(', ');
      this.opts.logger.error({ code: 'HG_ERR_CENTRE_CHAIN_BROKEN', site: batch.site, tampered }, `journal chain of site ${batch.site} is broken: ${what}`);
    }
  }

  private parseJson(body: Buffer): unknown {
    return this.attempt('bad-message', () => {
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch (e) {
        throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed batch is not JSON: ${(e as Error).message}`, {}, e);
      }
    });
  }

  private unknownSite(site: string, why: string): HazgateError {
    // An unknown site's name is whatever the sender wrote, as long as it likes.
    const named = excerpt(site);
    return this.refuse('unknown-site', new HazgateError('HG_ERR_CENTRE_UNKNOWN_SITE', `feed batch of site "${named}" refused: the site is not configured (${why})`, { site: named }));
  }

  /** Runs a step; a coded error it throws is counted under `reason` and rethrown. */
  private attempt<T>(reason: RefusalReason, step: () => T): T {
    try {
      return step();
    } catch (e) {
      throw this.refuse(reason, asCoded(e, REFUSAL_CODES[reason]));
    }
  }
}

function add(counts: Map<string, number>, key: string, n: number): void {
  if (n > 0) counts.set(key, (counts.get(key) ?? 0) + n);
}

function asCoded(e: unknown, code: (typeof REFUSAL_CODES)[RefusalReason]): HazgateError {
  if (e instanceof HazgateError) return e;
  return new HazgateError(code, e instanceof Error ? e.message : String(e), {}, e);
}
