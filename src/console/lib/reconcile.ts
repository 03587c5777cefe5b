/** A parent's children as reconcile sees them (the DOM's, or a test's list). */
export interface ChildList<N> {
  first(): N | null;
  next(n: N): N | null;
  /** Moves (or inserts) `n` before `ref`; at the end with null. */
  insertBefore(n: N, ref: N | null): void;
  remove(n: N): void;
}

/**
 * Puts a parent's children in the desired order touching only what must move: children not
 * wanted are removed, then the desired order is walked and a node is inserted only where the one
 * at its position differs (a new row at the top is one insert; the other rows stay put, their
 * state, focus and selection with them). Returns how many nodes were inserted or moved.
 */
export function reconcile<N>(list: ChildList<N>, desired: readonly N[]): number {
  const want = new Set(desired);
  for (let cur = list.first(); cur !== null; ) {
    const next = list.next(cur);
    if (!want.has(cur)) list.remove(cur);
    cur = next;
  }
  let moves = 0;
  let cur = list.first();
  for (const n of desired) {
    if (cur === n) {
      cur = list.next(n);
      continue;
    }
    list.insertBefore(n, cur);
    moves++;
  }
  return moves;
}

/** A ChildList over a DOM element (structural: no DOM types needed here). */
export function domChildren<N extends { readonly nextSibling: unknown }>(parent: { readonly firstChild: unknown; insertBefore(n: N, ref: N | null): unknown; removeChild(n: N): unknown }): ChildList<N> {
  return {
    first: () => parent.firstChild as N | null,
    next: (n) => n.nextSibling as N | null,
    insertBefore: (n, ref) => void parent.insertBefore(n, ref),
    remove: (n) => void parent.removeChild(n),
  };
}
