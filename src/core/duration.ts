import { z } from 'zod';
import { excerpt, VALUE_EXCERPT_CHARS } from './excerpt.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Durations in config files: `500ms`, `30s`, `5m`, `8h`, `1d`. Milliseconds, or undefined when the text is not one. */
export function parseDurationText(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

/** Config durations: a number of milliseconds or a text like `500ms`, `30s`, `5m`, `8h`, `1d`. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseDurationText(v);
  if (ms === undefined) {
    // The text may come from a request body (a shelve duration): quoted in part.
    ctx.addIssue({ code: 'custom', message: `"${excerpt(v, VALUE_EXCERPT_CHARS)}" is not a duration (e.g. 500ms, 30s, 5m, 8h, 1d)` });
    return z.NEVER;
  }
  return ms;
});
