import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { VideoAuthConfig } from './schema.js';

/** Says whether a request's headers carry the configured credentials. */
export type Authorise = (headers: IncomingHttpHeaders) => boolean;

/**
 * The webhook's optional check: a shared secret in a header, or HTTP basic auth. Comparisons take
 * the same time whatever the guess (digests of equal length, timingSafeEqual).
 */
export function makeAuthoriser(auth: VideoAuthConfig | undefined): Authorise {
  if (auth === undefined) return () => true;
  if (auth.type === 'header') {
    const expected = digest(auth.secret);
    return (headers) => {
      const given = headers[auth.header];
      return typeof given === 'string' && timingSafeEqual(digest(given), expected);
    };
  }
  const expected = digest(`${auth.username}:${auth.password}`);
  return (headers) => {
    const m = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(Buffer.from(m[1] ?? '', 'base64').toString('utf8')), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
