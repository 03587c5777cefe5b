import type { Timers } from '../../adapters/lib/mqtt/index.js';

/** Timers on fake time: advance(ms) runs what falls due. */
export class FakeTimers implements Timers {
  now = 0;
  private queue: { at: number; run: () => void; id: number }[] = [];
  private nextId = 0;
  schedule(callback: () => void, delayMs: number): () => void {
    const id = this.nextId++;
    this.queue.push({ at: this.now + delayMs, run: callback, id });
    return () => {
      this.queue = this.queue.filter((t) => t.id !== id);
    };
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.queue.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.queue = this.queue.filter((t) => t !== due);
      this.now = due.at;
      due.run();
    }
    this.now = until;
  }
  get pending(): number {
    return this.queue.length;
  }
}
