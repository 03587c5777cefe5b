import { createHmac, timingSafeEqual } from 'node:crypto';
import { HazgateError, type FeedBatch } from '../core/index.js';

/** `X-Hazgate-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the site's key. */
export const SIGNATURE_HEADER = 'X-Hazgate-Signature';
/** `Idempotency-Key: <site>:<firstSeq>-<lastSeq>`: the same batch resent carries the same key. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

export function signBody(body: string | Uint8Array, key: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** Constant-time check of a signature header against the body; false for a missing or malformed header. */
export function verifySignature(body: string | Uint8Array, key: string | Uint8Array, header: string | undefined): boolean {
  const m = header === undefined ? null : SIGNATURE.exec(header.trim().toLowerCase());
  if (m === null) return false;
  const expected = createHmac('sha256', key).update(body).digest();
  return timingSafeEqual(Buffer.from(m[1] ?? '', 'hex'), expected);
}

/** @throws HazgateError HG_ERR_UPLINK_BAD_SIGNATURE naming the site. */
export function requireSignature(site: string, body: string | Uint8Array, key: string | Uint8Array, header: string | undefined): void {
  if (verifySignature(body, key, header)) return;
  const why = header === undefined ? 'has no signature' : SIGNATURE.test(header.trim().toLowerCase()) ? 'has a signature that does not verify' : 'has a malformed signature';
  throw new HazgateError('HG_ERR_UPLINK_BAD_SIGNATURE', `feed batch of site "${site}" ${why} (${SIGNATURE_HEADER})`, { site });
}

/** @throws HazgateError HG_ERR_UPLINK_BAD_MESSAGE for an empty batch (it has no key). */
export function idempotencyKey(batch: FeedBatch): string {
  const first = batch.messages[0];
  const last = batch.messages[batch.messages.length - 1];
  if (first === undefined || last === undefined) throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed batch of site "${batch.site}" is empty`, { site: batch.site });
  return `${batch.site}:${first.seq}-${last.seq}`;
}

/** The headers of an HTTPS delivery of `body` (the JSON text of `batch`). */
export function batchHeaders(batch: FeedBatch, body: string, key: string | Uint8Array): Record<string, string> {
  return { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(body, key), [IDEMPOTENCY_HEADER]: idempotencyKey(batch) };
}
