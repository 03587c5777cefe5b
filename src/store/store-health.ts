import type { Clock, ComponentState, ComponentStatus, HazgateError, Logger } from '../core/index.js';

/**
 * The store's status for /readyz and its episode logging: one line when writes start failing or
 * the buffer starts dropping, one when writes recover, never one per sample or per retry.
 */
export class StoreHealth {
  private current: ComponentStatus;
  private failedFlushes = 0;
  private failureLogged = false;
  private totalWriteErrors = 0;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.current = { state: 'up', since: clock.now() };
  }

  get status(): ComponentStatus {
    return this.current;
  }

  get writeErrors(): number {
    return this.totalWriteErrors;
  }

  flushFailed(error: HazgateError): void {
    this.totalWriteErrors++;
    this.failedFlushes++;
    this.set('degraded', `flush failed ${this.failedFlushes}× (samples kept, retrying): ${error.message}`);
  }

  /** Called by the timer path only: an explicit flush() returns its error instead. */
  logFlushFailure(error: HazgateError): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.logger.error({ code: error.code, ...error.details, err: error.message }, 'store writes are failing; samples stay buffered and are retried');
  }

  flushSucceeded(): void {
    if (this.failedFlushes > 0 && this.failureLogged) {
      this.logger.info({ failedFlushes: this.failedFlushes }, 'store writes recovered');
    }
    this.failedFlushes = 0;
    this.failureLogged = false;
    if (this.current.state === 'degraded') this.set('up');
  }

  overflowStarted(maxBufferedSamples: number): void {
    this.logger.warn(
      { code: 'HG_ERR_STORE_OVERFLOW', maxBufferedSamples },
      `store buffer full (${maxBufferedSamples} samples): dropping the oldest until a flush makes room`,
    );
  }

  stopped(): void {
    this.set('stopped');
  }

  private set(state: ComponentState, reason?: string): void {
    if (state === this.current.state && reason === this.current.reason) return;
    const since = state === this.current.state ? this.current.since : this.clock.now();
    this.current = reason === undefined ? { state, since } : { state, reason, since };
  }
}
