import type { Quality } from '../../src/core/index.js';

/**
 * What went wrong with one request, from whatever the client library threw. Pure. The kinds decide
 * what the poller does: an exception is the device answering (it is alive), a timeout or a lost
 * connection means it is not, a bad frame is a noisy line.
 */
export type RequestFailure =
  | { readonly kind: 'exception'; readonly code: number; readonly message: string }
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'disconnected'; readonly message: string }
  | { readonly kind: 'frame'; readonly message: string };

/** Modbus Application Protocol V1.1b3 §7. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal-function',
  2: 'illegal-data-address',
  3: 'illegal-data-value',
  4: 'server-device-failure',
  5: 'acknowledge',
  6: 'server-device-busy',
  8: 'memory-parity-error',
  10: 'gateway-path-unavailable',
  11: 'gateway-target-failed',
};

export function classifyFailure(error: unknown): RequestFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { modbusCode?: unknown; errno?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : textOf(error);
  if (typeof e.modbusCode === 'number') return { kind: 'exception', code: e.modbusCode, message };
  if (e.errno === 'ETIMEDOUT' || message === 'Timed out') return { kind: 'timeout', message };
  if (/CRC|length|Unexpected data|invalid|out of range|Illegal|Malformed/i.test(message)) return { kind: 'frame', message };
  return { kind: 'disconnected', message: message || textOf(e.name ?? 'connection lost') };
}

/** String() of a thrown value, which itself never throws (String() does for `{ toString: null }` or a null prototype). */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The quality the points of a failed request get. */
export function failureQuality(f: RequestFailure): Quality {
  switch (f.kind) {
    case 'exception': return { level: 'bad', reason: `modbus-exception-${EXCEPTION_NAMES[f.code] ?? f.code}` };
    case 'timeout': return { level: 'bad', reason: 'comm-timeout' };
    case 'disconnected': return { level: 'bad', reason: 'comm-lost' };
    case 'frame': return { level: 'bad', reason: 'comm-frame-error' };
  }
}
