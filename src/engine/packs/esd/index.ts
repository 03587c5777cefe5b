import type { EsdRule, Point, RuleSpec } from '../../../core/index.js';
import type { EngineCondition } from '../../condition.js';
import { GroupCondition, type Group } from '../../group.js';
import type { PackProblem } from '../problem.js';
import { bypassGroups } from './bypass.js';
import { checkBypassRule, checkHazardLevels, checkNotInServiceRule, checkRegisterPoints, checkTripRule, checkValveRule, EsdChecker } from './checks.js';
import { notInServiceGroups } from './not-in-service.js';
import { tripConditions } from './trip.js';
import { valveGroups } from './valve.js';

const ESD_KINDS: readonly string[] = ['valve', 'interlock-trip', 'interlock-bypass', 'esd-not-in-service'];

function isEsdRule(rule: RuleSpec): rule is EsdRule {
  return ESD_KINDS.includes(rule.kind);
}

function grouped(rule: RuleSpec, groups: readonly Group[]): EngineCondition[] {
  return groups.map((g) => new GroupCondition(rule, g));
}

/**
 * The Emergency shutdown and SIS pack's conditions for a rule of one of its kinds; undefined for any other kind.
 * `selected`: the points the rule's selector picks; `points`: every configured point (register points are found there).
 */
export function esdConditions(rule: RuleSpec, selected: readonly Point[], points: readonly Point[], _startedAt: number): EngineCondition[] | undefined {
  if (!isEsdRule(rule)) return undefined;
  switch (rule.kind) {
    case 'valve':
      return grouped(rule, valveGroups(rule, selected));
    case 'interlock-trip':
      return tripConditions(rule, selected);
    case 'interlock-bypass':
      return grouped(rule, bypassGroups(rule, selected, points));
    case 'esd-not-in-service':
      return grouped(rule, notInServiceGroups(rule, selected, points));
  }
}

/** Config-time checks of the Emergency shutdown and SIS pack: what its rules' points must say about themselves. */
export function esdChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  const esd = rules.filter(isEsdRule);
  if (esd.length === 0) return [];
  const c = new EsdChecker(points);
  const interlockRules = esd.some((r) => r.kind === 'interlock-bypass' || r.kind === 'esd-not-in-service');
  const registers = interlockRules ? checkRegisterPoints(c, points) : new Map<string, Point>();
  if (esd.some((r) => r.kind === 'esd-not-in-service')) checkHazardLevels(c, points);
  for (const rule of esd) {
    switch (rule.kind) {
      case 'valve':
        checkValveRule(c, rule);
        break;
      case 'interlock-trip':
        checkTripRule(c, rule);
        break;
      case 'interlock-bypass':
        checkBypassRule(c, rule, registers);
        break;
      case 'esd-not-in-service':
        checkNotInServiceRule(c, rule);
        break;
    }
  }
  return dedupe(c.problems);
}

/** Two rules selecting the same bad point report it once. */
function dedupe(problems: readonly PackProblem[]): PackProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('.')}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
