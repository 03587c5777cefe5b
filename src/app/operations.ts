import { existsSync } from 'node:fs';
import type { ComponentStatus } from '../core/index.js';
import type { RunningAdapter } from '../pipeline/index.js';
import type { OperationsSources } from '../server/index.js';
import { databaseBytes, databaseFiles, diskSpaceOf, diskStatus } from './data-dir.js';
import type { SiteConfig } from './site-config.js';

/** What of the running gateway operations need (a structural slice of Gateway's parts). */
export interface OperationsParts {
  readonly startedAt: number;
  readonly clock: { now(): number };
  readonly adapters: readonly RunningAdapter[];
  readonly alarmPath: { readonly backlog: number };
}

/** /metrics' operations families (metrics-operations.ts) read from the running gateway. */
export function operationsSources(parts: OperationsParts, config: SiteConfig): OperationsSources {
  const files = databaseFiles(config);
  return {
    adapters: () => parts.adapters.map((a) => ({ id: a.id, kind: a.kind, reconnects: a.counters.reconnects, lastReadingAt: a.counters.lastReadingAt })),
    journalBacklog: () => parts.alarmPath.backlog,
    databases: () => files.map((f) => ({ database: f.database, bytes: databaseBytes(f.file) })),
    dataDir: () => diskSpaceOf(config.store.dir),
  };
}

/**
 * /readyz's components besides store, adapters, influx, uplink and alarms: the journal, the data
 * folder's free space, people, video, the embedded broker and the HTTP server. Added only where
 * the component list lacks them.
 */
export function withOperationsStatus(components: Record<string, ComponentStatus>, parts: OperationsParts, config: SiteConfig): Record<string, ComponentStatus> {
  const now = parts.clock.now();
  const up: ComponentStatus = { state: 'up', since: parts.startedAt };
  const out: Record<string, ComponentStatus> = { ...components, journal: journalStatus(parts, config, now), disk: diskStatus(config.store.dir, diskSpaceOf(config.store.dir), now) };
  if (config.people !== undefined) out['people'] ??= up;
  if (config.video !== undefined) out['video'] ??= up;
  if (config.broker?.enabled === true) out['broker'] ??= up;
  // Whoever reads this got it over HTTP: the server answers.
  out['server'] ??= up;
  return out;
}

function journalStatus(parts: OperationsParts, config: SiteConfig, now: number): ComponentStatus {
  const file = databaseFiles(config)[0]?.file ?? '';
  if (!existsSync(file)) return { state: 'down', reason: `${file} is gone: alarm transitions cannot be journaled`, since: now };
  const backlog = parts.alarmPath.backlog;
  if (backlog > 0) return { state: 'degraded', reason: `${backlog} alarm transitions wait to be written to ${file}; retried each second`, since: now };
  return { state: 'up', since: parts.startedAt };
}
