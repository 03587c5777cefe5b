import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jwtVerifierOf, type JwtSettings, type JwtVerifier } from '../../src/auth/index.js';
import { jwtSchema } from '../../src/config/auth.js';
import { HazgateError, type Clock } from '../../src/core/index.js';

/** OIDC bearer JWTs against a JWKS served by a local HTTP server, with keys made here. */

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaNext = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

const ISSUER = 'https://idp.example.com/realms/plant';
const NOW = 1_700_000_000_000;

function jwk(key: KeyObject, kid: string, alg: string): Record<string, unknown> {
  return { ...key.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jwt(claims: Record<string, unknown>, opts: { alg?: string; kid?: string; key?: KeyObject } = {}): string {
  const alg = opts.alg ?? 'RS256';
  const header = { alg, typ: 'JWT', ...(opts.kid === undefined ? {} : { kid: opts.kid }) };
  const input = `${b64(header)}.${b64(claims)}`;
  const key = opts.key ?? rsa.privateKey;
  const signature = alg === 'ES256' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

const s = (ms: number) => Math.floor(ms / 1000);
const good = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: ['hazgate', 'account'], sub: 'f1d2', preferred_username: 'li.wei', exp: s(NOW + 300_000), iat: s(NOW - 10_000), roles: ['hazgate-operators'], ...extra });

let server: Server;
let jwksUrl = '';
let fetches = 0;
let served: Record<string, unknown>[] = [];
let status = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    fetches += 1;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/plant/protocol/openid-connect/certs`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let clock: Clock & { t: number };
beforeEach(() => {
  fetches = 0;
  status = 200;
  served = [jwk(rsa.publicKey, 'rsa-1', 'RS256'), jwk(ec.publicKey, 'ec-1', 'ES256')];
  clock = { t: NOW, now() { return this.t; } };
});

function verifier(extra: Record<string, unknown> = {}): JwtVerifier {
  const settings: JwtSettings = jwtSchema.parse({ jwksUrl, issuer: ISSUER, audience: 'hazgate', roleMap: { 'hazgate-operators': 'operator', 'hazgate-engineers': 'engineer' }, ...extra });
  return jwtVerifierOf(settings, { dir: '', clock });
}

async function refusal(v: JwtVerifier, token: string): Promise<{ code: string; message: string }> {
  try {
    await v.verify(token);
  } catch (e) {
    if (e instanceof HazgateError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: 'ok', message: '' };
}

describe('bearer JWTs', () => {
  it('accepts an RS256 and an ES256 token: user, mapped roles, configured scopes, expiry', async () => {
    const v = verifier();
    expect(await v.verify(jwt(good(), { kid: 'rsa-1' }))).toEqual({ user: 'li.wei', roles: ['operator'], scopes: { sites: '*', areas: '*' }, via: 'jwt', expires: s(NOW + 300_000) * 1000 });
    expect((await v.verify(jwt(good(), { alg: 'ES256', kid: 'ec-1', key: ec.privateKey }))).user).toBe('li.wei');
    expect(fetches).toBe(1);
  });

  it('refuses an expired token, allowing the clock skew', async () => {
    const v = verifier({ clockSkew: '30s' });
    const token = jwt(good({ exp: s(NOW - 20_000) }), { kid: 'rsa-1' });
    expect((await refusal(v, token)).code).toBe('ok');
    clock.t += 11_000;
    expect((await refusal(v, token)).code).toBe('HG_ERR_AUTH_TOKEN_EXPIRED');
    expect((await refusal(v, jwt(good({ exp: undefined }), { kid: 'rsa-1' }))).message).toContain('no exp');
  });

  it('refuses a token not yet valid', async () => {
    expect(await refusal(verifier(), jwt(good({ nbf: s(NOW + 120_000) }), { kid: 'rsa-1' }))).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', message: expect.stringContaining('not valid before') });
  });

  it('refuses the wrong audience and the wrong issuer', async () => {
    const v = verifier();
    expect(await refusal(v, jwt(good({ aud: 'another-app' }), { kid: 'rsa-1' }))).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', message: expect.stringContaining('audience') });
    expect(await refusal(v, jwt(good({ iss: 'https://evil.example.com' }), { kid: 'rsa-1' }))).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', message: expect.stringContaining('issuer') });
  });

  it('refuses a bad signature: another key under a known kid, or a payload changed after signing', async () => {
    const v = verifier();
    expect((await refusal(v, jwt(good(), { kid: 'rsa-1', key: stranger.privateKey }))).message).toContain('signature');
    const [h, , sig] = jwt(good(), { kid: 'rsa-1' }).split('.');
    expect((await refusal(v, `${h}.${b64(good({ roles: ['hazgate-engineers'] }))}.${sig}`)).message).toContain('signature');
  });

  it('refuses alg none and an HMAC made with the public key as its secret', async () => {
    const v = verifier();
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good())}.`;
    expect((await refusal(v, none)).code).toBe('HG_ERR_AUTH_FAILED');
    expect((await refusal(v, `${b64({ alg: 'none' })}.${b64(good())}.AAAA`)).message).toContain('"none" is not accepted');
    const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(good())}`;
    const mac = createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest('base64url');
    expect((await refusal(v, `${input}.${mac}`)).message).toContain('"HS256" is not accepted');
  });

  it('fetches the JWKS again once for an unknown kid (key rotation), and not for every made-up kid', async () => {
    const v = verifier();
    await v.verify(jwt(good(), { kid: 'rsa-1' }));
    served = [jwk(rsaNext.publicKey, 'rsa-2', 'RS256')];
    clock.t += 31_000;
    expect((await v.verify(jwt(good(), { kid: 'rsa-2', key: rsaNext.privateKey }))).user).toBe('li.wei');
    expect(fetches).toBe(2);
    expect(await refusal(v, jwt(good(), { kid: 'made-up' }))).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', message: expect.stringContaining('kid "made-up"') });
    expect(fetches).toBe(2);
    clock.t += 31_000;
    expect((await refusal(v, jwt(good(), { kid: 'made-up-too' }))).code).toBe('HG_ERR_AUTH_FAILED');
    expect(fetches).toBe(3);
  });

  it('refetches after the cache time and uses the last good keys while the IdP is away', async () => {
    const v = verifier({ jwksCacheFor: '10m' });
    await v.verify(jwt(good(), { kid: 'rsa-1' }));
    status = 503;
    clock.t += 11 * 60_000;
    const token = jwt(good({ exp: s(clock.t + 300_000) }), { kid: 'rsa-1' });
    expect((await v.verify(token)).user).toBe('li.wei');
    expect(fetches).toBe(2);
  });

  it('says HG_ERR_AUTH_JWKS when the JWKS was never fetched and cannot be', async () => {
    status = 500;
    const v = verifier();
    expect((await refusal(v, jwt(good(), { kid: 'rsa-1' }))).code).toBe('HG_ERR_AUTH_JWKS');
    expect((await refusal(v, jwt(good(), { kid: 'rsa-1' }))).code).toBe('HG_ERR_AUTH_JWKS');
    expect(fetches).toBe(1);
  });

  it('maps roles: by roleMap, by role name, by a dotted claim path, the default role, or refuses', async () => {
    const token = (claims: Record<string, unknown>) => jwt(good(claims), { kid: 'rsa-1' });
    expect((await verifier().verify(token({ roles: ['hazgate-engineers', 'hazgate-operators', 'offline_access'] }))).roles).toEqual(['operator', 'engineer']);
    expect((await verifier({ roleMap: {} }).verify(token({ roles: 'viewer admin' }))).roles).toEqual(['viewer', 'admin']);
    expect((await verifier({ rolesClaim: 'realm_access.roles', roleMap: {} }).verify(token({ roles: undefined, realm_access: { roles: ['engineer'] } }))).roles).toEqual(['engineer']);
    expect((await verifier({ rolesClaim: 'https://hazgate.example/groups' }).verify(token({ 'https://hazgate.example/groups': ['hazgate-engineers'] }))).roles).toEqual(['engineer']);
    expect(await refusal(verifier(), token({ roles: ['staff'] }))).toMatchObject({ code: 'HG_ERR_AUTH_FORBIDDEN' });
    expect((await verifier({ defaultRole: 'viewer' }).verify(token({ roles: ['staff'] }))).roles).toEqual(['viewer']);
    expect((await verifier().verify(token({ preferred_username: undefined }))).user).toBe('f1d2');
  });

  it('takes scopes from a claim when configured, and refuses a token without them', async () => {
    const v = verifier({ scopesClaim: 'hazgate_scopes' });
    const principal = await v.verify(jwt(good({ hazgate_scopes: { sites: ['plant-a'], areas: 'TK-farm,loading' } }), { kid: 'rsa-1' }));
    expect(principal.scopes).toEqual({ sites: ['plant-a'], areas: ['TK-farm', 'loading'] });
    expect((await refusal(v, jwt(good(), { kid: 'rsa-1' }))).code).toBe('HG_ERR_AUTH_FORBIDDEN');
  });

  it('verifies against static PEM keys (no JWKS), by kid or for any token of the key type', async () => {
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const settings = jwtSchema.parse({ publicKeys: [{ pem }], issuer: ISSUER, audience: 'hazgate', roleMap: { 'hazgate-operators': 'operator' } });
    const v = jwtVerifierOf(settings, { dir: '', clock });
    expect((await v.verify(jwt(good(), { kid: 'whatever' }))).user).toBe('li.wei');
    expect((await v.verify(jwt(good()))).user).toBe('li.wei');
    expect((await refusal(v, jwt(good(), { alg: 'ES256', key: ec.privateKey }))).message).toContain('no ES256 key');
    expect(fetches).toBe(0);
  });

  it('refuses a key of the wrong type for the algorithm (an EC key for RS256)', async () => {
    served = [jwk(ec.publicKey, 'k', 'ES256')];
    expect((await refusal(verifier(), jwt(good(), { kid: 'k' }))).message).toContain('no RS256 key');
  });
});
