import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuth, type AuthSettings } from '../../src/auth/index.js';
import { authSectionSchema } from '../../src/config/auth.js';
import { systemClock } from '../../src/core/index.js';

let dir = '';
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

const jwtBase = { issuer: 'https://idp.example.com', audience: 'hazgate' };

describe('the auth config section', () => {
  it('has defaults for everything', () => {
    expect(authSectionSchema.parse({})).toEqual({
      users: {},
      tokens: { defaultExpiry: 90 * 86_400_000 },
      lockout: { maxFailures: 5, maxFailuresPerAddress: 20, window: 900_000, baseDelay: 60_000, maxDelay: 3_600_000 },
      sessions: { idleTimeout: 1_800_000, maxAge: 43_200_000, maxSessions: 10_000 },
    });
    expect(authSectionSchema.parse({ tokens: { defaultExpiry: 'never' } }).tokens.defaultExpiry).toBeNull();
  });

  it('reports what is wrong with a section', () => {
    const issues = (v: unknown) => {
      const r = authSectionSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ lockout: { baseDelay: '2h', maxDelay: '1h' } })).toEqual(['lockout.baseDelay: baseDelay must not be longer than maxDelay']);
    expect(issues({ jwt: jwtBase })[0]).toContain('exactly one of jwksUrl or publicKeys');
    expect(issues({ jwt: { ...jwtBase, jwksUrl: 'https://idp.example.com/certs', publicKeys: [{ pem: 'x' }] } })[0]).toContain('exactly one of jwksUrl or publicKeys');
    expect(issues({ jwt: { ...jwtBase, jwksUrl: 'https://idp.example.com/certs', algorithms: ['HS256'] } })[0]).toContain('jwt.algorithms.0');
    expect(issues({ jwt: { ...jwtBase, jwksUrl: 'https://idp.example.com/certs', roleMap: { staff: 'superuser' } } })[0]).toContain('jwt.roleMap.staff');
    expect(issues({ tokens: { defaultExpiry: '10s' } })[0]).toContain('at least 1m');
    expect(issues({ users: { folder: 'x' } })[0]).toContain('folder');
    expect(issues({ sessions: { idleTimeout: '13h' } })).toEqual(['sessions.idleTimeout: idleTimeout must not be longer than maxAge']);
  });

  it('opens as it parses: users.db, the service, the admin and a JWT verifier with PEM keys from a file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hg-auth-config-'));
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'idp.pem'), pem);
    const settings: AuthSettings = authSectionSchema.parse({ jwt: { ...jwtBase, publicKeys: [{ kid: 'k1', file: join(dir, 'idp.pem') }] } });
    const auth = openAuth(settings, { dir: join(dir, 'auth'), clock: systemClock });
    try {
      await auth.admin.addUser({ name: 'admin', password: 'a long enough password', roles: ['admin'], scopes: { sites: '*', areas: '*' } });
      expect((await auth.service.login('admin', 'a long enough password', '::1')).roles).toEqual(['admin']);
    } finally {
      auth.close();
    }
    const missing = authSectionSchema.parse({ jwt: { ...jwtBase, publicKeys: [{ file: join(dir, 'nope.pem') }] } });
    expect(() => openAuth(missing, { dir: join(dir, 'auth'), clock: systemClock })).toThrow(/cannot be read/);
  });
});
