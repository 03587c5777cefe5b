import type { ReaderEvent, TagPosition } from '../../src/core/people.js';
import {
  idField,
  inMetres,
  numberField,
  optionalBattery,
  optionalBoolean,
  optionalFloor,
  optionalMotion,
  optionalNumber,
  quoted,
  refuseUnknownKeys,
  timestampField,
  type JsonObject,
  type TimeUnit,
} from './fields.js';
import type { PositionOptions } from './position-options.js';
import { EntryProblem } from './rejection.js';

/**
 * hazgate's own location formats (README "Generic position" and "Reader events"). Being ours,
 * they are strict: an unknown field is refused, so `batery` or `SOS` never passes silently.
 */

const POSITION_KEYS: ReadonlySet<string> = new Set(['tagId', 'x', 'y', 'z', 'floor', 'ts', 'battery', 'sos', 'motion']);
const READER_KEYS: ReadonlySet<string> = new Set(['tagId', 'readerId', 'event', 'ts']);

/** `{ tagId, x, y, z?, floor?, ts, battery?, sos?, motion? }`, lengths in the subscription's units. */
export function parseGenericPosition(entry: JsonObject, options: PositionOptions): TagPosition {
  refuseUnknownKeys(entry, POSITION_KEYS);
  const tagId = idField(entry, 'tagId');
  const ts = timestampField(entry, 'ts', options.timeUnit);
  const position: { -readonly [K in keyof TagPosition]: TagPosition[K] } = {
    tagId,
    x: inMetres(numberField(entry, 'x'), options.toMetres, 'x'),
    y: inMetres(numberField(entry, 'y'), options.toMetres, 'y'),
    ts,
  };
  const z = optionalNumber(entry, 'z');
  if (z !== undefined) position.z = inMetres(z, options.toMetres, 'z');
  const floor = optionalFloor(entry, 'floor') ?? options.floor;
  if (floor !== undefined) position.floor = floor;
  const battery = optionalBattery(entry, 'battery');
  if (battery !== undefined) position.battery = battery;
  const sos = optionalBoolean(entry, 'sos');
  if (sos !== undefined) position.sos = sos;
  const motion = optionalMotion(entry, 'motion');
  if (motion !== undefined) position.motion = motion;
  return position;
}

/** `{ tagId, readerId, event: "enter" | "leave", ts }`: an RFID base station saw a tag come or go. */
export function parseReaderEvent(entry: JsonObject, timeUnit: TimeUnit): ReaderEvent {
  refuseUnknownKeys(entry, READER_KEYS);
  const tagId = idField(entry, 'tagId');
  const readerId = idField(entry, 'readerId');
  const event = entry['event'];
  if (event === undefined || event === null) throw new EntryProblem('missing-field', 'has no event');
  if (event !== 'enter' && event !== 'leave') {
    throw new EntryProblem(typeof event === 'string' ? 'bad-value' : 'wrong-type', `event ${quoted(event)} is not "enter" or "leave"`);
  }
  return { tagId, readerId, kind: event, ts: timestampField(entry, 'ts', timeUnit) };
}
