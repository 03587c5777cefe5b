/**
 * Reference-counted subscriptions to live values: several views may watch one point; the WebSocket
 * hears `subscribe` when the first watches it and `unsubscribe` when the last stops. After a
 * reconnect every watched point is subscribed again (a new connection starts with none).
 */
export class ValuesWatch {
  private readonly counts = new Map<string, number>();

  constructor(private readonly send: (msg: object) => boolean) {}

  watch(ids: readonly string[]): () => void {
    const fresh: string[] = [];
    for (const id of new Set(ids)) {
      const n = this.counts.get(id) ?? 0;
      this.counts.set(id, n + 1);
      if (n === 0) fresh.push(id);
    }
    this.subscribe(fresh);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const gone: string[] = [];
      for (const id of new Set(ids)) {
        const n = (this.counts.get(id) ?? 1) - 1;
        if (n <= 0) {
          this.counts.delete(id);
          gone.push(id);
        } else this.counts.set(id, n);
      }
      for (let i = 0; i < gone.length; i += 500) this.send({ type: 'unsubscribe', points: gone.slice(i, i + 500) });
    };
  }

  /** A new connection: subscribe everything watched. */
  resubscribe(): void {
    this.subscribe([...this.counts.keys()]);
  }

  private subscribe(ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i += 500) this.send({ type: 'subscribe', points: ids.slice(i, i + 500) });
  }
}
