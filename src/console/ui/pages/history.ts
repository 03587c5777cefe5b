import './history.css';
import { keyOf } from '../../lib/alarm-model.js';
import { formatDateTime } from '../../lib/format.js';
import { filterHistory, historyPath, isAudit, searchFromQuery, searchToQuery, SINCE_CHOICES, toCsv, type HistorySearch } from '../../lib/history-view.js';
import { formatRoute, type Route } from '../../lib/route.js';
import type { AlarmState, Transition } from '../../lib/wire.js';
import { ApiError } from '../../net/api.js';
import { messageNodes, priorityChip, priorityLabel, stateLabel, valueText } from '../alarm-parts.js';
import type { Ctx, Page } from '../context.js';
import { fill, h } from '../dom.js';
import { errorDetailNode, errorText } from '../errors.js';
import { listKeys } from '../list-keys.js';

/**
 * `#/history?condition=&point=&since=&limit=&q=`: the journal's transitions, newest first. The
 * search goes to the server (and into the URL, so a link or the back button brings it back); the
 * free text filters the loaded rows here. Audit records are not alarms and stay hidden unless asked for.
 */
export function historyPage(ctx: Ctx, route: Route): Page {
  const search = searchFromQuery(route.query);
  let text = search.q;
  let showAudit = search.audit;
  let loaded: Transition[] = [];
  let shown: Transition[] = [];
  let rows: HTMLTableRowElement[] = [];
  let selected = -1;
  const abort = new AbortController();
  const centre = ctx.mode === 'centre';

  const reasonLabel = (r: string) => (ctx.tr.has(`history.reason.${r}`) ? ctx.t(`history.reason.${r}`) : r);
  // The alarm list's words for states (one vocabulary across the console); an audit record is no alarm state.
  const stateText = (s: AlarmState) => ((s as string) === 'audit' ? ctx.t('history.audit') : stateLabel(ctx, s));

  // --- the search form ---
  const condition = h('input', { type: 'text', name: 'condition', value: search.condition, placeholder: ctx.t('history.conditionPh'), list: 'history-conditions', class: 'mono', 'data-testid': 'history-condition', size: 28 });
  const conditions = h('datalist', { id: 'history-conditions' }, ctx.live.book.all().map((t) => h('option', { value: t.conditionId })));
  const pointSel = centre
    ? null
    : h(
        'select',
        { name: 'point', 'data-testid': 'history-point' },
        h('option', { value: '' }, ctx.t('history.pointAll')),
        [...ctx.points.values()]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((p) => h('option', { value: p.id, selected: p.id === search.point }, p.name === undefined ? p.id : `${p.id} · ${p.name}`)),
        // A point in the query that is not (yet) in the list stays selectable.
        search.point !== '' && !ctx.points.has(search.point) ? h('option', { value: search.point, selected: true }, search.point) : null,
      );
  const custom = search.since !== '' && !SINCE_CHOICES.includes(search.since);
  const sinceSel = h(
    'select',
    { name: 'since', 'data-testid': 'history-since', onchange: () => (at.hidden = sinceSel.value !== 'at') },
    h('option', { value: '', selected: search.since === '' }, ctx.t('history.sinceAny')),
    SINCE_CHOICES.map((c) => h('option', { value: c, selected: c === search.since }, ctx.t(`history.since.${c}`))),
    h('option', { value: 'at', selected: custom }, ctx.t('history.sinceAt')),
  );
  const at = h('input', { type: 'datetime-local', name: 'at', step: 1, 'aria-label': ctx.t('history.sinceAtLabel'), 'data-testid': 'history-since-at', value: custom ? toLocalInput(Number(search.since)) : toLocalInput(ctx.now() - 8 * 3_600_000) });
  at.hidden = !custom;
  const limit = h('input', { type: 'number', name: 'limit', min: 1, max: 10_000, step: 1, value: search.limit, class: 'num', 'data-testid': 'history-limit' });
  const filterInput = h('input', {
    type: 'search',
    value: text,
    placeholder: ctx.t('history.filterPh'),
    'data-search': '',
    'data-testid': 'history-filter',
    'aria-label': ctx.t('history.filter'),
    oninput: () => {
      text = filterInput.value;
      keepQuery();
      draw();
    },
  });
  const form = h(
    'form',
    { class: 'toolbar history-search', 'data-testid': 'history-search', onsubmit: (ev: Event) => submit(ev) },
    // Under "all sites", one site's history (the alarm details' link) without choosing that site for the console.
    centre && ctx.site === null && search.forSite !== '' ? h('span', { class: 'badge', 'data-testid': 'history-for-site' }, `${ctx.t('site.label')}: ${search.forSite}`) : null,
    h('label', {}, ctx.t('history.condition'), condition, conditions),
    pointSel === null ? null : h('label', {}, ctx.t('history.point'), pointSel),
    h('label', {}, ctx.t('history.since'), sinceSel, at),
    h('label', {}, ctx.t('history.limit'), limit),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'history-submit' }, ctx.t('history.search')),
  );

  // --- the result bar and the table ---
  const count = h('span', { class: 'muted history-count', 'data-testid': 'history-count' });
  const auditNote = h('span', { class: 'muted history-audit' });
  const exportBtn = h('button', { type: 'button', title: ctx.t('history.exportTitle'), 'data-testid': 'history-export', onclick: () => exportCsv() }, ctx.t('history.export'));
  const notice = h('p', { class: 'history-notice', hidden: true });
  const columns: [string, string?][] = [
    ['history.col.time'],
    ...(centre ? ([['history.col.site']] as [string][]) : []),
    ['history.col.priority'],
    ['history.col.condition'],
    ['history.col.subject'],
    ['history.col.level'],
    ['history.col.reason'],
    ['history.col.state'],
    ['history.col.value', 'num'],
    ['history.col.user'],
    ['history.col.comment'],
    ['history.col.message'],
  ];
  const tbody = h('tbody', {});
  const table = h('table', { class: 'grid history-table', 'aria-label': ctx.t('history.title') }, h('thead', {}, h('tr', {}, columns.map(([k, cls]) => h('th', { class: cls ?? null }, ctx.t(k))))), tbody);
  const body = h('div', { class: 'table-wrap history-wrap' }, h('p', { class: 'empty' }, ctx.t('common.loading')));
  const root = h(
    'section',
    { class: 'page-history', 'data-testid': 'history-page' },
    h('h1', {}, ctx.t('history.title')),
    form,
    h('div', { class: 'toolbar history-results' }, h('label', {}, ctx.t('history.filter'), filterInput), count, auditNote, exportBtn, h('span', { class: 'muted history-keys' }, ctx.t('history.keys'))),
    notice,
    body,
  );

  function formSearch(): HistorySearch {
    let since = sinceSel.value;
    if (since === 'at') {
      const ms = at.value === '' ? Number.NaN : new Date(at.value).getTime();
      since = Number.isFinite(ms) ? String(Math.floor(ms)) : '';
    }
    return { condition: condition.value.trim(), point: pointSel?.value ?? '', since, limit: Number(limit.value) || 200, q: text, audit: showAudit, forSite: search.forSite };
  }

  function query(s: HistorySearch): Record<string, string> {
    const q = searchToQuery(s);
    return ctx.site === null || !centre ? q : { site: ctx.site, ...q };
  }

  function submit(ev: Event): void {
    ev.preventDefault();
    const s = searchFromQuery(query(formSearch()));
    const hash = formatRoute('history', null, query(s));
    // The same search again (a refresh) is no hash change: load here.
    if (hash === location.hash) void load();
    else ctx.navigate(hash);
  }

  /** The filter text and the audit toggle go into the URL without a new history entry or a reload. */
  function keepQuery(): void {
    history.replaceState(null, '', formatRoute('history', null, query({ ...search, q: text, audit: showAudit })));
  }

  function row(t: Transition): HTMLTableRowElement {
    const audit = isAudit(t);
    const time = typeof t.time === 'number' ? t.time : t.rts;
    const recorded = typeof t.rts === 'number' && Math.abs(t.rts - time) > 1000 ? ctx.t('history.recorded', { time: formatDateTime(t.rts, ctx.tr.lang) }) : null;
    const subject = t.pointId !== null && t.pointId !== undefined ? t.pointId : (t.zoneId ?? '');
    const subjectCell =
      t.pointId !== null && t.pointId !== undefined && !centre
        ? h('a', { href: formatRoute('trend', t.pointId, { range: '8h' }), class: 'mono', tabindex: -1 }, t.pointId)
        : h('span', { class: 'mono' }, subject);
    const name = t.pointId === null || t.pointId === undefined ? undefined : ctx.points.get(t.pointId)?.name;
    return h(
      'tr',
      {
        'data-testid': 'history-row',
        'data-condition': t.conditionId,
        'data-reason': t.reason,
        'data-colour': audit ? null : t.colour,
        class: audit ? 'history-audit-row' : null,
        tabindex: -1,
        'aria-selected': 'false',
      },
      h('td', { class: 'nowrap tnum', title: recorded }, formatDateTime(time, ctx.tr.lang)),
      centre ? h('td', {}, t.site ?? '') : null,
      h('td', {}, audit ? null : priorityChip(ctx, t)),
      h('td', { class: 'mono history-condition' }, t.conditionId),
      h('td', {}, subjectCell, name === undefined ? null : h('div', { class: 'muted small' }, name)),
      h('td', {}, t.level ?? ''),
      h('td', { class: `reason reason-${t.reason}` }, reasonLabel(t.reason)),
      h('td', { class: 'muted' }, stateText(t.state)),
      h('td', { class: 'num nowrap' }, t.value === undefined ? '' : valueText(ctx, t)),
      h('td', {}, t.user ?? ''),
      h('td', { class: 'history-comment' }, t.comment ?? ''),
      h('td', { class: 'history-message' }, messageNodes(t.message ?? '')),
    );
  }

  function draw(): void {
    shown = filterHistory(loaded, text, showAudit, reasonLabel);
    const audits = showAudit ? 0 : loaded.filter(isAudit).length;
    count.textContent = ctx.t('history.count', { shown: shown.length, loaded: loaded.length });
    fill(
      auditNote,
      audits === 0 && !showAudit
        ? null
        : [
            audits === 0 ? null : ctx.t('history.auditHidden', { n: audits }),
            ' ',
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                onclick: () => {
                  showAudit = !showAudit;
                  keepQuery();
                  draw();
                },
              },
              ctx.t(showAudit ? 'history.auditHide' : 'history.auditShow'),
            ),
          ],
    );
    exportBtn.disabled = shown.length === 0;
    rows = shown.map(row);
    selected = -1;
    fill(tbody, rows);
    if (rows[0] !== undefined) rows[0].tabIndex = 0;
    fill(body, shown.length === 0 ? h('p', { class: 'empty', 'data-testid': 'history-empty' }, ctx.t('history.empty')) : table);
  }

  async function load(): Promise<void> {
    fill(body, h('p', { class: 'empty' }, ctx.t('common.loading')));
    notice.hidden = true;
    try {
      const res = await ctx.api.get<{ count: number; transitions: Transition[] }>(historyPath(search, ctx.now(), ctx.mode, centre ? ctx.site : null), abort.signal);
      loaded = Array.isArray(res.transitions) ? res.transitions : [];
      if (loaded.length >= search.limit) {
        notice.textContent = ctx.t('history.limited', { limit: search.limit });
        notice.hidden = false;
      }
      draw();
    } catch (e) {
      if (abort.signal.aborted) return;
      fill(body, h('div', { class: 'empty error-text', role: 'alert' }, ctx.t('common.failed', { message: errorText(ctx, e) }), ' ', h('button', { type: 'button', onclick: () => void load() }, ctx.t('common.retry')), errorDetailNode(e)));
    }
  }

  /** The row's condition: in the alarm list while it is retained, else its point's trend. */
  function open(t: Transition): void {
    const retained = ctx.live.book.get(keyOf(t));
    if (retained !== undefined) ctx.navigate(formatRoute('alarms', null, { ...(centre && ctx.site !== null ? { site: ctx.site } : {}), state: 'all', q: t.conditionId }));
    else if (!centre && t.pointId !== null && t.pointId !== undefined) ctx.navigate(formatRoute('trend', t.pointId, { range: '8h' }));
  }

  function select(i: number, focus: boolean): void {
    const old = rows[selected];
    if (old !== undefined) {
      old.setAttribute('aria-selected', 'false');
      old.tabIndex = -1;
    }
    selected = i;
    const r = rows[i];
    if (r === undefined) return;
    r.setAttribute('aria-selected', 'true');
    r.tabIndex = 0;
    if (focus) r.focus();
    r.scrollIntoView({ block: 'nearest' });
  }

  tbody.addEventListener(
    'keydown',
    listKeys({
      count: () => rows.length,
      current: () => (selected >= 0 ? selected : rows.findIndex((r) => r === document.activeElement)),
      select: (i) => select(i, true),
      open: (i) => {
        const t = shown[i];
        if (t !== undefined) open(t);
      },
    }),
  );

  tbody.addEventListener('focusin', (ev) => {
    const i = rows.findIndex((r) => r === ev.target);
    if (i >= 0 && i !== selected) select(i, false);
  });
  tbody.addEventListener('click', (ev) => {
    if (ev.target instanceof HTMLAnchorElement) return;
    const tr = ev.target instanceof Element ? ev.target.closest('tr') : null;
    const i = rows.findIndex((r) => r === tr);
    if (i >= 0) select(i, true);
  });
  tbody.addEventListener('dblclick', (ev) => {
    const tr = ev.target instanceof Element ? ev.target.closest('tr') : null;
    const t = shown[rows.findIndex((r) => r === tr)];
    if (t !== undefined) open(t);
  });

  function exportCsv(): void {
    const header = columns.map(([k]) => ctx.t(k));
    const data = shown.map((t) => [
      formatDateTime(typeof t.time === 'number' ? t.time : t.rts, ctx.tr.lang),
      ...(centre ? [t.site ?? ''] : []),
      isAudit(t) ? '' : priorityLabel(ctx, t.priority),
      t.conditionId,
      t.pointId ?? t.zoneId ?? '',
      t.level ?? '',
      reasonLabel(t.reason),
      stateText(t.state),
      t.value === undefined ? '' : valueText(ctx, t),
      t.user ?? '',
      t.comment ?? '',
      t.message ?? '',
    ]);
    const blob = new Blob([toCsv(header, data)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const stamp = formatDateTime(ctx.now(), 'en').replace(/[^0-9]+/g, '').slice(0, 12);
    const a = h('a', { href: url, download: `${ctx.t('history.csvName')}-${stamp}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  void load();
  return {
    root,
    title: ctx.t('history.title'),
    unmount(): void {
      abort.abort();
    },
  };
}

/** Epoch ms as a datetime-local input's value, in the browser's time zone. */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
