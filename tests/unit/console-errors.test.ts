import { describe, expect, it } from 'vitest';
import { errorKey } from '../../src/console/lib/errors.js';
import { common } from '../../src/console/i18n/common.js';

describe('errorKey (failures in the operator\'s language, by code)', () => {
  it('names network failures and the usual refusals by code or status, never by the server\'s English', () => {
    expect(errorKey('HG_CONSOLE_NETWORK', 0)).toEqual({ key: 'err.network', params: {} });
    expect(errorKey('HG_CONSOLE_TIMEOUT', 0)).toEqual({ key: 'err.timeout', params: {} });
    expect(errorKey('HG_ERR_AUTH_FORBIDDEN', 403).key).toBe('err.forbidden');
    expect(errorKey('HG_ERR_AUTH_EXPIRED', 401).key).toBe('err.auth');
    expect(errorKey('HTTP_429', 429).key).toBe('err.rate');
    expect(errorKey('HG_ERR_POINT_NOT_FOUND', 404).key).toBe('err.notFound');
    expect(errorKey('HG_ERR_API_BAD_REQUEST', 400).key).toBe('err.badRequest');
    expect(errorKey('HTTP_502', 502)).toEqual({ key: 'err.server', params: { status: 502 } });
    expect(errorKey('HG_ERR_SOMETHING', 409)).toEqual({ key: 'err.other', params: { code: 'HG_ERR_SOMETHING' } });
  });

  it('every key it gives is in both languages', () => {
    for (const key of ['err.network', 'err.timeout', 'err.forbidden', 'err.auth', 'err.rate', 'err.notFound', 'err.badRequest', 'err.server', 'err.other']) {
      expect(common.en[key], key).toBeTruthy();
      expect(common.zh[key], key).toBeTruthy();
    }
  });
});
