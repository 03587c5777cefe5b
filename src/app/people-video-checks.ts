import type { CrossCheckProblem } from '../config/index.js';
import { PEOPLE_RULE_KINDS } from '../core/index.js';
import type { SiteConfig } from './site-config.js';

/**
 * Rule ids that would collide with the conditions personnel location and video raise: a rule `sos`
 * on point `T1` would be condition `sos/T1`, the same id as tag T1's SOS, and the two alarms would
 * overwrite each other's state.
 */
export const RESERVED_RULE_IDS: ReadonlySet<string> = new Set([...PEOPLE_RULE_KINDS, 'video', 'camera-offline']);

/** Checks across the people and video sections, rules and video adapters. */
export function peopleVideoChecks(config: SiteConfig): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  config.rules.forEach((r, i) => {
    if (RESERVED_RULE_IDS.has(r.id)) problems.push({ path: ['rules', i, 'id'], message: `rule id "${r.id}" is reserved for personnel location and video conditions; choose another` });
  });
  // A repeat swallowed by de-duplication does not refresh a detection: with a window as long as
  // the hold, a camera still seeing smoke would return its alarm to normal and raise it again.
  const hold = config.video?.hold ?? 60_000;
  config.adapters.forEach((a, i) => {
    if ((a.kind === 'video-webhook' || a.kind === 'video-mqtt') && a.dedupWindow >= hold) {
      problems.push({ path: ['adapters', i, 'dedupWindow'], message: `dedupWindow ${a.dedupWindow} ms must be shorter than video.hold ${hold} ms, or a continuing detection returns to normal while its repeats are de-duplicated` });
    }
  });
  return problems;
}
