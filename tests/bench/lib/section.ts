/**
 * The benchmark runner's contract. Each section measures a few figures against peers started in
 * the same run; a figure that could not be measured is null with its reason in `errors`, never 0.
 */
export type Figures = Record<string, number | null>;

export interface BenchContext {
  /** Repository root (ends without a slash). */
  readonly root: string;
  /** A scratch folder for this run, removed at the end. */
  readonly tmp: string;
  /** Progress on stderr, so stdout stays the table and the JSON line. */
  log(message: string): void;
  /** Records why a figure is null. */
  error(key: string, message: string): void;
  /**
   * Figures of the sections that ran before this one in this run (a live, read-only view), so a
   * section can report ratios against them; see ratio.ts. Peers' sections come after hazgate's.
   */
  readonly results: Readonly<Figures>;
}

export interface BenchSection {
  /** Used by `--only NAME`. */
  readonly name: string;
  readonly description: string;
  /** Keys this section reports (null when it fails before measuring them). */
  readonly keys: readonly string[];
  run(ctx: BenchContext): Promise<Figures>;
}
