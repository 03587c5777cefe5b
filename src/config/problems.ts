/** One thing wrong with a config, named by file, YAML path and line so a person can find it. */
export interface ConfigProblem {
  readonly file: string;
  /** YAML path like `rules[2].levels[0].limit`; empty for the whole file. */
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.path === '' ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/** Every problem, one a line, in file order. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map(formatProblem).join('\n');
}
