import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { excerpt } from '../core/excerpt.js';
import type { ConfigProblem } from './problems.js';

/** A parsed YAML file that can say on which line a path is. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export type YamlResult = { ok: true; value: YamlFile } | { ok: false; problems: ConfigProblem[] };

export function readYamlFile(file: string): YamlResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, problems: [{ file, path: '', message: `cannot read the file (${reason})` }] };
  }
  return parseYamlText(file, text);
}

/**
 * `${NAME}` and `${NAME:-default}` in a config are replaced from the environment before parsing,
 * so one file serves several ports, hosts and secrets. `$${` stays a literal `${`.
 */
export function substituteEnv(file: string, text: string, env: NodeJS.ProcessEnv): { text: string; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const out = text.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined, offset: number) => {
    if (whole.startsWith('$$')) return whole.slice(1);
    const value = env[name] ?? fallback;
    if (value === undefined) {
      const line = text.slice(0, offset).split('\n').length;
      problems.push({ file, path: '', line, message: `environment variable ${name} is not set and has no default (write \${${name}:-default})` });
      return '';
    }
    return value;
  });
  return { text: out, problems };
}

export function parseYamlText(file: string, raw: string, env: NodeJS.ProcessEnv = process.env): YamlResult {
  const { text, problems } = substituteEnv(file, raw, env);
  if (problems.length > 0) return { ok: false, problems };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => ({
      file,
      path: '',
      line: lines.linePos(err.pos[0]).line,
      // yaml quotes the offending token whole: an unclosed quote makes it the rest of the file.
      message: `YAML: ${excerpt(err.message.split('\n')[0] ?? err.message, 300)}`,
    }));
    return { ok: false, problems };
  }
  const data = toData(doc);
  if (!data.ok) return { ok: false, problems: [{ file, path: '', message: `YAML: ${data.message}` }] };
  return { ok: true, value: { file, data: data.value, lineOf: (path) => lineOf(doc, lines, path) } };
}

/**
 * The document as plain data. toJS throws for aliases that would expand without bound (a
 * "billion laughs" of nine anchors of nine aliases each): that is a problem of the file, not a crash.
 */
function toData(doc: Document): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: doc.toJS() as unknown };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { ok: false, message: error.message };
  }
}

function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  // The deepest node that exists on the path: a missing key is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}
