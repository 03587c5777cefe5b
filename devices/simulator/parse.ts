import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { HazgateError } from '../../src/core/errors.js';
import { excerpt } from '../../src/core/excerpt.js';
import type { DeviceEvent, Scenario, ScenarioEvent, ScenarioPoint } from './scenario.js';
import { checkScenarioFile, type ScenarioProblem } from './scenario-checks.js';
import { scenarioFileSchema, type EventEntry, type PointEntry, type ScenarioFile } from './scenario-schema.js';

/** A problem as reported to the author: YAML path and, where the node exists, its line. */
export interface ReportedProblem {
  readonly path: string;
  readonly line: number | undefined;
  readonly message: string;
}

/**
 * Parses and validates scenario YAML. Every problem is reported at once in one
 * HG_ERR_SIM_SCENARIO error naming the file, the YAML path and the line of each.
 */
export function parseScenario(text: string, file: string): Scenario {
  return toScenario(validateScenarioYaml(text, file, scenarioFileSchema, checkScenarioFile));
}

/**
 * YAML → the schema's output, checked across keys by `check` (which runs once the shape is right).
 * Every problem at once, in one HG_ERR_SIM_SCENARIO naming the file, YAML path and line of each.
 * Shared by the plant scenarios (this folder) and the people scenarios (devices/location).
 */
export function validateScenarioYaml<S extends z.ZodType>(text: string, file: string, schema: S, check: (data: z.output<S>) => ScenarioProblem[]): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // yaml quotes the offending token whole: an unclosed quote makes it the rest of the file.
    throw scenarioError(file, doc.errors.map((e) => ({ path: '', line: lineCounter.linePos(e.pos[0]).line, message: excerpt(e.message, 300) })));
  }
  const parsed = schema.safeParse(toData(doc, file));
  const problems: ScenarioProblem[] = parsed.success ? check(parsed.data) : parsed.error.issues.flatMap(issueProblems);
  if (problems.length > 0 || !parsed.success) {
    throw scenarioError(file, problems.map((p) => ({ path: formatYamlPath(p.path), line: lineOf(doc, p.path, lineCounter), message: p.message })));
  }
  return parsed.data;
}

/** toJS throws for aliases that would expand without bound ("billion laughs"): a problem of the file, not a crash. */
function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS() as unknown;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw scenarioError(file, [{ path: '', line: undefined, message: error.message }], error);
  }
}

export function scenarioError(file: string, problems: readonly ReportedProblem[], cause?: unknown): HazgateError {
  const lines = problems.map((p) => `  ${p.path || '(file)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`);
  return new HazgateError('HG_ERR_SIM_SCENARIO', `Scenario ${file} is invalid:\n${lines.join('\n')}`, { file, problems }, cause);
}

/** `events[3].ramp.over`, `points["TK101.LT"].noise`: what an author searches the file for. */
export function formatYamlPath(path: readonly (string | number)[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/[.[\]\s"]/.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

function isPathSegment(segment: PropertyKey): segment is string | number {
  return typeof segment === 'string' || typeof segment === 'number';
}

/** zod's issues, pointed at the offending key where zod reports the parent. */
export function issueProblems(issue: z.core.$ZodIssue): ScenarioProblem[] {
  const path = issue.path.filter(isPathSegment);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'is not a known key (a typo?)' }));
  if (issue.code === 'invalid_key') return [{ path, message: issue.issues.map((inner) => inner.message).join('; ') }];
  return [{ path, message: issue.message }];
}

/** Line of the deepest node of the path that exists (a missing key points at its parent). */
export function lineOf(doc: Document, path: readonly (string | number)[], lineCounter: LineCounter): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function toScenario(file: ScenarioFile): Scenario {
  const entries = file.events ?? [];
  const events = entries.flatMap((entry) => (entry.point === undefined ? [] : [toEvent(entry, entry.point)]));
  const deviceEvents = entries.flatMap((entry) => (entry.device === undefined ? [] : [toDeviceEvent(entry, entry.device)]));
  return {
    name: file.scenario,
    description: file.description ?? '',
    tickMs: file.tickMs,
    atEnd: file.loop === true ? 'loop' : 'hold',
    durationMs: Math.round(file.durationS * 1000),
    seed: file.seed,
    points: Object.entries(file.points).map(([id, entry]) => toPoint(id, entry)),
    // Array.prototype.sort is stable: events at the same time keep file order.
    events: [...events].sort((a, b) => a.atMs - b.atMs),
    deviceEvents: [...deviceEvents].sort((a, b) => a.atMs - b.atMs),
  };
}

function toPoint(id: string, entry: PointEntry): ScenarioPoint {
  const meta = { id, unit: entry.unit, profile: entry.profile };
  if (typeof entry.base === 'boolean') return { ...meta, type: 'boolean', base: entry.base };
  return {
    ...meta,
    type: 'number',
    base: entry.base,
    noise: entry.noise ?? 0,
    driftPerS: entry.drift ?? 0,
    // A detector cannot read outside its range, so the range bounds the value unless min/max say otherwise.
    min: entry.min ?? entry.range?.[0],
    max: entry.max ?? entry.range?.[1],
    decimals: entry.decimals,
    range: entry.range,
    signal: entry.signal ?? 'engineering',
  };
}

function toEvent(entry: EventEntry, pointId: string): ScenarioEvent {
  const base = { atMs: entry.at, pointId };
  if (entry.ramp !== undefined) return { ...base, kind: 'ramp', to: entry.ramp.to, overMs: entry.ramp.over };
  if (entry.step !== undefined) return { ...base, kind: 'step', to: entry.step.to };
  if (entry.stuck !== undefined) return { ...base, kind: 'stuck', forMs: entry.stuck.for };
  if (entry.silent !== undefined) return { ...base, kind: 'silent', forMs: entry.silent.for };
  if (entry.fault !== undefined) return { ...base, kind: 'fault', forMs: entry.fault.for, value: entry.fault.value };
  // The schema admits exactly one action per event, so this is unreachable for parsed input.
  throw new Error(`event at ${entry.at} ms on ${pointId} has no action`);
}

function toDeviceEvent(entry: EventEntry, deviceId: string): DeviceEvent {
  const base = { atMs: entry.at, deviceId };
  if (entry.silent !== undefined) return { ...base, kind: 'silent', forMs: entry.silent.for };
  if (entry.slow !== undefined) return { ...base, kind: 'slow', forMs: entry.slow.for, delayMs: entry.slow.delay };
  if (entry.exception !== undefined) return { ...base, kind: 'exception', forMs: entry.exception.for, code: entry.exception.code };
  if (entry.corrupt !== undefined) return { ...base, kind: 'corrupt', forMs: entry.corrupt.for };
  // scenario-checks refuses point actions on a device, so this is unreachable for parsed input.
  throw new Error(`event at ${entry.at} ms on device ${deviceId} has no device action`);
}
