/** How a point's values come back from a query: booleans are stored as 0/1. */
export type ValueType = 'number' | 'boolean';

export interface PointEntry {
  /** Small integer id used in the samples tables. */
  readonly id: number;
  readonly pointId: string;
  readonly valueType: ValueType;
}

/**
 * Point id ↔ small integer id, kept in memory so `write()` never waits for the database. New
 * points and type changes are remembered as "dirty" and written with the next flush, in the same
 * transaction as their samples, so no stored sample names an id the dictionary does not hold.
 */
export class PointDictionary {
  private readonly byPointId = new Map<string, PointEntry>();
  private readonly byId = new Map<number, PointEntry>();
  private readonly dirty = new Set<number>();
  private nextId = 0;

  constructor(stored: readonly PointEntry[]) {
    for (const e of stored) this.remember(e);
  }

  get size(): number {
    return this.byId.size;
  }

  get(pointId: string): PointEntry | undefined {
    return this.byPointId.get(pointId);
  }

  byIntegerId(id: number): PointEntry | undefined {
    return this.byId.get(id);
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

  /** Entries to write with the next flush; give them back with `restore` if it fails. */
  takeDirty(): PointEntry[] {
    const out = [...this.dirty].map((id) => this.byId.get(id)).filter((e): e is PointEntry => e !== undefined);
    this.dirty.clear();
    return out;
  }

  restore(entries: readonly PointEntry[]): void {
    for (const e of entries) this.dirty.add(e.id);
  }

  private register(pointId: string, valueType: ValueType): number {
    const entry = { id: this.nextId, pointId, valueType };
    this.change(entry);
    return entry.id;
  }

  private change(entry: PointEntry): void {
    this.remember(entry);
    this.dirty.add(entry.id);
  }

  private remember(entry: PointEntry): void {
    this.byPointId.set(entry.pointId, entry);
    this.byId.set(entry.id, entry);
    this.nextId = Math.max(this.nextId, entry.id + 1);
  }
}
