import { z } from 'zod';
import { durationSchema, HazgateError, OPERATOR_ACTIONS, type OperatorAction, type OperatorRequest } from '../core/index.js';

/**
 * Operator actions at the server edge: the fields REST bodies and WebSocket `action` messages share,
 * and the one check of what each action needs. The alarm manager decides whether the action applies
 * to the condition's state (HG_ERR_ALARM_*); this file only refuses requests that cannot be right
 * whatever the state (HG_ERR_API_BAD_REQUEST).
 */
export const operatorActionSchema = z.enum(OPERATOR_ACTIONS);

export const shelveKindSchema = z.enum(['one-shot', 'timed']);

/** A shelve duration: milliseconds or a text like `2h`, converted to ms. */
export const shelveDurationSchema = durationSchema.optional();

/** Fields common to every action, REST and WebSocket alike. */
export const actionFields = {
  eventId: z.string().min(1).max(128).optional(),
  comment: z.string().max(2000).optional(),
  /**
   * The journal records the authenticated user, never a name the caller gives. A `user` is
   * accepted for clients of the first release when it is that user, and refused when it is not.
   */
  user: z.string().min(1).max(128).optional(),
};

/** What a request carried, once its shape is valid (REST: flat `kind`/`duration`; WS: `shelve: {kind, duration}`). */
export interface ActionFields {
  readonly eventId?: string | undefined;
  readonly comment?: string | undefined;
  readonly user?: string | undefined;
  readonly kind?: 'one-shot' | 'timed' | undefined;
  /** Already converted from a number or a text like `2h` by durationSchema. */
  readonly durationMs?: number | undefined;
}

/** OPC UA Part 9 Acknowledge/Confirm(EventId, Comment): the operator names the event they saw. */
const NEEDS_EVENT_ID: ReadonlySet<OperatorAction> = new Set<OperatorAction>(['acknowledge', 'confirm']);

const NEEDS_COMMENT: Partial<Record<OperatorAction, string>> = {
  comment: 'a non-empty comment is required',
  'out-of-service': 'a non-empty comment is required: the reason for taking the condition out of service',
};

/**
 * Builds the request the alarm manager acts on, in the name of `operator` (the authenticated user),
 * or throws HG_ERR_API_BAD_REQUEST naming the action, the condition and what is missing or not
 * allowed, or HG_ERR_AUTH_FORBIDDEN when the request names another user.
 */
export function operatorRequest(action: OperatorAction, conditionId: string, fields: ActionFields, operator: string): OperatorRequest {
  const refuse = (why: string): HazgateError =>
    new HazgateError('HG_ERR_API_BAD_REQUEST', `bad ${action} request for ${conditionId}: ${why}`, { action, conditionId });
  if (fields.user !== undefined && fields.user !== operator) {
    throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `${action} of ${conditionId} names user "${fields.user}", but you are ${operator}: leave user out, the journal records who is logged in`, { action, conditionId, user: operator, permission: `alarm.${action}` });
  }
  if (NEEDS_EVENT_ID.has(action) && fields.eventId === undefined) {
    throw refuse('eventId is required (the latest eventId of the condition, as the operator saw it)');
  }
  const commentNeed = NEEDS_COMMENT[action];
  const comment = fields.comment !== undefined && fields.comment.trim() !== '' ? fields.comment : undefined;
  if (commentNeed !== undefined && comment === undefined) throw refuse(commentNeed);
  const shelve = shelving(action, fields);
  if (typeof shelve === 'string') throw refuse(shelve);
  return {
    action,
    conditionId,
    user: operator,
    ...(fields.eventId === undefined ? {} : { eventId: fields.eventId }),
    ...(comment === undefined ? {} : { comment }),
    ...(shelve === undefined ? {} : { shelve }),
  };
}

/** The shelve part of a request, or why it is wrong. */
function shelving(action: OperatorAction, f: ActionFields): OperatorRequest['shelve'] | string {
  if (action !== 'shelve') {
    return f.kind === undefined && f.durationMs === undefined ? undefined : 'kind and duration apply only to shelve';
  }
  if (f.kind === undefined) return 'kind is required: one-shot (until the alarm returns to normal) or timed (with a duration)';
  if (f.kind === 'one-shot') {
    return f.durationMs === undefined ? { kind: 'one-shot' } : 'a one-shot shelve takes no duration (it ends when the alarm returns to normal)';
  }
  if (f.durationMs === undefined || !(f.durationMs > 0)) return 'a timed shelve needs a positive duration: milliseconds or a text like 30m or 2h';
  return { kind: 'timed', durationMs: f.durationMs };
}
