import type { ReaderEvent, TagPosition } from '../../src/core/people.js';
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

/** What one MQTT payload held: observations, entries without a fix, and what was refused. */
export interface DecodedLocation {
  readonly positions: TagPosition[];
  readonly readerEvents: ReaderEvent[];
  /** Pozyx entries with `success: false`: counted and skipped (the engine had no fix for the tag). */
  noFix: number;
  readonly rejections: Rejection[];
}

/**
 * Decodes one payload: a single object or an array of them, in the subscription's format. The size
 * is checked before parsing; a bad entry is refused with its index and the others still count.
 */
export function decodeLocationPayload(payload: Buffer, format: PayloadFormat, maxBytes: number): DecodedLocation {
  const out: DecodedLocation = { positions: [], readerEvents: [], noFix: 0, rejections: [] };
  const refuse = (reason: RejectReason, detail: string, index?: number): DecodedLocation => {
    out.rejections.push({ reason, index, detail });
    return out;
  };
  if (payload.length > maxBytes) return refuse('too-large', `is ${payload.length} bytes, more than maxPayloadBytes ${maxBytes}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return refuse('not-json', 'is not valid JSON');
  }
  if (isJsonObject(parsed)) {
    decodeEntry(out, parsed, format, undefined);
  } else if (Array.isArray(parsed)) {
    for (let i = 0; i < parsed.length; i += 1) {
      const entry: unknown = parsed[i];
      if (isJsonObject(entry)) decodeEntry(out, entry, format, i);
      else refuse('not-an-object', 'is not an object', i);
    }
  } else {
    refuse('not-an-object', 'is neither an object nor an array of objects');
  }
  return out;
}

function decodeEntry(out: DecodedLocation, entry: JsonObject, format: PayloadFormat, index: number | undefined): void {
  try {
    if (format.format === 'reader') {
      out.readerEvents.push(parseReaderEvent(entry, format.timeUnit));
      return;
    }
    const position = format.format === 'pozyx' ? parsePozyxEntry(entry, format) : parseGenericPosition(entry, format);
    if (position === 'no-fix') out.noFix += 1;
    else out.positions.push(position);
  } catch (error) {
    if (!(error instanceof EntryProblem)) throw error;
    out.rejections.push({ reason: error.reason, index, detail: withTag(entry, error.detail) });
  }
}

/** `tag W017: data.coordinates.x is a string…`: the tag, when the entry names one, helps find the device. */
function withTag(entry: JsonObject, detail: string): string {
  const tagId = entry['tagId'];
  return typeof tagId === 'string' || typeof tagId === 'number' ? `tag ${String(tagId).slice(0, 64)}: ${detail}` : detail;
}
