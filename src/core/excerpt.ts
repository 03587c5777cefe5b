/**
 * Outside text in error messages. A topic, an id or a field's value that a device or a client
 * sent is quoted only in part: a megabyte of garbage must not become a megabyte log line
 * (issue #11 item 6: every refusal message stays under 1,000 characters).
 */

/** Characters of a name from outside (topic, point id, XML tag) a message quotes. */
export const EXCERPT_CHARS = 120;
/** Characters of a value from outside a message quotes: enough to recognise it. */
export const VALUE_EXCERPT_CHARS = 40;

/** `text` cut to `max` characters, with `…` and its full length when it was longer. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  // Never half a surrogate pair: a lone surrogate is not valid UTF-8 in a log file.
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length} chars)`;
}

/**
 * A value from a payload as a message shows it: strings quoted and shortened, numbers, booleans
 * and null as they print, arrays and objects by their kind only (never serialised: a deeply nested
 * one would overflow the stack, a large one the log).
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(excerpt(value, VALUE_EXCERPT_CHARS));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
