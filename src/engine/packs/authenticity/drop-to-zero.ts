import type { DropToZeroRule, Point, Priority, Sample } from '../../../core/index.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { formatNumber, renderTemplate, type MessageFacts } from '../../message.js';
import type { NeighbourBoard, Witness } from './neighbour-board.js';
import { formatSpan, withUnit } from './point-facts.js';

/**
 * `DROPOUT` on a detector that fell from ≥ fromPct to ≤ toPct of its span within `withinMs` (from
 * its last reading at or above fromPct to its first at or below toPct, gateway time) while a
 * neighbour of its group reads ≥ neighbourPct: gas does not vanish from one detector in seconds
 * while the next one still sees it; a cut cable, a swapped transmitter or a tampered feed does that.
 *
 * The neighbours' evidence is taken at the detector's own readings: at the fall and at every
 * reading within `withinMs` after it (a neighbour scanned a little later still counts). It clears
 * when the detector reads above toPct again, or when no neighbour reads gas any more (nothing left
 * contradicts the zero); either way a new fall is needed to raise it again. Uncertain readings are
 * used like good ones (a clamped under-range reading is a zero too); a bad reading moves nothing.
 *
 * After a restart with `DROPOUT` retained (`seed`) the board starts empty: no neighbour has
 * spoken yet, and its silence is no evidence. Until every neighbour has given a usable reading, or
 * `neighbourMaxAgeMs` has passed since the engine started (after which a neighbour that has not
 * reported could not count anyway), only the detector's own recovery ends the alarm; then it is
 * judged as usual.
 */
export class DropToZeroEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly priority: Priority;
  private current: 'DROPOUT' | null = null;
  /** Receive time and value of the last reading ≥ fromPct; NaN when none counts. */
  private lastHighRts = NaN;
  private lastHighValue = NaN;
  /** Receive time of the fall (the first reading ≤ toPct after a high one, soon enough); NaN when none. */
  private fallAt = NaN;
  private fallMs = NaN;
  private fellFrom = NaN;
  private witness: Witness | undefined;
  /** Why the last DROPOUT ended, for the message. */
  private ended: 'recovered' | 'no-gas-near' = 'recovered';
  /** Seeded DROPOUT after a restart, and the neighbours have not all been heard since. */
  private resumed = false;

  /** `startedAt`: the engine's start (gateway clock), from which a neighbour's silence counts. */
  constructor(
    private readonly rule: DropToZeroRule,
    private readonly point: Point,
    private readonly board: NeighbourBoard,
    private readonly startedAt: number,
  ) {
    this.priority = rule.priority;
  }

  get level(): string | null {
    return this.current;
  }

  /** For `{limit}`: the reading of the neighbour that contradicts the zero. */
  get limit(): number {
    return this.witness?.value ?? NaN;
  }

  /** What the message tells: the fall and the neighbour. */
  get facts(): { readonly fellFrom: number; readonly fallMs: number; readonly witness: Witness | undefined; readonly ended: 'recovered' | 'no-gas-near' } {
    return { fellFrom: this.fellFrom, fallMs: this.fallMs, witness: this.witness, ended: this.ended };
  }

  update(x: number, sample: Sample): boolean {
    if (!isUsable(sample) || !Number.isFinite(x)) {
      this.board.forget(this.point.id);
      return false;
    }
    const now = sample.rts;
    const pct = this.board.put(this.point.id, x, now);
    if (Number.isNaN(pct)) return false;
    if (pct > this.rule.toPct) {
      this.fallAt = NaN;
      if (pct >= this.rule.fromPct) {
        this.lastHighRts = now;
        this.lastHighValue = x;
      }
      return this.end('recovered');
    }
    if (Number.isNaN(this.fallAt) && now - this.lastHighRts <= this.rule.withinMs) {
      this.fallAt = now;
      this.fallMs = now - this.lastHighRts;
      this.fellFrom = this.lastHighValue;
      this.lastHighRts = NaN; // one fall, one chance
    }
    // A detector resting at zero with no recent fall (the common case: clean air) asks no neighbour.
    if (this.current === null && !(now - this.fallAt <= this.rule.withinMs)) return false;
    const witness = this.board.strongest(this.point.id, this.rule.neighbourPct, now, this.rule.neighbourMaxAgeMs);
    if (this.current === null) {
      if (witness === undefined) return false;
      this.witness = witness;
      this.current = 'DROPOUT';
      return true;
    }
    if (witness !== undefined) {
      this.witness = witness;
      return false;
    }
    if (this.resumed) {
      // Not every neighbour has spoken since the restart: no witness yet is no evidence of none.
      if (!this.board.allHeard() && now - this.startedAt < this.rule.neighbourMaxAgeMs) return false;
      this.resumed = false;
    }
    this.fallAt = NaN;
    return this.end('no-gas-near');
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'DROPOUT') return false;
    this.current = level;
    this.resumed = level !== null;
    return true;
  }

  private end(why: 'recovered' | 'no-gas-near'): boolean {
    this.resumed = false;
    if (this.current === null) return false;
    this.current = null;
    this.ended = why;
    return true;
  }
}

/** `GT-302 DROPOUT: fell from 15.2 to 0 %LEL in 1 s while GT-303 reads 12.4 %LEL (a cut cable or a tampered detector?)`. */
export function dropToZeroMessage(rule: DropToZeroRule, e: DropToZeroEvaluator): (f: MessageFacts) => string {
  return (f) => {
    const id = f.point.id;
    const value = typeof f.value === 'number' ? withUnit(f.value, f.point) : 'no value';
    const { fellFrom, fallMs, witness, ended } = e.facts;
    if (f.level === null) return ended === 'recovered' ? `${id} back to normal (reads ${value} again)` : `${id} back to normal: no neighbour reads gas any more (${value})`;
    if (rule.message !== undefined) return renderTemplate(rule.message.replaceAll('{neighbour}', witness?.point.id ?? 'a neighbour'), f);
    const from = Number.isNaN(fellFrom) ? '' : ` from ${formatNumber(fellFrom)}`;
    const within = Number.isNaN(fallMs) ? '' : ` in ${formatSpan(fallMs)}`;
    const near = witness === undefined ? '' : ` while ${witness.point.id} reads ${withUnit(witness.value, witness.point)}`;
    return `${id} ${f.level}: fell${from} to ${value}${within}${near} (a cut cable or a tampered detector?)`;
  };
}
