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
/**
 * The supervisor console (issue #12) is browser code, bundled by vite: it imports src/console only
 * (it keeps its own copy of the wire types rather than src/core's), and nothing else imports it.
 */
const CONSOLE = 'src/console';
/** The console's pure logic, unit-tested under Node: no DOM, no network, no ui/net/main of its own. */
const CONSOLE_LIB = 'src/console/lib';
/** The console's build config runs in Node (it imports node:url and vite), not in the browser: none of the console's rules apply to it. */
const CONSOLE_BUILD_CONFIG = 'src/console/vite.config.ts';
/** Browser globals and network calls the console's lib may not touch (callers hand it data and time). */
const BROWSER_ONLY = /\b(document|window|localStorage|sessionStorage|navigator|WebSocket|XMLHttpRequest|EventSource)\b|\bfetch\s*\(/g;
/** Pure logic: no I/O libraries, no network, no wall-clock side doors. */
const PURE = [
  'src/engine', 'src/alarms/state.ts', 'src/alarms/manager.ts', 'src/alarms/flood.ts', 'src/alarms/kpi.ts', 'src/pipeline/normalize.ts', 'src/pipeline/scale.ts',
  'src/auth/roles.ts', 'src/auth/scope.ts', 'src/auth/login-limiter.ts', CONSOLE_LIB,
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
  if (from === CONSOLE || to === CONSOLE) return from === to;
  if (from === to || to === 'src/core') return true;
  if (from === 'src/core') return false;
  if (to === ADAPTER_LIB) return from.startsWith('adapters/') || from === 'src/app' || from === 'src/main';
  if (SIBLINGS.some((s) => from === `src/${s}`) || from.startsWith('adapters/') || from === 'devices') return false;
  if (from === 'src/app') return to !== 'src/main' && !to.startsWith('tests');
  if (from === 'src/main') return !to.startsWith('tests');
  return true;
}

const files = ['src', 'adapters', 'devices'].flatMap(tsFiles).filter((f) => f !== CONSOLE_BUILD_CONFIG);

/** The source without its comments: a doc comment may name the WebSocket its caller owns. */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** What a file of the console's lib must not do: use a browser global or the network, or import the console's ui, net or main. */
function consoleLibViolations(file: string, text: string, specs: readonly string[]): string[] {
  const globals = [...new Set([...codeOf(text).matchAll(BROWSER_ONLY)].map((m) => m[0].replace(/\s+/g, '')))].map((g) => `${file} uses ${g}`);
  const imports = specs.filter((spec) => {
    const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec));
    return !target.startsWith(`${CONSOLE_LIB}/`) && target.startsWith(`${CONSOLE}/`);
  });
  return [...globals, ...imports.map((spec) => `${file} imports ${spec} (outside ${CONSOLE_LIB})`)];
}

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

  it('keeps the console apart: browser code imports no Node built-in, and its lib is pure', () => {
    const consoleFiles = files.filter((f) => layerOf(f) === CONSOLE);
    const violations: string[] = [];
    for (const file of consoleFiles) {
      for (const spec of importsOf(file).filter((s) => /^node:|^(fs|path|url|os|crypto|net|http|https|zlib|stream|events|buffer|child_process|worker_threads)(\/|$)/.test(s))) violations.push(`${file} imports ${spec}`);
      if (file.startsWith(`${CONSOLE_LIB}/`)) violations.push(...consoleLibViolations(file, readFileSync(join(ROOT, file), 'utf8'), importsOf(file).filter((s) => s.startsWith('.'))));
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
    expect(allowed('src/console', 'src/core')).toBe(false);
    expect(allowed('src/console', 'src/server')).toBe(false);
    expect(allowed('src/console', 'src/console')).toBe(true);
    expect(allowed('src/server', 'src/console')).toBe(false);
    expect(allowed('src/app', 'src/console')).toBe(false);
    expect(allowed('src/main', 'src/console')).toBe(false);
    expect(allowed('devices', 'src/console')).toBe(false);
    expect(layerOf('src/console/lib/wire.ts')).toBe(CONSOLE);
    expect(files).not.toContain(CONSOLE_BUILD_CONFIG);
    const lib = 'src/console/lib/x.ts';
    expect(consoleLibViolations(lib, '/** fed from the WebSocket */\nexport const f = (now: number) => now; // not window\n', [])).toEqual([]);
    expect(consoleLibViolations(lib, 'const t = document.title;\nconst w = new WebSocket(u);\nawait fetch (u);\nlocalStorage.x = 1; navigator.language; window.x;', [])).toEqual(
      ['document', 'WebSocket', 'fetch(', 'localStorage', 'navigator', 'window'].map((g) => `${lib} uses ${g}`),
    );
    expect(consoleLibViolations(lib, '', ['./wire.js', '../ui/dom.js', '../net/api.js', '../main.js'])).toEqual(['../ui/dom.js', '../net/api.js', '../main.js'].map((s) => `${lib} imports ${s} (outside ${CONSOLE_LIB})`));
  });
});
