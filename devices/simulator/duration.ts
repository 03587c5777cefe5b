/**
 * Durations in scenario files: `500ms`, `20s`, `1.5m`, `2h`, or a bare number of seconds
 * (YAML authors think in seconds; the suffix makes anything else explicit).
 */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration, or undefined when the text is not one. */
export function parseDurationMs(input: number | string): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  const match = DURATION_PATTERN.exec(input.trim());
  const amount = match?.[1];
  const unit = match?.[2];
  if (amount === undefined || unit === undefined) return undefined;
  return Math.round(Number(amount) * (UNIT_MS[unit] ?? Number.NaN));
}
