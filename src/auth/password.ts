import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HazgateError } from '../core/index.js';

/**
 * Passwords are kept as scrypt hashes with a salt of their own and the cost parameters in the
 * string (`$scrypt$n=32768,r=8,p=1$<salt>$<hash>`, base64), so raising the cost later leaves old
 * hashes verifiable. N=2^15, r=8, p=1 is the OWASP password storage minimum for scrypt: about
 * 32 MiB and 50-100 ms a hash here, run on libuv's pool so the event loop (alarms, WebSocket)
 * never waits for it.
 */
export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { n: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const FORMAT = /^\$scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  // 128·N·r bytes is needed; Node's default maxmem (32 MiB) is exactly that at N=2^15, r=8, and too little.
  const options: ScryptOptions = { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `$scrypt$n=${params.n},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Compares in constant time; false for a wrong password and for a hash string it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (m === null) return false;
  const params = { n: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const expected = Buffer.from(m[5] ?? '', 'base64');
  if (expected.length < 16 || !(params.n > 1 && params.n <= 2 ** 20 && params.r <= 32 && params.p <= 16)) return false;
  try {
    const key = await derive(password, Buffer.from(m[4] ?? '', 'base64'), params, expected.length);
    return timingSafeEqual(key, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two): a hash we cannot read
  }
}

/** Whether a stored hash was made with other parameters than today's (to re-hash at the next login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const m = FORMAT.exec(stored);
  return m === null || Number(m[1]) !== params.n || Number(m[2]) !== params.r || Number(m[3]) !== params.p;
}

/** NIST SP 800-63B: length over composition rules; a cap so a megabyte "password" costs nothing extra. */
export function checkNewPassword(user: string, password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new HazgateError('HG_ERR_AUTH_WEAK_PASSWORD', `the password of "${user}" must have at least ${MIN_PASSWORD_LENGTH} characters`, { user });
  if (password.length > MAX_PASSWORD_LENGTH) throw new HazgateError('HG_ERR_AUTH_WEAK_PASSWORD', `the password of "${user}" must have at most ${MAX_PASSWORD_LENGTH} characters`, { user });
  if (password.trim().toLowerCase() === user.toLowerCase()) throw new HazgateError('HG_ERR_AUTH_WEAK_PASSWORD', `the password of "${user}" may not be the user name`, { user });
}
