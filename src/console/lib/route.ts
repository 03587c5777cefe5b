/** The console's pages, addressed by the URL's hash (`#/alarms?area=tank-farm`): links and the back button work, the server serves one page. */
export type PageName = 'login' | 'summary' | 'alarms' | 'history' | 'points' | 'trend' | 'people' | 'zone' | 'sites';

export interface Route {
  readonly page: PageName;
  /** The path's parameter: a point id (trend) or a zone id (zone). */
  readonly id: string | null;
  readonly query: Readonly<Record<string, string>>;
}

const PAGES: ReadonlySet<string> = new Set(['login', 'summary', 'alarms', 'history', 'points', 'people', 'sites']);

/** `#/points/GT-102?range=8h` → { page: 'trend', id: 'GT-102', query: { range: '8h' } }. Anything unknown is the summary. */
export function parseRoute(hash: string): Route {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const [path = '', search = ''] = splitOnce(text, '?');
  const parts = path.split('/').filter((p) => p !== '').map(safeDecode);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  const first = parts[0] ?? 'summary';
  const id = parts[1] ?? null;
  if (first === 'points' && id !== null) return { page: 'trend', id, query };
  if (first === 'people' && id !== null) return { page: 'zone', id, query };
  if (!PAGES.has(first)) return { page: 'summary', id: null, query };
  return { page: first as PageName, id: null, query };
}

/** The hash of a route; empty query values are left out. */
export function formatRoute(page: PageName, id: string | null = null, query: Readonly<Record<string, string | null | undefined>> = {}): string {
  const base = page === 'trend' ? 'points' : page === 'zone' ? 'people' : page;
  const path = id === null ? `#/${base}` : `#/${base}/${encodeURIComponent(id)}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') params.set(k, v);
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
