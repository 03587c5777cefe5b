import { SHELVE_DURATIONS, afterFailure, formatWhen } from '../lib/alarm-view.js';
import type { OperatorAction, Transition } from '../lib/wire.js';
import { ApiError } from '../net/api.js';
import { messageNodes, priorityChip, stateLabel, subjectNodes } from './alarm-parts.js';
import type { Ctx } from './context.js';
import { fill, h } from './dom.js';
import { errorText as localError } from './errors.js';

/** Actions whose comment is required (the reason is journaled). */
const COMMENT_REQUIRED: ReadonlySet<OperatorAction> = new Set(['comment', 'shelve', 'out-of-service']);

/**
 * An operator action's dialog over an alarm: a native modal `<dialog>` (Esc closes, focus stays
 * inside, the first field has it), the alarm as it stands, the action's fields, and the server's
 * refusal shown in the dialog. A stale alarm (it changed since the dialog opened) is shown anew
 * and can be acted on again. `onClosed` runs after it closed (the list puts the focus back).
 */
export function openAlarmDialog(ctx: Ctx, action: OperatorAction, key: string, onClosed: () => void = () => undefined): void {
  let alarm = ctx.live.book.get(key);
  if (alarm === undefined) return;
  const conditionId = alarm.conditionId;
  const summary = h('div', { class: 'dialog-alarm', 'data-testid': 'dialog-alarm' });
  const error = h('p', { class: 'error-text', 'data-testid': 'dialog-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: action === 'out-of-service' ? 'danger' : 'primary', 'data-testid': 'dialog-submit' }, ctx.t(`alarms.do.${action}`));
  const cancel = h('button', { type: 'button', 'data-testid': 'dialog-cancel', onclick: () => dialog.close() }, ctx.t('common.cancel'));
  const required = COMMENT_REQUIRED.has(action);
  const comment = h('textarea', {
    'data-testid': 'dialog-comment',
    rows: 3,
    maxlength: 1000,
    required,
    placeholder: ctx.t(required ? 'alarms.dialog.commentRequired' : 'alarms.dialog.commentOptional'),
  });
  const commentLabel = h('label', { class: 'field' }, h('span', {}, ctx.t(action === 'comment' ? 'alarms.dialog.comment' : required ? 'alarms.dialog.reason' : 'alarms.dialog.commentOpt')), comment);

  // Shelve: one-shot (until it returns to normal; an active alarm only) or timed.
  const kindOneShot = h('input', { type: 'radio', name: 'kind', value: 'one-shot', 'data-testid': 'dialog-kind-one-shot' });
  const kindTimed = h('input', { type: 'radio', name: 'kind', value: 'timed', checked: true, 'data-testid': 'dialog-kind-timed' });
  const duration = h(
    'select',
    { 'data-testid': 'dialog-duration' },
    SHELVE_DURATIONS.map((d) => h('option', { value: d.id, selected: d.id === '1h' }, ctx.t(`alarms.duration.${d.id}`))),
  );
  const syncKind = () => {
    duration.disabled = !kindTimed.checked;
  };
  kindOneShot.addEventListener('change', syncKind);
  kindTimed.addEventListener('change', syncKind);
  const shelveFields =
    action === 'shelve'
      ? h(
          'fieldset',
          { class: 'shelve-kind' },
          h('legend', {}, ctx.t('alarms.dialog.shelveKind')),
          h('label', {}, kindTimed, ' ', ctx.t('alarms.shelve.timed'), ' ', duration),
          h('label', {}, kindOneShot, ' ', ctx.t('alarms.shelve.one-shot')),
          h('p', { class: 'muted hint' }, ctx.t('alarms.dialog.shelveHint')),
        )
      : null;

  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { class: 'dialog-title' }, ctx.t(`alarms.dialogTitle.${action}`)),
    summary,
    action === 'reset' ? h('p', { class: 'muted hint' }, ctx.t('alarms.dialog.resetHint')) : null,
    action === 'out-of-service' ? h('p', { class: 'muted hint' }, ctx.t('alarms.dialog.oosHint')) : null,
    shelveFields,
    commentLabel,
    error,
    h('div', { class: 'actions' }, cancel, submit),
  );
  const dialog = h('dialog', { class: 'alarm-dialog', 'data-testid': 'alarm-dialog', 'data-action': action, 'aria-label': ctx.t(`alarms.dialogTitle.${action}`) }, form);

  const showAlarm = (t: Transition) => {
    fill(
      summary,
      h('div', { class: 'dialog-alarm-head' }, priorityChip(ctx, t), h('span', { class: 'subject' }, subjectNodes(ctx, t)), t.level === null ? null : h('span', { class: 'mono level' }, t.level), h('span', { class: 'state' }, stateLabel(ctx, t.state))),
      h('div', { class: 'dialog-alarm-msg' }, messageNodes(t.message)),
      t.site === undefined ? null : h('div', { class: 'muted' }, ctx.t('alarms.col.site'), ': ', t.site),
    );
    if (action === 'shelve') {
      kindOneShot.disabled = !t.active;
      if (!t.active) kindTimed.checked = true;
      syncKind();
    }
  };
  showAlarm(alarm);

  const showError = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };

  let busy = false;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (busy || alarm === undefined) return;
    const text = comment.value.trim();
    if (required && text === '') {
      showError(ctx.t('alarms.err.commentRequired'));
      comment.focus();
      return;
    }
    const body: Record<string, unknown> = { eventId: alarm.eventId };
    if (text !== '') body['comment'] = text;
    if (action === 'shelve') {
      body['kind'] = kindTimed.checked ? 'timed' : 'one-shot';
      if (kindTimed.checked) body['duration'] = duration.value;
    }
    busy = true;
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    error.hidden = true;
    ctx.act(action, conditionId, body).then(
      () => {
        busy = false;
        ctx.toast('ok', ctx.t('toast.done', { action: ctx.t(`alarms.do.${action}`) }));
        dialog.close();
      },
      (e: unknown) => {
        busy = false;
        submit.disabled = false;
        submit.removeAttribute('aria-busy');
        const current = ctx.live.book.get(key);
        const stale = e instanceof ApiError && e.code === 'HG_ERR_ALARM_STALE_EVENT';
        const held = alarm;
        if (held === undefined) return;
        // Never act on an occurrence the operator has not seen: a changed alarm is shown, and said, first.
        switch (afterFailure(held, current, stale)) {
          case 'gone':
            alarm = undefined;
            showError(ctx.t('alarms.err.gone'));
            submit.disabled = true;
            return;
          case 'changed': {
            if (current === undefined) return;
            alarm = current;
            showAlarm(current);
            const why = ctx.tr.has(`alarms.reason.${current.reason}`) ? ctx.t(`alarms.reason.${current.reason}`) : current.reason;
            const changed = ctx.t('alarms.err.stale', { state: `${stateLabel(ctx, current.state)} · ${why}${current.user === undefined ? '' : ` · ${current.user}`}` });
            showError(stale ? changed : `${errorText(ctx, e)} ${changed}`);
            return;
          }
          case 'same':
            showError(stale ? ctx.t('alarms.err.stale', { state: stateLabel(ctx, held.state) }) : errorText(ctx, e));
        }
      },
    );
  });

  dialog.addEventListener('close', () => {
    dialog.remove();
    onClosed();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  const first = action === 'shelve' ? (kindTimed.checked ? kindTimed : kindOneShot) : comment;
  first.focus();
}

/** A refusal in the operator's language; the server's own words where they say more (the shelve limit). */
export function errorText(ctx: Ctx, e: unknown): string {
  if (!(e instanceof ApiError)) return ctx.t('alarms.err.unknown', { message: localError(ctx, e) });
  const short = e.code.replace(/^HG_ERR_ALARM_/, '');
  switch (e.code) {
    case 'HG_CONSOLE_NETWORK':
    case 'HG_CONSOLE_TIMEOUT':
      return ctx.t('alarms.err.network', { message: localError(ctx, e) });
    case 'HG_ERR_AUTH_FORBIDDEN':
      return ctx.t('alarms.err.forbidden');
    case 'HG_ERR_ALARM_SHELVE_TOO_LONG':
      return ctx.t('alarms.err.SHELVE_TOO_LONG', { message: e.message });
    case 'HG_ERR_ALARM_UNKNOWN_CONDITION':
      return ctx.t('alarms.err.gone');
    case 'HG_ERR_JOURNAL_WRITE':
      return ctx.t('alarms.err.journal');
    case 'HG_ERR_API_BAD_REQUEST':
      return ctx.t('alarms.err.badRequest', { message: e.message });
    default: {
      const key = `alarms.err.${short}`;
      return ctx.tr.has(key) ? ctx.t(key) : ctx.t('alarms.err.unknown', { message: localError(ctx, e) });
    }
  }
}

/** When a shelve ends, for the badge and details. */
export function shelvedUntilText(ctx: Ctx, t: Transition): string {
  if (t.shelved === null) return '';
  if (t.shelved.until === null) return ctx.t('alarms.badge.shelvedOneShot');
  return ctx.t('alarms.badge.shelvedUntil', { until: formatWhen(t.shelved.until, ctx.now(), ctx.tr.lang) });
}
