import { excerpt } from '../core/excerpt.js';
import { HazgateError } from '../core/index.js';

/**
 * The coal-mine networking text format (煤矿安全监控系统联网, Sun Jiping 2009 and the provincial
 * specs after it): a batch is one data file, `KJ;<table>|` header, records of `;`-separated fields
 * each ending in `~`, the batch ending in `‖` (U+2016). Which tables and fields a centre expects
 * differs by province (MT/T 1201.x-2023 not seen): layouts are configuration, and the defaults
 * below are unverified (docs/uplink/kj.md).
 */

export type KjFormat = 'text' | 'number' | 'integer' | 'datetime' | 'bool';

export const KJ_FORMATS: readonly KjFormat[] = ['text', 'number', 'integer', 'datetime', 'bool'];

export interface KjField {
  /** What the field is, for people (the text carries no names). */
  readonly name: string;
  /** A dotted path into the record (`pointId`, `codes.enterpriseCode`), `$batch.time` / `$batch.site`, or `=<constant>`. */
  readonly from: string;
  readonly format?: KjFormat;
  /** `number`: digits after the point (default: as the number prints). */
  readonly decimals?: number;
  /** Value → code, before formatting (a quality or state spelled as the centre's code). */
  readonly map?: Readonly<Record<string, string>>;
  /** Written when the path holds nothing (default: empty field). */
  readonly default?: string;
}

export interface KjTableLayout {
  /** Table (data file) name: 4 letters in the specs seen. */
  readonly table: string;
  readonly fields: readonly KjField[];
}

export interface KjOptions {
  /** The header's database name; `KJ` = coal-mine safety monitoring. */
  readonly database?: string;
  /** The centre's local time for `datetime` fields, minutes east of UTC (China: 480). */
  readonly utcOffsetMinutes?: number;
}

/** The batch's own values, under `$batch.` in a path. */
export interface KjBatchContext {
  readonly site: string;
  readonly time: number;
}

export const KJ_FIELD_SEP = ';';
export const KJ_HEADER_END = '|';
export const KJ_RECORD_END = '~';
export const KJ_BATCH_END = '‖';

const NAME = /^[A-Za-z0-9_]{1,16}$/;

/** Real-time values (from snapshot values). UNVERIFIED: table name from one municipal spec, fields and codes our own. */
export const KJ_REALTIME_LAYOUT: KjTableLayout = {
  table: 'AQSS',
  fields: [
    { name: 'mine code', from: 'codes.enterpriseCode' },
    { name: 'point', from: 'pointId' },
    { name: 'value', from: 'value', format: 'number' },
    { name: 'unit', from: 'unit' },
    { name: 'state', from: 'quality', map: { good: '0', uncertain: '1', bad: '2' } },
    { name: 'time', from: 'ts', format: 'datetime' },
  ],
};

/** Alarm transitions (from journal records). UNVERIFIED: table name and fields our own. */
export const KJ_ALARM_LAYOUT: KjTableLayout = {
  table: 'AQBJ',
  fields: [
    { name: 'mine code', from: 'codes.enterpriseCode' },
    { name: 'point', from: 'pointId' },
    { name: 'event', from: 'eventId' },
    { name: 'level', from: 'level' },
    { name: 'priority', from: 'priority', format: 'integer' },
    { name: 'state', from: 'state' },
    { name: 'value', from: 'value', format: 'number' },
    { name: 'time', from: 'time', format: 'datetime' },
    { name: 'message', from: 'message' },
  ],
};

/** @throws HazgateError HG_ERR_UPLINK_KJ_LAYOUT listing every problem of the layout. */
export function checkKjLayout(layout: KjTableLayout, database = 'KJ'): KjTableLayout {
  const problems: string[] = [];
  if (!NAME.test(database)) problems.push(`database "${database}" is not 1-16 letters, digits or underscores`);
  if (!NAME.test(layout.table)) problems.push(`table "${layout.table}" is not 1-16 letters, digits or underscores`);
  if (layout.fields.length === 0) problems.push('no fields');
  layout.fields.forEach((f, i) => {
    if (f.from === '' || (!f.from.startsWith('=') && f.from.split('.').some((p) => p === ''))) problems.push(`field ${i + 1} (${f.name}): "${f.from}" is not a path or =constant`);
    if (f.format !== undefined && !KJ_FORMATS.includes(f.format)) problems.push(`field ${i + 1} (${f.name}): unknown format "${String(f.format)}"`);
    if (f.decimals !== undefined && !(Number.isInteger(f.decimals) && f.decimals >= 0 && f.decimals <= 12)) problems.push(`field ${i + 1} (${f.name}): decimals must be 0..12`);
  });
  if (problems.length > 0) {
    throw new HazgateError('HG_ERR_UPLINK_KJ_LAYOUT', `KJ table layout ${layout.table}: ${problems.join('; ')}`, { table: layout.table, problems });
  }
  return layout;
}

/**
 * Escapes a value: a backslash before `\`, `;`, `|`, `~` and `‖`, and `\n`/`\r` for line breaks,
 * so no value can end a field, record or batch early. Reversible (decodeKjBatch); a centre that
 * does not unescape sees a stray backslash instead of a broken file.
 */
export function escapeKjValue(text: string): string {
  return text.replace(/[\\;|~‖\n\r]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

/** One batch of one table: header, one record per item, batch end. */
export function encodeKjBatch(layout: KjTableLayout, records: readonly unknown[], batch: KjBatchContext, options: KjOptions = {}): string {
  const database = options.database ?? 'KJ';
  const offset = options.utcOffsetMinutes ?? 480;
  const body = records.map((r) => layout.fields.map((f) => escapeKjValue(fieldText(f, r, batch, offset))).join(KJ_FIELD_SEP) + KJ_RECORD_END);
  return `${database}${KJ_FIELD_SEP}${layout.table}${KJ_HEADER_END}${body.join('')}${KJ_BATCH_END}`;
}

export interface KjDecoded {
  readonly database: string;
  readonly table: string;
  readonly records: readonly (readonly string[])[];
}

/** Reads a batch back (tests, a test centre): header, records, fields, unescaped. */
export function decodeKjBatch(text: string): KjDecoded {
  const headerEnd = text.indexOf(KJ_HEADER_END);
  const [database = '', table = ''] = text.slice(0, Math.max(headerEnd, 0)).split(KJ_FIELD_SEP);
  if (headerEnd < 0 || !text.endsWith(KJ_BATCH_END)) throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', 'KJ batch without a header or a batch end', {});
  const records: string[][] = [];
  let fields: string[] = [];
  let current = '';
  const rest = text.slice(headerEnd + 1, text.length - KJ_BATCH_END.length);
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] ?? '';
    if (c === '\\') {
      const n = rest[++i] ?? '';
      current += n === 'n' ? '\n' : n === 'r' ? '\r' : n;
    } else if (c === KJ_FIELD_SEP) {
      fields.push(current);
      current = '';
    } else if (c === KJ_RECORD_END) {
      fields.push(current);
      records.push(fields);
      fields = [];
      current = '';
    } else current += c;
  }
  if (current !== '' || fields.length > 0) throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `KJ batch of ${excerpt(table)}: the last record has no record end`, { table: excerpt(table) });
  return { database, table, records };
}

function fieldText(field: KjField, record: unknown, batch: KjBatchContext, utcOffsetMinutes: number): string {
  const raw = field.from.startsWith('=') ? field.from.slice(1) : valueAt(field.from, record, batch);
  if (raw === undefined || raw === null) return field.default ?? '';
  const mapped = field.map?.[String(raw)];
  if (mapped !== undefined) return mapped;
  switch (field.format ?? 'text') {
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? (field.decimals === undefined ? String(raw) : raw.toFixed(field.decimals)) : typeof raw === 'boolean' ? (raw ? '1' : '0') : (field.default ?? '');
    case 'integer':
      return typeof raw === 'number' && Number.isFinite(raw) ? String(Math.round(raw)) : (field.default ?? '');
    case 'bool':
      return raw === true || (typeof raw === 'number' && raw !== 0) ? '1' : '0';
    case 'datetime':
      return typeof raw === 'number' && Number.isFinite(raw) ? localDateTime(raw, utcOffsetMinutes) : (field.default ?? '');
    case 'text':
      return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  }
}

function valueAt(path: string, record: unknown, batch: KjBatchContext): unknown {
  const [root, parts] = path.startsWith('$batch.') ? [batch as unknown, path.slice(7).split('.')] : [record, path.split('.')];
  let v = root;
  for (const p of parts) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** `YYYY-MM-DD HH:mm:ss` at a fixed offset from UTC (no host time zone involved). */
export function localDateTime(epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
