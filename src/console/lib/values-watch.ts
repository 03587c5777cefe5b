/** One view's live values: the points it wants now; `set` sends only what changed. */
export interface ValuesWatcher {
  set(pointIds: Iterable<string>): void;
  close(): void;
}

/** Points per subscribe/unsubscribe message (the server takes a few a second: large sets go in a few big ones). */
export const WATCH_BATCH = 500;

/**
 * Reference-counted subscriptions to live values: several views may watch one point; the WebSocket
 * hears `subscribe` when the first watches it and `unsubscribe` when the last stops. A watcher
 * changes its set in place and only the difference is sent (a filter typed letter by letter does
 * not unsubscribe and subscribe everything again: the server's message rate is small). After a
 * reconnect every watched point is subscribed again (a new connection starts with none).
 */
export class ValuesWatch {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly send: (msg: object) => boolean,
    private readonly batch = WATCH_BATCH,
  ) {}

  /** A watcher with no points yet. */
  open(): ValuesWatcher {
    let mine = new Set<string>();
    let closed = false;
    const set = (ids: Iterable<string>): void => {
      if (closed) return;
      const next = new Set(ids);
      const fresh: string[] = [];
      const gone: string[] = [];
      for (const id of next) if (!mine.has(id) && this.inc(id)) fresh.push(id);
      for (const id of mine) if (!next.has(id) && this.dec(id)) gone.push(id);
      mine = next;
      this.sendAll('unsubscribe', gone);
      this.sendAll('subscribe', fresh);
    };
    return {
      set,
      close: () => {
        set([]);
        closed = true;
      },
    };
  }

  /** These points until the returned function is called. */
  watch(ids: readonly string[]): () => void {
    const w = this.open();
    w.set(ids);
    return () => w.close();
  }

  /** Points watched now. */
  get watched(): number {
    return this.counts.size;
  }

  /** A new connection: subscribe everything watched. */
  resubscribe(): void {
    this.sendAll('subscribe', [...this.counts.keys()]);
  }

  /** Counts a watch of the point; true when it is the first. */
  private inc(id: string): boolean {
    const n = this.counts.get(id) ?? 0;
    this.counts.set(id, n + 1);
    return n === 0;
  }

  /** Counts a watch gone; true when it was the last. */
  private dec(id: string): boolean {
    const n = (this.counts.get(id) ?? 1) - 1;
    if (n > 0) {
      this.counts.set(id, n);
      return false;
    }
    this.counts.delete(id);
    return true;
  }

  private sendAll(type: 'subscribe' | 'unsubscribe', ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i += this.batch) this.send({ type, points: ids.slice(i, i + this.batch) });
  }
}
