import { HazgateError } from '../../src/core/errors.js';

/**
 * Subscription topic templates: an MQTT filter in which a `{point}` level stands for `+` and
 * names the point id. `plant/{point}/pv` subscribes to `plant/+/pv`, and the topic
 * `plant/TK101.LT/pv` yields the point `TK101.LT`.
 */

/** The placeholder a whole topic level may consist of. */
export const POINT_PLACEHOLDER = '{point}';

type Level =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'single' }
  | { readonly kind: 'point' }
  | { readonly kind: 'multi' };

export interface TopicTemplate {
  readonly template: string;
  /** The MQTT filter to subscribe to. */
  readonly filter: string;
  /** Whether a concrete topic falls under this template's filter. */
  matches(topic: string): boolean;
  /**
   * The point id the topic names in its `{point}` level; null when the topic does not match,
   * the template has no `{point}`, or that level is empty.
   */
  pointIdOf(topic: string): string | null;
}

/** Every problem with a template, empty when it is valid (the config schema reports them). */
export function topicTemplateProblems(template: string): string[] {
  if (template.length === 0) return ['the topic is empty'];
  const problems: string[] = [];
  if (template.includes('\u0000')) problems.push('the topic contains a NUL character');
  const levels = template.split('/');
  let points = 0;
  levels.forEach((level, i) => {
    if (level === POINT_PLACEHOLDER) points += 1;
    else if (level.includes('{') || level.includes('}')) {
      problems.push(`level ${i + 1} "${level}": ${POINT_PLACEHOLDER} must be a whole level and is the only placeholder`);
    }
    if (level !== '+' && level.includes('+')) problems.push(`level ${i + 1} "${level}": '+' must be a whole level`);
    if (level !== '#' && level.includes('#')) problems.push(`level ${i + 1} "${level}": '#' must be a whole level`);
    if (level === '#' && i !== levels.length - 1) problems.push(`level ${i + 1}: '#' is allowed only as the last level`);
  });
  if (points > 1) problems.push(`${POINT_PLACEHOLDER} may appear only once`);
  return problems;
}

/** Compiles a template; throws HG_ERR_CONFIG_INVALID for an invalid one (the schema catches it first). */
export function compileTopicTemplate(template: string): TopicTemplate {
  const problems = topicTemplateProblems(template);
  if (problems.length > 0) {
    throw new HazgateError('HG_ERR_CONFIG_INVALID', `MQTT topic "${template}": ${problems.join('; ')}`, {
      topic: template,
      problems,
    });
  }
  const levels = template.split('/').map(toLevel);
  const filter = levels.map((l) => (l.kind === 'literal' ? l.text : l.kind === 'multi' ? '#' : '+')).join('/');
  return {
    template,
    filter,
    matches: (topic) => scanTopic(levels, topic) !== NO_MATCH,
    pointIdOf: (topic) => pointIdFromScan(topic, scanTopic(levels, topic)),
  };
}

function toLevel(text: string): Level {
  if (text === POINT_PLACEHOLDER) return { kind: 'point' };
  if (text === '+') return { kind: 'single' };
  if (text === '#') return { kind: 'multi' };
  return { kind: 'literal', text };
}

/** Result of a scan packed into one number so matching allocates nothing on the hot path. */
const NO_MATCH = -1;
const NO_POINT = -2;

function pointIdFromScan(topic: string, scan: number): string | null {
  if (scan < 0) return null;
  // scan = start of the point level; it runs to the next '/' or the end.
  const end = topic.indexOf('/', scan);
  const id = end === -1 ? topic.slice(scan) : topic.slice(scan, end);
  return id.length > 0 ? id : null;
}

/**
 * Walks the topic level by level without splitting it. Returns NO_MATCH, NO_POINT (matched, no
 * `{point}`), or the offset where the point level starts.
 */
function scanTopic(levels: readonly Level[], topic: string): number {
  // MQTT-4.7.2-1: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith('$') && levels[0] !== undefined && levels[0].kind !== 'literal') return NO_MATCH;
  let pos = 0;
  let point = NO_POINT;
  for (let i = 0; i < levels.length; i += 1) {
    const level = levels[i] as Level;
    if (level.kind === 'multi') return point;
    if (pos > topic.length) {
      // The topic ran out of levels: only a trailing '#' also matches the parent (MQTT 3.1.1 §4.7.1.2).
      return NO_MATCH;
    }
    const slash = topic.indexOf('/', pos);
    const end = slash === -1 ? topic.length : slash;
    if (level.kind === 'literal' && (end - pos !== level.text.length || !topic.startsWith(level.text, pos))) {
      return NO_MATCH;
    }
    if (level.kind === 'point') point = pos;
    pos = end + 1;
  }
  return pos > topic.length ? point : NO_MATCH;
}
