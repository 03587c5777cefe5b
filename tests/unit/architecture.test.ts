import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency direction of ARCHITECTURE.md, checked on every test run:
 * core ← {config, pipeline, engine, alarms, store, uplink, server, adapters} ← app ← main.
 */
const ROOT = resolve(import.meta.dirname, '../..');
// auth (issue 11: users, roles, scopes, tokens, JWT) is a sibling like the others: it imports
// src/core only, and the server reaches it through the AuthService port of src/core/auth.ts.
const SIBLINGS = ['config', 'pipeline', 'engine', 'alarms', 'store', 'uplink', 'server', 'auth'];
/** Pure logic: no I/O libraries, no network, no wall-clock side doors. */
const PURE = [
  'src/engine', 'src/alarms/state.ts', 'src/alarms/manager.ts', 'src/alarms/flood.ts', 'src/alarms/kpi.ts', 'src/pipeline/normalize.ts', 'src/pipeline/scale.ts',
  'src/auth/roles.ts', 'src/auth/scope.ts', 'src/auth/login-limiter.ts',
];
const IO_MODULES = /^(node:)?(fs|net|http|https|dgram|child_process|worker_threads)$|^(fastify|ws|mqtt|aedes|better-sqlite3|@duckdb\/|@influxdata\/|node-opcua|modbus-serial)/;

function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  return readdirSync(abs).flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return tsFiles(relative(ROOT, path));
    return name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * The layer a repo-relative path belongs to: `src/core`, `src/engine`, `adapters/mqtt`,
 * `adapters/lib` (what adapters share, adapters/lib/README.md), `devices`, `src/app`…
 */
function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src') {
    const second = parts[1] ?? '';
    if (second === 'app.ts' || second === 'app') return 'src/app';
    if (second === 'main.ts' || second === 'cli') return 'src/main';
    return `src/${second}`;
  }
  if (parts[0] === 'adapters') return `adapters/${parts[1] ?? ''}`;
  return parts[0] ?? '';
}

/** The adapters' shared library: any adapter (and app, which wires adapters) may use it; it uses src/core and itself only. */
const ADAPTER_LIB = 'adapters/lib';

function allowed(from: string, to: string): boolean {
  if (from === to || to === 'src/core') return true;
  if (from === 'src/core') return false;
  if (to === ADAPTER_LIB) return from.startsWith('adapters/') || from === 'src/app' || from === 'src/main';
  if (SIBLINGS.some((s) => from === `src/${s}`) || from.startsWith('adapters/') || from === 'devices') return false;
  if (from === 'src/app') return to !== 'src/main' && !to.startsWith('tests');
  if (from === 'src/main') return !to.startsWith('tests');
  return true;
}

const files = ['src', 'adapters', 'devices'].flatMap(tsFiles);

describe('architecture', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps the dependency direction of ARCHITECTURE.md', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = layerOf(relative(ROOT, resolve(dirname(join(ROOT, file)), spec)));
        if (!allowed(from, to)) violations.push(`${file} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps adapters/lib free of any adapter folder (adapters use it, never the other way round)', () => {
    const lib = files.filter((f) => layerOf(f) === ADAPTER_LIB);
    expect(lib.length).toBeGreaterThan(0);
    const violations: string[] = [];
    for (const file of lib) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = layerOf(relative(ROOT, resolve(dirname(join(ROOT, file)), spec)));
        if (to !== ADAPTER_LIB && to !== 'src/core') violations.push(`${file} imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps pure logic free of I/O', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => PURE.some((p) => f === p || f.startsWith(`${p}/`)))) {
      for (const spec of importsOf(file).filter((s) => IO_MODULES.test(s))) violations.push(`${file} imports ${spec}`);
      if (/\bDate\.now\(\)|new Date\(\)/.test(readFileSync(join(ROOT, file), 'utf8'))) violations.push(`${file} reads the wall clock`);
    }
    expect(violations).toEqual([]);
  });

  it('flags a violation when one exists (the checker itself works)', () => {
    expect(allowed('src/engine', 'src/store')).toBe(false);
    expect(allowed('adapters/mqtt', 'src/pipeline')).toBe(false);
    expect(allowed('src/core', 'src/engine')).toBe(false);
    expect(allowed('devices', 'src/config')).toBe(false);
    expect(allowed('src/app', 'src/store')).toBe(true);
    expect(allowed('adapters/location', 'adapters/lib')).toBe(true);
    expect(allowed('adapters/lib', 'adapters/mqtt')).toBe(false);
    expect(allowed('adapters/lib', 'src/pipeline')).toBe(false);
    expect(allowed('adapters/video', 'adapters/mqtt')).toBe(false);
    expect(allowed('devices', 'adapters/lib')).toBe(false);
    expect(allowed('src/engine', 'adapters/lib')).toBe(false);
    expect(allowed('src/auth', 'src/core')).toBe(true);
    expect(allowed('src/auth', 'src/config')).toBe(false);
    expect(allowed('src/server', 'src/auth')).toBe(false);
    expect(layerOf('adapters/lib/mqtt/session.ts')).toBe(ADAPTER_LIB);
    expect(layerOf('src/app.ts')).toBe('src/app');
  });
});
