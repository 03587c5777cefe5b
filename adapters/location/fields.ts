import type { TagMotion } from '../../src/core/people.js';
import { EntryProblem } from './rejection.js';

/**
 * Field readers shared by the payload formats. Each either returns a checked value or throws an
 * EntryProblem naming the field (`path` is how the README spells it, e.g. `data.coordinates.x`).
 * Nothing is coerced: a number sent as text is a wrong type, not a number.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

/** How payload timestamps are written: epoch seconds, epoch milliseconds, or either by size. */
export type TimeUnit = 'auto' | 's' | 'ms';

/** Below this an `auto` timestamp is seconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const AUTO_SECONDS_BELOW = 1e11;
/** 2000-01-01T00:00:00Z: older fixes are a clock that was never set. */
export const EARLIEST_TS = 946_684_800_000;
/** 2100-01-01T00:00:00Z: later ones are a unit mix-up (microseconds read as ms). */
export const LATEST_TS = 4_102_444_800_000;

const MAX_ID_LENGTH = 128;
/** Characters of a payload's text quoted in a refusal: enough to recognise it, not enough to flood a log. */
const QUOTE_CHARS = 40;
/** Unknown keys named in a refusal; the rest are counted. */
const LISTED_KEYS = 5;
const MAX_FLOOR_LENGTH = 64;
const MOTIONS: readonly TagMotion[] = ['moving', 'still', 'fallen'];

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A payload value as a refusal quotes it: strings shortened, objects and arrays by their type. */
export function quoted(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > QUOTE_CHARS ? `${value.slice(0, QUOTE_CHARS)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeName(value);
}

function wrongType(path: string, expected: string, value: unknown): EntryProblem {
  return new EntryProblem('wrong-type', `${path} is ${typeName(value)}, expected ${expected}`);
}

function missing(path: string): EntryProblem {
  return new EntryProblem('missing-field', `has no ${path}`);
}

/** Tag and reader ids: a non-empty string, or an integer (Pozyx ids are often digits). */
export function idField(obj: JsonObject, name: string, path = name): string {
  const value = obj[name];
  if (value === undefined || value === null) throw missing(path);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  if (value.length === 0 || value.length > MAX_ID_LENGTH) throw new EntryProblem('bad-value', `${path} must be 1-${MAX_ID_LENGTH} characters`);
  return value;
}

export function numberField(obj: JsonObject, name: string, path = name): number {
  const value = optionalNumber(obj, name, path);
  if (value === undefined) throw missing(path);
  return value;
}

export function optionalNumber(obj: JsonObject, name: string, path = name): number | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw wrongType(path, 'a number', value);
  if (!Number.isFinite(value)) throw new EntryProblem('not-finite', `${path} is not a finite number`);
  return value;
}

/** A length in metres: a finite payload value can overflow once scaled (`scale: 1000`, 1e306 mm). */
export function inMetres(value: number, toMetres: (value: number) => number, path: string): number {
  const metres = toMetres(value);
  if (!Number.isFinite(metres)) throw new EntryProblem('not-finite', `${path} ${value} is not a finite length in metres`);
  return metres;
}

export function optionalBoolean(obj: JsonObject, name: string, path = name): boolean | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(path, 'true or false', value);
  return value;
}

export function objectField(obj: JsonObject, name: string, path = name): JsonObject {
  const value = optionalObject(obj, name, path);
  if (value === undefined) throw missing(path);
  return value;
}

export function optionalObject(obj: JsonObject, name: string, path = name): JsonObject | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw wrongType(path, 'an object', value);
  return value;
}

/** Battery charge in %, 0-100. */
export function optionalBattery(obj: JsonObject, name: string, path = name): number | undefined {
  const value = optionalNumber(obj, name, path);
  if (value !== undefined && (value < 0 || value > 100)) throw new EntryProblem('bad-value', `${path} ${value} is outside 0-100 %`);
  return value;
}

/** A floor or level name; a number (`2`, `-350`) names it too. */
export function optionalFloor(obj: JsonObject, name: string, path = name): string | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw wrongType(path, 'a string or a number', value);
  if (value.length === 0 || value.length > MAX_FLOOR_LENGTH) throw new EntryProblem('bad-value', `${path} must be 1-${MAX_FLOOR_LENGTH} characters`);
  return value;
}

export function optionalMotion(obj: JsonObject, name: string, path = name): TagMotion | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(path, `one of ${MOTIONS.join(', ')}`, value);
  const motion = MOTIONS.find((m) => m === value);
  if (motion === undefined) throw new EntryProblem('bad-value', `${path} ${quoted(value)} is not one of ${MOTIONS.join(', ')}`);
  return motion;
}

/** Epoch ms (rounded) of a required timestamp field, within 2000-2100. */
export function timestampField(obj: JsonObject, name: string, unit: TimeUnit, path = name): number {
  const value = obj[name];
  if (value === undefined || value === null) throw missing(path);
  if (typeof value !== 'number') throw new EntryProblem('bad-timestamp', `${path} is ${typeName(value)}, expected epoch ${unit === 'auto' ? 's or ms' : unit} as a number`);
  const ms = toEpochMs(value, unit);
  if (ms === undefined) throw new EntryProblem('bad-timestamp', `${path} ${value} is not a time between 2000 and 2100 (epoch ${unit === 'auto' ? 's or ms' : unit})`);
  return ms;
}

/** Epoch ms of a number in the given unit; undefined when it is not a time in 2000-2100. */
export function toEpochMs(value: number, unit: TimeUnit): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const seconds = unit === 's' || (unit === 'auto' && Math.abs(value) < AUTO_SECONDS_BELOW);
  // Pozyx writes 1616424015.121358: seconds with microseconds; the engine works in whole ms.
  const ms = Math.round(seconds ? value * 1000 : value);
  return ms >= EARLIEST_TS && ms < LATEST_TS ? ms : undefined;
}

/** Refuses keys outside `known` (the generic formats are ours: a typo must not pass silently). */
export function refuseUnknownKeys(obj: JsonObject, known: ReadonlySet<string>): void {
  const unknown = Object.keys(obj).filter((key) => !known.has(key));
  if (unknown.length === 0) return;
  const listed = unknown.slice(0, LISTED_KEYS).map(quoted).join(', ');
  const more = unknown.length > LISTED_KEYS ? ` and ${unknown.length - LISTED_KEYS} more` : '';
  throw new EntryProblem('unknown-field', `has unknown field${unknown.length > 1 ? 's' : ''} ${listed}${more}`);
}
