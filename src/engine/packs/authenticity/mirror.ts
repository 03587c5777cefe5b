import type { MirrorRule, Point, Priority, Sample } from '../../../core/index.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { renderTemplate, type MessageFacts } from '../../message.js';
import type { MirrorWindows } from './mirror-windows.js';

/**
 * `MIRROR` on a point whose last N readings equal, value for value, those of another point of its
 * group, up to `maxLag` readings apart either way: a copied data stream, a faked feed. Both points
 * get the alarm, each naming the other: which one is the copy cannot be told from the data.
 *
 * Decided at the point's own readings: its condition reads only its own samples, so every sample
 * reaches exactly one mirror condition. It clears at the first reading after which no other point
 * matches. Bad readings are skipped (neither added nor compared).
 *
 * After a restart with `MIRROR` retained (`seed`) the windows start empty, and an empty window
 * matches nothing: until the point holds all its windows again (`samples + maxLag` usable
 * readings) a match keeps the alarm and no match says nothing; then it is judged as usual.
 */
export class MirrorEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly priority: Priority;
  /** For `{limit}`: the window, in readings. */
  readonly limit: number;
  private current: 'MIRROR' | null = null;
  private shownTwins: readonly string[] = [];
  /** Seeded MIRROR after a restart, and its windows not yet full again. */
  private resumed = false;

  constructor(
    rule: MirrorRule,
    private readonly point: Point,
    private readonly windows: MirrorWindows,
  ) {
    this.priority = rule.priority;
    this.limit = rule.samples;
  }

  get level(): string | null {
    return this.current;
  }

  /** The points it repeats (or repeated, once back to normal). */
  get twins(): readonly string[] {
    return this.shownTwins;
  }

  update(x: number, sample: Sample): boolean {
    if (!isUsable(sample) || !Number.isFinite(x)) return false;
    this.windows.push(this.point.id, x);
    const twins = this.windows.twinsOf(this.point.id);
    if (twins.length > 0) {
      this.shownTwins = twins;
      if (this.current !== null) return false;
      this.current = 'MIRROR';
      return true;
    }
    if (this.current === null) return false;
    if (this.resumed) {
      if (!this.windows.filled(this.point.id)) return false;
      this.resumed = false;
    }
    this.current = null;
    return true;
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'MIRROR') return false;
    this.current = level;
    this.resumed = level !== null;
    return true;
  }
}

function names(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join('');
  return `${ids.slice(0, -1).join(', ')} and ${ids.at(-1) ?? ''}`;
}

/** `GT-102 MIRROR: its last 20 readings equal GT-101's, value for value (a copied or faked feed)`. */
export function mirrorMessage(rule: MirrorRule, e: MirrorEvaluator): (f: MessageFacts) => string {
  return (f) => {
    const id = f.point.id;
    // After a restart (seeded) the twins it repeated are not known.
    if (f.level === null) return e.twins.length === 0 ? `${id} back to normal: its readings repeat no other point's` : `${id} back to normal: its readings no longer repeat ${names(e.twins)}'s`;
    if (rule.message !== undefined) return renderTemplate(rule.message.replaceAll('{twins}', names(e.twins)), f);
    return `${id} ${f.level}: its last ${rule.samples} readings equal ${names(e.twins)}'s, value for value (a copied or faked feed)`;
  };
}
