import { moveSelection } from '../lib/history-view.js';
import { isTyping } from './keys.js';

/** A list of rows with one selected (or none: -1). */
export interface KeyedList {
  count(): number;
  /** The selected row's index, -1 for none. */
  current(): number;
  /** Selects the row (and focuses it: the keyboard is on the list). */
  select(index: number): void;
  open(index: number): void;
}

/**
 * The keys of every table of items: ↑/↓ move the selection, Home/End go to the ends, Enter opens
 * the selected item. Keys typed into a field, or with a modifier, are left alone.
 */
export function listKeys(list: KeyedList): (ev: KeyboardEvent) => void {
  return (ev) => {
    if (isTyping(ev.target) || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const count = list.count();
    if (count === 0) return;
    const current = list.current();
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      list.select(moveSelection(current, count, ev.key === 'ArrowDown' ? 1 : -1));
    } else if (ev.key === 'Home' || ev.key === 'End') {
      ev.preventDefault();
      list.select(ev.key === 'Home' ? 0 : count - 1);
    } else if (ev.key === 'Enter' && current >= 0) {
      ev.preventDefault();
      list.open(current);
    }
  };
}

/** The same for rows known by an id in a data attribute (`tr[data-zone]`, `tr[data-site]`). */
export function idListKeys(tbody: HTMLElement, attr: string, selected: () => string | null, select: (id: string) => void, open: (id: string) => void): (ev: KeyboardEvent) => void {
  const rows = () => [...tbody.querySelectorAll<HTMLElement>(`tr[data-${attr}]`)];
  const idAt = (i: number) => rows()[i]?.dataset[attr] ?? null;
  return listKeys({
    count: () => rows().length,
    current: () => rows().findIndex((tr) => tr.dataset[attr] === selected()),
    select: (i) => {
      const tr = rows()[i];
      const id = idAt(i);
      if (tr === undefined || id === null) return;
      select(id);
      tr.focus();
    },
    open: (i) => {
      const id = idAt(i);
      if (id !== null) open(id);
    },
  });
}

/** The row of a table known by `data-<attr>`, or null. */
export function rowById(tbody: HTMLElement, attr: string, id: string): HTMLElement | null {
  for (const tr of tbody.querySelectorAll<HTMLElement>(`tr[data-${attr}]`)) if (tr.dataset[attr] === id) return tr;
  return null;
}

/** Marks the row with this id selected: `aria-selected`, and the only row in the Tab order. */
export function markSelected(tbody: HTMLElement, attr: string, id: string): void {
  for (const tr of tbody.querySelectorAll<HTMLElement>(`tr[data-${attr}]`)) {
    const on = tr.dataset[attr] === id;
    tr.setAttribute('aria-selected', on ? 'true' : 'false');
    tr.tabIndex = on ? 0 : -1;
  }
}
