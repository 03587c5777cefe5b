import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCentre, loadSite } from '../../src/app/index.js';
import { openAuth, type AuthSettings } from '../../src/auth/index.js';
import { formatProblem, formatProblems } from '../../src/config/index.js';
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

describe('the auth section in site and centre files', () => {
  it('is always there after loading: users.dir defaults to <store dir>/auth, and paths are relative to the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hg-auth-site-'));
    writeFileSync(join(dir, 'plain.yaml'), 'site: { id: s }\nstore: { dir: data }\n');
    const plain = loadSite(join(dir, 'plain.yaml'));
    if (!plain.ok) throw new Error(formatProblems(plain.problems));
    expect(plain.config.auth?.users.dir).toBe(join(dir, 'data', 'auth'));
    expect(plain.config.auth?.lockout.maxFailures).toBe(5);
    writeFileSync(join(dir, 'own.yaml'), `site: { id: s }
auth:
  users: { dir: people }
  sessions: { idleTimeout: 10m }
  jwt: { issuer: https://idp, audience: hazgate, publicKeys: [{ kid: k1, file: keys/idp.pem }] }
`);
    const own = loadSite(join(dir, 'own.yaml'));
    if (!own.ok) throw new Error(formatProblems(own.problems));
    expect(own.config.auth?.users.dir).toBe(join(dir, 'people'));
    expect(own.config.auth?.sessions).toEqual({ idleTimeout: 600_000, maxAge: 43_200_000, maxSessions: 10_000 });
    expect(own.config.auth?.jwt?.publicKeys).toEqual([{ kid: 'k1', file: join(dir, 'keys', 'idp.pem') }]);
    writeFileSync(join(dir, 'centre.yaml'), 'store: { dir: centre-data }\nauth: { lockout: { maxFailures: 3 } }\n');
    const centre = loadCentre(join(dir, 'centre.yaml'));
    if (!centre.ok) throw new Error(formatProblems(centre.problems));
    expect(centre.config.auth).toMatchObject({ users: { dir: join(dir, 'centre-data', 'auth') }, lockout: { maxFailures: 3 } });
    writeFileSync(join(dir, 'bad.yaml'), 'site: { id: s }\nauth: { sessions: { idleTimeout: 13h } }\nserver: { metricsToken: short, wsMessageRate: { perSecond: 50, burst: 10 } }\n');
    const bad = loadSite(join(dir, 'bad.yaml'));
    expect(bad.ok ? [] : bad.problems.map((p) => formatProblem(p))).toEqual([
      expect.stringContaining('auth.sessions.idleTimeout: idleTimeout must not be longer than maxAge'),
      expect.stringContaining('server.metricsToken: a metrics token is at least 16 characters'),
      expect.stringContaining('server.wsMessageRate.burst: burst must be at least perSecond'),
    ]);
  });
});
