import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { execForm, flagsOf, parseDockerfile, type Instruction, type Stage } from './dockerfile-lint.js';

/**
 * Reading the deployment files under deploy/ for the static checks of tests/unit/deploy-*.test.ts
 * (no Docker engine, no systemd, no cluster in CI: the files are checked as text).
 */

export const ROOT = resolve(import.meta.dirname, '../..');

export function readText(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

/** One YAML document as plain data (unique keys enforced, as hazgate's loader does). */
export function readYaml(rel: string): unknown {
  return parse(readText(rel), { uniqueKeys: true });
}

/** Every document of a multi-document YAML file; a parse error throws. */
export function readYamlDocs(rel: string): unknown[] {
  return parseAllDocuments(readText(rel), { uniqueKeys: true }).map((doc) => {
    if (!('errors' in doc) || doc.errors.length > 0) throw new Error(`${rel}: ${'errors' in doc ? doc.errors.map((e) => e.message).join('; ') : 'not YAML'}`);
    return doc.toJS() as unknown;
  });
}

/** Files under a repo folder, repo-relative, recursively. */
export function filesUnder(rel: string): string[] {
  return readdirSync(join(ROOT, rel)).flatMap((name) => {
    const path = join(rel, name);
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj.a.b.c` of parsed YAML/JSON, or undefined. */
export function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
    else if (isRecord(cur) && typeof key === 'string') cur = cur[key];
    else return undefined;
  }
  return cur;
}

export interface EnvRef {
  readonly name: string;
  /** `${NAME:-default}` (hazgate, compose) or `${NAME:?message}` (compose: required). */
  readonly form: 'plain' | 'default' | 'required';
}

/**
 * `${NAME}`, `${NAME:-x}`, `${NAME:?x}` references in a YAML or env text (`$${` is a literal, as in
 * hazgate and compose). hazgate substitutes in the raw text, comments included (`read`); compose
 * and Grafana substitute in parsed values, so their comment lines are skipped (`skip`).
 */
export function envRefs(text: string, comments: 'read' | 'skip'): EnvRef[] {
  const source = comments === 'read' ? text : text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
  return [...source.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|:\?)?[^}]*\}/g)].map((m) => ({ name: m[1] ?? '', form: m[2] === ':-' ? 'default' : m[2] === ':?' ? 'required' : 'plain' }));
}

/** A systemd unit file: section → key → values, in order (keys may repeat). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      current = sections.get(section[1] ?? '') ?? new Map<string, string[]>();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/** What the runtime stage of deploy/docker/Dockerfile says, for the checks of the other files. */
export interface DockerRuntime {
  readonly stage: Stage;
  readonly workdir: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly user: string;
  readonly uid: number;
  readonly env: ReadonlyMap<string, string>;
  readonly volumes: readonly string[];
  readonly exposed: readonly number[];
  readonly healthcheck: readonly string[];
  /** COPY instructions from the build context (not --from): sources and destinations, resolved against WORKDIR. */
  readonly contextCopies: readonly { readonly sources: readonly string[]; readonly dest: string }[];
}

export const DOCKERFILE = 'deploy/docker/Dockerfile';

function envOf(instructions: readonly Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of instructions.filter((x) => x.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env.set(m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, ''));
  }
  return env;
}

export function copiesOf(instructions: readonly Instruction[], workdir: string, which: 'context' | 'stages'): { sources: string[]; dest: string }[] {
  return instructions
    .filter((i) => i.keyword === 'COPY' && flagsOf(i.args).flags.has('from') === (which === 'stages'))
    .map((i) => {
      const words = flagsOf(i.args).rest.split(/\s+/);
      const dest = words.at(-1) ?? '';
      return { sources: words.slice(0, -1), dest: dest.startsWith('/') ? dest : join(workdir, dest) };
    });
}

export function dockerRuntime(text: string = readText(DOCKERFILE)): DockerRuntime {
  const stage = parseDockerfile(text).stages.at(-1);
  if (stage === undefined) throw new Error('no stage');
  const last = (k: string): Instruction | undefined => stage.instructions.filter((i) => i.keyword === k).at(-1);
  const workdir = last('WORKDIR')?.args ?? '/';
  const user = last('USER')?.args ?? 'root';
  const runs = stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' && ');
  // useradd … --uid N … NAME: the uid of the USER the image runs as.
  const uid = Number(new RegExp(`useradd\\b[^&;]*?--uid\\s+(\\d+)[^&;]*?\\s${user}(\\s|$)`).exec(runs)?.[1] ?? NaN);
  const volumes = stage.instructions.filter((i) => i.keyword === 'VOLUME').flatMap((i) => execForm(i.args) ?? i.args.split(/\s+/));
  const exposed = stage.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
  const health = flagsOf(last('HEALTHCHECK')?.args ?? '').rest.replace(/^CMD\s+/, '');
  return {
    stage,
    workdir,
    entrypoint: execForm(last('ENTRYPOINT')?.args ?? '') ?? [],
    cmd: execForm(last('CMD')?.args ?? '') ?? [],
    user,
    uid,
    env: envOf(stage.instructions),
    volumes,
    exposed,
    healthcheck: execForm(health) ?? [],
    contextCopies: copiesOf(stage.instructions, workdir, 'context'),
  };
}

/** A path inside the image (`/opt/hazgate/deploy/sites`) as a repo path, if the runtime copies it from the repo. */
export function repoPathOfImagePath(runtime: DockerRuntime, imagePath: string): string | undefined {
  for (const copy of runtime.contextCopies) {
    for (const source of copy.sources) {
      const dest = copy.sources.length === 1 ? copy.dest : join(copy.dest, source);
      if (imagePath === dest || imagePath.startsWith(`${dest}/`)) return join(source, relative(dest, imagePath));
    }
  }
  return undefined;
}

/**
 * Environment variables hazgate's code reads (`env['NAME']`, `process.env.NAME` in src/), and the
 * ones its site and centre files name as `${NAME}` (deploy/sites, deploy/centre, and the given files).
 */
export function namesReadByCode(): Set<string> {
  const names = new Set<string>();
  for (const file of filesUnder('src').filter((f) => f.endsWith('.ts') && !f.startsWith('src/console/'))) {
    const text = readText(file);
    for (const m of text.matchAll(/env\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]|env\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1] ?? m[2] ?? '');
  }
  return names;
}

export function namesReferencedBySiteFiles(extra: readonly string[] = []): Set<string> {
  const files = [...filesUnder('deploy/sites'), ...filesUnder('deploy/centre'), ...extra].filter((f) => /\.ya?ml$/.test(f));
  return new Set(files.flatMap((f) => envRefs(readText(f), 'read').map((r) => r.name)));
}
