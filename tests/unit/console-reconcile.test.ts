import { describe, expect, it } from 'vitest';
import { reconcile, type ChildList } from '../../src/console/lib/reconcile.js';

/** A parent's children as an array, counting the nodes moved (a moved row would restart its CSS animation). */
function list(items: string[]): ChildList<string> & { items: string[]; touched: string[] } {
  const l = {
    items,
    touched: [] as string[],
    first: () => l.items[0] ?? null,
    next: (n: string) => l.items[l.items.indexOf(n) + 1] ?? null,
    insertBefore: (n: string, ref: string | null) => {
      l.touched.push(n);
      const i = l.items.indexOf(n);
      if (i >= 0) l.items.splice(i, 1);
      const at = ref === null ? l.items.length : l.items.indexOf(ref);
      l.items.splice(at, 0, n);
    },
    remove: (n: string) => {
      l.items.splice(l.items.indexOf(n), 1);
    },
  };
  return l;
}

describe('reconcile', () => {
  it('inserts a new row at the top without touching the others', () => {
    const l = list(['B', 'C', 'D']);
    expect(reconcile(l, ['A', 'B', 'C', 'D'])).toBe(1);
    expect(l.items).toEqual(['A', 'B', 'C', 'D']);
    expect(l.touched).toEqual(['A']);
  });

  it('moves only the row whose position changed, and removes rows gone', () => {
    const l = list(['A', 'B', 'C', 'D', 'E']);
    expect(reconcile(l, ['D', 'A', 'B', 'E'])).toBe(1);
    expect(l.items).toEqual(['D', 'A', 'B', 'E']);
    expect(l.touched).toEqual(['D']);
  });

  it('changes nothing when the order is the same', () => {
    const l = list(['A', 'B']);
    expect(reconcile(l, ['A', 'B'])).toBe(0);
    expect(l.touched).toEqual([]);
  });

  it('builds from empty and empties', () => {
    const l = list([]);
    reconcile(l, ['A', 'B']);
    expect(l.items).toEqual(['A', 'B']);
    reconcile(l, []);
    expect(l.items).toEqual([]);
  });

  it('reaches any permutation', () => {
    const l = list(['A', 'B', 'C', 'D']);
    reconcile(l, ['D', 'C', 'B', 'A']);
    expect(l.items).toEqual(['D', 'C', 'B', 'A']);
  });
});
