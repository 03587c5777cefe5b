/**
 * Does an MQTT topic match a subscription filter (MQTT 3.1.1 §4.7)? `+` is one level, a final
 * `#` any number of levels including none; wildcards in the first level do not match `$` topics
 * (MQTT-4.7.2-1). Pure.
 */
export function matchesFilter(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
