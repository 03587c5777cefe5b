import fc from 'fast-check';
import { expect } from 'vitest';
import { ERROR_CODES, HazgateError } from '../../src/core/errors.js';

/**
 * What the fuzz tests (tests/unit/fuzz-*.test.ts, issue #11 item 6) share: run settings with a
 * fixed seed per property, the checks every refusal must pass, and generators of hostile input.
 *
 * The contract each parser of outside input is held to: it returns a value or a coded refusal,
 * never throws anything else, never takes long, and never writes a huge message (a megabyte of
 * garbage must not become a megabyte log line).
 *
 * To explore beyond CI, run with another seed or more runs (and no 30 s test timeout):
 *   FUZZ_SEED=123 FUZZ_RUNS=5000 npx vitest run --testTimeout=0 tests/unit/fuzz-*.test.ts
 * A failure prints its seed and path; fc.assert with { seed, path } replays it.
 */

/** The longest refusal message allowed: long enough to name the device and the field, no longer. */
export const MAX_MESSAGE_CHARS = 1_000;
/** The longest error details (as JSON) allowed: the log writes them beside the message. */
export const MAX_DETAILS_CHARS = 2_000;
/**
 * The longest one call may take. A linear parser reads the largest input generated here (a few
 * megabytes) in well under half a second; two seconds, with room for a loaded CI machine, means a
 * quadratic path or a hang in the making (those found took 4 to 20 s). Synchronous code cannot be
 * interrupted, so each call is timed instead.
 */
export const MAX_CALL_MS = 2_000;
/** Wall time of one property; runs left when it is up are skipped (the property still passes). */
const PROPERTY_MS = 4_000;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** fc.assert settings: the property's own seed (so CI reproduces), overridable from the environment. */
export function fuzzParams<T>(seed: number, numRuns = 300): fc.Parameters<T> {
  return {
    seed: envNumber('FUZZ_SEED') ?? seed,
    numRuns: envNumber('FUZZ_RUNS') ?? numRuns,
    plugins: [fc.interruptAfterTimeLimit(envNumber('FUZZ_RUNS') === undefined ? PROPERTY_MS : 600_000)],
  };
}

/** Runs `fn` and fails when it took longer than MAX_CALL_MS. */
export function timed<T>(what: string, fn: () => T): T {
  const start = performance.now();
  const out = fn();
  const ms = performance.now() - start;
  if (ms > MAX_CALL_MS) throw new Error(`${what} took ${Math.round(ms)} ms (more than ${MAX_CALL_MS} ms)`);
  return out;
}

/** A refusal hazgate logs: a HazgateError with a catalogued code and a bounded message. */
export function expectCoded(error: unknown): asserts error is HazgateError {
  if (!(error instanceof HazgateError)) throw new Error(`not a HazgateError: ${String(error)}`, { cause: error });
  expect(Object.hasOwn(ERROR_CODES, error.code), error.code).toBe(true);
  expectBounded(error.message);
  const details = JSON.stringify(error.details);
  expect(details.length, `details of ${details.length} chars: ${details.slice(0, 200)}…`).toBeLessThanOrEqual(MAX_DETAILS_CHARS);
}

/** A refusal text (a problem string, a rejection detail) is bounded. */
export function expectBounded(message: string): void {
  expect(message.length, `message of ${message.length} chars: ${message.slice(0, 200)}…`).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
}

/** Calls `fn`; a HazgateError it throws is checked with expectCoded and returned, anything else fails. */
export function codedOrValue<T>(what: string, fn: () => T): { ok: true; value: T } | { ok: false; error: HazgateError } {
  try {
    return { ok: true, value: timed(what, fn) };
  } catch (error) {
    expectCoded(error);
    return { ok: false, error };
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Tokens that are not JSON, or JSON that is unusual enough to break a careless reader. */
export const HOSTILE_JSON_TOKENS: readonly string[] = [
  'NaN', '-NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-999', '-0', '0x1F', '+1', '.5', '01',
  '123456789012345678901234567890', '9007199254740993', '1.7976931348623157e309', '-9e99999999',
  'null', 'true', 'false', '""', '{}', '[]', '"\\u0000"', '"\\ud800"', '"\\udfff\\ud800"', '"\u2028"',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '"NaN"', '"Infinity"', '"-nan"',
];

/** `[[[…]]]` nested n deep (V8's JSON.parse reads it; recursive code over the value may not). */
export function deepArrayText(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** `{"a":{"a":…1…}}` nested n deep. */
export function deepObjectText(depth: number, key = 'a'): string {
  return `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Deep nesting around the 10,000 the issue names, closed or not. */
export const deepJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 20_000 }).map(deepArrayText),
  fc.integer({ min: 1, max: 20_000 }).map((n) => deepObjectText(n)),
  fc.constantFrom(10_000, 100_000).map((n) => '['.repeat(n)),
  fc.constantFrom(10_000, 50_000).map((n) => `${'{"a":['.repeat(n)}${']}'.repeat(n)}`),
);

/** A long string literal (up to a quarter megabyte), the kind of value that ends up quoted in a message. */
export const longJsonString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(1_000, 10_000, 262_144), fc.constantFrom('x', 'é', '\\"', '😀', '\\u0000', '/'))
  .map(([n, c]) => `"${c.repeat(n)}"`);

/** Text that stands where a JSON value goes: a value, a hostile token, deep nesting or a long string. */
export const jsonFiller: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_JSON_TOKENS) },
  { weight: 2, arbitrary: fc.double().map((d) => JSON.stringify(d) ?? String(d)) },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: longJsonString },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

type Path = readonly (string | number)[];

function pathsOf(value: unknown, prefix: Path, out: Path[]): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The container at `path` minus its last step, and that step; undefined for the root. */
function parentOf(root: unknown, path: Path): { parent: Record<string | number, unknown>; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let parent: unknown = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  return { parent: parent as Record<string | number, unknown>, key: path[path.length - 1] as string | number };
}

const HOLE = (i: number): string => `\u0001hole${i}\u0001`;

type Mutation = { op: 'replace' | 'delete' | 'add-key' | 'wrap'; at: number; filler: string; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('replace', 'replace', 'delete', 'add-key', 'wrap'),
  at: fc.nat(),
  filler: jsonFiller,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'value', 'ts', 'id', '')),
});

/**
 * JSON text of a valid sample with one to three fields replaced, removed, added or wrapped in an
 * array: the fillers are JSON values, hostile tokens (NaN, 1e999), deep nesting or long strings,
 * spliced in as text so they need not be valid JSON.
 */
export function nearValidJson(samples: readonly unknown[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([sample, mutations]) => {
    const root: { v: unknown } = { v: clone(sample) };
    const fillers: string[] = [];
    for (const m of mutations) {
      const paths = pathsOf(root.v, [], []);
      const path = paths[m.at % paths.length] ?? [];
      const hole = HOLE(fillers.length);
      fillers.push(m.filler);
      const place = parentOf(root, ['v', ...path]);
      if (place === undefined) continue;
      const { parent, key } = place;
      if (m.op === 'replace') parent[key] = hole;
      else if (m.op === 'wrap') parent[key] = [parent[key], hole];
      else if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else {
        const target = parent[key];
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) (target as Record<string, unknown>)[m.key] = hole;
        else parent[key] = hole;
      }
    }
    let text = JSON.stringify(root.v) ?? 'null';
    fillers.forEach((filler, i) => {
      text = text.split(JSON.stringify(HOLE(i))).join(filler);
    });
    return text;
  });
}

type TextEdit = { at: number; remove: number; insert: string };

const textEdit = (inserts: fc.Arbitrary<string>): fc.Arbitrary<TextEdit> =>
  fc.record({ at: fc.nat(), remove: fc.nat({ max: 8 }), insert: inserts });

/** Text of a valid sample with one to four characters-level edits: deletions, insertions, truncation. */
export function mutatedText(samples: readonly string[], inserts: fc.Arbitrary<string> = fc.string({ maxLength: 6 })): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(textEdit(inserts), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { freq: 5 }))
    .map(([sample, edits, cut]) => {
      let text = sample;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
      }
      return cut === null ? text : text.slice(0, cut % (text.length + 1));
    });
}

/** Byte sequences that are not UTF-8: lone continuation bytes, overlong forms, surrogates, > U+10FFFF, truncated. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0x80], [0xbf], [0xff], [0xfe], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3], [0x00],
];

/** A sample's bytes with invalid UTF-8 sequences spliced in at random places. */
export function withInvalidUtf8(samples: readonly string[]): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)), { minLength: 1, maxLength: 4 }))
    .map(([sample, inserts]) => {
      let bytes = Buffer.from(sample, 'utf8');
      for (const [at, seq] of inserts) {
        const i = at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from(seq), bytes.subarray(i)]);
      }
      return bytes;
    });
}

/** Arbitrary text: any code units (lone surrogates included), and printable text. */
export const anyText: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 }));

/** Bytes of a payload: random bytes, text of any JSON, near-valid JSON of the samples, or samples with invalid UTF-8. */
export function payloadBytes(samples: readonly unknown[]): fc.Arbitrary<Buffer> {
  const texts = samples.map((s) => JSON.stringify(s));
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    anyText.map((t) => Buffer.from(t, 'utf8')),
    fc.json({ maxDepth: 4 }).map((t) => Buffer.from(t, 'utf8')),
    { weight: 4, arbitrary: nearValidJson(samples).map((t) => Buffer.from(t, 'utf8')) },
    { weight: 2, arbitrary: mutatedText(texts).map((t) => Buffer.from(t, 'utf8')) },
    withInvalidUtf8(texts),
    deepJsonText.map((t) => Buffer.from(t, 'utf8')),
  );
}
