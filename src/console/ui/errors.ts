import { errorKey } from '../lib/errors.js';
import { ApiError } from '../net/api.js';
import type { Ctx } from './context.js';
import { h } from './dom.js';

type Tr = Pick<Ctx, 't'>;

/** A failure in the operator's language (see lib/errors.ts). */
export function errorText(ctx: Tr, e: unknown): string {
  if (e instanceof ApiError) {
    const { key, params } = errorKey(e.code, e.status);
    return ctx.t(key, params);
  }
  return ctx.t('err.other', { code: e instanceof Error ? e.name : 'Error' });
}

/** The server's (or the browser's) own words about a failure, for a detail line; null when there are none. */
export function errorDetail(e: unknown): string | null {
  const m = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  return m === '' ? null : m;
}

/** The detail as a small muted line (with the same text as its title, for a long one cut by the layout). */
export function errorDetailNode(e: unknown): HTMLElement | null {
  const d = errorDetail(e);
  return d === null ? null : h('small', { class: 'muted error-detail', title: d, lang: 'en' }, d);
}
