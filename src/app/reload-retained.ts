import type { AlarmTransition, Logger, RuleResult } from '../core/index.js';
import type { RuleEngine } from '../engine/index.js';
import type { AlarmPath } from './alarm-path.js';
import type { PeopleWiring } from './people-wiring.js';
import type { VideoWiring } from './video-wiring.js';

/** Who raises retained conditions again: the rule engine, personnel location, video. */
export interface RetainedOwners {
  readonly engine: RuleEngine;
  readonly people: Pick<PeopleWiring, 'seed'>;
  readonly video: Pick<VideoWiring, 'seed'>;
}

/** Hands a retained condition to whoever raises it; false when nobody configured now could. */
function seedRetained(t: AlarmTransition, o: RetainedOwners, now: number): boolean {
  if (t.ruleKind === 'people') return t.active && o.people.seed(t, now);
  if (t.ruleKind === 'video') return t.active && o.video.seed(t, now);
  return o.engine.seed(t.conditionId, t.active ? t.level : null);
}

/** Conditions the rule engine raises (a reload builds a new engine; people and video stay as they are). */
export function isEngineCondition(t: AlarmTransition): boolean {
  return t.ruleKind !== 'people' && t.ruleKind !== 'video';
}

/**
 * Rules resume from the levels the journal retained, at a restart, and from the alarm manager's at a
 * reload (`when`: `restart` or `reload`). A retained active condition whose rule, point or level is no
 * longer configured could never return to normal: it is returned now, with a reason, and its ids are
 * returned. One that already returned stays retained until acknowledged.
 */
export function resumeRetained(retained: readonly AlarmTransition[], owners: RetainedOwners, path: AlarmPath, now: number, logger: Logger, when: 'restart' | 'reload' = 'restart'): string[] {
  const orphans: RuleResult[] = [];
  for (const t of retained) {
    if (seedRetained(t, owners, now) || !t.active) continue;
    logger.warn({ code: 'HG_ERR_CONFIG_INVALID', conditionId: t.conditionId, level: t.level }, `retained alarm ${t.conditionId} is no longer configured; returning it`);
    orphans.push({
      conditionId: t.conditionId, ruleId: t.ruleId, ruleKind: t.ruleKind, pointId: t.pointId, level: null, priority: t.priority,
      value: t.value, time: now, message: `${t.conditionId} (${t.level ?? ''}) is no longer configured; returned at ${when}`,
      ...(t.zoneId === undefined ? {} : { zoneId: t.zoneId }),
    });
  }
  path.apply(orphans);
  return orphans.map((o) => o.conditionId);
}
