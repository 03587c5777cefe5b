import type { ZoneSpec } from '../../core/index.js';
import { formatNumber } from '../message.js';
import type { PersonRef } from './state.js';

/** `Zhang San (T-0042)`, or `tag T-0042` for a tag nobody is on the roster for. */
export function personLabel(p: PersonRef): string {
  return p.name === null ? `tag ${p.tagId}` : `${p.name} (${p.tagId})`;
}

/** `Workshop 3 (ws3)`, or `ws3` for a zone without a name. */
export function zoneLabel(zone: ZoneSpec): string {
  return zone.name === undefined ? zone.id : `${zone.name} (${zone.id})`;
}

/** People listed for a message: the first few names, then how many more. */
export function peopleList(people: readonly PersonRef[], most = 5): string {
  const names = people.slice(0, most).map(personLabel);
  return people.length > most ? `${names.join(', ')} and ${people.length - most} more` : names.join(', ');
}

/** `45 s`, `1 min 1 s`, `12 min`, `2 h 5 min`. */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${formatNumber(Math.round(ms / 100) / 10)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  if (minutes < 60) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  const rest = minutes % 60;
  return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** `(412.3, 87.1) on 2F`. */
export function whereLabel(fix: { readonly x: number; readonly y: number; readonly floor?: string | undefined } | undefined): string {
  if (fix === undefined) return 'no position';
  const at = `(${formatNumber(Math.round(fix.x * 10) / 10)}, ${formatNumber(Math.round(fix.y * 10) / 10)})`;
  return fix.floor === undefined ? at : `${at} on ${fix.floor}`;
}
