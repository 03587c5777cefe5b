/**
 * What to do with an InfluxDB write answer, pure (issue 6, item 2):
 *  - 2xx: written;
 *  - 400, 422: the lines are bad: a batch of several is split to find them, a single bad line is
 *    dropped with its reason, counted and logged; the rest is written;
 *  - 413: too large: split and retry;
 *  - 429, 5xx, a network error or a timeout: retry after a back-off, honouring Retry-After;
 *  - 401, 403: not allowed: a fatal status (shown on /readyz and /metrics), data kept and retried
 *    slowly, so fixing the token loses nothing;
 *  - anything else (404 wrong org or bucket, 3xx…): like 401/403, a configuration problem.
 */
export type WriteOutcome =
  | { readonly action: 'written' }
  | { readonly action: 'bad-lines'; readonly reason: string }
  | { readonly action: 'split' }
  | { readonly action: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly action: 'fatal'; readonly delayMs: number; readonly reason: string };

export interface RetryPolicy {
  readonly minMs: number;
  readonly maxMs: number;
  /** Delay between attempts while the sink is refused (401/403, wrong bucket). */
  readonly fatalRetryMs: number;
}

/** The delay of attempt n (1-based) of an outage: doubling from minMs to maxMs. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

/**
 * `status` is undefined for a network error or a timeout. `retryAfter` is the header's value: a
 * number of seconds, or an HTTP date (then `now` gives the wait).
 */
export function writeOutcome(status: number | undefined, body: string, retryAfter: string | undefined, attempt: number, policy: RetryPolicy, now: number): WriteOutcome {
  if (status !== undefined && status >= 200 && status < 300) return { action: 'written' };
  const reason = status === undefined ? body || 'network error' : `${status}${body === '' ? '' : `: ${body.slice(0, 300)}`}`;
  if (status === 400 || status === 422) return { action: 'bad-lines', reason };
  if (status === 413) return { action: 'split' };
  if (status === undefined || status === 429 || status >= 500) {
    // Honoured, but never more than 5 minutes (nor past setTimeout's range).
    const header = retryAfterMs(retryAfter, now);
    const asked = header === undefined ? undefined : Math.min(header, 300_000);
    return { action: 'retry', delayMs: Math.min(Math.max(asked ?? 0, backoffMs(attempt, policy)), Math.max(policy.maxMs, asked ?? 0)), reason };
  }
  return { action: 'fatal', delayMs: policy.fatalRetryMs, reason };
}

export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
