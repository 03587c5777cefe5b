import { isUnacked } from '../lib/alarm-model.js';
import { audiencesOf, availableActions, canReset, formatWhen, sinceOf } from '../lib/alarm-view.js';
import { formatDuration } from '../lib/format.js';
import { formatRoute } from '../lib/route.js';
import type { OperatorAction, Transition } from '../lib/wire.js';
import { messageNodes, priorityChip, stateLabel, subjectNodes, valueText } from './alarm-parts.js';
import type { Ctx } from './context.js';
import { shelvedUntilText } from './dialogs.js';
import { h } from './dom.js';

/** The details pane of one alarm: its content, and the "how long ago" the page's clock refreshes. */
export interface AlarmDetailsView {
  readonly nodes: Node[];
  readonly ago: HTMLElement;
}

/**
 * Every field of an alarm for the details pane of the alarm list: state, where, level and value,
 * times, latch, shelve, suppression and maintenance, last user and comment, regulatory codes,
 * audiences, the people in its zone, cameras, rule and event; then its actions (gateway only),
 * trend and history links.
 */
export function alarmDetails(ctx: Ctx, t: Transition, centre: boolean, onAction: (action: OperatorAction) => void): AlarmDetailsView {
  const since = sinceOf(t);
  const ago = h('span', { class: 'muted' }, formatDuration(ctx.now() - since, ctx.tr.lang));
  const row = (label: string, ...value: (Node | string | null)[]) => [h('dt', {}, label), h('dd', {}, value)];
  const dl: Node[] = [];
  dl.push(...row(ctx.t('alarms.col.state'), stateLabel(ctx, t.state)));
  if (t.site !== undefined) dl.push(...row(ctx.t('alarms.col.site'), t.site));
  if (!centre) dl.push(...row(ctx.t('alarms.col.area'), ctx.areaOf(t)));
  dl.push(...row(ctx.t('alarms.col.point'), ...subjectNodes(ctx, t)));
  if (t.pointId !== null && t.zoneId !== undefined) dl.push(...row(ctx.t('alarms.zone'), h('span', { class: 'mono' }, t.zoneId)));
  dl.push(...row(ctx.t('alarms.col.level'), t.level ?? '—'));
  dl.push(...row(ctx.t('alarms.col.value'), valueText(ctx, t)));
  dl.push(...row(ctx.t('alarms.details.activeSince'), formatWhen(since, ctx.now(), ctx.tr.lang), ' · ', ago));
  dl.push(...row(ctx.t('alarms.details.lastChange'), formatWhen(t.time, ctx.now(), ctx.tr.lang), ' · ', ctx.tr.has(`alarms.reason.${t.reason}`) ? ctx.t(`alarms.reason.${t.reason}`) : t.reason));
  if (t.ackedAt !== null) dl.push(...row(ctx.t('alarms.details.ackedAt'), formatWhen(t.ackedAt, ctx.now(), ctx.tr.lang)));
  if (t.latched) dl.push(...row(ctx.t('alarms.badge.latched'), ctx.t(canReset(t) ? 'alarms.details.latchedReady' : 'alarms.badge.latchedHint')));
  if (t.shelved !== null) dl.push(...row(ctx.t('alarms.state.shelved'), shelvedUntilText(ctx, t), ' · ', t.shelved.user, ' · ', ctx.t(`alarms.shelve.${t.shelved.kind}`)));
  if (t.suppressed !== null) dl.push(...row(ctx.t('alarms.state.suppressed'), t.suppressed.reason, ' (', t.suppressed.by, ')'));
  if (t.outOfService !== null) dl.push(...row(ctx.t('alarms.state.out-of-service'), t.outOfService.reason, ' · ', t.outOfService.user, ' · ', formatWhen(t.outOfService.since, ctx.now(), ctx.tr.lang)));
  if (t.user !== undefined) dl.push(...row(ctx.t('alarms.details.user'), t.user));
  if (t.comment !== undefined && t.comment !== '') dl.push(...row(ctx.t('alarms.details.comment'), t.comment));
  const codes = Object.entries(t.codes ?? {});
  if (codes.length > 0) dl.push(...row(ctx.t('alarms.details.codes'), h('span', { class: 'codes' }, codes.map(([k, v]) => h('span', { class: 'badge' }, `${k}: ${v}`)))));
  const audiences = audiencesOf(t);
  if (audiences.length > 0) dl.push(...row(ctx.t('alarms.details.audiences'), audiences.join(', ')));
  if (t.people !== undefined && t.people.length > 0)
    dl.push(...row(ctx.t('alarms.details.people', { n: t.people.length }), h('ul', { class: 'people' }, t.people.map((p) => h('li', {}, p.name ?? p.tagId, p.role === null ? null : h('span', { class: 'muted' }, ` · ${p.role}`))))));
  if (t.cameras !== undefined && t.cameras.length > 0) dl.push(...row(ctx.t('alarms.details.cameras'), t.cameras.join(', ')));
  dl.push(...row(ctx.t('alarms.details.rule'), h('span', { class: 'mono' }, t.ruleId), ' ', h('span', { class: 'muted' }, t.ruleKind)));
  dl.push(...row(ctx.t('alarms.details.event'), h('span', { class: 'mono small' }, t.eventId)));

  const acts = centre ? [] : availableActions(t, { operate: ctx.can('operate'), maintain: ctx.can('maintain') });
  const nodes = [
    h('div', { class: 'details-head' }, priorityChip(ctx, t, isUnacked(t)), h('span', { class: 'mono details-id' }, t.conditionId)),
    h('p', { class: 'details-msg' }, messageNodes(t.message)),
    h('dl', {}, dl),
    h(
      'div',
      { class: 'details-actions' },
      acts.map((a) => h('button', { type: 'button', class: a === 'acknowledge' ? 'primary' : a === 'out-of-service' ? 'danger' : null, 'data-testid': `details-${a}`, onclick: () => onAction(a) }, ctx.t(`alarms.do.${a}`))),
      !centre && t.pointId !== null ? h('a', { class: 'button', href: formatRoute('trend', t.pointId, { range: '15m' }) }, ctx.t('alarms.do.trend')) : null,
      // The console's site choice stays (under "all sites" too): the history is of the alarm's site by `for`.
      h('a', { class: 'button', 'data-testid': 'alarm-history-link', href: formatRoute('history', null, { condition: t.conditionId, site: ctx.site, for: ctx.site === null ? (t.site ?? null) : null }) }, ctx.t('alarms.do.history')),
    ),
  ];
  return { nodes, ago };
}
