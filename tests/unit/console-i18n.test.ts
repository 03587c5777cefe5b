import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DICTS } from '../../src/console/i18n/index.js';
import type { Dict } from '../../src/console/lib/i18n.js';

/**
 * The console's dictionaries: both languages have every key, no empty text, the same placeholders;
 * every dictionary file is registered; and every literal key the code asks for exists (a missing
 * translation fails here, not in front of an operator).
 */
const CONSOLE = fileURLToPath(new URL('../../src/console/', import.meta.url));
const I18N = join(CONSOLE, 'i18n');

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

async function exportedDicts(): Promise<{ file: string; name: string; dict: Dict }[]> {
  const out: { file: string; name: string; dict: Dict }[] = [];
  for (const file of readdirSync(I18N).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
    const mod = (await import(join(I18N, file))) as Record<string, unknown>;
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v === 'object' && v !== null && 'en' in v && 'zh' in v) out.push({ file, name, dict: v as Dict });
    }
  }
  return out;
}

describe('console dictionaries', () => {
  it('every dictionary file exports a Dict, and every one is in DICTS', async () => {
    const all = await exportedDicts();
    const files = readdirSync(I18N).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    for (const f of files) expect(all.some((d) => d.file === f), `${f} exports no Dict`).toBe(true);
    for (const d of all) expect(DICTS.includes(d.dict), `${d.file}: ${d.name} is not registered in i18n/index.ts`).toBe(true);
  });

  it('en and zh have the same keys, no empty strings and the same placeholders', async () => {
    const problems: string[] = [];
    for (const { file, dict } of await exportedDicts()) {
      const en = Object.keys(dict.en);
      const zh = Object.keys(dict.zh);
      for (const k of en) if (!(k in dict.zh)) problems.push(`${file}: ${k} has no Chinese`);
      for (const k of zh) if (!(k in dict.en)) problems.push(`${file}: ${k} has no English`);
      for (const lang of ['en', 'zh'] as const) {
        for (const [k, v] of Object.entries(dict[lang])) if (v.trim() === '') problems.push(`${file}: ${lang} ${k} is empty`);
      }
      for (const k of en) {
        const e = dict.en[k];
        const z = dict.zh[k];
        if (e !== undefined && z !== undefined && placeholders(e).join() !== placeholders(z).join()) problems.push(`${file}: ${k} placeholders differ: ${placeholders(e).join()} vs ${placeholders(z).join()}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no key is defined by two dictionaries (the later would silently win)', () => {
    const seen = new Map<string, number>();
    const dup: string[] = [];
    DICTS.forEach((d, i) => {
      for (const k of Object.keys(d.en)) {
        if (seen.has(k)) dup.push(k);
        seen.set(k, i);
      }
    });
    expect(dup).toEqual([]);
  });

  it('every literal key the console code asks for is translated', () => {
    const en = new Set<string>();
    const zh = new Set<string>();
    for (const d of DICTS) {
      for (const k of Object.keys(d.en)) en.add(k);
      for (const k of Object.keys(d.zh)) zh.add(k);
    }
    const missing: string[] = [];
    let found = 0;
    // `t('x.y'`, `ctx.t("x.y"`, `tr.t('x.y'`: a literal first argument (template keys are checked by the page's own tests).
    const call = /\bt\(\s*(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g;
    for (const file of sources(CONSOLE)) {
      if (file.startsWith(I18N)) continue;
      // Comments may show examples of keys; only code counts.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
      for (const m of text.matchAll(call)) {
        const key = m[2] ?? '';
        found++;
        if (!en.has(key) || !zh.has(key)) missing.push(`${file.slice(CONSOLE.length)}: ${key}`);
      }
    }
    expect(found).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
