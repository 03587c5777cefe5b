import { pino } from 'pino';
import type { Logger } from '../core/index.js';

/**
 * Fields never written to the log, at any depth pino's redaction reaches: credentials in headers
 * (Authorization, Cookie, Set-Cookie, the CSRF header), passwords, tokens and secrets. hazgate logs
 * none of them on purpose; this is the net under a mistake (an error object carrying a request).
 */
export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', 'newPassword', '*.newPassword',
  'token', '*.token', 'secret', '*.secret', 'csrf', '*.csrf',
  'authorization', '*.authorization', 'cookie', '*.cookie',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]', 'headers["x-hazgate-csrf"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]', '*.headers["x-hazgate-csrf"]',
];

/** The process's logger: JSON lines on stdout, secrets redacted. */
export function createLogger(level: string, base: Record<string, unknown>): Logger {
  return pino({ level, base, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } });
}
