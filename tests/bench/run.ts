import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/gateway-process.js';
import type { BenchContext, BenchSection, Figures } from './lib/section.js';
import { SECTIONS } from './sections/index.js';

/**
 * `npm run bench [-- --only NAME[,NAME]] [-- --json]`: runs the benchmark sections in one process
 * tree on 127.0.0.1, prints a table, and with --json ends stdout with one JSON object.
 */
interface Args {
  readonly only: readonly string[] | null;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let only: string[] | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--only') only = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else if (a?.startsWith('--only=')) only = a.slice(7).split(',').filter((s) => s !== '');
    else throw new Error(`unknown argument ${a ?? ''} (use --only NAME[,NAME] and --json)`);
  }
  return { only, json };
}

function pick(only: readonly string[] | null): BenchSection[] {
  if (only === null) return [...SECTIONS];
  const unknown = only.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return SECTIONS.filter((s) => only.includes(s.name));
}

async function runSection(section: BenchSection, ctx: BenchContext, errors: Array<{ key: string; message: string }>): Promise<Figures> {
  const started = Date.now();
  ctx.log(`── ${section.name}: ${section.description}`);
  try {
    const figures = await section.run(ctx);
    ctx.log(`── ${section.name} done in ${Math.round((Date.now() - started) / 1000)} s`);
    return figures;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    for (const key of section.keys) errors.push({ key, message: `${section.name} failed: ${message}` });
    return Object.fromEntries(section.keys.map((k) => [k, null]));
  }
}

function table(results: Figures): string {
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  return Object.entries(results)
    .map(([k, v]) => `${k.padEnd(width)}  ${v === null ? 'null' : Number.isInteger(v) ? String(v) : v.toFixed(3)}`)
    .join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'hg-bench-'));
  const errors: Array<{ key: string; message: string }> = [];
  const results: Figures = {};
  const ctx: BenchContext = {
    root: ROOT.replace(/\/$/, ''),
    tmp,
    log: (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`),
    error: (key, message) => errors.push({ key, message }),
    results,
  };
  try {
    for (const section of pick(args.only)) Object.assign(results, await runSection(section, ctx, errors));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  process.stdout.write(`${table(results)}\n`);
  for (const e of errors) process.stdout.write(`error: ${e.key}: ${e.message}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify({ ...results, errors, machine })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
