import type { ReaderEvent, TagPosition, TagStatus } from '../../src/core/people.js';
import { isJsonObject, type JsonObject } from './fields.js';
import { parseGenericPosition, parseReaderEvent } from './generic.js';
import type { PositionOptions } from './position-options.js';
import { parsePozyxEntry } from './pozyx.js';
import { EntryProblem, type RejectReason, type Rejection } from './rejection.js';

/** What a subscription's payloads are: Pozyx-style position arrays, generic positions, reader events. */
export type LocationFormat = 'pozyx' | 'position' | 'reader';
export const LOCATION_FORMATS: readonly LocationFormat[] = ['pozyx', 'position', 'reader'];

/** Everything one subscription needs to read its payloads. */
export interface PayloadFormat extends PositionOptions {
  readonly format: LocationFormat;
}

/** Entries of one message read at most; the rest are refused unread (`too-many-entries`). */
export const DEFAULT_MAX_ENTRIES = 10_000;
/** Refusals described in full per message (the first of each reason always is); the rest are only counted. */
export const MAX_DETAILED = 10;
/** A refusal's description is cut to this many characters: the payload writes part of it. */
export const MAX_DETAIL_CHARS = 200;

/** What one MQTT payload held: observations, entries without a fix and the tag states some carry, and what was refused. */
export interface DecodedLocation {
  readonly positions: TagPosition[];
  readonly readerEvents: ReaderEvent[];
  /** Pozyx entries with `success: false` (the engine had no fix for the tag): counted. */
  noFix: number;
  /** What those of them carrying an SOS button, motion or battery say: emitted as tag states (README "Entries without a fix"). */
  readonly statuses: TagStatus[];
  /** Every refused payload or entry, by reason. */
  readonly rejected: Partial<Record<RejectReason, number>>;
  /** Descriptions of the first MAX_DETAILED refusals and of the first of each reason, in payload order. */
  readonly rejections: Rejection[];
}

export function emptyDecoded(): DecodedLocation {
  return { positions: [], readerEvents: [], noFix: 0, statuses: [], rejected: {}, rejections: [] };
}

/** Counts a refusal; keeps its description while few are kept, or when it is the first of its reason. */
export function noteRejection(out: DecodedLocation, reason: RejectReason, index: number | undefined, detail: () => string, count = 1): void {
  const before = out.rejected[reason] ?? 0;
  out.rejected[reason] = before + count;
  if (out.rejections.length >= MAX_DETAILED && before > 0) return;
  out.rejections.push({ reason, index, detail: shorten(detail()) });
}

/**
 * Decodes one payload: a single object or an array of them, in the subscription's format. The size
 * is checked before parsing; at most maxEntries entries are read, the rest refused with one
 * rejection; a bad entry is refused with its index and the others still count.
 */
export function decodeLocationPayload(payload: Buffer, format: PayloadFormat, maxBytes: number, maxEntries = DEFAULT_MAX_ENTRIES): DecodedLocation {
  const out = emptyDecoded();
  if (payload.length > maxBytes) {
    noteRejection(out, 'too-large', undefined, () => `is ${payload.length} bytes, more than maxPayloadBytes ${maxBytes}`);
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    noteRejection(out, 'not-json', undefined, () => 'is not valid JSON');
    return out;
  }
  if (isJsonObject(parsed)) decodeEntry(out, parsed, format, undefined);
  else if (Array.isArray(parsed)) decodeEntries(out, parsed, format, maxEntries);
  else noteRejection(out, 'not-an-object', undefined, () => 'is neither an object nor an array of objects');
  return out;
}

function decodeEntries(out: DecodedLocation, entries: readonly unknown[], format: PayloadFormat, maxEntries: number): void {
  const read = Math.min(entries.length, maxEntries);
  for (let i = 0; i < read; i += 1) {
    const entry: unknown = entries[i];
    if (isJsonObject(entry)) decodeEntry(out, entry, format, i);
    else noteRejection(out, 'not-an-object', i, () => 'is not an object');
  }
  // A message of a million entries (garbage or not) must not hold the event loop: the rest is not read.
  const unread = entries.length - read;
  if (unread > 0) noteRejection(out, 'too-many-entries', read, () => `has ${entries.length} entries, more than maxEntries ${maxEntries}: the last ${unread} were not read`, unread);
}

function decodeEntry(out: DecodedLocation, entry: JsonObject, format: PayloadFormat, index: number | undefined): void {
  try {
    if (format.format === 'reader') {
      out.readerEvents.push(parseReaderEvent(entry, format.timeUnit));
      return;
    }
    const position = format.format === 'pozyx' ? parsePozyxEntry(entry, format) : parseGenericPosition(entry, format);
    if (!('kind' in position)) {
      out.positions.push(position);
      return;
    }
    out.noFix += 1;
    if (position.status !== undefined) out.statuses.push(position.status);
  } catch (error) {
    if (!(error instanceof EntryProblem)) throw error;
    noteRejection(out, error.reason, index, () => withTag(entry, error.detail));
  }
}

/** `tag W017: data.coordinates.x is a string…`: the tag, when the entry names one, helps find the device. */
function withTag(entry: JsonObject, detail: string): string {
  const tagId = entry['tagId'];
  return typeof tagId === 'string' || typeof tagId === 'number' ? `tag ${String(tagId).slice(0, 64)}: ${detail}` : detail;
}

function shorten(text: string): string {
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS - 1)}…`;
}
