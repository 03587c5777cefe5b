import type { Ctx, Page } from '../context.js';
import type { Route } from '../../lib/route.js';
import { h } from '../dom.js';

/** Placeholder: replaced by the page's real view. */
export function sitesPage(ctx: Ctx, route: Route): Page {
  return { root: h('section', {}, ctx.t('common.loading'), ' ', route.page), title: route.page, unmount: () => undefined };
}
