import { describe, expect, it } from 'vitest';
import type { FeedBatch } from '../../src/core/index.js';
import { batchHeaders, idempotencyKey, requireSignature, signBody, verifySignature } from '../../src/uplink/index.js';

/** HMAC-SHA256 signatures of feed batches and their idempotency keys. */

const KEY = 'a site key of 32 bytes or more..';
const batch: FeedBatch = {
  site: 'site-1',
  oldest: 7,
  messages: [
    { v: 1, id: 'site-1:7', site: 'site-1', seq: 7, kind: 'head', time: 1, body: { seq: 0, hash: 'hazgate-journal-v1' } },
    { v: 1, id: 'site-1:9', site: 'site-1', seq: 9, kind: 'head', time: 2, body: { seq: 0, hash: 'hazgate-journal-v1' } },
  ],
};
const body = JSON.stringify(batch);

describe('feed signatures', () => {
  it('signs as sha256=<hex> and verifies the same bytes with the same key', () => {
    const sig = signBody(body, KEY);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, KEY, sig)).toBe(true);
    expect(verifySignature(Buffer.from(body), KEY, sig.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
  });

  it('rejects a body with one byte changed, another key, and missing or malformed headers', () => {
    const sig = signBody(body, KEY);
    const bytes = Buffer.from(body);
    for (let i = 0; i < bytes.length; i += 17) {
      const changed = Buffer.from(bytes);
      changed[i] = (changed[i] ?? 0) ^ 1;
      expect(verifySignature(changed, KEY, sig), `byte ${i}`).toBe(false);
    }
    expect(verifySignature(body, `${KEY}x`, sig)).toBe(false);
    expect(verifySignature(body, KEY, undefined)).toBe(false);
    expect(verifySignature(body, KEY, sig.slice(0, -2))).toBe(false);
    expect(verifySignature(body, KEY, sig.replace('sha256=', 'sha1='))).toBe(false);
    expect(() => requireSignature('site-1', `${body} `, KEY, sig)).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_BAD_SIGNATURE' }));
    expect(() => requireSignature('site-1', body, KEY, 'nonsense')).toThrow(/malformed/);
    expect(() => requireSignature('site-1', body, KEY, sig)).not.toThrow();
  });

  it('keys a batch by site and its first and last seq', () => {
    expect(idempotencyKey(batch)).toBe('site-1:7-9');
    expect(batchHeaders(batch, body, KEY)).toEqual({ 'content-type': 'application/json', 'X-Hazgate-Signature': signBody(body, KEY), 'Idempotency-Key': 'site-1:7-9' });
    expect(() => idempotencyKey({ ...batch, messages: [] })).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_BAD_MESSAGE' }));
  });
});
