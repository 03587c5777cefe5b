import { REGULATORY_ATTRS, type Point, type RuleSpec } from '../core/index.js';

/** The regulatory codes among a point's attributes, or undefined when it has none. */
export function regulatoryCodes(point: Point | undefined): Readonly<Record<string, string>> | undefined {
  if (point === undefined) return undefined;
  let codes: Record<string, string> | undefined;
  for (const key of REGULATORY_ATTRS) {
    const v = point.attrs[key];
    if (v !== undefined) (codes ??= {})[key] = v;
  }
  return codes === undefined ? undefined : Object.freeze(codes);
}

/** The rule's audiences and the level's, without repeats; undefined when neither has any. */
export function audiencesOf(rule: RuleSpec, level: readonly string[] | undefined): readonly string[] | undefined {
  if (rule.audiences === undefined && level === undefined) return undefined;
  return [...new Set([...(rule.audiences ?? []), ...(level ?? [])])];
}
