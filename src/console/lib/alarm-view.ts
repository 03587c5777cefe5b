import { STATE_FILTERS, type AlarmFilter, type StateFilter } from './alarm-model.js';
import { formatDateTime, formatTime } from './format.js';
import type { Lang } from './i18n.js';
import type { OperatorAction, Priority, Transition } from './wire.js';

/**
 * How the alarm list reads and shows alarms: its filter from the route's query and back, the
 * actions an alarm offers, times, and the safe links of a message. Pure.
 */

export function parsePriority(v: string | undefined): Priority | null {
  return v === '1' || v === '2' || v === '3' || v === '4' ? (Number(v) as Priority) : null;
}

export function parseStateFilter(v: string | undefined): StateFilter {
  return (STATE_FILTERS as readonly string[]).includes(v ?? '') ? (v as StateFilter) : 'shown';
}

/** The list's filter from `#/alarms?area=&priority=&state=&q=` (and the centre's chosen site). */
export function filterFromQuery(query: Readonly<Record<string, string>>, site: string | null): AlarmFilter {
  const area = query['area'];
  return {
    area: area === undefined || area === '' ? null : area,
    priority: parsePriority(query['priority']),
    state: parseStateFilter(query['state']),
    text: query['q'] ?? '',
    site,
  };
}

/** The query that gives this filter back (defaults left out; the site travels as `site`). */
export function queryOfFilter(f: AlarmFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.area !== null) q['area'] = f.area;
  if (f.priority !== null) q['priority'] = String(f.priority);
  if (f.state !== 'shown') q['state'] = f.state;
  if (f.text.trim() !== '') q['q'] = f.text;
  if (f.site !== null) q['site'] = f.site;
  return q;
}

/** When the alarm came in: its activation, or its latest change when inactive. */
export function sinceOf(t: Pick<Transition, 'activeSince' | 'time'>): number {
  return t.activeSince ?? t.time;
}

/** `14:03:07` today, `2026/11/28 14:03:07` another day (in the browser's time zone, or the one given). */
export function formatWhen(ms: number, now: number, lang: Lang, timeZone?: string): string {
  const day = (x: number) => formatDateTime(x, lang, timeZone).slice(0, 10);
  return day(ms) === day(now) ? formatTime(ms, lang, timeZone) : formatDateTime(ms, lang, timeZone);
}

export interface Abilities {
  readonly operate: boolean;
  readonly maintain: boolean;
}

/**
 * The actions an alarm offers this user, in the order the buttons show. The server decides in the
 * end; this only leaves out what it would refuse for the alarm's state or the user's role.
 */
export function availableActions(t: Transition, can: Abilities): OperatorAction[] {
  const out: OperatorAction[] = [];
  if (can.operate) {
    if (!t.acked) out.push('acknowledge');
    if (t.state === 'unconfirmed' && t.acked && !t.confirmed) out.push('confirm');
    out.push('comment');
    if (t.shelved === null && t.outOfService === null) out.push('shelve');
    if (t.shelved !== null) out.push('unshelve');
    if (canReset(t)) out.push('reset');
  }
  if (can.maintain) out.push(t.outOfService === null ? 'out-of-service' : 'in-service');
  return out;
}

/** A latch is cleared once the alarm is acknowledged and back to normal. */
export function canReset(t: Pick<Transition, 'latched' | 'acked' | 'active'>): boolean {
  return t.latched && t.acked && !t.active;
}

/** The timed shelve durations an operator picks from (the server caps them at `alarms.maxShelve`). */
export const SHELVE_DURATIONS: readonly { readonly id: string; readonly ms: number }[] = [
  { id: '15m', ms: 15 * 60_000 },
  { id: '1h', ms: 3_600_000 },
  { id: '2h', ms: 2 * 3_600_000 },
  { id: '4h', ms: 4 * 3_600_000 },
  { id: '8h', ms: 8 * 3_600_000 },
];

export type MessagePart = { readonly text: string } | { readonly href: string; readonly label: string };

const URL_RE = /https?:\/\/[^\s<>"'`，。；、）】]+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * An alarm message cut into text and links: only http(s) URLs become links (never `javascript:`
 * or `data:`); anything that does not parse as one stays text. Video detections carry their
 * snapshot and clip URLs this way.
 */
export function splitLinks(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const m of message.matchAll(URL_RE)) {
    const start = m.index;
    let raw = m[0];
    const trail = TRAILING.exec(raw);
    if (trail !== null) raw = raw.slice(0, raw.length - trail[0].length);
    const href = safeHref(raw);
    if (href === null) continue;
    if (start > last) parts.push({ text: message.slice(last, start) });
    parts.push({ href, label: linkLabel(href) });
    last = start + raw.length;
  }
  if (last < message.length) parts.push({ text: message.slice(last) });
  return parts;
}

export function linksOf(message: string): string[] {
  return splitLinks(message).flatMap((p) => ('href' in p ? [p.href] : []));
}

/** The URL, normalised, when it is http or https; otherwise null. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A short name for a link: its file (`clip-0042.mp4`) or host. */
export function linkLabel(href: string): string {
  const u = new URL(href);
  const file = u.pathname.split('/').filter((s) => s !== '').pop();
  const label = file === undefined ? u.host : decodeSafe(file);
  return label.length > 28 ? `${label.slice(0, 27)}…` : label;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The list's keys: what a key press on the alarm list does. */
export type ListCommand = 'up' | 'down' | 'first' | 'last' | 'acknowledge' | 'comment' | 'shelve' | 'reset' | 'trend' | 'clear';

export function listCommand(key: string, mods: { readonly ctrl: boolean; readonly alt: boolean; readonly meta: boolean }): ListCommand | null {
  if (mods.ctrl || mods.alt || mods.meta) return null;
  switch (key) {
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case 'Enter':
    case 'a':
    case 'A':
      return 'acknowledge';
    case 'c':
    case 'C':
      return 'comment';
    case 's':
    case 'S':
      return 'shelve';
    case 'r':
    case 'R':
      return 'reset';
    case 't':
    case 'T':
      return 'trend';
    case 'Escape':
      return 'clear';
    default:
      return null;
  }
}

/** The index a move lands on in a list of `n` (clamped; -1 for an empty list). */
export function moveIndex(current: number, command: 'up' | 'down' | 'first' | 'last', n: number): number {
  if (n === 0) return -1;
  if (command === 'first') return 0;
  if (command === 'last') return n - 1;
  if (current < 0) return command === 'down' ? 0 : n - 1;
  return Math.min(n - 1, Math.max(0, current + (command === 'down' ? 1 : -1)));
}

/** The audiences a transition names (the wire has them; the console's type keeps them optional). */
export function audiencesOf(t: Transition): string[] {
  const a = (t as unknown as { audiences?: unknown }).audiences;
  return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * What a dialog does after its action failed, with the alarm it showed (`held`) and the alarm as
 * the list has it now: `gone` (back to normal, nothing to act on), `changed` (another occurrence or
 * state: show it and say so; only a further submit acts on it), or `same` (try again as it is).
 * A refusal for a stale event with the same alarm in the list is `same`: the list has not heard yet.
 */
export type AfterFailure = 'gone' | 'changed' | 'same';

export function afterFailure(held: Pick<Transition, 'eventId'>, current: Pick<Transition, 'eventId'> | undefined, staleRefusal: boolean): AfterFailure {
  if (current === undefined) return staleRefusal ? 'gone' : 'same';
  return current.eventId === held.eventId ? 'same' : 'changed';
}
