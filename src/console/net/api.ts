import type { ApiErrorBody, Me } from '../lib/wire.js';

/** A refused or failed request: the server's code (`HG_ERR_…`) and message, or a network failure (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from `Retry-After` (a locked-out login). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

/**
 * hazgate's REST API from the console: the session cookie travels by itself (same origin,
 * HttpOnly), and every change carries the session's CSRF token in `X-Hazgate-Csrf`. A 401 on
 * anything but the login means the session ended: `onUnauthenticated` sends the console to the login.
 */
export class Api {
  csrf: string | null = null;
  onUnauthenticated: (() => void) | null = null;

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  async post<T>(path: string, body: object, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, body, signal);
  }

  /** Logs in: the cookie is set by the answer, the CSRF token kept here (never in storage). */
  async login(user: string, password: string): Promise<Me> {
    const me = await this.request<Me>('POST', '/api/login', { user, password }, undefined, false);
    this.csrf = me.csrf ?? null;
    return me;
  }

  async logout(): Promise<void> {
    try {
      await this.request('POST', '/api/logout', {}, undefined, false);
    } finally {
      this.csrf = null;
    }
  }

  /** Who the session is, or null without one (the console then shows the login). */
  async me(): Promise<Me | null> {
    try {
      const me = await this.request<Me>('GET', '/api/me', undefined, undefined, false);
      this.csrf = me.csrf ?? this.csrf;
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  }

  private async request<T>(method: string, path: string, body: object | undefined, signal: AbortSignal | undefined, notifyUnauthenticated = true): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
    const abort = () => timeout.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf !== null) headers['x-hazgate-csrf'] = this.csrf;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', signal: timeout.signal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (e) {
      if (signal?.aborted === true) throw new ApiError(0, 'ABORTED', 'aborted');
      // Codes the console localises (lib/errors.ts); the message is only a detail.
      if (timeout.signal.aborted) throw new ApiError(0, 'HG_CONSOLE_TIMEOUT', `no answer in ${TIMEOUT_MS / 1000} s`);
      throw new ApiError(0, 'HG_CONSOLE_NETWORK', (e as Error).message);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!res.ok) {
      const err = (json as Partial<ApiErrorBody> | null)?.error;
      const retry = Number(res.headers.get('retry-after'));
      const e = new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : null);
      if (res.status === 401 && notifyUnauthenticated) this.onUnauthenticated?.();
      throw e;
    }
    return json as T;
  }
}
