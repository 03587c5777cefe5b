import { formatRoute } from '../lib/route.js';
import type { ConsoleApp } from './app.js';
import { navPages } from './shell.js';

/**
 * The console's global keys: Alt+1…6 go to the header's pages, Alt+L switches the language, `/`
 * focuses the page's search box. Page keys (↑↓, A, C, S…) belong to the pages.
 */
export function bindShortcuts(app: ConsoleApp): () => void {
  const onKey = (ev: KeyboardEvent) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey) return;
    // In a text field Alt is the user's (macOS Option+L or Option+digit types a character): no shortcut there.
    if (ev.altKey && isTextEntry(ev.target)) return;
    if (ev.altKey && /^Digit[1-9]$/.test(ev.code)) {
      const page = navPages(app.mode)[Number(ev.code.slice(5)) - 1];
      if (page === undefined) return;
      ev.preventDefault();
      const site = app.mode === 'centre' ? app.site : null;
      app.navigate(formatRoute(page, null, { site }));
      return;
    }
    if (ev.altKey && ev.code === 'KeyL') {
      ev.preventDefault();
      app.setLanguage(app.tr.lang === 'en' ? 'zh-CN' : 'en');
      return;
    }
    // Not while a dialog is open: its fields own the keys.
    if (!ev.altKey && ev.key === '/' && !isTyping(ev.target) && document.querySelector('dialog[open]') === null) {
      const search = document.querySelector<HTMLInputElement>('main [data-search]');
      if (search === null) return;
      ev.preventDefault();
      search.focus();
      search.select();
    }
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

/** A field that takes typed text (not a select, checkbox or button, where Alt+digit is still a shortcut). */
export function isTextEntry(target: EventTarget | null): boolean {
  return isTyping(target) && !(target instanceof HTMLSelectElement);
}

/** Whether a key goes to a text field (then it is the user's typing, not a shortcut). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type));
}
