import { HazgateError } from '../../src/core/errors.js';
import { REASON_CODES, type RejectReason, type Rejection } from './rejection.js';

/** Indexes listed in an error's details; the counter has the full number. */
const MAX_LISTED = 10;

/**
 * One coded error per reason per message: a batch of 300 entries with one broken field in each
 * gives one error naming the first and how many, not 300 log lines a second.
 */
export function rejectionErrors(adapterId: string, topic: string, rejections: readonly Rejection[]): HazgateError[] {
  if (rejections.length === 0) return [];
  const byReason = new Map<RejectReason, Rejection[]>();
  for (const r of rejections) {
    const list = byReason.get(r.reason);
    if (list === undefined) byReason.set(r.reason, [r]);
    else list.push(r);
  }
  return [...byReason].map(([reason, list]) => errorOf(adapterId, topic, reason, list));
}

function errorOf(adapterId: string, topic: string, reason: RejectReason, list: readonly Rejection[]): HazgateError {
  const first = list[0] as Rejection;
  const where = first.index === undefined ? '' : ` [${first.index}]`;
  const more = list.length > 1 ? ` (and ${list.length - 1} more entr${list.length === 2 ? 'y' : 'ies'} for the same reason)` : '';
  const message = `location ${adapterId}: payload on "${topic}"${where} ${first.detail}${more}`;
  const indexes = list.flatMap((r) => (r.index === undefined ? [] : [r.index])).slice(0, MAX_LISTED);
  const details: Record<string, unknown> = { adapter: adapterId, topic, reason, count: list.length };
  if (indexes.length > 0) details['indexes'] = indexes;
  return new HazgateError(REASON_CODES[reason], message, details);
}
