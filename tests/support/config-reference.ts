import { z } from 'zod';

/**
 * The configuration reference, generated from the zod schemas of src/config (npm run docs):
 * a JSON Schema 2020-12 for editors (docs/schema/*.schema.json) and docs/config-reference.md.
 */
export type JsonSchema = { [key: string]: unknown };

/**
 * What a config file may say (`io: 'input'`: durations as `30s`, sizes as `2GiB`). zod leaves out
 * the default of a field whose schema transforms; it is put back from the schema's own default.
 */
export function configJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as { type: string; defaultValue?: unknown };
      if (def.type === 'default' && ctx.jsonSchema.default === undefined) ctx.jsonSchema.default = def.defaultValue;
    },
  }) as JsonSchema;
}

const PLACEHOLDER = { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}', description: 'an environment placeholder, replaced before parsing' };

/**
 * The editor's copy: `${NAME}` and `${NAME:-default}` are replaced in the text before the YAML is
 * read, so a number or boolean key may hold one (`port: ${HAZGATE_HTTP_PORT:-8080}`).
 */
export function withPlaceholders(schema: JsonSchema): JsonSchema {
  return { ...(placeholdersIn(schema) as JsonSchema), $defs: { placeholder: PLACEHOLDER } };
}

function placeholdersIn(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(placeholdersIn);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'default' || k === 'const' || k === 'enum' ? v : placeholdersIn(v);
  if (out['type'] === 'number' || out['type'] === 'integer' || out['type'] === 'boolean') {
    const { description, default: dflt, ...typed } = out;
    return { ...(description === undefined ? {} : { description }), ...(dflt === undefined ? {} : { default: dflt }), anyOf: [typed, { $ref: '#/$defs/placeholder' }] };
  }
  return out;
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly dflt: string;
  readonly allowed: string;
  readonly description: string;
}

const asSchema = (v: unknown): JsonSchema => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonSchema) : {});
const code = (v: unknown): string => `\`${JSON.stringify(v)}\``.replace(/\|/g, '\\|');

function variantsOf(s: JsonSchema): JsonSchema[] {
  const list = s['anyOf'] ?? s['oneOf'];
  return Array.isArray(list) ? list.map(asSchema) : [];
}

/** The value of the property that tells the variants of a union apart (`kind`, `transport`…), if any. */
function discriminator(s: JsonSchema): string | undefined {
  const props = asSchema(s['properties']);
  for (const key of ['kind', 'type']) {
    const c = asSchema(props[key])['const'];
    if (typeof c === 'string') return `${key}: ${c}`;
  }
  return undefined;
}

function typeOf(s: JsonSchema): string {
  if (s['const'] !== undefined) return 'constant';
  if (Array.isArray(s['enum'])) return 'enum';
  const variants = variantsOf(s);
  if (variants.length > 0) return [...new Set(variants.map(typeOf))].join(' or ');
  const t = s['type'];
  if (t === 'array') {
    if (Array.isArray(s['prefixItems'])) return `[${s['prefixItems'].map((i) => typeOf(asSchema(i))).join(', ')}]`;
    return `list of ${typeOf(asSchema(s['items']))}`;
  }
  if (t === 'object' && s['properties'] === undefined && s['additionalProperties'] !== undefined) return `map of ${typeOf(asSchema(s['additionalProperties']))}`;
  return typeof t === 'string' ? t : 'any';
}

function allowedOf(s: JsonSchema): string {
  const parts: string[] = [];
  if (s['const'] !== undefined) parts.push(code(s['const']));
  if (Array.isArray(s['enum'])) parts.push(s['enum'].map(code).join(', '));
  const range = [s['minimum'] ?? s['exclusiveMinimum'], s['maximum'] ?? s['exclusiveMaximum']];
  if (range[0] !== undefined || range[1] !== undefined) parts.push(`${s['exclusiveMinimum'] === undefined ? '' : '>'}${String(range[0] ?? '')}…${String(range[1] ?? '')}`);
  if (typeof s['pattern'] === 'string') parts.push(`pattern \`${s['pattern'].replace(/\|/g, '\\|')}\``);
  if (s['minItems'] !== undefined) parts.push(`at least ${String(s['minItems'])} items`);
  if (s['minLength'] !== undefined && s['minLength'] !== 1) parts.push(`${String(s['minLength'])}+ characters`);
  for (const v of variantsOf(s)) if (v['properties'] === undefined) parts.push(allowedOf(v));
  return parts.filter((p) => p !== '').join('; ');
}

/** Keys every tagged variant of a union has alike (a rule's id, select, latch…): listed once, not per kind. */
function sharedKeys(variants: readonly JsonSchema[]): ReadonlySet<string> {
  const tagged = variants.filter((v) => discriminator(v) !== undefined);
  if (tagged.length < 2 || tagged.length !== variants.length) return new Set();
  const [first, ...rest] = tagged.map((v) => asSchema(v['properties']));
  return new Set(Object.keys(first ?? {}).filter((k) => rest.every((p) => JSON.stringify(p[k]) === JSON.stringify(first?.[k]))));
}

/** The object schema with only some of its properties. */
function pick(s: JsonSchema, keep: (key: string) => boolean): JsonSchema {
  const props = Object.entries(asSchema(s['properties'])).filter(([k]) => keep(k));
  const required = Array.isArray(s['required']) ? (s['required'] as string[]).filter(keep) : [];
  return { ...s, properties: Object.fromEntries(props), required };
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  const description = typeof s['description'] === 'string' ? s['description'].replace(/\s+/g, ' ').replace(/\|/g, '\\|') : '';
  if (path !== '') rows.push({ path, type: typeOf(s), required, dflt: s['default'] === undefined ? '' : code(s['default']), allowed: allowedOf(s), description });
  const variants = variantsOf(s);
  const shared = sharedKeys(variants);
  if (shared.size > 0) walkChildren(pick(variants[0] ?? {}, (k) => shared.has(k)), path, rows);
  for (const v of variants) {
    const tag = discriminator(v);
    const at = tag === undefined ? path : `${path} (${tag})`;
    if (tag !== undefined) rows.push({ path: at, type: 'object', required, dflt: '', allowed: '', description: typeof v['description'] === 'string' ? v['description'] : '' });
    walkChildren(pick(v, (k) => !shared.has(k) && `${k}: ${String(asSchema(asSchema(v['properties'])[k])['const'])}` !== tag), at, rows);
  }
  walkChildren(s, path, rows);
}

function walkChildren(s: JsonSchema, path: string, rows: Row[]): void {
  const props = asSchema(s['properties']);
  const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  for (const [key, child] of Object.entries(props)) walk(asSchema(child), path === '' ? key : `${path}.${key}`, required.has(key), rows);
  const items = asSchema(s['items']);
  if (Object.keys(items).length > 0 && (items['properties'] !== undefined || variantsOf(items).length > 0)) walk(items, `${path}[]`, false, rows);
  const extra = asSchema(s['additionalProperties']);
  if (extra['properties'] !== undefined) walkChildren(extra, `${path}.<name>`, rows);
}

/** Every key path of the schema with its type, whether required, default, allowed values and description. */
export function configRows(schema: JsonSchema): readonly Row[] {
  const rows: Row[] = [];
  walkChildren(schema, '', rows);
  return rows;
}

function table(rows: readonly Row[]): string {
  const lines = ['| key | type | default | allowed | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| \`${r.path}\` | ${r.type}${r.required ? ' (required)' : ''} | ${r.dflt} | ${r.allowed} | ${r.description} |`);
  return lines.join('\n');
}

/** A section per top-level key. */
export function configMarkdown(files: readonly { readonly title: string; readonly intro: string; readonly schema: JsonSchema }[]): string {
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs` (tests/support/gen-docs.ts) from the zod schemas in src/config and the adapters\' own schemas: do not edit by hand; tests/unit/docs-config-reference.test.ts fails when it is out of date. -->',
    '',
    'Every key of a site file (`hazgate start|validate|demo --config`) and of a centre file (`hazgate centre --config`): its type, whether it is required, its default, the values allowed and what it does. Durations are milliseconds or text such as `500ms`, `30s`, `5m`, `8h`, `1d`; sizes are bytes or `512KiB`, `256MiB`, `1GiB`. `${NAME}` and `${NAME:-default}` are replaced from the environment before the YAML is read. Unknown keys are errors. Editors that speak the YAML language server complete and check these files from the JSON Schemas in [schema/](schema/): put `# yaml-language-server: $schema=<path to docs/schema/site.schema.json>` on the first line (the files in deploy/ do).',
    '',
    'Cross-checks beyond the schema (duplicate ids, rules selecting unknown points, pack setpoints above the standard, …) run after it: `hazgate validate` reports them all with file, line and YAML path.',
  ];
  for (const f of files) {
    out.push('', `## ${f.title}`, '', f.intro);
    const rows = configRows(f.schema);
    const sections = new Map<string, Row[]>();
    for (const r of rows) {
      const top = /^[^.[ ]+/.exec(r.path)?.[0] ?? r.path;
      sections.set(top, [...(sections.get(top) ?? []), r]);
    }
    for (const [top, list] of sections) out.push('', `### \`${top}\``, '', table(list));
  }
  return `${out.join('\n')}\n`;
}
