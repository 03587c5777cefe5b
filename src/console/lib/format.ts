import type { Lang } from './i18n.js';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, withDate: boolean, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${lang}|${withDate}|${timeZone ?? ''}`;
  let f = timeFormats.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    timeFormats.set(key, f);
  }
  return f;
}

/** `14:03:07`, 24-hour, in the browser's time zone (or the one given). */
export function formatTime(ms: number, lang: Lang, timeZone?: string): string {
  return formatter(lang, false, timeZone).format(ms);
}

/** `2026-11-29 14:03:07` (en) or `2026/11/29 14:03:07` (zh-CN). */
export function formatDateTime(ms: number, lang: Lang, timeZone?: string): string {
  const f = formatter(lang, true, timeZone);
  if (lang === 'zh-CN') return f.format(ms).replace(',', '');
  // en-GB alone would write 29/11/2026: the parts make the unambiguous year-month-day documented above.
  const parts = f.formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** A duration, coarse: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`; Chinese units in zh-CN. */
export function formatDuration(ms: number, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const s = Math.max(0, Math.floor(ms / 1000));
  const unit = (n: number, en: string, cn: string) => (zh ? `${n}${cn}` : `${n} ${en}`);
  if (s < 60) return unit(s, 's', '秒');
  const m = Math.floor(s / 60);
  if (m < 60) return unit(m, 'min', '分');
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? unit(h, 'h', '小时') : `${unit(h, 'h', '小时')} ${unit(m % 60, 'min', '分')}`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? unit(d, 'd', '天') : `${unit(d, 'd', '天')} ${unit(h % 24, 'h', '小时')}`;
}

/** A reading for a table: up to 4 significant decimals, booleans as words, no unit for none. */
export function formatValue(v: number | boolean | null | undefined, unit?: string, words: { readonly on: string; readonly off: string } = { on: 'ON', off: 'OFF' }): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? words.on : words.off;
  if (!Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  const text = Number(v.toFixed(digits)).toString();
  return unit === undefined || unit === '' ? text : `${text} ${unit}`;
}
