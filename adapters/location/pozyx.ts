import type { TagMotion, TagPosition, TagStatus } from '../../src/core/people.js';
import {
  idField,
  inMetres,
  numberField,
  objectField,
  optionalBattery,
  optionalBoolean,
  optionalFloor,
  optionalMotion,
  optionalNumber,
  optionalObject,
  timestampField,
  isJsonObject,
  type JsonObject,
} from './fields.js';
import type { PositionOptions } from './position-options.js';

/**
 * One entry of a Pozyx-style position array (README "Pozyx-style positions"):
 *   { "tagId": "30331", "timestamp": 1615984968.807, "success": true,
 *     "data": { "coordinates": { "x": 12345, "y": 6789, "z": 1200 }, "tagData": { "blinkIndex": 127 } },
 *     "battery": 87, "floor": "1F", "sos": false, "motion": "moving" }
 * Fields we do not read (version, metrics, anchorData, tagData sensors…) are ignored: the vendor's
 * stream carries many, and which ones depends on the tag.
 * Returns a NoFix for `success: false` (the engine could not place the tag this blink), with the
 * tag's state when the entry carries one.
 */
export function parsePozyxEntry(entry: JsonObject, options: PositionOptions): TagPosition | NoFix {
  const tagId = idField(entry, 'tagId');
  if (optionalBoolean(entry, 'success') === false) return noFixOf(entry, tagId, options);
  const ts = timestampField(entry, 'timestamp', options.timeUnit);
  const data = objectField(entry, 'data');
  const coordinates = objectField(data, 'coordinates', 'data.coordinates');
  const x = inMetres(numberField(coordinates, 'x', 'data.coordinates.x'), options.toMetres, 'data.coordinates.x');
  const y = inMetres(numberField(coordinates, 'y', 'data.coordinates.y'), options.toMetres, 'data.coordinates.y');
  const rawZ = optionalNumber(coordinates, 'z', 'data.coordinates.z');
  const tagData = optionalObject(data, 'tagData', 'data.tagData');
  const position: { -readonly [K in keyof TagPosition]: TagPosition[K] } = { tagId, x, y, ts };
  if (rawZ !== undefined) position.z = inMetres(rawZ, options.toMetres, 'data.coordinates.z');
  const floor = optionalFloor(entry, 'floor') ?? options.floor;
  if (floor !== undefined) position.floor = floor;
  const battery = optionalBattery(entry, 'battery');
  if (battery !== undefined) position.battery = battery;
  const sos = sosOf(entry, tagData);
  if (sos !== undefined) position.sos = sos;
  const motion = motionOf(entry, tagData);
  if (motion !== undefined) position.motion = motion;
  return position;
}

/**
 * A `success: false` entry: `status` is what it says of the tag (SOS button, motion, battery) when
 * it says any of them: a tag the engine cannot place this blink can still press SOS, fall, or
 * report its charge (README "Entries without a fix").
 */
export interface NoFix {
  readonly kind: 'no-fix';
  readonly status: TagStatus | undefined;
}

const PLAIN_NO_FIX: NoFix = { kind: 'no-fix', status: undefined };

/**
 * Entries without a fix are read as far as the tag's state: one without SOS button, motion or
 * battery is counted and nothing else of it is checked; one with any of them needs a usable timestamp.
 */
function noFixOf(entry: JsonObject, tagId: string, options: PositionOptions): NoFix {
  const data = entry['data'];
  const tagData = isJsonObject(data) ? optionalObject(data, 'tagData', 'data.tagData') : undefined;
  const sos = sosOf(entry, tagData);
  const motion = motionOf(entry, tagData);
  const battery = optionalBattery(entry, 'battery');
  if (sos === undefined && motion === undefined && battery === undefined) return PLAIN_NO_FIX;
  const status: { -readonly [K in keyof TagStatus]: TagStatus[K] } = { tagId, ts: timestampField(entry, 'timestamp', options.timeUnit) };
  if (sos !== undefined) status.sos = sos;
  if (motion !== undefined) status.motion = motion;
  if (battery !== undefined) status.battery = battery;
  const floor = optionalFloor(entry, 'floor') ?? options.floor;
  if (floor !== undefined) status.floor = floor;
  return { kind: 'no-fix', status };
}

/**
 * The SOS button: `sos`, or `button` on tags whose one button is the SOS button; at the entry's
 * top level or in `data.tagData` (where Pozyx puts a tag's own sensor data); the top level wins.
 */
function sosOf(entry: JsonObject, tagData: JsonObject | undefined): boolean | undefined {
  return (
    optionalBoolean(entry, 'sos') ??
    optionalBoolean(entry, 'button') ??
    (tagData === undefined ? undefined : (optionalBoolean(tagData, 'sos', 'data.tagData.sos') ?? optionalBoolean(tagData, 'button', 'data.tagData.button')))
  );
}

/** `motion` (moving | still | fallen), or `fallen: true`; top level first, then `data.tagData`. */
function motionOf(entry: JsonObject, tagData: JsonObject | undefined): TagMotion | undefined {
  const top = optionalMotion(entry, 'motion') ?? fallenOf(entry, '');
  if (top !== undefined || tagData === undefined) return top;
  return optionalMotion(tagData, 'motion', 'data.tagData.motion') ?? fallenOf(tagData, 'data.tagData.');
}

/** `fallen: true` says fallen; `fallen: false` says nothing about moving or still. */
function fallenOf(obj: JsonObject, prefix: string): TagMotion | undefined {
  return optionalBoolean(obj, 'fallen', `${prefix}fallen`) === true ? 'fallen' : undefined;
}
