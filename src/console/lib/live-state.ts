import { AlarmBook, type AlarmOrder } from './alarm-model.js';
import type { Sample, SiteView, Transition, ZoneHeadcount } from './wire.js';

/** What a message changed, for the views that show it. */
export type Topic = 'alarms' | 'values' | 'headcount' | 'flood' | 'sites' | 'hello';

export interface Flood {
  readonly position: string;
  readonly count: number;
  readonly since: number;
}

type Msg = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * The console's live picture, fed message by message from the WebSocket (gateway or centre):
 * alarms, subscribed values, headcounts, floods, centre sites. Pure: it never touches the DOM or
 * the network, and says which topics each message changed.
 */
export class LiveState {
  readonly book: AlarmBook;
  readonly values = new Map<string, Sample>();
  readonly headcounts = new Map<string, ZoneHeadcount & { readonly time?: number }>();
  readonly floods = new Map<string, Flood>();
  readonly sites = new Map<string, SiteView>();
  /** Server time minus this browser's clock, from `hello`. */
  clockOffset = 0;
  siteId: string | null = null;
  version: string | null = null;

  /** `arrival` at a gateway, `journal` at a centre (see AlarmOrder). */
  constructor(order: AlarmOrder = 'arrival') {
    this.book = new AlarmBook(order);
  }

  handle(msg: Msg, receivedAt: number): Topic[] {
    switch (msg.type) {
      case 'hello':
        if (typeof msg['serverTime'] === 'number') this.clockOffset = msg['serverTime'] - receivedAt;
        this.siteId = typeof msg['siteId'] === 'string' ? msg['siteId'] : typeof msg['centreId'] === 'string' ? msg['centreId'] : null;
        this.version = typeof msg['version'] === 'string' ? msg['version'] : null;
        // A new connection (maybe to a restarted gateway): values come again for the points subscribed.
        if (this.values.size > 0) {
          this.values.clear();
          return ['hello', 'values'];
        }
        return ['hello'];
      case 'snapshot-begin':
        this.book.beginSnapshot();
        // The server tells the floods still on after every snapshot: one that ended meanwhile goes.
        if (this.floods.size > 0) {
          this.floods.clear();
          return ['flood'];
        }
        return [];
      case 'condition':
        if (isTransition(msg)) this.book.snapshotCondition(msg);
        return this.book.inSnapshot ? [] : ['alarms'];
      case 'snapshot-end':
        this.book.endSnapshot();
        return ['alarms'];
      case 'transition':
        if (!isTransition(msg)) return [];
        this.book.apply(msg);
        return ['alarms'];
      case 'values': {
        const samples = Array.isArray(msg['samples']) ? msg['samples'] : [];
        for (const s of samples) if (isSample(s)) this.values.set(s.pointId, s);
        return ['values'];
      }
      case 'value':
        if (!isSample(msg)) return [];
        this.values.set(msg.pointId, msg);
        return ['values'];
      case 'headcount':
        if (typeof msg['zoneId'] !== 'string' || typeof msg['headcount'] !== 'number') return [];
        this.headcounts.set(msg['zoneId'], msg as unknown as ZoneHeadcount);
        return ['headcount'];
      case 'flood': {
        const position = msg['position'];
        if (typeof position !== 'string') return [];
        if (msg['flood'] === true) this.floods.set(position, { position, count: Number(msg['count']) || 0, since: Number(msg['time']) || receivedAt });
        else this.floods.delete(position);
        return ['flood'];
      }
      case 'site':
        if (typeof msg['site'] !== 'string') return [];
        // A full view or only its summary (docs/centre.md): a summary updates what it names and keeps the rest (name, alarms…).
        this.sites.set(msg['site'], { ...this.sites.get(msg['site']), ...(msg as unknown as SiteView) });
        return ['sites'];
      default:
        return [];
    }
  }

  /** The connection dropped: a snapshot in flight will not end. What was shown stays (greyed by the view) until the next snapshot replaces it. */
  disconnected(): void {
    this.book.abandonSnapshot();
  }
}

function isTransition(m: Msg): m is Msg & Transition {
  return typeof m['conditionId'] === 'string' && typeof m['state'] === 'string' && typeof m['priority'] === 'number' && typeof m['eventId'] === 'string';
}

function isSample(s: unknown): s is Sample {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as Record<string, unknown>;
  return typeof o['pointId'] === 'string' && (typeof o['value'] === 'number' || typeof o['value'] === 'boolean') && typeof o['ts'] === 'number';
}
