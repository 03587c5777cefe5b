import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AlarmManager } from '../alarms/index.js';
import { formatProblems, readYamlFile, resolvePath } from '../config/index.js';
import type { AlarmJournal, AlarmTransition, JournalQuery, OperatorAction, RawReading } from '../core/index.js';
import { RuleEngine } from '../engine/index.js';
import { Ingest, LiveValueCache } from '../pipeline/index.js';
import { conditionCatalogue } from './alarm-conditions.js';
import { ruleTestSchema, type RuleTest, type RuleTestExpectation, type RuleTestReading, type RuleTestStep } from './rule-test-file.js';
import { loadSite, type SiteConfig } from './site-config.js';

/** Rule tests start at a fixed, round time: expectations read as offsets from it. */
const T0 = Date.UTC(2026, 0, 1);
const TICK_MS = 1000;

export interface RuleTestOutcome {
  readonly file: string;
  readonly name: string;
  readonly ok: boolean;
  /** What differs from the expectation (or why the test could not run). */
  readonly problems: readonly string[];
  readonly transitions: readonly AlarmTransition[];
}

class MemoryJournal implements AlarmJournal {
  readonly rows: AlarmTransition[] = [];
  append(t: AlarmTransition): void {
    this.rows.push(t);
  }
  loadRetained(): AlarmTransition[] {
    return [];
  }
  recent(q: JournalQuery): AlarmTransition[] {
    return this.rows.slice(-q.limit).reverse();
  }
  close(): void {}
}

function failed(file: string, name: string, problems: string[]): RuleTestOutcome {
  return { file, name, ok: false, problems, transitions: [] };
}

/** The test's points, packs and rules as a site, loaded by the real loader (schema, packs, cross-checks). */
function siteOf(file: string, test: RuleTest): { ok: true; config: SiteConfig } | { ok: false; problems: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hazgate-rule-test-'));
  try {
    const site = { site: { id: 'rule-test' }, include: test.include.map((p) => resolvePath(file, p)), points: test.points, rules: test.rules, ...(test.alarms === undefined ? {} : { alarms: test.alarms }), store: { dir } };
    const siteFile = join(dir, 'site.yaml');
    writeFileSync(siteFile, stringify(site));
    const out = loadSite(siteFile);
    return out.ok ? { ok: true, config: out.config } : { ok: false, problems: [formatProblems(out.problems)] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawReading(pointId: string, r: RuleTestReading, at: number): RawReading {
  if (typeof r !== 'object') return { source: 'rule-test', pointId, value: r, ts: T0 + at };
  const quality = { level: r.quality, ...(r.reason === undefined ? {} : { reason: r.reason }) };
  return { source: 'rule-test', pointId, value: r.value, ts: T0 + (r.ts ?? at), quality };
}

/** Runs one rule test file: readings through the real pipeline, engine and alarm manager, on test time. */
export function runRuleTestFile(file: string): RuleTestOutcome {
  const read = readYamlFile(file);
  if (!read.ok) return failed(file, file, [formatProblems(read.problems)]);
  const parsed = ruleTestSchema.safeParse(read.value.data);
  if (!parsed.success) return failed(file, file, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const test = parsed.data;
  const site = siteOf(file, test);
  if (!site.ok) return failed(file, test.name, site.problems);
  let transitions: AlarmTransition[];
  try {
    transitions = play(test, site.config);
  } catch (e) {
    return failed(file, test.name, [e instanceof Error ? e.message : String(e)]);
  }
  const problems = compare(test.expect, transitions);
  return { file, name: test.name, ok: problems.length === 0, problems, transitions };
}

function play(test: RuleTest, config: SiteConfig): AlarmTransition[] {
  let now = T0;
  const clock = { now: () => now };
  const transitions: AlarmTransition[] = [];
  const cache = new LiveValueCache();
  const engine = new RuleEngine(config.points, config.rules, T0);
  let n = 0;
  const alarms = new AlarmManager({
    siteId: 'rule-test', journal: new MemoryJournal(), clock, newEventId: () => `ev-${++n}`,
    onTransition: (t) => transitions.push(t), conditions: conditionCatalogue(engine), latest: (id) => cache.get(id), maxShelveMs: config.alarms.maxShelve,
  });
  const ingest = new Ingest({
    points: config.points, clock, maxFutureMs: 300_000,
    onSample: (s) => {
      cache.put(s);
      for (const r of engine.evaluate(s)) alarms.apply(r);
    },
    onReject: (e) => {
      throw new Error(`a reading of the test was refused: ${e.code} ${e.message}`);
    },
  });
  const advanceTo = (t: number): void => {
    for (let tick = now - ((now - T0) % TICK_MS) + TICK_MS; tick <= t; tick += TICK_MS) {
      now = tick;
      for (const r of engine.tick(now)) alarms.apply(r);
      alarms.tick(now);
    }
    now = t;
  };
  const steps = [...test.series].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    advanceTo(T0 + step.at);
    playStep(step, ingest, alarms);
  }
  const last = steps.at(-1)?.at ?? 0;
  advanceTo(T0 + (test.until ?? last + TICK_MS));
  return transitions;
}

function playStep(step: RuleTestStep, ingest: Ingest, alarms: AlarmManager): void {
  const { at, act, ...readings } = step;
  for (const [pointId, r] of Object.entries(readings)) ingest.accept(rawReading(pointId, r as RuleTestReading, at));
  if (act === undefined) return;
  const eventId = alarms.get(act.condition)?.eventId;
  const shelve = act.kind === undefined ? undefined : act.kind === 'one-shot' ? ({ kind: 'one-shot' } as const) : ({ kind: 'timed', durationMs: act.duration ?? 0 } as const);
  alarms.act({ action: act.action as OperatorAction, conditionId: act.condition, user: act.user, eventId, comment: act.comment, shelve });
}

const FIELDS = ['reason', 'state', 'level', 'priority', 'active', 'annunciated', 'value', 'audiences', 'codes', 'message'] as const;

function describe(t: AlarmTransition): string {
  return `${t.conditionId} ${t.reason} ${t.state} level=${t.level ?? 'null'} at ${(t.rts - T0) / 1000}s`;
}

/** Every transition, in order, must match its expectation (only the fields it names); none more, none less. */
function compare(expected: readonly RuleTestExpectation[], actual: readonly AlarmTransition[]): string[] {
  const problems: string[] = [];
  const count = Math.max(expected.length, actual.length);
  for (let i = 0; i < count; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined) {
      if (a !== undefined) problems.push(`#${i + 1}: unexpected ${describe(a)}`);
      continue;
    }
    if (a === undefined) {
      problems.push(`#${i + 1}: expected ${e.condition} ${e.reason ?? ''} ${e.level ?? ''}, got nothing more`);
      continue;
    }
    const diffs: string[] = [];
    if (a.conditionId !== e.condition) diffs.push(`condition ${a.conditionId}`);
    if (e.at !== undefined && a.rts - T0 !== e.at) diffs.push(`at ${(a.rts - T0) / 1000}s, expected ${e.at / 1000}s`);
    for (const f of FIELDS) {
      if (e[f] !== undefined && !isDeepStrictEqual(a[f] ?? null, e[f])) diffs.push(`${f} ${JSON.stringify(a[f])}, expected ${JSON.stringify(e[f])}`);
    }
    if (diffs.length > 0) problems.push(`#${i + 1} (${describe(a)}): ${diffs.join('; ')}`);
  }
  return problems;
}
