import type { AlarmManager, ConditionSetup } from '../alarms/index.js';
import { formatProblems, type ConfigProblem, type LoadResult } from '../config/index.js';
import { HazgateError, isHazgateError, type AdapterMetric, type AuditSink, type Clock, type ErrorCode, type Logger, type Point, type RuleResult, type Sample } from '../core/index.js';
import type { RuleEngine } from '../engine/index.js';
import type { Ingest, RunningAdapter } from '../pipeline/index.js';
import type { AlarmPath } from './alarm-path.js';
import { configDigest } from './lifecycle-audit.js';
import { isEmptyPlan, planReload, planSummary, type ReloadPlan } from './reload-plan.js';
import { isEngineCondition, resumeRetained, type RetainedOwners } from './reload-retained.js';
import { loadSite, type SiteConfig } from './site-config.js';

/** What the running gateway evaluates with: swapped whole, synchronously, by a reload. */
export interface LiveSite {
  config: SiteConfig;
  /** sha256 of the effective configuration (the `start` audit record's `configSha256`). */
  digest: string;
  /** When it was loaded: the start, or the reload that applied it (epoch ms). */
  loadedAt: number;
  engine: RuleEngine;
  ingest: Ingest;
  /** The alarm manager's view of every configured condition. */
  catalogue: (conditionId: string) => ConditionSetup | undefined;
  pointById: ReadonlyMap<string, Point>;
}

/** What a configuration's points and rules compile to. */
export type Compiled = Pick<LiveSite, 'engine' | 'ingest' | 'catalogue' | 'pointById'>;

export interface ReloadDeps {
  /** The site file the gateway was started from; undefined: nothing to reload from. */
  readonly file: string | undefined;
  readonly live: LiveSite;
  /** The running adapters, changed in place. */
  readonly adapters: RunningAdapter[];
  readonly alarms: Pick<AlarmManager, 'retained'>;
  readonly alarmPath: AlarmPath;
  /** Personnel location and video: not reloaded, but their retained conditions are theirs. */
  readonly owners: Omit<RetainedOwners, 'engine'>;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** @throws HazgateError (two rules making one condition id): the reload is refused. */
  readonly compile: (config: SiteConfig, now: number) => Compiled;
  readonly createAdapter: (a: SiteConfig['adapters'][number], config: SiteConfig) => RunningAdapter;
  readonly startAdapter: (a: RunningAdapter) => Promise<void>;
  /** Right after the swap, before anything else runs: counters carried over, live maps refilled. */
  readonly swapped: (before: Compiled, after: LiveSite) => void;
  /** The latest sample of a point (the live value cache): replayed into the new rules at the swap. */
  readonly latest: (pointId: string) => Sample | undefined;
  /** Adds the people and cameras of their zone to results, as on the normal alarm path. */
  readonly enrich: (results: readonly RuleResult[]) => readonly RuleResult[];
  /** Feeds the bypass register's state to its points again (the new ESD rules wait for it). */
  readonly republish: () => void;
  /** Default: loadSite, the loader `hazgate start` and `validate` use. */
  readonly load?: (file: string) => LoadResult<SiteConfig>;
}

/** Who asked: an API user and their address, or `signal:SIGHUP` with no address. */
export interface ReloadBy {
  readonly user: string;
  readonly address: string | null;
}

export interface ReloadRefusal {
  readonly code: ErrorCode;
  readonly message: string;
  /** Every problem of an invalid file, with file, YAML path and line. */
  readonly problems: readonly ConfigProblem[];
}

export interface ReloadResult {
  readonly applied: boolean;
  readonly dryRun: boolean;
  /** Null when the new file could not be loaded. */
  readonly plan: ReloadPlan | null;
  /** The new configuration's digest (null when it could not be loaded); `previousDigest` the running one's before. */
  readonly digest: string | null;
  readonly previousDigest: string;
  /** Alarm conditions the new rules and points add and remove. */
  readonly conditions?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** Active alarms of removed conditions returned to normal (journaled with the reason). */
  readonly returned?: readonly string[];
  /** Adapters that could not be started (the rest of the reload applied). */
  readonly adapterErrors?: readonly { readonly adapter: string; readonly message: string }[];
  readonly refused?: ReloadRefusal;
}

export type ReloadOutcome = 'applied' | 'refused' | 'failed';

/** Ids listed in an audit record's details at most (the counts are always there). */
const LISTED = 20;

function listed(ids: readonly string[]): string {
  return ids.length <= LISTED ? ids.join(',') : `${ids.slice(0, LISTED).join(',')},… (${ids.length})`;
}

function difference(a: readonly string[], b: ReadonlySet<string>): string[] {
  return a.filter((x) => !b.has(x));
}

/**
 * Applies a changed site file to the running gateway (docs/reload.md): validated in full first, as at
 * start; refused whole, with nothing changed, when invalid or when it changes what only a restart
 * applies. Points and rules are swapped between two samples (one synchronous step); the alarm manager
 * stays, so every alarm keeps its state; untouched adapters keep running. Every reload is audited.
 */
export class ConfigReloader {
  /** The reload running now: `close()` waits for it. */
  private inFlight: Promise<ReloadResult> | null = null;
  /** Set by `close()` (the gateway stops): no reload starts, no adapter is started any more. */
  private stopping = false;
  /** Adapters that did not start at the last reload applied: the next one starts them again. */
  private failed: ReadonlySet<string> = new Set();
  private readonly counts: Record<ReloadOutcome, number> = { applied: 0, refused: 0, failed: 0 };

  constructor(private readonly d: ReloadDeps) {}

  get file(): string | undefined {
    return this.d.file;
  }

  /**
   * @throws HazgateError HG_ERR_CONFIG_RELOAD (`busy`) while another reload runs (audited, counted),
   * or once the gateway is stopping (logged and counted, not audited: the audit closes with the stop).
   */
  async reload(by: ReloadBy, dryRun = false): Promise<ReloadResult> {
    if (this.stopping) {
      const message = 'the gateway is stopping: no configuration reload';
      this.counts.refused++;
      this.d.logger.error({ code: 'HG_ERR_CONFIG_RELOAD', by: by.user }, `configuration reload refused: ${message}`);
      throw new HazgateError('HG_ERR_CONFIG_RELOAD', message, { busy: true, stopping: true });
    }
    if (this.inFlight !== null) {
      const message = 'a configuration reload is already running; try again when it ends';
      this.refuse(by, { code: 'HG_ERR_CONFIG_RELOAD', message, problems: [] }, null);
      throw new HazgateError('HG_ERR_CONFIG_RELOAD', message, { busy: true });
    }
    const running = this.run(by, dryRun);
    this.inFlight = running;
    try {
      return await running;
    } finally {
      this.inFlight = null;
    }
  }

  /** The gateway stops: refuses every reload from now on and waits for the one running, if any, to end. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.inFlight?.catch(() => undefined);
  }

  /** `hazgate_config_reloads_total{result}` and `hazgate_config_last_reload_timestamp_seconds`. */
  metrics(): AdapterMetric[] {
    return [
      {
        name: 'hazgate_config_reloads_total', help: 'Configuration reloads (SIGHUP, POST /api/config/reload) by result: applied, refused (nothing changed), failed (applied, an adapter did not start).', type: 'counter', labelNames: ['result'],
        values: (Object.keys(this.counts) as ReloadOutcome[]).map((result) => ({ labels: { result }, value: this.counts[result] })),
      },
      { name: 'hazgate_config_last_reload_timestamp_seconds', help: 'When the running configuration was loaded: the start, or the last reload applied.', type: 'gauge', labelNames: [], values: [{ labels: {}, value: this.d.live.loadedAt / 1000 }] },
    ];
  }

  private async run(by: ReloadBy, dryRun: boolean): Promise<ReloadResult> {
    const { d } = this;
    if (d.file === undefined) return this.refuse(by, { code: 'HG_ERR_CONFIG_RELOAD', message: 'the gateway was started without a site file: there is nothing to reload', problems: [] }, null);
    const loaded = (d.load ?? loadSite)(d.file);
    if (!loaded.ok) {
      const message = `${d.file}: ${loaded.problems.length} problem(s); the running configuration is kept`;
      return this.refuse(by, { code: 'HG_ERR_CONFIG_INVALID', message, problems: loaded.problems }, null);
    }
    const next = loaded.config;
    const plan = planReload(d.live.config, next, this.failed);
    if (plan.restartNeeded.length > 0) {
      const message = `${d.file} changes what only a restart applies: ${plan.restartNeeded.join('; ')}. Nothing was changed: restart hazgate to apply it`;
      return this.refuse(by, { code: 'HG_ERR_CONFIG_RELOAD', message, problems: [] }, plan, configDigest(next));
    }
    // The new rules resume from the alarm manager's states, which lack the transitions still queued.
    if (!dryRun && d.alarmPath.backlog > 0) {
      const message = `${d.alarmPath.backlog} alarm transition(s) wait for the alarm journal, which cannot write: the new rules would resume from alarm states without them. Nothing was changed: reload again once the journal writes (/readyz "alarms" up)`;
      return this.refuse(by, { code: 'HG_ERR_CONFIG_RELOAD', message, problems: [] }, plan, configDigest(next));
    }
    const now = d.clock.now();
    let compiled: Compiled;
    let created: RunningAdapter[];
    try {
      compiled = d.compile(next, now);
      const starting = new Set([...plan.adapters.added, ...plan.adapters.changed]);
      created = dryRun ? [] : next.adapters.filter((a) => starting.has(a.id)).map((a) => d.createAdapter(a, next));
    } catch (e) {
      const code = isHazgateError(e) ? e.code : 'HG_ERR_CONFIG_INVALID';
      return this.refuse(by, { code, message: `${d.file}: ${e instanceof Error ? e.message : String(e)}; the running configuration is kept`, problems: [] }, plan, configDigest(next));
    }
    const before = new Set(d.live.engine.conditionIds());
    const after = new Set(compiled.engine.conditionIds());
    const conditions = { added: difference([...after], before), removed: difference([...before], after) };
    const base = { plan, digest: configDigest(next), previousDigest: d.live.digest, conditions };
    if (dryRun) {
      d.logger.info({ by: by.user, plan: planSummary(plan) }, `configuration reload dry run of ${d.file}: ${planSummary(plan)}`);
      return { applied: false, dryRun: true, ...base };
    }
    await this.stopLeaving(plan);
    const returned = this.swap(next, compiled, base.digest, plan);
    const adapterErrors = await this.startAll(created);
    this.failed = new Set(adapterErrors.map((e) => e.adapter));
    const result: ReloadResult = { applied: true, dryRun: false, ...base, returned, adapterErrors };
    this.applied(by, result);
    return result;
  }

  private async stopLeaving(plan: ReloadPlan): Promise<void> {
    const leaving = new Set([...plan.adapters.removed, ...plan.adapters.changed]);
    for (const a of this.d.adapters.filter((x) => leaving.has(x.id))) {
      await a.stop().catch((e: unknown) => this.d.logger.warn({ err: String(e), adapter: a.id }, 'adapter stop failed at reload'));
      this.d.adapters.splice(this.d.adapters.indexOf(a), 1);
    }
  }

  /** One synchronous step: no sample is evaluated between the old rules and the new ones. */
  private swap(next: SiteConfig, compiled: Compiled, digest: string, plan: ReloadPlan): string[] {
    const { d } = this;
    const now = d.clock.now();
    const before: Compiled = { engine: d.live.engine, ingest: d.live.ingest, catalogue: d.live.catalogue, pointById: d.live.pointById };
    Object.assign(d.live, compiled, { config: next, digest, loadedAt: now });
    d.swapped(before, d.live);
    // As at a restart: retained conditions seed the new rules; active ones no rule raises any more return, with the reason.
    const returned = resumeRetained(d.alarms.retained().filter(isEngineCondition), { engine: compiled.engine, ...d.owners }, d.alarmPath, now, d.logger, 'reload');
    this.replay(compiled, plan);
    return returned;
  }

  /**
   * Report-by-exception sources send nothing new: the new rules get the latest sample of every point
   * the reload did not change (their own timestamps: delays count from the real onset), and the bypass
   * register's state, before any adapter starts. Their results take the normal alarm path.
   */
  private replay(compiled: Compiled, plan: ReloadPlan): void {
    const { d } = this;
    const fresh = new Set([...plan.points.added, ...plan.points.changed]);
    for (const id of compiled.pointById.keys()) {
      const sample = fresh.has(id) ? undefined : d.latest(id);
      if (sample !== undefined) d.alarmPath.apply(d.enrich(compiled.engine.evaluate(sample)));
    }
    d.republish();
  }

  private async startAll(created: readonly RunningAdapter[]): Promise<{ adapter: string; message: string }[]> {
    const errors: { adapter: string; message: string }[] = [];
    for (const a of created) {
      if (this.stopping) {
        errors.push({ adapter: a.id, message: 'not started: the gateway is stopping' });
        continue;
      }
      this.d.adapters.push(a);
      try {
        await this.d.startAdapter(a);
      } catch (e) {
        errors.push({ adapter: a.id, message: e instanceof Error ? e.message : String(e) });
        this.d.logger.error({ code: isHazgateError(e) ? e.code : 'HG_ERR_INTERNAL', adapter: a.id, err: String(e) }, `adapter ${a.id} did not start at reload`);
      }
    }
    return errors;
  }

  private applied(by: ReloadBy, r: ReloadResult): void {
    const { d } = this;
    const plan = r.plan as ReloadPlan;
    const outcome: ReloadOutcome = (r.adapterErrors?.length ?? 0) > 0 ? 'failed' : 'applied';
    this.counts[outcome]++;
    const summary = isEmptyPlan(plan) ? 'nothing changed' : planSummary(plan);
    const failures = (r.adapterErrors ?? []).map((e) => `${e.adapter}: ${e.message.slice(0, 200)}`);
    const failed = failures.length === 0 ? '' : `; did not start: ${failures.join('; ')}`;
    const message = `${by.user} reloaded ${d.file ?? ''}: ${summary} (sha256 ${(r.digest ?? '').slice(0, 12)}…, was ${r.previousDigest.slice(0, 12)}…)${failed}`;
    d.logger.info({ by: by.user, plan: summary, returned: r.returned, adapterErrors: r.adapterErrors, notes: plan.notes }, `configuration reloaded: ${message}`);
    const ids = (name: string, p: ReloadPlan['adapters']): Record<string, string> => ({ [`${name}Added`]: listed(p.added), [`${name}Removed`]: listed(p.removed), [`${name}Changed`]: listed(p.changed) });
    d.audit.record({
      kind: 'config-reload', user: by.user, address: by.address, time: d.clock.now(), message,
      details: {
        file: d.file ?? null, configSha256: r.digest, previousSha256: r.previousDigest, plan: summary, result: outcome,
        ...ids('adapters', plan.adapters), ...ids('points', plan.points), ...ids('rules', plan.rules), returned: listed(r.returned ?? []),
        adapterErrors: failures.slice(0, LISTED).join('; '),
      },
    });
  }

  private refuse(by: ReloadBy, refusal: ReloadRefusal, plan: ReloadPlan | null, digest: string | null = null): ReloadResult {
    const { d } = this;
    this.counts.refused++;
    const report = refusal.problems.length === 0 ? '' : `\n${formatProblems(refusal.problems)}`;
    d.logger.error({ code: refusal.code, by: by.user, problems: refusal.problems.length }, `configuration reload refused: ${refusal.message}${report}`);
    d.audit.record({
      kind: 'config-reload-refused', user: by.user, address: by.address, time: d.clock.now(),
      message: `${by.user}: reload of ${d.file ?? 'no file'} refused (${refusal.code}): ${refusal.message.slice(0, 500)}`,
      details: { file: d.file ?? null, code: refusal.code, problems: refusal.problems.length, configSha256: digest, runningSha256: d.live.digest },
    });
    return { applied: false, dryRun: false, plan, digest, previousDigest: d.live.digest, refused: refusal };
  }
}

/**
 * Counters go on across a reload (/metrics counters never step back): the ingest's and the
 * evaluation-time buckets are added into the new ones; returns the old engine's evaluations, which
 * the gateway adds to the new engine's.
 */
export function carryCounters(before: Compiled, after: Compiled): number {
  const s = after.ingest.stats;
  s.readings += before.ingest.stats.readings;
  s.samples += before.ingest.stats.samples;
  for (const [code, n] of before.ingest.stats.rejected) s.rejected.set(code, (s.rejected.get(code) ?? 0) + n);
  for (const path of ['sample', 'tick'] as const) {
    const t = after.engine.stats.timing[path];
    const o = before.engine.stats.timing[path];
    o.counts.forEach((n, i) => (t.counts[i] = (t.counts[i] ?? 0) + n));
    t.sum += o.sum;
    t.count += o.count;
  }
  return before.engine.stats.evaluations;
}
