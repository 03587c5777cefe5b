/**
 * The webhook listener's open connections: how many per remote address, and which are between
 * requests. A new connection over a limit takes the place of the connection idle the longest
 * instead of being refused, so a host that opened many connections and left them idle (or never
 * sent a request) cannot keep every camera out; only when every connection is mid-request is the
 * new one refused. Pure: the listener passes the time and closes what this says.
 */

/** Which limit a new connection met: the listener's `maxConnections` or its address's share. */
export type ConnectionLimit = 'connection-limit' | 'address-limit';

export type Admission<C> =
  /** Keep it; `evicted`, if any, was idle and has been forgotten here: the caller closes it. */
  | { readonly admitted: true; readonly evicted?: { readonly connection: C; readonly address: string; readonly limit: ConnectionLimit } }
  /** Every connection in the way is mid-request: close the new one. */
  | { readonly admitted: false; readonly limit: ConnectionLimit };

export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
}

interface Entry {
  readonly address: string;
  /** Requests received and not yet answered (HTTP/1.1 pipelining may queue more than one). */
  inProgress: number;
  /** When its last answer went out, or when it connected. */
  idleSince: number;
}

export class ConnectionTable<C> {
  private readonly entries = new Map<C, Entry>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  get size(): number {
    return this.entries.size;
  }

  /** A new connection from `address`: admitted (after at most one idle connection is evicted) or refused. */
  admit(connection: C, address: string, now: number): Admission<C> {
    let evicted: { connection: C; address: string; limit: ConnectionLimit } | undefined;
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress) {
      const idle = this.longestIdle(address);
      if (idle === undefined) return { admitted: false, limit: 'address-limit' };
      evicted = { ...idle, limit: 'address-limit' };
    } else if (this.entries.size >= this.limits.maxConnections) {
      const idle = this.longestIdle(undefined);
      if (idle === undefined) return { admitted: false, limit: 'connection-limit' };
      evicted = { ...idle, limit: 'connection-limit' };
    }
    if (evicted !== undefined) this.remove(evicted.connection);
    this.entries.set(connection, { address, inProgress: 0, idleSince: now });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    return evicted === undefined ? { admitted: true } : { admitted: true, evicted };
  }

  /** A request arrived on it (its headers are in). */
  requestStarted(connection: C): void {
    const entry = this.entries.get(connection);
    if (entry !== undefined) entry.inProgress += 1;
  }

  /** Its answer went out, or the request was abandoned. */
  requestEnded(connection: C, now: number): void {
    const entry = this.entries.get(connection);
    if (entry === undefined || entry.inProgress === 0) return;
    entry.inProgress -= 1;
    if (entry.inProgress === 0) entry.idleSince = now;
  }

  /** It closed (or was closed); unknown connections are ignored. */
  remove(connection: C): void {
    const entry = this.entries.get(connection);
    if (entry === undefined) return;
    this.entries.delete(connection);
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left === 0) this.perAddress.delete(entry.address);
    else this.perAddress.set(entry.address, left);
  }

  /** The connection with no request in progress that has been idle the longest, from `address` or from anyone. */
  private longestIdle(address: string | undefined): { connection: C; address: string } | undefined {
    let best: { connection: C; entry: Entry } | undefined;
    for (const [connection, entry] of this.entries) {
      if (entry.inProgress > 0 || (address !== undefined && entry.address !== address)) continue;
      if (best === undefined || entry.idleSince < best.entry.idleSince) best = { connection, entry };
    }
    return best === undefined ? undefined : { connection: best.connection, address: best.entry.address };
  }
}
