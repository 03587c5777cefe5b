import { DEVICE_ACTIONS, POINT_ACTIONS, type EventEntry, type PointEntry, type ScenarioFile } from './scenario-schema.js';

/** One problem in a scenario file: where (YAML path segments) and what. */
export interface ScenarioProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Keys that mean something only for a numeric point. */
const NUMERIC_ONLY_KEYS = ['noise', 'drift', 'min', 'max', 'decimals', 'range', 'signal'] as const;

/**
 * Checks that span keys, run once the file has the right shape. Returns every problem, so an
 * author fixes a file in one go (as Prometheus' rulefmt does).
 */
export function checkScenarioFile(file: ScenarioFile): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const durationMs = file.durationS * 1000;
  if (durationMs < file.tickMs) problems.push({ path: ['durationS'], message: 'is shorter than one tick (tickMs)' });
  for (const [id, point] of Object.entries(file.points)) problems.push(...checkPoint(id, point));
  (file.events ?? []).forEach((event, index) => {
    problems.push(...checkEvent(event, ['events', index], event.point === undefined ? undefined : file.points[event.point], durationMs));
  });
  return problems;
}

function checkPoint(id: string, point: PointEntry): ScenarioProblem[] {
  const at = (key: string, message: string): ScenarioProblem => ({ path: ['points', id, key], message });
  if (typeof point.base === 'boolean') {
    return NUMERIC_ONLY_KEYS.filter((key) => point[key] !== undefined).map((key) => at(key, 'only numeric points take this key (base is a boolean)'));
  }
  const problems: ScenarioProblem[] = [];
  const [low, high] = point.range ?? [undefined, undefined];
  if (low !== undefined && high !== undefined && low >= high) problems.push(at('range', 'the low end must be below the high end'));
  if (point.signal === '4-20mA' && point.range === undefined) problems.push(at('signal', 'a 4-20mA point needs a range to scale to mA'));
  const min = point.min ?? low;
  const max = point.max ?? high;
  if (min !== undefined && max !== undefined && min >= max) problems.push(at('max', 'must be above min'));
  if ((min !== undefined && point.base < min) || (max !== undefined && point.base > max)) {
    problems.push(at('base', 'is outside min..max (or the range)'));
  }
  return problems;
}

function checkEvent(event: EventEntry, path: readonly (string | number)[], point: PointEntry | undefined, durationMs: number): ScenarioProblem[] {
  const misplaced = misplacedActions(event, path);
  if (misplaced.length > 0) return misplaced;
  if (event.device === undefined && point === undefined) return [{ path: [...path, 'point'], message: `names no point of this scenario: ${event.point ?? ''}` }];
  if (event.at >= durationMs) return [{ path: [...path, 'at'], message: 'starts at or after the end of the scenario (durationS)' }];
  const problems = point === undefined ? [] : checkEventKind(event, path, point);
  const length = eventLength(event);
  if (length !== undefined && event.at + length.ms > durationMs) {
    problems.push({ path: [...path, ...length.key], message: 'ends after the end of the scenario (durationS)' });
  }
  return problems;
}

/** Device events take device actions only, point events point actions only. */
function misplacedActions(event: EventEntry, path: readonly (string | number)[]): ScenarioProblem[] {
  const allowed: readonly string[] = event.device === undefined ? POINT_ACTIONS : DEVICE_ACTIONS;
  const target = event.device === undefined ? 'a point' : 'a device';
  const present = [...POINT_ACTIONS, ...DEVICE_ACTIONS].filter((action) => event[action] !== undefined);
  return [...new Set(present)]
    .filter((action) => !allowed.includes(action))
    .map((action) => ({ path: [...path, action], message: `is not an action on ${target} (use one of ${allowed.join(', ')})` }));
}

function checkEventKind(event: EventEntry, path: readonly (string | number)[], point: PointEntry): ScenarioProblem[] {
  const numeric = typeof point.base === 'number';
  if (event.ramp !== undefined && !numeric) return [{ path: [...path, 'ramp'], message: 'a boolean point cannot ramp; use step' }];
  if (event.step !== undefined && typeof event.step.to !== typeof point.base) {
    return [{ path: [...path, 'step', 'to'], message: `must be a ${typeof point.base} like the point's base` }];
  }
  if (event.fault !== undefined) return checkFault(event.fault.unit, [...path, 'fault'], point);
  return [];
}

/** A fault carries the raw wire value: mA for a 4-20 mA point, the engineering unit otherwise. */
function checkFault(unit: string | undefined, path: readonly (string | number)[], point: PointEntry): ScenarioProblem[] {
  if (typeof point.base !== 'number') return [{ path, message: 'a boolean point cannot carry a fault value' }];
  const wireUnit = point.signal === '4-20mA' ? 'mA' : point.unit;
  if (unit === undefined || unit === wireUnit) return [];
  const message = unit === 'mA' ? 'a fault in mA needs a point with signal: 4-20mA' : `must be the unit the point sends (${wireUnit ?? 'none given'})`;
  return [{ path: [...path, 'unit'], message }];
}

function eventLength(event: EventEntry): { readonly key: readonly string[]; readonly ms: number } | undefined {
  if (event.ramp !== undefined) return { key: ['ramp', 'over'], ms: event.ramp.over };
  for (const kind of ['stuck', 'silent', 'fault', 'slow', 'exception', 'corrupt'] as const) {
    const window = event[kind];
    if (window !== undefined) return { key: [kind, 'for'], ms: window.for };
  }
  return undefined;
}
