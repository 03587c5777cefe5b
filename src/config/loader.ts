import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { excerpt } from '../core/excerpt.js';
import { formatPath, type ConfigProblem } from './problems.js';
import { includeFileSchema } from './site.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

/** Where an element of a merged list (points, rules) came from. */
interface Origin {
  readonly yaml: YamlFile;
  readonly path: readonly PropertyKey[];
}

export interface CrossCheckProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * A step between the schema and the cross-checks that may add to the config (device profiles
 * bring their registers and points); it runs before the cross-checks so they see the whole site.
 */
export type Expand<T> = (config: T, file: string) => { readonly config: T; readonly problems: readonly CrossCheckProblem[] };

export type LoadResult<T> = { ok: true; config: T; file: string } | { ok: false; problems: ConfigProblem[] };

const MERGED_LISTS = ['points', 'rules'] as const;

/**
 * Reads a site file and its includes, validates the whole with `schema`, runs `crossChecks` on the
 * parsed config, and reports every problem with file, YAML path and line — never just the first.
 */
export function loadSiteConfig<S extends z.ZodType>(
  file: string,
  schema: S,
  crossChecks: (config: z.output<S>) => CrossCheckProblem[] = () => [],
  expand: Expand<z.output<S>> = (config) => ({ config, problems: [] }),
): LoadResult<z.output<S>> {
  const site = readYamlFile(file);
  if (!site.ok) return site;
  const merged = mergeIncludes(site.value);
  if (merged.problems.length > 0) return { ok: false, problems: merged.problems };
  const parsed = schema.safeParse(merged.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => locate(site.value, merged.origins, i.path, i.message));
    return { ok: false, problems: sortProblems(problems) };
  }
  const expanded = expand(parsed.data as z.output<S>, file);
  if (expanded.problems.length > 0) {
    return { ok: false, problems: sortProblems(expanded.problems.map((p) => locate(site.value, merged.origins, p.path, p.message))) };
  }
  const config = expanded.config;
  const cross = crossChecks(config).map((p) => locate(site.value, merged.origins, p.path, p.message));
  if (cross.length > 0) return { ok: false, problems: sortProblems(cross) };
  return { ok: true, config, file };
}

interface Merged {
  data: unknown;
  origins: Map<string, Origin[]>;
  problems: ConfigProblem[];
}

function mergeIncludes(site: YamlFile): Merged {
  const origins = new Map<string, Origin[]>();
  const problems: ConfigProblem[] = [];
  if (!isRecord(site.data)) {
    return { data: site.data, origins, problems: [{ file: site.file, path: '', message: 'the site file must be a YAML mapping' }] };
  }
  const data: Record<string, unknown> = { ...site.data };
  for (const key of MERGED_LISTS) {
    const own = Array.isArray(data[key]) ? (data[key] as unknown[]) : [];
    origins.set(key, own.map((_, i) => ({ yaml: site, path: [key, i] })));
  }
  const includes = Array.isArray(data['include']) ? data['include'] : [];
  includes.forEach((inc, index) => {
    if (typeof inc !== 'string') return; // the schema reports it
    const included = readInclude(site, inc, index, problems);
    if (included) appendIncluded(data, origins, included);
  });
  return { data, origins, problems };
}

function readInclude(site: YamlFile, inc: string, index: number, problems: ConfigProblem[]): YamlFile | null {
  const path = resolvePath(site.file, inc);
  const where = locateIn(site, ['include', index], '');
  if (path === resolve(site.file)) {
    problems.push({ ...where, message: 'a site file cannot include itself' });
    return null;
  }
  const read = readYamlFile(path);
  if (!read.ok) {
    problems.push(...read.problems.map((p) => (p.line === undefined ? { ...where, message: `${path}: ${p.message}` } : p)));
    return null;
  }
  const shape = includeFileSchema.safeParse(read.value.data ?? {});
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      problems.push(locateIn(read.value, issue.path, `${issue.message} (an included file holds only points and rules)`));
    }
    return null;
  }
  return read.value;
}

function appendIncluded(data: Record<string, unknown>, origins: Map<string, Origin[]>, inc: YamlFile): void {
  const incData = isRecord(inc.data) ? inc.data : {};
  for (const key of MERGED_LISTS) {
    const items = incData[key];
    if (!Array.isArray(items)) continue;
    const own = Array.isArray(data[key]) ? (data[key] as unknown[]) : [];
    data[key] = [...own, ...items];
    origins.get(key)?.push(...items.map((_, i) => ({ yaml: inc, path: [key, i] })));
  }
}

function locate(site: YamlFile, origins: Map<string, Origin[]>, path: readonly PropertyKey[], message: string): ConfigProblem {
  const [head, index, ...rest] = path;
  if (typeof head === 'string' && typeof index === 'number') {
    const origin = origins.get(head)?.[index];
    if (origin) return locateIn(origin.yaml, [...origin.path, ...rest], message);
  }
  return locateIn(site, path, message);
}

/** zod names every unknown key of a mapping in one message: 2,000 of them made a 17 kB line. */
const PROBLEM_CHARS = 500;

function locateIn(yaml: YamlFile, path: readonly PropertyKey[], message: string): ConfigProblem {
  const line = yaml.lineOf(path);
  const base = { file: yaml.file, path: excerpt(formatPath(path)), message: excerpt(message, PROBLEM_CHARS) };
  return line === undefined ? base : { ...base, line };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** A path in a config file is relative to that file's folder. */
export function resolvePath(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(configFile)), path);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
