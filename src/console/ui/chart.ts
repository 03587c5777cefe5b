import { formatDateTime, formatValue } from '../lib/format.js';
import type { Lang } from '../lib/i18n.js';
import { downsample } from '../lib/trend-downsample.js';
import { linePaths } from '../lib/trend-path.js';
import { formatTick, formatTickValue, linear, niceTicks, tickLabelKind, timeTicks, valueDomain } from '../lib/trend-scale.js';
import { gapThreshold, nearest, stats, type Series } from '../lib/trend-series.js';

/**
 * The trend chart: an SVG line of one point's samples over [from, to], built with
 * createElementNS (no library). Bad samples break the line, uncertain ones are dashed, booleans
 * are a 0/1 step line. The samples are down-sampled to about two a pixel column first, so a week
 * of a 1 Hz point draws in milliseconds. A crosshair follows the mouse or the ←/→ keys.
 */

const NS = 'http://www.w3.org/2000/svg';

export interface ChartData {
  readonly series: Series;
  readonly from: number;
  readonly to: number;
  readonly unit: string;
  readonly range: readonly [number, number] | undefined;
  readonly boolean: boolean;
  /** The window ends now and grows: a step line holds its last value to the right edge. */
  readonly live: boolean;
  /** The value axis fits the data instead of the configured range. */
  readonly fit: boolean;
}

export interface ChartText {
  readonly lang: Lang;
  readonly on: string;
  readonly off: string;
  /** `(min, max, last) → text` for the chart's accessible summary. */
  readonly summary: (min: string, max: string, last: string) => string;
  readonly label: string;
  readonly noData: string;
}

export interface TrendChart {
  readonly root: HTMLElement;
  update(data: ChartData): void;
  destroy(): void;
}

const M = { left: 64, right: 18, top: 30, bottom: 30 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function createTrendChart(text: ChartText): TrendChart {
  const root = document.createElement('div');
  root.className = 'trend-chart';
  const el = svg('svg', { 'data-testid': 'trend-chart', role: 'img', tabindex: 0, 'aria-label': text.label, class: 'tc' });
  const title = svg('title');
  const defs = svg('defs');
  const clip = svg('clipPath', { id: `tc-clip-${Math.random().toString(36).slice(2)}` });
  const clipRect = svg('rect');
  clip.append(clipRect);
  defs.append(clip);
  const grid = svg('g', { class: 'tc-grid' });
  const axes = svg('g', { class: 'tc-axes' });
  const plot = svg('g', { 'clip-path': `url(#${clip.id})` });
  const bandRange = svg('rect', { class: 'tc-range' });
  const good = svg('path', { class: 'tc-line', 'data-testid': 'trend-line', 'data-points': 0 });
  const unc = svg('path', { class: 'tc-line tc-uncertain' });
  const cross = svg('g', { class: 'tc-cross', visibility: 'hidden' });
  const crossLine = svg('line');
  const crossDot = svg('circle', { r: 4 });
  const crossBox = svg('rect', { rx: 3 });
  const crossText = svg('text');
  cross.append(crossLine, crossDot, crossBox, crossText);
  plot.append(bandRange, unc, good);
  const empty = svg('text', { class: 'tc-empty', 'text-anchor': 'middle', visibility: 'hidden' }, text.noData);
  el.append(title, defs, grid, axes, plot, cross, empty);
  root.append(el);

  let data: ChartData | null = null;
  let width = 0;
  let height = 0;
  let x = (t: number) => t;
  let y = (v: number) => v;
  let cursor: number | null = null; // a time

  const words = { on: text.on, off: text.off };
  const valueText = (v: number, d: ChartData) => (d.boolean ? (v >= 0.5 ? text.on : text.off) : formatValue(v, d.unit, words));

  function draw(): void {
    if (data === null) return;
    const d = data;
    const rect = root.getBoundingClientRect();
    width = Math.max(200, Math.floor(rect.width));
    height = Math.max(160, Math.floor(rect.height));
    el.setAttribute('viewBox', `0 0 ${width} ${height}`);
    el.setAttribute('width', String(width));
    el.setAttribute('height', String(height));
    const pw = width - M.left - M.right;
    const ph = height - M.top - M.bottom;
    clipRect.setAttribute('x', String(M.left));
    clipRect.setAttribute('y', String(M.top - 2));
    clipRect.setAttribute('width', String(pw));
    clipRect.setAttribute('height', String(ph + 4));

    const st = stats(d.series, d.from, d.to);
    const [d0, d1] = valueDomain(st.min, st.max, d.fit ? undefined : d.range, d.boolean);
    const vt = d.boolean ? { min: 0, max: 1, step: 1, ticks: [0, 1] } : niceTicks(d0, d1, Math.max(2, Math.floor(ph / 60)));
    // Booleans get a margin so the line at 0 and 1 is not on the frame.
    const yLo = d.boolean ? -0.15 : vt.min;
    const yHi = d.boolean ? 1.15 : vt.max;
    x = linear(d.from, d.to, M.left, M.left + pw);
    y = linear(yLo, yHi, M.top + ph, M.top);

    grid.replaceChildren();
    axes.replaceChildren();
    for (const v of vt.ticks) {
      const yy = Math.round(y(v)) + 0.5;
      grid.append(svg('line', { x1: M.left, x2: M.left + pw, y1: yy, y2: yy }));
      axes.append(svg('text', { x: M.left - 8, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, d.boolean ? (v === 1 ? text.on : text.off) : formatTickValue(v)));
    }
    if (!d.boolean && d.unit !== '') axes.append(svg('text', { x: M.left - 8, y: 14, 'text-anchor': 'end', class: 'tc-unit' }, d.unit));
    const offsetOf = (ms: number) => -new Date(ms).getTimezoneOffset() * 60_000;
    const tt = timeTicks(d.from, d.to, Math.max(2, Math.floor(pw / 110)), offsetOf);
    for (const tick of tt.ticks) {
      const xx = Math.round(x(tick.t)) + 0.5;
      const kind = tickLabelKind(tick, tt.step);
      grid.append(svg('line', { x1: xx, x2: xx, y1: M.top, y2: M.top + ph, class: kind === 'date' ? 'tc-day' : '' }));
      axes.append(svg('text', { x: xx, y: M.top + ph + 18, 'text-anchor': 'middle', class: kind === 'date' ? 'tc-date' : '' }, formatTick(tick.t, kind, text.lang)));
    }
    axes.append(svg('rect', { class: 'tc-frame', x: M.left + 0.5, y: M.top + 0.5, width: pw - 1, height: ph - 1 }));

    // The configured range, faint, when the data goes beyond it (so the operator sees it is out of range).
    if (d.range !== undefined && !d.boolean) {
      const top = y(d.range[1]);
      const bottom = y(d.range[0]);
      bandRange.setAttribute('x', String(M.left));
      bandRange.setAttribute('width', String(pw));
      bandRange.setAttribute('y', String(Math.min(top, bottom)));
      bandRange.setAttribute('height', String(Math.abs(bottom - top)));
      bandRange.setAttribute('visibility', 'visible');
    } else bandRange.setAttribute('visibility', 'hidden');

    const ds = downsample(d.series, d.from, d.to, pw, gapThreshold(d.series, d.from, d.to, d.boolean));
    const paths = linePaths(ds, x, y, d.boolean ? { step: true, ...(d.live ? { extendTo: M.left + pw } : {}) } : {});
    good.setAttribute('d', paths.good === '' ? 'M0 0' : paths.good);
    good.setAttribute('data-points', String(paths.points));
    unc.setAttribute('d', paths.uncertain === '' ? 'M0 0' : paths.uncertain);
    good.classList.toggle('tc-step', d.boolean);

    empty.setAttribute('x', String(M.left + pw / 2));
    empty.setAttribute('y', String(M.top + ph / 2));
    empty.setAttribute('visibility', st.count === 0 ? 'visible' : 'hidden');

    const summary = st.count === 0 ? text.noData : text.summary(valueText(st.min, d), valueText(st.max, d), valueText(st.last, d));
    title.textContent = summary;
    el.setAttribute('aria-label', `${text.label}. ${summary}`);
    drawCross();
  }

  function drawCross(): void {
    if (data === null || cursor === null) {
      cross.setAttribute('visibility', 'hidden');
      return;
    }
    const d = data;
    const i = nearest(d.series, cursor);
    const t = d.series.t[i];
    const v = d.series.v[i];
    if (i < 0 || t === undefined || v === undefined || t < d.from - (d.to - d.from) * 0.01 || t > d.to) {
      cross.setAttribute('visibility', 'hidden');
      return;
    }
    const xx = x(t);
    const yy = y(v);
    const ph = height - M.top - M.bottom;
    crossLine.setAttribute('x1', String(xx));
    crossLine.setAttribute('x2', String(xx));
    crossLine.setAttribute('y1', String(M.top));
    crossLine.setAttribute('y2', String(M.top + ph));
    crossDot.setAttribute('cx', String(xx));
    crossDot.setAttribute('cy', String(yy));
    const q = d.series.q[i] ?? 0;
    crossText.textContent = `${formatDateTime(t, text.lang)}  ${valueText(v, d)}${q === 1 ? ' ?' : ''}`;
    // Measure, then place the box on the side with room.
    cross.setAttribute('visibility', 'visible');
    const w = crossText.getComputedTextLength() + 16;
    const left = xx + 10 + w > width - M.right ? xx - 10 - w : xx + 10;
    const top = Math.max(M.top + 4, Math.min(yy - 34, M.top + ph - 30));
    crossBox.setAttribute('x', String(left));
    crossBox.setAttribute('y', String(top));
    crossBox.setAttribute('width', String(w));
    crossBox.setAttribute('height', '26');
    crossText.setAttribute('x', String(left + 8));
    crossText.setAttribute('y', String(top + 18));
  }

  const onMove = (ev: PointerEvent) => {
    if (data === null) return;
    const r = el.getBoundingClientRect();
    const px = ev.clientX - r.left;
    if (px < M.left || px > width - M.right) {
      cursor = null;
    } else {
      const pw = width - M.left - M.right;
      cursor = data.from + ((px - M.left) / pw) * (data.to - data.from);
    }
    drawCross();
  };
  const onLeave = () => {
    if (document.activeElement === el) return;
    cursor = null;
    drawCross();
  };
  const onKey = (ev: KeyboardEvent) => {
    if (data === null) return;
    const span = data.to - data.from;
    const stepMs = span / 100;
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
      const c = cursor ?? data.to;
      cursor = Math.min(data.to, Math.max(data.from, c + (ev.key === 'ArrowLeft' ? -stepMs : stepMs) * (ev.shiftKey ? 10 : 1)));
    } else if (ev.key === 'Home') cursor = data.from;
    else if (ev.key === 'End') cursor = data.to;
    else if (ev.key === 'Escape') cursor = null;
    else return;
    ev.preventDefault();
    drawCross();
  };
  const onBlur = () => {
    cursor = null;
    drawCross();
  };
  el.addEventListener('pointermove', onMove);
  el.addEventListener('pointerleave', onLeave);
  el.addEventListener('keydown', onKey);
  el.addEventListener('blur', onBlur);
  const resize = new ResizeObserver(() => draw());
  resize.observe(root);

  return {
    root,
    update(d: ChartData): void {
      data = d;
      draw();
    },
    destroy(): void {
      resize.disconnect();
    },
  };
}
