/**
 * MQTT topic filters: validation (for config schemas) and matching a received topic to the
 * subscription it came through (MQTT 3.1.1 §4.7). Pure.
 */

/** Every problem with a filter, empty when it is valid. */
export function topicFilterProblems(filter: string): string[] {
  if (filter.length === 0) return ['the topic is empty'];
  const problems: string[] = [];
  if (filter.includes('\u0000')) problems.push('the topic contains a NUL character');
  const levels = filter.split('/');
  levels.forEach((level, i) => {
    if (level !== '+' && level.includes('+')) problems.push(`level ${i + 1} "${level}": '+' must be a whole level`);
    if (level !== '#' && level.includes('#')) problems.push(`level ${i + 1} "${level}": '#' must be a whole level`);
    if (level === '#' && i !== levels.length - 1) problems.push(`level ${i + 1}: '#' is allowed only as the last level`);
  });
  return problems;
}

/**
 * Whether a concrete topic falls under a (valid) filter: `+` is one level, a final `#` any number
 * of levels including none.
 */
export function topicMatches(filter: string, topic: string): boolean {
  // MQTT-4.7.2-1: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    const level = f[i];
    // '#' also matches the parent level: `tags/#` matches `tags` (MQTT 3.1.1 §4.7.1.2).
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
