/**
 * Tag ids of a people scenario: a group's `<prefix><n>` ids, and `W001..W012` ranges in events.
 */

/** `W001` … `W240`: numbers padded to at least three digits, or to the width of count. */
export function groupTagIds(prefix: string, count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

const RANGE = /^(.*?)(\d+)\.\.(.*?)(\d+)$/;

/**
 * The ids an event's `tags` entry names: itself, or every id of a range `W001..W012` (inclusive;
 * both ends with the same prefix and digit count). A string describing the problem when invalid.
 */
export function expandTagRange(item: string): string[] | string {
  const m = RANGE.exec(item);
  if (m === null) return [item];
  const [, prefixA = '', digitsA = '', prefixB = '', digitsB = ''] = m;
  if (prefixA !== prefixB || digitsA.length !== digitsB.length) return `range "${item}": both ends need the same prefix and the same number of digits`;
  const from = Number(digitsA);
  const to = Number(digitsB);
  if (to < from) return `range "${item}" runs backwards`;
  if (to - from >= 10_000) return `range "${item}" names more than 10000 tags`;
  return Array.from({ length: to - from + 1 }, (_, i) => `${prefixA}${String(from + i).padStart(digitsA.length, '0')}`);
}
