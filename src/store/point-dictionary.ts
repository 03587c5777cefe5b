/** How a point's values come back from a query: booleans are stored as 0/1. */
export type ValueType = 'number' | 'boolean';

export interface PointEntry {
  /** Small integer id used in the samples tables. */
  readonly id: number;
  readonly pointId: string;
  readonly valueType: ValueType;
}

/** Dictionary changes the next flush writes: points never saved, and saved ones whose type changed. */
export interface DirtyPoints {
  readonly added: readonly PointEntry[];
  readonly changed: readonly PointEntry[];
}

/**
 * Point id ↔ small integer id, kept in memory so `write()` never waits for the database. New
 * points and type changes are remembered as "dirty" and written by the next flush before its
 * samples, so no stored sample names an id the store file does not hold.
 *
 * Ids are dense (0, 1, 2, …), so the reverse index is an array, and ids at or above
 * `savedBelow` are exactly the points not saved yet: a site of 100,000 points costs about
 * 100 bytes a point here.
 */
export class PointDictionary {
  private readonly byPointId = new Map<string, PointEntry>();
  private readonly byId: PointEntry[] = [];
  private readonly dirty = new Set<number>();
  private savedBelow: number;

  constructor(stored: readonly PointEntry[]) {
    for (const e of stored) this.remember(e);
    this.savedBelow = this.byId.length;
  }

  get size(): number {
    return this.byPointId.size;
  }

  get(pointId: string): PointEntry | undefined {
    return this.byPointId.get(pointId);
  }

  byIntegerId(id: number): PointEntry | undefined {
    return this.byId[id];
  }

  /**
   * The integer id for a sample of this point, registering the point on first sight. A boolean
   * point that receives a number becomes a number point: its 0/1 history then reads back as
   * numbers, which loses nothing (the other way round would turn 2.5 into `true`).
   */
  idFor(pointId: string, value: number | boolean): number {
    const known = this.byPointId.get(pointId);
    if (known === undefined) return this.register(pointId, typeof value === 'boolean' ? 'boolean' : 'number');
    if (known.valueType === 'boolean' && typeof value === 'number') this.change({ ...known, valueType: 'number' });
    return known.id;
  }

  /** Entries to write with the next flush; then `saved` them, or give them back with `restore`. */
  takeDirty(): DirtyPoints {
    const added: PointEntry[] = [];
    const changed: PointEntry[] = [];
    for (const id of this.dirty) {
      const e = this.byId[id];
      if (e !== undefined) (id >= this.savedBelow ? added : changed).push(e);
    }
    this.dirty.clear();
    return { added, changed };
  }

  saved(d: DirtyPoints): void {
    for (const e of d.added) this.savedBelow = Math.max(this.savedBelow, e.id + 1);
  }

  restore(d: DirtyPoints): void {
    for (const e of [...d.added, ...d.changed]) this.dirty.add(e.id);
  }

  private register(pointId: string, valueType: ValueType): number {
    const entry = { id: this.byId.length, pointId, valueType };
    this.change(entry);
    return entry.id;
  }

  private change(entry: PointEntry): void {
    this.remember(entry);
    this.dirty.add(entry.id);
  }

  private remember(entry: PointEntry): void {
    this.byPointId.set(entry.pointId, entry);
    this.byId[entry.id] = entry;
  }
}
