/** A stored quality reason code: samples carry its id, 0 for none. */
export interface ReasonEntry {
  readonly id: number;
  readonly reason: string;
}

/** The id samples without a reason carry. */
export const NO_REASON = 0;

/**
 * Quality reasons (`wire-break`, `saturated-high`, `comm-lost`, …) ↔ small integer ids. The
 * samples tables hold the id, so every column of a sample is a number: appending needs no string
 * and no per-row null mask (a VARCHAR column of nulls cost a third of a flush), and the column
 * compresses to a constant. Reasons are the gateway's own short codes, a few dozen at most; new
 * ones are saved by the next flush, before the samples that name them.
 */
export class ReasonDictionary {
  private readonly ids = new Map<string, number>();
  private readonly texts: (string | null)[] = [null];
  private pending: ReasonEntry[] = [];

  constructor(stored: readonly ReasonEntry[]) {
    for (const e of stored) this.remember(e);
  }

  idFor(reason: string | undefined): number {
    if (reason === undefined) return NO_REASON;
    const known = this.ids.get(reason);
    if (known !== undefined) return known;
    const entry = { id: this.texts.length, reason };
    this.remember(entry);
    this.pending.push(entry);
    return entry.id;
  }

  /** The reason of an id; null for none (and for an id this store never wrote). */
  text(id: number): string | null {
    return this.texts[id] ?? null;
  }

  /** New reasons to save with the next flush; give them back with `restore` if it fails. */
  takePending(): ReasonEntry[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  restore(entries: readonly ReasonEntry[]): void {
    this.pending = [...entries, ...this.pending];
  }

  private remember(e: ReasonEntry): void {
    this.ids.set(e.reason, e.id);
    this.texts[e.id] = e.reason;
  }
}
