import { formatDuration, formatTime } from '../../lib/format.js';
import { parsePeopleAlarm, type AlarmChip } from '../../lib/people-zones.js';
import { formatRoute } from '../../lib/route.js';
import type { Transition } from '../../lib/wire.js';
import type { Ctx } from '../context.js';
import { h } from '../dom.js';

/** A zone kind in the page's language (an unknown kind as it came). */
export function kindLabel(ctx: Ctx, kind: string): string {
  const key = `people.kind.${kind}`;
  return ctx.tr.has(key) ? ctx.t(key) : kind;
}

/** The chips of a zone's alarms: one per kind, in its most urgent priority's colour, flashing while any is unacknowledged. */
export function alarmChips(ctx: Ctx, chips: readonly AlarmChip[]): HTMLElement {
  return h(
    'span',
    { class: 'zone-chips' },
    chips.map((c) => {
      const label = ctx.t(`people.alarm.${c.kind}`);
      const urgent = c.kind === 'sos' || c.kind === 'man-down';
      return h(
        'span',
        {
          class: `chip c-${c.colour}${c.unacked ? ' flash' : ''}${urgent ? ' chip-urgent' : ''}`,
          'data-testid': 'zone-alarm-chip',
          'data-kind': c.kind,
          title: ctx.t('people.chipTitle', { kind: label, n: c.count, p: c.priority }),
        },
        c.count > 1 ? `${label} ×${c.count}` : label,
      );
    }),
  );
}

/**
 * The SOS and man-down alarms: a person asking for help comes before any table. Each names who (its
 * message), where (its zone, a link to the zone's list), since when, and links to the alarm list
 * where it is acknowledged and reset.
 */
export function urgentStrip(ctx: Ctx, alarms: readonly Transition[], zoneName: (zoneId: string) => string, zoneOf: (t: Transition) => string | null): HTMLElement | null {
  if (alarms.length === 0) return null;
  const now = ctx.now();
  const lang = ctx.tr.lang;
  return h(
    'section',
    { class: 'urgent-strip', role: 'alert', 'data-testid': 'people-urgent', 'aria-label': ctx.t('people.urgentTitle') },
    h('h2', {}, ctx.t('people.urgentTitle')),
    h(
      'ul',
      {},
      alarms.map((t) => {
        const kind = parsePeopleAlarm(t.conditionId)?.kind ?? 'sos';
        const zone = zoneOf(t);
        const since = t.activeSince ?? t.time;
        const unacked = t.annunciated && !t.acked;
        return h(
          'li',
          { 'data-testid': 'urgent-alarm', 'data-condition': t.conditionId },
          h('span', { class: `chip c-${t.colour} urgent-label${unacked ? ' flash' : ''}` }, ctx.t(`people.urgent.${kind}`)),
          h('span', { class: 'urgent-message' }, t.message),
          h(
            'span',
            { class: 'urgent-where' },
            zone === null ? ctx.t('people.urgent.nowhere') : h('a', { href: formatRoute('zone', zone) }, ctx.t('people.urgent.where', { zone: zoneName(zone) })),
          ),
          h('span', { class: 'muted urgent-since' }, ctx.t('people.urgent.since', { time: formatTime(since, lang), ago: formatDuration(now - since, lang) })),
          unacked ? h('span', { class: 'urgent-unacked' }, ctx.t('people.urgent.unacked')) : null,
          !t.active && t.latched ? h('span', { class: 'muted' }, ctx.t('people.urgent.returned')) : null,
          h('a', { class: 'urgent-open', href: formatRoute('alarms', null, { q: t.conditionId, state: 'all' }) }, '→ ', ctx.t('nav.alarms')),
        );
      }),
    ),
  );
}
