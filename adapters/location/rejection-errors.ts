import { HazgateError } from '../../src/core/errors.js';
import { excerpt } from '../../src/core/excerpt.js';
import type { DecodedLocation } from './payload.js';
import { REASON_CODES, type RejectReason, type Rejection } from './rejection.js';

/** Indexes listed in an error's details; the counter has the full number. */
const MAX_LISTED = 10;

/**
 * One coded error per reason per message: a batch of 300 entries with one broken field in each
 * gives one error naming the first and how many, not 300 log lines a second.
 */
export function rejectionErrors(adapterId: string, topic: string, decoded: Pick<DecodedLocation, 'rejected' | 'rejections'>): HazgateError[] {
  // The first refusal of every reason is described (noteRejection), so these are all the reasons, in payload order.
  const reasons = new Set(decoded.rejections.map((r) => r.reason));
  return [...reasons].map((reason) => {
    const described = decoded.rejections.filter((r) => r.reason === reason);
    return errorOf(adapterId, topic, reason, decoded.rejected[reason] ?? described.length, described);
  });
}

function errorOf(adapterId: string, topic: string, reason: RejectReason, count: number, described: readonly Rejection[]): HazgateError {
  const first = described[0] as Rejection;
  const where = first.index === undefined ? '' : ` [${first.index}]`;
  // A too-many-entries refusal counts entries, but it is one refusal of the message.
  const others = reason === 'too-many-entries' ? 0 : count - 1;
  const more = others > 0 ? ` (and ${others} more entr${others === 1 ? 'y' : 'ies'} for the same reason)` : '';
  // A topic may be 65,535 bytes long: messages and details (both logged) quote its start.
  const shortTopic = excerpt(topic);
  const message = `location ${adapterId}: payload on "${shortTopic}"${where} ${first.detail}${more}`;
  const indexes = described.flatMap((r) => (r.index === undefined ? [] : [r.index])).slice(0, MAX_LISTED);
  const details: Record<string, unknown> = { adapter: adapterId, topic: shortTopic, reason, count };
  if (indexes.length > 0) details['indexes'] = indexes;
  return new HazgateError(REASON_CODES[reason], message, details);
}
