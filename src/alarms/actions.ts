import { HazgateError, type AlarmTransition, type ErrorCode, type OperatorRequest } from '../core/index.js';
import type { StepContext } from './policy.js';
import type { AlarmFlags } from './record.js';
import { advance } from './state.js';

/** An operator action either makes a transition or is refused with a code. */
export type ActionStep = { readonly ok: true; readonly transition: AlarmTransition } | { readonly ok: false; readonly error: HazgateError };

type Refusal = { readonly code: ErrorCode; readonly message: string };

/**
 * Why an action does not apply to the condition as it is, checked in the order an operator can
 * act on: the action's own precondition first (already acked tells more than a stale eventId),
 * then the eventId. null: it applies.
 */
function refusal(c: AlarmTransition, req: OperatorRequest, ctx: StepContext): Refusal | null {
  const id = c.conditionId;
  const own = precondition(c, req, ctx);
  if (own !== null) return own;
  const needsEvent = req.action === 'acknowledge' || req.action === 'confirm';
  if ((needsEvent && req.eventId === undefined) || (req.eventId !== undefined && req.eventId !== c.eventId)) {
    const seen = req.eventId === undefined ? 'no eventId' : `event "${req.eventId}"`;
    return { code: 'HG_ERR_ALARM_STALE_EVENT', message: `${seen} is not the latest of alarm "${id}" (latest is "${c.eventId}")` };
  }
  return null;
}

function precondition(c: AlarmTransition, req: OperatorRequest, ctx: StepContext): Refusal | null {
  const id = c.conditionId;
  switch (req.action) {
    case 'acknowledge':
      return c.acked ? { code: 'HG_ERR_ALARM_ALREADY_ACKED', message: `alarm "${id}" is ${c.state === 'normal' ? 'normal' : 'already acknowledged'}` } : null;
    case 'confirm':
      if (c.confirmed) return { code: 'HG_ERR_ALARM_ALREADY_CONFIRMED', message: `alarm "${id}" awaits no confirmation` };
      return c.acked ? null : { code: 'HG_ERR_ALARM_NOT_ACKED', message: `alarm "${id}" must be acknowledged before it is confirmed` };
    case 'comment':
      return blank(req.comment) ? { code: 'HG_ERR_API_BAD_REQUEST', message: 'a comment needs text' } : null;
    case 'shelve':
      return shelveRefusal(c, req, ctx);
    case 'unshelve':
      return c.shelved === null ? { code: 'HG_ERR_ALARM_NOT_SHELVED', message: `alarm "${id}" is not shelved` } : null;
    case 'out-of-service':
      if (c.outOfService !== null) return { code: 'HG_ERR_ALARM_ALREADY_OUT_OF_SERVICE', message: `alarm "${id}" is out of service since ${new Date(c.outOfService.since).toISOString()} (${c.outOfService.user})` };
      return blank(req.comment) ? { code: 'HG_ERR_API_BAD_REQUEST', message: 'taking an alarm out of service needs a reason (comment)' } : null;
    case 'in-service':
      return c.outOfService === null ? { code: 'HG_ERR_ALARM_IN_SERVICE', message: `alarm "${id}" is in service` } : null;
    case 'reset':
      if (!c.latched) return { code: 'HG_ERR_ALARM_NOT_LATCHED', message: `alarm "${id}" is not latched` };
      if (c.active) return { code: 'HG_ERR_ALARM_STILL_ACTIVE', message: `alarm "${id}" is still active (${c.level ?? ''}): reset it once it is back to normal` };
      return c.acked ? null : { code: 'HG_ERR_ALARM_NOT_ACKED', message: `alarm "${id}" must be acknowledged before it is reset` };
  }
}

function shelveRefusal(c: AlarmTransition, req: OperatorRequest, ctx: StepContext): Refusal | null {
  const id = c.conditionId;
  if (!ctx.policy.shelvable) return { code: 'HG_ERR_ALARM_NOT_SHELVABLE', message: `alarm "${id}" may not be shelved (its rule says shelvable: false)` };
  if (c.outOfService !== null) return { code: 'HG_ERR_ALARM_OUT_OF_SERVICE', message: `alarm "${id}" is out of service` };
  if (c.shelved !== null) return { code: 'HG_ERR_ALARM_ALREADY_SHELVED', message: `alarm "${id}" is already shelved (${c.shelved.kind}, by ${c.shelved.user})` };
  const shelve = req.shelve;
  if (shelve === undefined) return { code: 'HG_ERR_API_BAD_REQUEST', message: 'a shelve needs a kind: one-shot or timed' };
  if (shelve.kind === 'one-shot') {
    return c.active ? null : { code: 'HG_ERR_ALARM_NOT_ACTIVE', message: `alarm "${id}" is not active: a one-shot shelve would end at once; use a timed shelve` };
  }
  if (!(shelve.durationMs > 0)) return { code: 'HG_ERR_API_BAD_REQUEST', message: 'a timed shelve needs a positive duration' };
  if (shelve.durationMs > ctx.maxShelveMs) {
    return { code: 'HG_ERR_ALARM_SHELVE_TOO_LONG', message: `a timed shelve is at most ${hours(ctx.maxShelveMs)} h (alarms.maxShelve); ${hours(shelve.durationMs)} h asked` };
  }
  return null;
}

function blank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

function hours(ms: number): string {
  return (ms / 3_600_000).toFixed(2).replace(/\.?0+$/, '');
}

/** The flags an applicable action changes. */
function effect(req: OperatorRequest, ctx: StepContext): Partial<AlarmFlags> {
  const now = ctx.now;
  switch (req.action) {
    case 'acknowledge':
      return { acked: true, ackedAt: now };
    case 'confirm':
      return { confirmed: true };
    case 'comment':
      return {};
    case 'shelve': {
      const s = req.shelve;
      const until = s?.kind === 'timed' ? now + s.durationMs : null;
      return { shelved: { kind: s?.kind ?? 'one-shot', user: req.user, since: now, until } };
    }
    case 'unshelve':
      return { shelved: null };
    case 'out-of-service':
      // Maintenance replaces a shelve: the condition is hidden for a reason of its own now.
      return { outOfService: { user: req.user, since: now, reason: (req.comment ?? '').trim() }, shelved: null };
    case 'in-service':
      return { outOfService: null };
    case 'reset':
      return { latched: false };
  }
}

/**
 * An operator action on a condition (its latest record; a normal record when it is not retained).
 * Every applicable action is a transition with the operator's name and comment, journaled like a
 * process change; a refusal changes nothing.
 */
export function applyAction(current: AlarmTransition, req: OperatorRequest, ctx: StepContext): ActionStep {
  const refused = refusal(current, req, ctx);
  if (refused !== null) {
    const details = { conditionId: req.conditionId, action: req.action, user: req.user, ...(req.eventId === undefined ? {} : { eventId: req.eventId }) };
    return { ok: false, error: new HazgateError(refused.code, refused.message, details) };
  }
  const transition = advance(current, {
    ...effect(req, ctx),
    reason: req.action,
    eventId: ctx.eventId,
    siteId: ctx.siteId,
    time: ctx.now,
    rts: ctx.now,
    user: req.user,
    comment: req.comment,
  }, ctx.policy);
  return { ok: true, transition };
}
