import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_PERMISSION, allows, lowestRoleFor, parseScopeList, rolesGrant, ROLE_PERMISSIONS, withinScopes } from '../../src/auth/index.js';
import { OPERATOR_ACTIONS, PERMISSIONS, ROLES, type Permission, type Role, type Scopes } from '../../src/core/index.js';

/** The permission matrix of docs/auth.md, written out: a change to src/auth/roles.ts must change this table too. */
const MATRIX: Record<Permission, Role> = {
  read: 'viewer',
  'alarm.acknowledge': 'operator',
  'alarm.comment': 'operator',
  'alarm.confirm': 'operator',
  'alarm.shelve': 'operator',
  'alarm.unshelve': 'operator',
  'alarm.reset': 'operator',
  'alarm.out-of-service': 'engineer',
  'alarm.in-service': 'engineer',
  'bypass.write': 'engineer',
  'rules.write': 'engineer',
  'setpoints.write': 'engineer',
  'users.admin': 'admin',
  'config.admin': 'admin',
};

describe('roles', () => {
  const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => ({ role, permission, granted: ROLES.indexOf(role) >= ROLES.indexOf(MATRIX[permission]) })));

  it.each(cases)('$role may $permission: $granted', ({ role, permission, granted }) => {
    expect(rolesGrant([role], permission)).toBe(granted);
  });

  it('nests each role in the next: viewer ⊂ operator ⊂ engineer ⊂ admin', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = ROLE_PERMISSIONS[ROLES[i - 1] as Role];
      const higher = ROLE_PERMISSIONS[ROLES[i] as Role];
      expect([...lower].every((p) => higher.has(p))).toBe(true);
      expect(higher.size).toBeGreaterThan(lower.size);
    }
    expect(ROLE_PERMISSIONS.admin.size).toBe(PERMISSIONS.length);
  });

  it('names the lowest role for each permission', () => {
    for (const p of PERMISSIONS) expect(lowestRoleFor(p)).toBe(MATRIX[p]);
  });

  it('maps every operator action of the alarm manager to a permission', () => {
    for (const action of OPERATOR_ACTIONS) expect(PERMISSIONS).toContain(ACTION_PERMISSION[action]);
    expect(ACTION_PERMISSION.reset).toBe('alarm.reset');
    expect(lowestRoleFor(ACTION_PERMISSION.reset)).toBe('operator');
    expect(lowestRoleFor(ACTION_PERMISSION['out-of-service'])).toBe('engineer');
  });

  it('is the matrix docs/auth.md shows', () => {
    const doc = readFileSync(new URL('../../docs/auth.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z.-]+)` \|(.*?)\|(.*?)\|(.*?)\|(.*?)\|/gm)].filter((m) => PERMISSIONS.includes(m[1] as Permission));
    expect(new Set(rows.map((m) => m[1]))).toEqual(new Set(PERMISSIONS));
    for (const m of rows) {
      const documented = ROLES.filter((_, i) => (m[i + 2] ?? '').includes('✓'));
      expect(documented, m[1]).toEqual(ROLES.filter((r) => rolesGrant([r], m[1] as Permission)));
    }
  });

  it('grants what any of several roles grants, and nothing to no role', () => {
    expect(rolesGrant(['viewer', 'engineer'], 'bypass.write')).toBe(true);
    expect(rolesGrant([], 'read')).toBe(false);
  });
});

describe('scopes', () => {
  const user = (sites: Scopes['sites'], areas: Scopes['areas']) => ({ scopes: { sites, areas } });

  it.each([
    { who: 'everything', scopes: user('*', '*'), site: 'plant-a', area: 'TK-farm', ok: true },
    { who: 'everything', scopes: user('*', '*'), site: 'plant-a', area: null, ok: true },
    { who: 'one site, all areas', scopes: user(['plant-a'], '*'), site: 'plant-a', area: null, ok: true },
    { who: 'one site, all areas', scopes: user(['plant-a'], '*'), site: 'plant-b', area: 'TK-farm', ok: false },
    { who: 'one area', scopes: user(['plant-a'], ['TK-farm']), site: 'plant-a', area: 'TK-farm', ok: true },
    { who: 'one area', scopes: user(['plant-a'], ['TK-farm']), site: 'plant-a', area: 'loading', ok: false },
    { who: 'one area, site-wide target', scopes: user(['plant-a'], ['TK-farm']), site: 'plant-a', area: null, ok: false },
    { who: 'all sites, one area', scopes: user('*', ['face-1']), site: 'mine-9', area: 'face-1', ok: true },
    { who: 'no sites', scopes: user([], '*'), site: 'plant-a', area: 'TK-farm', ok: false },
  ])('$who: $site/$area → $ok', ({ scopes, site, area, ok }) => {
    expect(allows(scopes, { site, area })).toBe(ok);
  });

  it('filters lists', () => {
    const items = [{ site: 'a', area: 'x' }, { site: 'a', area: 'y' }, { site: 'b', area: 'x' }, { site: 'a', area: null }];
    expect(items.filter(withinScopes(user(['a'], ['x']), (i) => i))).toEqual([{ site: 'a', area: 'x' }]);
  });

  it('reads lists from a command line', () => {
    expect(parseScopeList('*')).toBe('*');
    expect(parseScopeList(' a, b,,a ')).toEqual(['a', 'b']);
  });
});
