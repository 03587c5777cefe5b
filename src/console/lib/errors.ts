/**
 * A failed request in the operator's language: a key of the common dictionary (`err.*`) chosen by
 * the error's code (or HTTP status), with its parameters. The server's own words (English) are not
 * pasted into the sentence: they go with it as a detail (a muted line or a title).
 */
export function errorKey(code: string, status: number): { readonly key: string; readonly params: Readonly<Record<string, string | number>> } {
  if (code === 'HG_CONSOLE_NETWORK') return { key: 'err.network', params: {} };
  if (code === 'HG_CONSOLE_TIMEOUT') return { key: 'err.timeout', params: {} };
  if (code === 'HG_ERR_AUTH_FORBIDDEN' || status === 403) return { key: 'err.forbidden', params: {} };
  if (code.startsWith('HG_ERR_AUTH_') || status === 401) return { key: 'err.auth', params: {} };
  if (code === 'HG_ERR_WS_RATE' || status === 429) return { key: 'err.rate', params: {} };
  if (status === 404 || code.endsWith('_NOT_FOUND')) return { key: 'err.notFound', params: {} };
  if (code === 'HG_ERR_API_BAD_REQUEST' || status === 400) return { key: 'err.badRequest', params: {} };
  if (status >= 500 || code === 'HG_ERR_INTERNAL') return { key: 'err.server', params: { status: status === 0 ? code : status } };
  return { key: 'err.other', params: { code } };
}
