import type { Point, PointRule } from '../core/index.js';

/** What a condition message is made of. */
export interface MessageFacts {
  readonly point: Point;
  /** Active level, or null for a return to normal. */
  readonly level: string | null;
  readonly value: number | boolean | null;
  /** Limit of the active level (or of the level left). */
  readonly limit: number;
}

/** A number at most 6 significant digits long, so 19.200000001 reads 19.2. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

/** `62.5 %LEL`, `true`, or `no value` when the point never reported. */
export function formatValue(value: number | boolean | null, unit: string | undefined): string {
  if (value === null) return 'no value';
  if (typeof value === 'boolean') return String(value);
  const text = formatNumber(value);
  return unit === undefined || unit === '' ? text : `${text} ${unit}`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`;
}

const PLACEHOLDER = /\{(point|name|level|value|unit|limit)\}/g;

/** Fills `{point}` `{name}` `{level}` `{value}` `{unit}` `{limit}` into a rule's message template. */
export function renderTemplate(template: string, f: MessageFacts): string {
  const fields: Readonly<Record<string, string>> = {
    point: f.point.id,
    name: f.point.name ?? f.point.id,
    level: f.level ?? 'normal',
    value: f.value === null ? 'no value' : typeof f.value === 'boolean' ? String(f.value) : formatNumber(f.value),
    unit: f.point.unit ?? '',
    limit: formatNumber(f.limit),
  };
  return template.replace(PLACEHOLDER, (whole: string, key: string) => fields[key] ?? whole);
}

/** What the operator reads when the rule has no template, e.g. `GT-101 HH 62.5 %LEL (limit 50)`. */
export function defaultMessage(rule: PointRule, f: MessageFacts): string {
  const id = f.point.id;
  const value = formatValue(f.value, f.point.unit);
  if (f.level === null) return f.value === null ? `${id} back to normal` : `${id} back to normal (${value})`;
  switch (rule.kind) {
    case 'threshold':
      return `${id} ${f.level} ${value} (limit ${formatNumber(f.limit)})`;
    case 'rate': {
      const way = f.level === 'FALL' ? 'fall' : 'rise';
      return `${id} ${f.level} ${value} (${way} ≥ ${formatNumber(f.limit)} within ${formatDuration(rule.windowMs)})`;
    }
    case 'stale':
      return `${id} ${f.level}: no good data for ${formatDuration(rule.afterMs)} (last ${value})`;
  }
}

/**
 * The message of a level change: the rule's template for an active level, the default otherwise.
 * A return to normal always gets the default, since templates are written for the alarm
 * ("Gas at {name}: {value} {unit} ≥ {limit}") and would read wrong once it is over.
 */
export function conditionMessage(rule: PointRule, f: MessageFacts): string {
  return rule.message !== undefined && f.level !== null ? renderTemplate(rule.message, f) : defaultMessage(rule, f);
}
