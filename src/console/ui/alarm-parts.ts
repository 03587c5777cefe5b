import { splitLinks } from '../lib/alarm-view.js';
import { formatValue } from '../lib/format.js';
import type { AlarmState, Priority, Transition } from '../lib/wire.js';
import type { Ctx } from './context.js';
import { h } from './dom.js';

/** Pieces of an alarm every alarm view shows the same way: its priority chip, state, value and message. */

export function priorityLabel(ctx: Ctx, p: Priority): string {
  return ctx.t(`alarms.priority.${p}`);
}

/** The priority chip (一级 red …); `flash` for an unacknowledged alarm outside a flashing row. */
export function priorityChip(ctx: Ctx, t: Pick<Transition, 'priority' | 'colour'>, flash = false): HTMLElement {
  return h('span', { class: `chip c-${t.colour}${flash ? ' flash' : ''}`, title: ctx.t(`alarms.priorityLong.${t.priority}`) }, priorityLabel(ctx, t.priority));
}

export function stateLabel(ctx: Ctx, s: AlarmState): string {
  return ctx.t(`alarms.state.${s}`);
}

/** The alarm's value with its point's unit (booleans as words). */
export function valueText(ctx: Ctx, t: Pick<Transition, 'value' | 'pointId'>): string {
  const unit = t.pointId === null ? undefined : ctx.points.get(t.pointId)?.unit;
  return formatValue(t.value, unit, { on: ctx.t('value.on'), off: ctx.t('value.off') });
}

/** The message as text, its http(s) URLs as links that open apart from the console. */
export function messageNodes(message: string): (Node | string)[] {
  return splitLinks(message).map((p) =>
    'href' in p ? h('a', { href: p.href, target: '_blank', rel: 'noopener noreferrer', class: 'msg-link', title: p.href }, p.label) : p.text,
  );
}

/** What the alarm is about: its point (id and name) or its zone. */
export function subjectNodes(ctx: Ctx, t: Pick<Transition, 'pointId' | 'zoneId' | 'conditionId'>): (Node | string)[] {
  if (t.pointId !== null) {
    const name = ctx.points.get(t.pointId)?.name;
    return [h('span', { class: 'mono' }, t.pointId), name === undefined || name === '' ? null : h('span', { class: 'muted subject-name' }, name)].filter((x): x is HTMLSpanElement => x !== null);
  }
  if (t.zoneId !== undefined) return [h('span', { class: 'muted' }, ctx.t('alarms.zone')), ' ', h('span', { class: 'mono' }, t.zoneId)];
  return [h('span', { class: 'mono' }, t.conditionId)];
}
