import type { HazgateError, Logger } from '../core/index.js';

/**
 * Logs coded errors without flooding: the first of each code in a window is logged, the rest are
 * counted and summarised when the window ends. Counting for /metrics happens where the error is
 * raised; this only decides what reaches the log.
 */
export class ThrottledErrorLog {
  private readonly windows = new Map<string, { start: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  report(error: HazgateError): void {
    const t = this.now();
    const w = this.windows.get(error.code);
    if (w !== undefined && t - w.start < this.windowMs) {
      w.suppressed++;
      return;
    }
    if (w !== undefined && w.suppressed > 0) {
      this.logger.warn({ code: error.code, suppressed: w.suppressed }, `${w.suppressed} more ${error.code} in the last ${Math.round((t - w.start) / 1000)} s`);
    }
    this.windows.set(error.code, { start: t, suppressed: 0 });
    this.logger.warn({ code: error.code, ...error.details }, error.message);
  }
}
