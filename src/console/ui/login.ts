import type { Me } from '../lib/wire.js';
import { ApiError } from '../net/api.js';
import type { ConsoleApp } from './app.js';
import { h } from './dom.js';
import { errorText } from './errors.js';

/**
 * The login form: user and password to POST /api/login. The session cookie is HttpOnly (the page
 * never sees it); the CSRF token comes back in the answer and stays in memory. Says why a login
 * failed without saying whether the user exists, and counts down a lock-out.
 */
export function showLogin(app: ConsoleApp, root: HTMLElement, endedCode: string | null, done: (me: Me) => void): void {
  const t = (k: string, p?: Readonly<Record<string, string | number>>) => app.t(k, p);
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 128, 'data-testid': 'login-user', autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024, 'data-testid': 'login-password' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const message = h('p', { class: 'error-text', role: 'alert', 'data-testid': 'login-error' }, endedCode === null ? '' : t('login.ended', { code: endedCode }));
  const lang = h('button', { type: 'button', 'data-testid': 'lang-switch', onclick: () => app.setLanguage(app.tr.lang === 'en' ? 'zh-CN' : 'en') }, t('lang.switch'));
  const form = h(
    'form',
    { 'data-testid': 'login-form', novalidate: false },
    h('h1', {}, t('app.title')),
    h('label', {}, t('login.user'), user),
    h('label', {}, t('login.password'), password),
    message,
    h('div', { class: 'toolbar' }, submit, h('span', { class: 'spacer' }), lang),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    message.textContent = t('login.busy');
    app.api.login(user.value.trim(), password.value).then(
      (me) => {
        password.value = '';
        done(me);
      },
      (e: unknown) => {
        submit.disabled = false;
        password.value = '';
        password.focus();
        message.textContent = loginError(app, e);
        if (e instanceof ApiError && e.retryAfter !== null) countDown(app, submit, message, e.retryAfter);
      },
    );
  });
  root.replaceChildren(h('div', { class: 'login' }, form));
  user.focus();
}

function loginError(app: ConsoleApp, e: unknown): string {
  if (!(e instanceof ApiError)) return app.t('login.network', { message: errorText(app, e) });
  if (e.status === 429) return app.t('login.locked', { seconds: e.retryAfter ?? 60 });
  if (e.status === 401 || e.status === 400) return app.t('login.failed');
  return app.t('login.network', { message: errorText(app, e) });
}

/** A locked-out login: the button waits out `Retry-After`, and the message counts down. */
function countDown(app: ConsoleApp, submit: HTMLButtonElement, message: HTMLElement, seconds: number): void {
  let left = Math.ceil(seconds);
  submit.disabled = true;
  const timer = setInterval(() => {
    left--;
    if (left <= 0 || !submit.isConnected) {
      clearInterval(timer);
      submit.disabled = false;
      message.textContent = '';
      return;
    }
    message.textContent = app.t('login.locked', { seconds: left });
  }, 1000);
}
