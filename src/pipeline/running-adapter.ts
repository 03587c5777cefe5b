import type { Adapter, ComponentStatus, EmitObservation, EmitReading, HazgateError, Logger, OnAdapterError } from '../core/index.js';

export interface AdapterCounters {
  readings: number;
  errors: number;
  statusChanges: number;
  /** Times the adapter came up again after it had been up and lost its peer (down or degraded). */
  reconnects: number;
  /** Epoch ms of the latest reading or observation; 0 before the first. */
  lastReadingAt: number;
}

/**
 * What every adapter gets once, not in each adapter (Telegraf's running_input): counters, a child
 * logger, status tracking for /readyz, and the guarantee that nothing is emitted after stop().
 */
export class RunningAdapter {
  readonly counters: AdapterCounters = { readings: 0, errors: 0, statusChanges: 0, reconnects: 0, lastReadingAt: 0 };
  private beenUp = false;
  private current: ComponentStatus;
  private stopped = false;

  constructor(
    readonly adapter: Adapter,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.current = { state: 'starting', since: now() };
  }

  get id(): string {
    return this.adapter.id;
  }

  get kind(): string {
    return this.adapter.kind;
  }

  status(): ComponentStatus {
    return this.current;
  }

  /** `observe`: where positions, reader events and detections go (default: nowhere, counted as readings). */
  async start(emit: EmitReading, onError: OnAdapterError, observe: EmitObservation = () => undefined): Promise<void> {
    const guardedEmit: EmitReading = (r) => {
      if (this.stopped) return;
      this.counters.readings++;
      this.counters.lastReadingAt = this.now();
      emit(r);
    };
    const guardedObserve: EmitObservation = (o) => {
      if (this.stopped) return;
      this.counters.readings++;
      this.counters.lastReadingAt = this.now();
      observe(o);
    };
    const guardedError = (e: HazgateError): void => {
      if (this.stopped) return;
      this.counters.errors++;
      onError(e);
    };
    try {
      await this.adapter.start(guardedEmit, guardedError, (s) => this.setStatus(s), guardedObserve);
    } catch (e) {
      // Not left `starting`: /readyz shows it down, with why.
      this.setStatus({ state: 'down', reason: `did not start: ${e instanceof Error ? e.message : String(e)}`, since: this.now() });
      throw e;
    }
  }

  /** Stopped even when the adapter's stop() rejects: nothing it emits afterwards goes anywhere. */
  async stop(): Promise<void> {
    try {
      await this.adapter.stop();
    } finally {
      this.stopped = true;
      this.current = { state: 'stopped', since: this.now() };
    }
  }

  private setStatus(s: ComponentStatus): void {
    if (s.state === this.current.state && s.reason === this.current.reason) return;
    this.counters.statusChanges++;
    // Every kind reports its connection through status: up again after up once is a reconnect.
    if (s.state === 'up' && this.beenUp && this.current.state !== 'up') this.counters.reconnects++;
    if (s.state === 'up') this.beenUp = true;
    const log = s.state === 'up' ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
    log({ state: s.state, reason: s.reason }, `adapter ${this.adapter.id} is ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
    this.current = s;
  }
}
