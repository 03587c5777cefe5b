import './summary.css';
import { COLOURS, PRIORITIES } from '../../lib/alarm-model.js';
import { formatWhen } from '../../lib/alarm-view.js';
import { formatDuration } from '../../lib/format.js';
import { priorityShares, rateBand, shareOff, siteRows, type RateBand } from '../../lib/kpi-view.js';
import { formatRoute, type Route } from '../../lib/route.js';
import type { Kpis, SiteView } from '../../lib/wire.js';
import { ApiError } from '../../net/api.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetailNode, errorText } from '../errors.js';

const KPI_RELOAD_MS = 60_000;

/**
 * The landing page: shown alarms by colour (big tiles) and by area (a matrix), each count a link to
 * the filtered list; the alarm system's health (EEMUA 191 KPIs) on a gateway; the sites at a centre.
 */
export function summaryPage(ctx: Ctx, _route: Route): Page {
  const centre = ctx.mode === 'centre';
  const unlisten: (() => void)[] = [];
  const siteQuery = centre && ctx.site !== null ? { site: ctx.site } : {};
  const listLink = (q: Readonly<Record<string, string>>) => formatRoute('alarms', null, { ...siteQuery, ...q });

  const tiles = h('div', { class: 'summary-tiles', 'data-testid': 'summary-colours' });
  const matrix = h('div', { class: 'panel summary-matrix', 'data-testid': centre ? 'summary-sites' : 'summary-areas' });
  const kpis = h('div', { class: 'summary-kpis', 'data-testid': 'summary-kpis' });
  const floodNow = h('div', { class: 'summary-flood', 'data-testid': 'summary-flood' });
  const root = h(
    'section',
    { class: 'summary-page', 'data-testid': 'summary-page' },
    h('h1', { class: 'visually-hidden' }, ctx.t('summary.title')),
    tiles,
    floodNow,
    h('div', { class: centre ? 'summary-cols single' : 'summary-cols' }, h('div', {}, h('h2', {}, ctx.t(centre ? 'summary.bySite' : 'summary.byArea')), matrix), centre ? null : h('div', {}, h('h2', {}, ctx.t('summary.kpis')), kpis)),
  );

  // Tiles: one per colour with its count and its unacknowledged count.
  const tileEls = COLOURS.map((c, i) => {
    const p = PRIORITIES[i] ?? 4;
    const count = h('span', { class: 'tile-count' }, '0');
    const unacked = h('span', { class: 'tile-unacked' });
    const a = h(
      'a',
      { class: `tile t-${c}`, href: listLink({ priority: String(p) }), 'data-testid': `summary-colour-${c}`, 'data-colour': c },
      h('span', { class: 'tile-label' }, h('span', { class: `swatch c-${c}` }), ctx.t(`alarms.priorityLong.${p}`)),
      count,
      unacked,
    );
    return { c, a, count, unacked };
  });
  fill(tiles, tileEls.map((x) => x.a));
  const total = h('div', { class: 'tile-total', 'data-testid': 'summary-total' });
  tiles.appendChild(total);

  function drawTiles(): void {
    const counts = ctx.live.book.counts(ctx.areaOf, centre ? ctx.site : null);
    let unackedByColour = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const t of ctx.live.book.all()) {
      if (centre && ctx.site !== null && t.site !== undefined && t.site !== ctx.site) continue;
      if (t.annunciated && !t.acked) unackedByColour = { ...unackedByColour, [t.colour]: unackedByColour[t.colour] + 1 };
    }
    for (const x of tileEls) {
      const n = counts.byColour[x.c];
      const u = unackedByColour[x.c];
      x.count.textContent = String(n);
      x.a.classList.toggle('zero', n === 0);
      x.a.setAttribute('aria-label', `${ctx.t(`alarms.priorityLong.${PRIORITIES[COLOURS.indexOf(x.c)] ?? 4}`)}: ${n}, ${ctx.t('summary.unacked', { n: u })}`);
      fill(x.unacked, u > 0 ? h('span', { class: `chip c-${x.c} flash` }, ctx.t('summary.unacked', { n: u })) : h('span', { class: 'muted' }, n > 0 ? ctx.t('summary.allAcked') : ' '));
    }
    fill(
      total,
      counts.shown === 0 ? h('div', { class: 'calm', 'data-testid': 'summary-empty' }, ctx.t('summary.noAlarms')) : h('div', { class: 'total-shown' }, h('span', { class: 'big' }, String(counts.shown)), ' ', ctx.t('summary.shown')),
      counts.unacked > 0 ? h('div', {}, ctx.t('summary.unackedTotal', { n: counts.unacked })) : null,
      counts.hidden > 0 ? h('a', { class: 'muted', href: listLink({ state: 'hidden' }) }, ctx.t('summary.hidden', { n: counts.hidden })) : null,
    );
  }

  function drawAreas(): void {
    const counts = ctx.live.book.counts(ctx.areaOf);
    if (counts.byArea.length === 0) {
      fill(matrix, h('p', { class: 'empty' }, ctx.t('summary.noAlarms')));
      return;
    }
    fill(
      matrix,
      h(
        'table',
        { class: 'grid matrix' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ctx.t('alarms.col.area')), COLOURS.map((c, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: `swatch c-${c}` }), ctx.t(`alarms.priority.${i + 1}`))), h('th', { scope: 'col', class: 'num' }, ctx.t('summary.unackedShort')))),
        h(
          'tbody',
          {},
          counts.byArea.map((a) =>
            h(
              'tr',
              { 'data-area': a.area },
              h('th', { scope: 'row' }, h('a', { href: listLink({ area: a.area }) }, a.area)),
              COLOURS.map((c, i) => {
                const n = a.byColour[c];
                return h('td', { class: `num cell${n > 0 ? ` has c-${c}` : ''}` }, n > 0 ? h('a', { href: listLink({ area: a.area, priority: String(i + 1) }), 'data-testid': `summary-cell-${c}` }, String(n)) : h('span', { class: 'muted' }, '·'));
              }),
              h('td', { class: 'num' }, a.unacked > 0 ? h('a', { href: listLink({ area: a.area, state: 'unacked' }) }, String(a.unacked)) : h('span', { class: 'muted' }, '0')),
            ),
          ),
        ),
      ),
    );
  }

  // Centre: a row per site.
  let fetchedSites: SiteView[] = [];
  function drawSites(): void {
    const live = new Map<string, SiteView>(fetchedSites.map((s) => [s.site, s]));
    for (const [id, s] of ctx.live.sites) live.set(id, { ...live.get(id), ...s });
    const rows = siteRows(live.values(), ctx.live.book.all());
    if (rows.length === 0) {
      fill(matrix, h('p', { class: 'empty' }, ctx.t('summary.noSites')));
      return;
    }
    const go = (site: string) => (ev: Event) => {
      ev.preventDefault();
      ctx.navigate(formatRoute('alarms', null, { site }));
    };
    fill(
      matrix,
      h(
        'table',
        { class: 'grid matrix sites' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, ctx.t('alarms.col.site')),
            COLOURS.map((c, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: `swatch c-${c}` }), ctx.t(`alarms.priority.${i + 1}`))),
            h('th', { scope: 'col', class: 'num' }, ctx.t('summary.unackedShort')),
            h('th', { scope: 'col' }, ctx.t('summary.chain')),
            h('th', { scope: 'col' }, ctx.t('summary.gaps')),
            h('th', { scope: 'col' }, ctx.t('summary.lastMessage')),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((r) =>
            h(
              'tr',
              { 'data-site': r.site, 'data-testid': 'summary-site', class: ctx.site === r.site ? 'current' : null },
              h('th', { scope: 'row' }, h('a', { href: formatRoute('alarms', null, { site: r.site }), onclick: go(r.site) }, r.name), r.name === r.site ? null : h('span', { class: 'muted mono site-id' }, r.site)),
              COLOURS.map((c, i) => {
                const n = r.byColour[c];
                return h('td', { class: `num cell${n > 0 ? ` has c-${c}` : ''}` }, n > 0 ? h('a', { href: formatRoute('alarms', null, { site: r.site, priority: String(i + 1) }) }, String(n)) : h('span', { class: 'muted' }, '·'));
              }),
              h('td', { class: 'num' }, String(r.unacked)),
              h('td', { class: r.verdict === 'tampered' || r.verdict === 'head-mismatch' ? 'warn' : '' }, r.verdict === null ? '—' : ctx.tr.has(`summary.verdict.${r.verdict}`) ? ctx.t(`summary.verdict.${r.verdict}`) : r.verdict),
              h('td', { class: r.openGaps + r.lostGaps > 0 ? 'warn' : '' }, r.openGaps + r.lostGaps === 0 ? ctx.t('summary.noGaps') : ctx.t('summary.gapCounts', { open: r.openGaps, lost: r.lostGaps })),
              h('td', { class: 'muted' }, r.lastMessageAt === null ? '—' : `${formatDuration(ctx.now() - r.lastMessageAt, ctx.tr.lang)} ${ctx.t('summary.ago')}`),
            ),
          ),
        ),
      ),
    );
  }

  // Floods now: from the live `flood` messages and the KPIs' `floodNow`.
  let kpiData: Kpis | null = null;
  function drawFloods(): void {
    const floods = new Map<string, { position: string; count: number; since: number }>();
    for (const f of kpiData?.floodNow ?? []) floods.set(f.position, f);
    for (const f of ctx.live.floods.values()) floods.set(f.position, f);
    if (floods.size === 0) {
      fill(floodNow);
      floodNow.hidden = true;
      return;
    }
    floodNow.hidden = false;
    fill(
      floodNow,
      h('strong', {}, ctx.t('summary.floodNow')),
      [...floods.values()].map((f) => h('a', { class: 'flood-pos', href: listLink({ area: f.position }) }, ctx.t('summary.floodPosition', { position: f.position, count: f.count, since: formatWhen(f.since, ctx.now(), ctx.tr.lang) }))),
    );
  }

  // KPIs (gateway).
  let abort: AbortController | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  async function loadKpis(): Promise<void> {
    abort?.abort();
    const mine = new AbortController();
    abort = mine;
    if (kpiData === null) fill(kpis, h('p', { class: 'muted' }, ctx.t('common.loading')));
    try {
      kpiData = await ctx.api.get<Kpis>('/api/alarms/kpis', mine.signal);
      if (mine.signal.aborted) return;
      drawKpis(kpiData);
      drawFloods();
    } catch (e) {
      if (mine.signal.aborted || (e instanceof ApiError && e.code === 'ABORTED')) return;
      fill(kpis, h('p', { class: 'error-text' }, ctx.t('common.failed', { message: errorText(ctx, e) })), errorDetailNode(e), h('button', { type: 'button', onclick: () => void loadKpis() }, ctx.t('common.retry')));
    }
  }

  function bandClass(b: RateBand): string {
    return `band band-${b}`;
  }

  function drawKpis(k: Kpis): void {
    const positions = k.positions;
    const shares = priorityShares(k.priorities);
    fill(
      kpis,
      h('p', { class: 'muted kpi-period' }, ctx.t('summary.kpiPeriod', { from: formatWhen(k.from, ctx.now(), ctx.tr.lang), to: formatWhen(k.to, ctx.now(), ctx.tr.lang), n: k.alarms })),
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, ctx.t('summary.rates')),
        positions.length === 0
          ? h('p', { class: 'muted' }, ctx.t('summary.noAlarmsPeriod'))
          : h(
              'table',
              { class: 'grid kpi-rates', 'data-testid': 'summary-rates' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, ctx.t('summary.position')),
                  h('th', { scope: 'col', class: 'num' }, ctx.t('summary.alarms')),
                  h('th', { scope: 'col', class: 'num' }, ctx.t('summary.per10Min')),
                  h('th', { scope: 'col', class: 'num' }, ctx.t('summary.perHour')),
                  h('th', { scope: 'col', class: 'num' }, ctx.t('summary.peak10Min')),
                  h('th', { scope: 'col', class: 'num' }, ctx.t('summary.floodPct')),
                ),
              ),
              h(
                'tbody',
                {},
                positions.map((p) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, p.position),
                    h('td', { class: 'num' }, String(p.alarms)),
                    h('td', { class: `num ${bandClass(rateBand(p.per10Min))}`, title: ctx.t(`summary.band.${rateBand(p.per10Min)}`) }, fmt(p.per10Min)),
                    h('td', { class: 'num' }, fmt(p.perHour)),
                    h('td', { class: `num ${bandClass(rateBand(p.peak10Min))}`, title: ctx.t(`summary.band.${rateBand(p.peak10Min)}`) }, String(p.peak10Min)),
                    h('td', { class: `num${p.floodPct > 1 ? ' band band-flood' : ''}` }, `${fmt(p.floodPct)} %`),
                  ),
                ),
              ),
            ),
        h('p', { class: 'muted note' }, ctx.t('summary.eemuaNote')),
      ),
      h(
        'div',
        { class: 'kpi-grid' },
        h(
          'div',
          { class: 'panel' },
          h('h3', {}, ctx.t('summary.priorityDist')),
          h(
            'table',
            { class: 'grid dist' },
            h('thead', {}, h('tr', {}, h('th', {}), h('th', { class: 'num' }, ctx.t('summary.actual')), h('th', { class: 'num' }, ctx.t('summary.recommended')))),
            h(
              'tbody',
              {},
              shares.map((s) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, ctx.t(`summary.share.${s.band}`)),
                  h('td', { class: `num${shareOff(s) ? ' band band-demanding' : ''}` }, bar(s.pct), `${fmt(s.pct)} % (${s.count})`),
                  h('td', { class: 'num muted' }, `~${s.recommendedPct} %`),
                ),
              ),
            ),
          ),
        ),
        h(
          'div',
          { class: 'panel' },
          h('h3', {}, ctx.t('summary.badActors')),
          k.badActors.length === 0
            ? h('p', { class: 'muted' }, ctx.t('common.none'))
            : h(
                'ol',
                { class: 'bad-actors' },
                k.badActors.map((b) => h('li', {}, h('a', { class: 'mono', href: formatRoute('history', null, { condition: b.conditionId }) }, b.conditionId), h('span', { class: 'num' }, `${b.alarms} · ${fmt(b.sharePct)} %`))),
              ),
          h('p', { class: `note ${k.topTenSharePct > 5 && k.alarms > 0 ? 'band band-demanding' : 'muted'}` }, ctx.t('summary.topTenShare', { pct: fmt(k.topTenSharePct) })),
        ),
        h(
          'div',
          { class: 'panel' },
          h('h3', {}, ctx.t('summary.chattering')),
          k.chattering.length === 0
            ? h('p', { class: 'muted' }, ctx.t('common.none'))
            : h('ul', { class: 'kpi-list' }, k.chattering.map((c) => h('li', {}, h('a', { class: 'mono', href: formatRoute('history', null, { condition: c.conditionId }) }, c.conditionId), h('span', { class: 'num' }, ctx.t('summary.transitions', { n: c.transitions }))))),
          h('h3', {}, ctx.t('summary.standing')),
          k.standing.length === 0
            ? h('p', { class: 'muted' }, ctx.t('common.none'))
            : h('ul', { class: 'kpi-list' }, k.standing.map((s) => h('li', {}, h('a', { class: 'mono', href: formatRoute('history', null, { condition: s.conditionId }) }, s.conditionId), h('span', { class: 'num' }, ctx.t('summary.hours', { n: fmt(s.hours) }))))),
        ),
      ),
    );
  }

  const draw = throttled(() => {
    drawTiles();
    if (centre) drawSites();
    else drawAreas();
    drawFloods();
  });
  unlisten.push(ctx.on('alarms', draw), ctx.on('flood', draw), ctx.on('site', draw));
  if (centre) {
    let ticks = 0;
    unlisten.push(
      ctx.on('sites', draw),
      // "Last heard" ages: every 5 s is enough.
      ctx.on('clock', () => {
        if (++ticks % 5 === 0) draw();
      }),
    );
    abort = new AbortController();
    ctx.api.get<SiteView[] | { sites: SiteView[] }>('/api/sites', abort.signal).then(
      (res) => {
        fetchedSites = Array.isArray(res) ? res : Array.isArray(res.sites) ? res.sites : [];
        draw();
      },
      () => undefined,
    );
  } else {
    unlisten.push(ctx.on('flood', () => void loadKpis()));
    void loadKpis();
    timer = setInterval(() => void loadKpis(), KPI_RELOAD_MS);
  }
  drawTiles();
  if (centre) drawSites();
  else drawAreas();
  drawFloods();

  return {
    root,
    title: ctx.t('summary.title'),
    unmount: () => {
      for (const u of unlisten) u();
      abort?.abort();
      if (timer !== null) clearInterval(timer);
    },
  };
}

/** A share bar (its width set through the CSSOM: the console's CSP refuses style attributes). */
function bar(pct: number): HTMLElement {
  const el = h('span', { class: 'bar', 'aria-hidden': 'true' });
  el.style.setProperty('--w', `${Math.max(0, Math.min(100, pct))}%`);
  return el;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100);
}
