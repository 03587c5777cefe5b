import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLocationPayload, lengthConverter, rejectionErrors, type DecodedLocation, type PayloadFormat } from '../../adapters/location/index.js';
import { anyText, expectBounded, expectCoded, fuzzParams, payloadBytes, timed, withInvalidUtf8 } from './fuzz-fixtures.js';

/**
 * Location payloads under fuzz (issue #11 item 6): Pozyx-style positions, generic positions and
 * reader events, decoded by decodeLocationPayload and reported by rejectionErrors, as the
 * adapter's session does. Everything decoded is finite and in range; every refusal is coded and short.
 */

const ADAPTER = 'uwb';
const TS_S = 1_772_352_000.123;
const TS_MS = 1_772_352_000_123;

const FORMATS: readonly PayloadFormat[] = [
  { format: 'pozyx', toMetres: lengthConverter('mm', undefined), floor: undefined, timeUnit: 'auto' },
  { format: 'position', toMetres: lengthConverter('m', undefined), floor: '1F', timeUnit: 'ms' },
  // A scale above 1 (metres per payload unit) can overflow a finite coordinate.
  { format: 'position', toMetres: lengthConverter('m', 2), floor: undefined, timeUnit: 's' },
  { format: 'reader', toMetres: lengthConverter('m', undefined), floor: undefined, timeUnit: 'auto' },
];

/** Valid entries of each format (tests/unit/location-parsers.test.ts, README). */
const POZYX = {
  version: '2.0',
  tagId: '30331',
  timestamp: TS_S,
  success: true,
  data: { coordinates: { x: 12_345, y: -6_789, z: 1_200 }, tagData: { blinkIndex: 127, button: false }, metrics: { latency: 28 } },
  battery: 87,
  floor: '2F',
  motion: 'moving',
};
const NO_FIX = { version: '2.0', tagId: '7', timestamp: TS_S, success: false, errorCode: 'NOT_ENOUGH_ANCHORS', sos: true };
const POSITION = { tagId: 'W017', x: 12.5, y: -3, z: 1.2, floor: 'B1', ts: TS_MS, battery: 55, sos: false, motion: 'still' };
const READER = { tagId: 'W017', readerId: 'R-4', event: 'enter', ts: TS_MS };
const SAMPLES: readonly unknown[] = [POZYX, [POZYX, NO_FIX], NO_FIX, POSITION, [POSITION, POSITION], READER, [READER, { ...READER, event: 'leave' }]];

const topic = fc.oneof(fc.constantFrom('rtls/positions', 'rtls/readers/R-4', ''), anyText, fc.integer({ min: 1_000, max: 3_000 }).map((n) => `rtls/${'t'.repeat(n)}`));

function checkDecoded(d: DecodedLocation, t: string): void {
  for (const p of d.positions) {
    for (const v of [p.x, p.y, p.z ?? 0, p.ts, p.battery ?? 0]) expect(Number.isFinite(v), `${p.tagId}: ${v}`).toBe(true);
    expect(p.tagId.length).toBeGreaterThan(0);
  }
  for (const e of d.readerEvents) expect(Number.isFinite(e.ts)).toBe(true);
  for (const s of d.statuses) expect(Number.isFinite(s.ts)).toBe(true);
  for (const r of d.rejections) expectBounded(r.detail);
  for (const error of rejectionErrors(ADAPTER, t, d)) expectCoded(error);
}

function check(bytes: Buffer, format: PayloadFormat, t: string, maxEntries: number): void {
  const d = timed('decodeLocationPayload', () => decodeLocationPayload(bytes, format, 1 << 22, maxEntries));
  checkDecoded(d, t);
}

describe('fuzz: location payloads', () => {
  it('never throws; decodes only finite values; every refusal is coded and short', () => {
    const payload = fc.oneof({ weight: 6, arbitrary: payloadBytes(SAMPLES) }, withInvalidUtf8([JSON.stringify(POSITION), JSON.stringify([POZYX])]));
    fc.assert(
      fc.property(payload, fc.constantFrom(...FORMATS), topic, fc.constantFrom(10_000, 3), (bytes, format, t, maxEntries) => check(bytes, format, t, maxEntries)),
      fuzzParams(0x6c6f6361),
    );
  });

  describe('targeted inputs', () => {
    const pozyx = FORMATS[0] as PayloadFormat;
    const scaled = FORMATS[2] as PayloadFormat;
    const run = (text: string, format = pozyx, t = 'rtls/positions'): void => check(Buffer.from(text), format, t, 10_000);

    it.each([
      ['an entry nested 10,000 deep', `[${'['.repeat(10_000)}${']'.repeat(10_000)}]`],
      ['coordinates nested 10,000 deep', JSON.stringify([{ ...POZYX, data: '\u0001' }]).replace('"\\u0001"', `${'{"coordinates":'.repeat(10_000)}1${'}'.repeat(10_000)}`)],
      ['a megabyte tag id', JSON.stringify({ ...POZYX, tagId: 'T'.repeat(1 << 20) })],
      ['a megabyte floor and motion', JSON.stringify({ ...POZYX, floor: 'F'.repeat(1 << 20), motion: 'M'.repeat(1 << 20) })],
      ['100,000 unknown keys', JSON.stringify({ ...POSITION, ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])) })],
      ['1e999 coordinates', '[{"tagId":"1","timestamp":1772352000,"data":{"coordinates":{"x":1e999,"y":-1e999}}}]'],
      ['50,000 entries, every one broken', `[${Array.from({ length: 50_000 }, () => '{"tagId":null}').join(',')}]`],
    ])('%s', (_name, text) => run(text));

    it('a megabyte topic', () => run('{}', pozyx, `rtls/${'t'.repeat(1 << 20)}`));

    it('a coordinate that overflows once scaled is refused, not a position at Infinity', () => {
      const d = decodeLocationPayload(Buffer.from(JSON.stringify({ ...POSITION, ts: TS_S, x: 1.7e308 })), scaled, 1 << 20);
      expect(d.positions).toEqual([]);
      expect(Object.keys(d.rejected)).toEqual(['not-finite']);
    });
  });
});
