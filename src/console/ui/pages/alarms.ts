import './alarms.css';
import { COLOURS, PRIORITIES, STATE_FILTERS, isUnacked, keyOf, type AlarmFilter } from '../../lib/alarm-model.js';
import { availableActions, filterFromQuery, formatWhen, listCommand, moveIndex, parsePriority, parseStateFilter, queryOfFilter, sinceOf } from '../../lib/alarm-view.js';
import { formatDuration } from '../../lib/format.js';
import { domChildren, reconcile } from '../../lib/reconcile.js';
import { formatRoute, type Route } from '../../lib/route.js';
import type { AlarmColour, OperatorAction, Transition } from '../../lib/wire.js';
import { messageNodes, priorityChip, stateLabel, subjectNodes, valueText } from '../alarm-parts.js';
import type { Ctx, Page } from '../context.js';
import { alarmDetails } from '../alarm-details.js';
import { openAlarmDialog, shelvedUntilText } from '../dialogs.js';
import { fill, h, throttled } from '../dom.js';

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly t: Transition;
  readonly ago: HTMLElement;
}

/** Actions a row offers as buttons (the rest are in the details pane). */
const ROW_ACTIONS: readonly OperatorAction[] = ['acknowledge', 'confirm', 'comment', 'shelve', 'unshelve', 'reset'];

/**
 * The active alarm list: most urgent and newest first, unacknowledged ones flashing, filtered by
 * area, priority, state and words (kept in the URL), with counts, a details pane and the operator's
 * actions (gateway only). Rows are kept by condition and rebuilt only when their alarm changed.
 */
export function alarmsPage(ctx: Ctx, route: Route): Page {
  const centre = ctx.mode === 'centre';
  let filter: AlarmFilter = filterFromQuery(route.query, ctx.site);
  let selected: string | null = null;
  let list: Transition[] = [];
  const rows = new Map<string, Row>();
  const unlisten: (() => void)[] = [];
  /** At a centre: sites not heard from for over a minute (their rows are greyed). */
  let silent = new Set<string>();

  // Toolbar: filters and counts.
  const areaSelect = h('select', { 'data-testid': 'alarm-area', 'aria-label': ctx.t('alarms.filter.area'), onchange: () => setFilter({ area: areaSelect.value === '' ? null : areaSelect.value }) });
  const prioritySelect = h(
    'select',
    { 'data-testid': 'alarm-priority', 'aria-label': ctx.t('alarms.filter.priority'), onchange: () => setFilter({ priority: parsePriority(prioritySelect.value) }) },
    h('option', { value: '' }, ctx.t('alarms.filter.allPriorities')),
    PRIORITIES.map((p) => h('option', { value: String(p), selected: filter.priority === p }, ctx.t(`alarms.priorityLong.${p}`))),
  );
  const stateSelect = h(
    'select',
    { 'data-testid': 'alarm-state', 'aria-label': ctx.t('alarms.filter.state'), onchange: () => setFilter({ state: parseStateFilter(stateSelect.value) }) },
    STATE_FILTERS.map((s) => h('option', { value: s, selected: filter.state === s }, ctx.t(`alarms.filterState.${s}`))),
  );
  const search = h('input', {
    type: 'search',
    'data-testid': 'alarm-search',
    'data-search': true,
    value: filter.text,
    placeholder: ctx.t('alarms.filter.searchHint'),
    'aria-label': ctx.t('alarms.filter.search'),
    oninput: () => setFilter({ text: search.value }),
    onkeydown: (ev) => {
      const e = ev as KeyboardEvent;
      if (e.key === 'Escape' && search.value !== '') {
        e.stopPropagation();
        search.value = '';
        setFilter({ text: '' });
      } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
        e.preventDefault();
        focusRow(selected ?? firstKey());
      }
    },
  });
  const counts = h('div', { class: 'alarm-counts', 'data-testid': 'alarm-counts', 'aria-live': 'polite' });
  const toolbar = h(
    'div',
    { class: 'toolbar alarm-toolbar' },
    centre ? null : h('label', {}, ctx.t('alarms.filter.area'), areaSelect),
    h('label', {}, ctx.t('alarms.filter.priority'), prioritySelect),
    h('label', {}, ctx.t('alarms.filter.state'), stateSelect),
    h('label', { class: 'search' }, ctx.t('alarms.filter.search'), search),
    counts,
  );

  // The list.
  const showActions = !centre && (ctx.can('operate') || ctx.can('maintain'));
  const columns: [string, string][] = [
    ['prio', ctx.t('alarms.col.priority')],
    ['time', ctx.t('alarms.col.time')],
    ...(centre ? ([['site', ctx.t('alarms.col.site')]] as [string, string][]) : []),
    // At a centre an alarm's area is its site: one column says it.
    ...(centre ? [] : ([['area', ctx.t('alarms.col.area')]] as [string, string][])),
    ['subject', ctx.t('alarms.col.point')],
    ['level', ctx.t('alarms.col.level')],
    ['value', ctx.t('alarms.col.value')],
    ['message', ctx.t('alarms.col.message')],
    ['state', ctx.t('alarms.col.state')],
    ...(showActions ? ([['actions', ctx.t('alarms.col.actions')]] as [string, string][]) : []),
  ];
  const tbody = h('tbody', { onkeydown: onListKey, onclick: onListClick });
  const table = h(
    'table',
    { class: 'grid alarm-table', 'data-testid': 'alarm-list', 'aria-label': ctx.t('alarms.title'), 'aria-rowcount': -1 },
    h('colgroup', {}, columns.map(([c]) => h('col', { class: `col-${c}` }))),
    h('thead', {}, h('tr', {}, columns.map(([c, label]) => h('th', { class: `col-${c}`, scope: 'col' }, label)))),
    tbody,
  );
  const empty = h('div', { class: 'empty alarm-empty', 'data-testid': 'alarm-empty', hidden: true });
  const details = h('aside', { class: 'panel alarm-details', 'data-testid': 'alarm-details', 'aria-live': 'polite' });
  let detailsFor: Transition | null | undefined;
  let detailsAgo: HTMLElement | null = null;

  const root = h(
    'section',
    { class: 'alarms-page', 'data-testid': 'alarms-page' },
    h('h1', { class: 'visually-hidden' }, ctx.t('alarms.title')),
    toolbar,
    h('div', { class: 'alarm-layout' }, h('div', { class: 'alarm-scroll' }, table, empty), details),
  );

  function setFilter(change: Partial<AlarmFilter>): void {
    filter = { ...filter, ...change };
    history.replaceState(null, '', formatRoute('alarms', null, queryOfFilter(filter)));
    redraw();
  }

  function firstKey(): string | null {
    const t = list[0];
    return t === undefined ? null : keyOf(t);
  }

  function rowOf(key: string | null): HTMLTableRowElement | null {
    return key === null ? null : (rows.get(key)?.tr ?? null);
  }

  function focusRow(key: string | null): void {
    if (key === null) return;
    select(key);
    rowOf(key)?.focus();
  }

  function select(key: string | null): void {
    if (selected === key) return;
    const old = rowOf(selected);
    old?.setAttribute('aria-selected', 'false');
    old?.setAttribute('tabindex', '-1');
    selected = key;
    markSelection();
    drawDetails();
  }

  function markSelection(): void {
    const current = selected !== null && rows.has(selected) ? selected : null;
    const roving = current ?? firstKey();
    for (const [key, r] of rows) {
      r.tr.setAttribute('aria-selected', String(key === current));
      r.tr.setAttribute('tabindex', key === roving ? '0' : '-1');
    }
  }

  // A row, built anew only when its alarm changed.
  function buildRow(t: Transition): Row {
    const since = sinceOf(t);
    const ago = h('span', { class: 'ago muted' }, formatDuration(ctx.now() - since, ctx.tr.lang));
    const badges = badgesOf(t);
    const cells: Node[] = [
      h('td', { class: 'col-prio' }, priorityChip(ctx, t)),
      h('td', { class: 'col-time' }, h('span', { class: 'when' }, formatWhen(since, ctx.now(), ctx.tr.lang)), ago),
    ];
    if (centre) cells.push(h('td', { class: 'col-site' }, t.site ?? '—'));
    if (!centre) cells.push(h('td', { class: 'col-area' }, ctx.areaOf(t)));
    cells.push(
      h('td', { class: 'col-subject' }, subjectNodes(ctx, t)),
      h('td', { class: 'col-level mono' }, t.level ?? '—'),
      h('td', { class: 'col-value num' }, valueText(ctx, t)),
      h('td', { class: 'col-message' }, h('span', { class: 'msg' }, messageNodes(t.message)), badges.length === 0 ? null : h('span', { class: 'badges' }, badges)),
      h('td', { class: 'col-state' }, stateLabel(ctx, t.state)),
    );
    if (showActions) cells.push(h('td', { class: 'col-actions' }, rowButtons(t)));
    const tr = h(
      'tr',
      {
        'data-testid': 'alarm-row',
        'data-key': keyOf(t),
        'data-condition': t.conditionId,
        'data-state': t.state,
        'data-level': t.level ?? '',
        'data-colour': t.colour,
        'data-acked': String(t.acked),
        class: [isUnacked(t) ? 'flash' : '', t.site !== undefined && silent.has(t.site) ? 'site-silent' : ''].join(' ').trim() || null,
        'data-site': t.site ?? null,
        tabindex: -1,
        'aria-selected': 'false',
      },
      cells,
    );
    return { tr, t, ago };
  }

  function badgesOf(t: Transition): HTMLElement[] {
    const b: HTMLElement[] = [];
    const badge = (cls: string, text: string, title?: string) => h('span', { class: `badge ${cls}`, title: title ?? null }, text);
    if (t.latched) b.push(badge('b-latched', ctx.t('alarms.badge.latched'), ctx.t('alarms.badge.latchedHint')));
    if (t.shelved !== null) b.push(badge('b-shelved', shelvedUntilText(ctx, t)));
    if (t.suppressed !== null) b.push(badge('b-suppressed', ctx.t('alarms.badge.suppressed'), t.suppressed.reason));
    if (t.outOfService !== null) b.push(badge('b-oos', ctx.t('alarms.badge.outOfService'), t.outOfService.reason));
    if (t.people !== undefined && t.people.length > 0) b.push(badge('b-people', ctx.t('alarms.badge.people', { n: t.people.length }), t.people.map((p) => p.name ?? p.tagId).join(', ')));
    for (const cam of t.cameras ?? []) b.push(badge('b-camera', ctx.t('alarms.badge.camera', { id: cam })));
    return b;
  }

  function rowButtons(t: Transition): Node[] {
    const key = keyOf(t);
    const out: Node[] = [];
    const acts = availableActions(t, { operate: ctx.can('operate'), maintain: ctx.can('maintain') });
    for (const a of ROW_ACTIONS) {
      if (!acts.includes(a)) continue;
      out.push(
        h(
          'button',
          {
            type: 'button',
            class: a === 'acknowledge' ? 'primary small' : 'small',
            'data-testid': `alarm-${a === 'acknowledge' ? 'ack' : a}`,
            'data-action': a,
            'data-key': key,
            title: ctx.t(`alarms.doHint.${a}`),
          },
          ctx.t(`alarms.short.${a}`),
        ),
      );
    }
    if (t.pointId !== null) out.push(h('a', { class: 'button small', href: formatRoute('trend', t.pointId, { range: '15m' }), 'data-testid': 'alarm-trend', title: ctx.t('alarms.doHint.trend') }, ctx.t('alarms.short.trend')));
    return out;
  }

  function openDialog(action: OperatorAction, key: string): void {
    if (centre) return;
    const t = ctx.live.book.get(key);
    if (t === undefined || !availableActions(t, { operate: ctx.can('operate'), maintain: ctx.can('maintain') }).includes(action)) return;
    select(key);
    openAlarmDialog(ctx, action, key, () => focusRow(rows.has(key) ? key : (selected ?? firstKey())));
  }

  function onListClick(ev: Event): void {
    const target = ev.target as HTMLElement;
    const tr = target.closest('tr');
    const key = tr?.getAttribute('data-key') ?? null;
    if (key === null) return;
    const button = target.closest('button');
    if (button !== null) {
      const action = button.getAttribute('data-action') as OperatorAction | null;
      if (action !== null) openDialog(action, key);
      return;
    }
    if (target.closest('a') !== null) return;
    focusRow(key);
  }

  function onListKey(ev: Event): void {
    const e = ev as KeyboardEvent;
    const tr = (e.target as HTMLElement).closest('tr');
    if (tr === null || e.target !== tr) return; // keys on a row's button or link are theirs
    const cmd = listCommand(e.key, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
    if (cmd === null) return;
    const key = tr.getAttribute('data-key');
    e.preventDefault();
    switch (cmd) {
      case 'up':
      case 'down':
      case 'first':
      case 'last': {
        const i = moveIndex(list.findIndex((t) => keyOf(t) === key), cmd, list.length);
        const t = list[i];
        if (t !== undefined) focusRow(keyOf(t));
        return;
      }
      case 'clear':
        select(null);
        return;
      case 'trend': {
        const t = key === null ? undefined : ctx.live.book.get(key);
        if (!centre && t?.pointId != null) ctx.navigate(formatRoute('trend', t.pointId, { range: '15m' }));
        return;
      }
      default:
        if (key !== null) openDialog(cmd, key);
    }
  }

  /** Greys the rows of silent sites (centre); true when the set changed. */
  function markSilent(): boolean {
    if (!centre) return false;
    const now = new Set(ctx.silentSites().map((s) => s.site));
    if (now.size === silent.size && [...now].every((x) => silent.has(x))) return false;
    silent = now;
    for (const r of rows.values()) r.tr.classList.toggle('site-silent', r.t.site !== undefined && silent.has(r.t.site));
    return true;
  }

  // Redraw: reuse the rows whose alarm is the same object, move only the rows whose place changed.
  function redraw(): void {
    list = ctx.live.book.list(filter, ctx.areaOf);
    const hadFocus = tbody.contains(document.activeElement);
    const focusedIndex = hadFocus ? [...tbody.children].indexOf(document.activeElement?.closest('tr') ?? tbody) : -1;
    const keep = new Set<string>();
    const trs: HTMLTableRowElement[] = [];
    for (const t of list) {
      const key = keyOf(t);
      keep.add(key);
      let r = rows.get(key);
      if (r === undefined || r.t !== t) {
        r = buildRow(t);
        rows.set(key, r);
      }
      trs.push(r.tr);
    }
    for (const key of [...rows.keys()]) if (!keep.has(key)) rows.delete(key);
    reconcile(domChildren<HTMLTableRowElement>(tbody), trs);
    if (selected !== null && !rows.has(selected)) {
      // The selected alarm left the list (back to normal, filtered out): its neighbour takes the selection while the list has focus.
      const next = hadFocus ? list[Math.min(Math.max(focusedIndex, 0), list.length - 1)] : undefined;
      selected = next === undefined ? null : keyOf(next);
    }
    markSelection();
    if (hadFocus && !tbody.contains(document.activeElement)) rowOf(selected ?? firstKey())?.focus();
    drawCounts();
    drawAreas();
    drawEmpty();
    drawDetails();
  }

  function drawCounts(): void {
    const byColour: Record<AlarmColour, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    let unacked = 0;
    for (const t of list) {
      byColour[t.colour]++;
      if (isUnacked(t)) unacked++;
    }
    const hidden = ctx.live.book.counts(ctx.areaOf, filter.site).hidden;
    fill(
      counts,
      h('span', { class: 'count-total' }, ctx.t('alarms.counts.shown', { n: list.length })),
      h('span', { class: unacked > 0 ? 'count-unacked has' : 'count-unacked' }, ctx.t('alarms.counts.unacked', { n: unacked })),
      COLOURS.map((c, i) => h('span', { class: `chip c-${c} count-chip`, title: ctx.t(`alarms.priorityLong.${i + 1}`), 'data-colour': c }, String(byColour[c]))),
      filter.state === 'shown' && hidden > 0
        ? h('a', { href: formatRoute('alarms', null, queryOfFilter({ ...filter, state: 'hidden' })), class: 'count-hidden', onclick: (ev) => (ev.preventDefault(), stateSelect.value = 'hidden', setFilter({ state: 'hidden' })) }, ctx.t('alarms.counts.hidden', { n: hidden }))
        : null,
    );
  }

  let areaSig = '';
  function drawAreas(): void {
    const areas = new Set(ctx.live.book.areas(ctx.areaOf));
    for (const p of ctx.points.values()) if (p.area !== undefined && p.area !== '') areas.add(p.area);
    if (filter.area !== null) areas.add(filter.area);
    const sorted = [...areas].sort();
    const sig = sorted.join('\n');
    if (sig === areaSig) return;
    areaSig = sig;
    fill(areaSelect, h('option', { value: '' }, ctx.t('alarms.filter.allAreas')), sorted.map((a) => h('option', { value: a, selected: a === filter.area }, a)));
    areaSelect.value = filter.area ?? '';
  }

  function drawEmpty(): void {
    const none = list.length === 0;
    table.hidden = none;
    empty.hidden = !none;
    if (!none) return;
    const filtered = filter.area !== null || filter.priority !== null || filter.text.trim() !== '' || filter.state !== 'shown';
    fill(
      empty,
      h('div', { class: 'empty-big' }, ctx.t(ctx.live.book.size === 0 ? 'alarms.empty.none' : filtered ? 'alarms.empty.filtered' : 'alarms.empty.noneShown')),
      filtered ? h('button', { type: 'button', onclick: clearFilters }, ctx.t('alarms.filter.clear')) : null,
    );
  }

  function clearFilters(): void {
    search.value = '';
    prioritySelect.value = '';
    stateSelect.value = 'shown';
    areaSelect.value = '';
    setFilter({ area: null, priority: null, state: 'shown', text: '' });
  }

  // Details of the selected alarm.
  function drawDetails(): void {
    const t = selected === null ? undefined : ctx.live.book.get(selected);
    if ((t ?? null) === detailsFor) return;
    detailsFor = t ?? null;
    detailsAgo = null;
    if (t === undefined) {
      fill(details, h('p', { class: 'muted details-hint' }, ctx.t(list.length === 0 ? 'alarms.details.nothing' : 'alarms.details.hint')), h('p', { class: 'muted keys' }, ctx.t('alarms.keys')));
      return;
    }
    const view = alarmDetails(ctx, t, centre, (a) => openDialog(a, keyOf(t)));
    detailsAgo = view.ago;
    fill(details, view.nodes);
  }

  function tick(): void {
    const now = ctx.now();
    for (const r of rows.values()) {
      const text = formatDuration(now - sinceOf(r.t), ctx.tr.lang);
      if (r.ago.textContent !== text) r.ago.textContent = text;
    }
    if (detailsAgo !== null && detailsFor != null) detailsAgo.textContent = formatDuration(now - sinceOf(detailsFor), ctx.tr.lang);
  }

  const drawSoon = throttled(redraw);
  unlisten.push(ctx.on('alarms', drawSoon));
  unlisten.push(
    ctx.on('points', () => {
      rows.clear();
      detailsFor = undefined;
      areaSig = '';
      drawSoon();
    }),
  );
  unlisten.push(
    ctx.on('clock', () => {
      tick();
      markSilent();
    }),
  );
  unlisten.push(ctx.on('sites', () => void markSilent()));
  unlisten.push(
    ctx.on('site', () => {
      filter = { ...filter, site: ctx.site };
      drawSoon();
    }),
  );
  markSilent();
  redraw();

  return {
    root,
    title: ctx.t('alarms.title'),
    unmount: () => {
      for (const u of unlisten) u();
      for (const d of document.querySelectorAll('dialog.alarm-dialog')) (d as HTMLDialogElement).close();
    },
  };
}
