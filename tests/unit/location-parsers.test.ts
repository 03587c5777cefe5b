import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENTRIES,
  decodeLocationPayload,
  lengthConverter,
  MAX_DETAIL_CHARS,
  MAX_DETAILED,
  parsePozyxEntry,
  quoted,
  rejectionErrors,
  toEpochMs,
  type DecodedLocation,
  type PayloadFormat,
} from '../../adapters/location/index.js';

const TS_S = 1_700_000_000.123;
const TS_MS = 1_700_000_000_123;

const pozyx: PayloadFormat = { format: 'pozyx', toMetres: lengthConverter('mm', undefined), floor: undefined, timeUnit: 'auto' };
const generic: PayloadFormat = { format: 'position', toMetres: lengthConverter('m', undefined), floor: undefined, timeUnit: 'auto' };
const reader: PayloadFormat = { format: 'reader', toMetres: lengthConverter('m', undefined), floor: undefined, timeUnit: 'auto' };

function decode(payload: unknown, format: PayloadFormat, maxBytes = 1_048_576): DecodedLocation {
  return decodeLocationPayload(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), format, maxBytes);
}

function pozyxEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '2.0',
    tagId: '30331',
    timestamp: TS_S,
    success: true,
    data: { coordinates: { x: 12_345, y: -6_789, z: 1_200 }, metrics: { latency: 28, rates: { success: 0.76, update: 1.04 } }, tagData: { blinkIndex: 127 } },
    ...overrides,
  };
}

/** The reasons of a decode's rejections with their indexes, e.g. `wrong-type@1`. */
function reasons(d: DecodedLocation): string[] {
  return d.rejections.map((r) => (r.index === undefined ? r.reason : `${r.reason}@${r.index}`));
}

describe('Pozyx-style positions', () => {
  it('reads millimetres as metres and epoch seconds (with fractions) as ms', () => {
    const d = decode([pozyxEntry()], pozyx);
    expect(d.rejections).toEqual([]);
    expect(d.positions).toEqual([{ tagId: '30331', x: 12.345, y: -6.789, z: 1.2, ts: TS_MS }]);
  });

  it('keeps 1 mm steps exact (divides rather than multiplying by 0.001)', () => {
    for (const mm of [1, 7, 1234, 4350, 99_999, -1]) {
      const d = decode([pozyxEntry({ data: { coordinates: { x: mm, y: 0 } } })], pozyx);
      expect(d.positions[0]?.x).toBe(mm / 1000);
    }
  });

  it('reads a millisecond timestamp too (auto: below 1e11 is seconds)', () => {
    expect(decode([pozyxEntry({ timestamp: TS_MS })], pozyx).positions[0]?.ts).toBe(TS_MS);
    expect(decode([pozyxEntry({ timestamp: 1_615_984_968.8071718 })], pozyx).positions[0]?.ts).toBe(1_615_984_968_807);
  });

  it('counts and skips success: false entries, keeping the rest', () => {
    const failed = { version: '2.0', tagId: '7', timestamp: TS_S, success: false, errorCode: 'NOT_ENOUGH_ANCHORS' };
    const d = decode([failed, pozyxEntry({ tagId: '8' }), failed], pozyx);
    expect(d.noFix).toBe(2);
    expect(d.positions.map((p) => p.tagId)).toEqual(['8']);
    expect(d.rejections).toEqual([]);
  });

  it('takes a single object as well as an array, and a numeric tag id as text', () => {
    expect(decode(pozyxEntry({ tagId: 4711 }), pozyx).positions[0]?.tagId).toBe('4711');
  });

  it('reads battery, floor, SOS and motion where the README says', () => {
    const top = decode([pozyxEntry({ battery: 87, floor: '2F', sos: true, motion: 'still' })], pozyx).positions[0];
    expect(top).toMatchObject({ battery: 87, floor: '2F', sos: true, motion: 'still' });
    const inTagData = decode([pozyxEntry({ data: { coordinates: { x: 0, y: 0 }, tagData: { blinkIndex: 1, button: true, fallen: true } } })], pozyx).positions[0];
    expect(inTagData).toMatchObject({ sos: true, motion: 'fallen' });
    expect(decode([pozyxEntry({ button: false })], pozyx).positions[0]?.sos).toBe(false);
    expect(decode([pozyxEntry({ fallen: false })], pozyx).positions[0]?.motion).toBeUndefined();
    // The top level wins over tagData.
    const both = decode([pozyxEntry({ sos: false, data: { coordinates: { x: 0, y: 0 }, tagData: { sos: true } } })], pozyx).positions[0];
    expect(both?.sos).toBe(false);
    expect(decode([pozyxEntry({ floor: -350 })], pozyx).positions[0]?.floor).toBe('-350');
  });

  it('takes the subscription floor when the payload names none', () => {
    const withFloor: PayloadFormat = { ...pozyx, floor: '-350m level' };
    expect(decode([pozyxEntry()], withFloor).positions[0]?.floor).toBe('-350m level');
    expect(decode([pozyxEntry({ floor: '1F' })], withFloor).positions[0]?.floor).toBe('1F');
  });

  it('ignores fields it does not read (vendor streams carry many)', () => {
    const d = decode([pozyxEntry({ anchorData: [{ anchorId: '1', rss: -80 }], labels: ['x'] })], pozyx);
    expect(d.rejections).toEqual([]);
    expect(d.positions).toHaveLength(1);
  });

  it('refuses bad entries one by one, with their index and reason, and keeps the good ones', () => {
    const d = decode(
      [
        pozyxEntry({ tagId: 'ok-1' }),
        pozyxEntry({ data: { coordinates: { x: 'NaN', y: 0 } } }),
        pozyxEntry({ data: { coordinates: { y: 0 } } }),
        pozyxEntry({ timestamp: 'yesterday' }),
        42,
        pozyxEntry({ battery: 150 }),
        pozyxEntry({ motion: 'running' }),
        pozyxEntry({ sos: 'yes' }),
        pozyxEntry({ tagId: '' }),
        pozyxEntry({ data: 'none' }),
        { timestamp: TS_S, data: { coordinates: { x: 0, y: 0 } } },
        pozyxEntry({ timestamp: 0 }),
        pozyxEntry({ timestamp: 1_700_000_000_123_000 }),
        pozyxEntry({ tagId: 'ok-2' }),
      ],
      pozyx,
    );
    expect(d.positions.map((p) => p.tagId)).toEqual(['ok-1', 'ok-2']);
    expect(reasons(d)).toEqual([
      'wrong-type@1',
      'missing-field@2',
      'bad-timestamp@3',
      'not-an-object@4',
      'bad-value@5',
      'bad-value@6',
      'wrong-type@7',
      'bad-value@8',
      'wrong-type@9',
      'missing-field@10',
    ]);
    // Only the first ten are described (the first of each reason always is); every one is counted.
    expect(d.rejected).toEqual({ 'wrong-type': 3, 'missing-field': 2, 'bad-timestamp': 3, 'not-an-object': 1, 'bad-value': 3 });
    expect(d.rejections[0]?.detail).toBe('tag 30331: data.coordinates.x is a string, expected a number');
    expect(d.rejections[1]?.detail).toBe('tag 30331: has no data.coordinates.x');
  });

  it('refuses infinite coordinates (1e999 parses to Infinity)', () => {
    const d = decode('[{"tagId":"1","timestamp":1700000000,"data":{"coordinates":{"x":1e999,"y":0}}}]', pozyx);
    expect(reasons(d)).toEqual(['not-finite@0']);
    expect(d.positions).toEqual([]);
  });
});

describe('whole payloads', () => {
  it('refuses a payload over maxPayloadBytes before parsing it', () => {
    const huge = Buffer.alloc(2_000, 0x7b);
    const d = decodeLocationPayload(huge, pozyx, 1_000);
    expect(reasons(d)).toEqual(['too-large']);
    expect(d.rejections[0]?.detail).toBe('is 2000 bytes, more than maxPayloadBytes 1000');
  });

  it('refuses what is not JSON (NaN is not JSON either), and JSON that is not objects', () => {
    expect(reasons(decode('{"tagId": "1", x: 2}', generic))).toEqual(['not-json']);
    expect(reasons(decode('[{"tagId":"1","x":NaN,"y":0,"ts":1700000000000}]', generic))).toEqual(['not-json']);
    expect(reasons(decode('42', generic))).toEqual(['not-an-object']);
    expect(reasons(decode('null', generic))).toEqual(['not-an-object']);
    expect(reasons(decode('', generic))).toEqual(['not-json']);
  });

  it('takes an empty array as nothing', () => {
    expect(decode([], pozyx)).toEqual({ positions: [], readerEvents: [], noFix: 0, statuses: [], rejected: {}, rejections: [] });
  });
});

describe('generic positions', () => {
  it('reads metres by default, single or array, with every optional field', () => {
    const one = { tagId: 'T1', x: 12.5, y: 3, z: 1.1, floor: '1F', ts: TS_MS, battery: 55, sos: false, motion: 'moving' };
    expect(decode(one, generic).positions).toEqual([one]);
    expect(decode([one, { tagId: 'T2', x: 0, y: 0, ts: TS_MS }], generic).positions.map((p) => p.tagId)).toEqual(['T1', 'T2']);
  });

  it('converts with the subscription units or scale', () => {
    const cm: PayloadFormat = { ...generic, toMetres: lengthConverter('cm', undefined) };
    expect(decode({ tagId: 'T', x: 1250, y: -5, z: 110, ts: TS_MS }, cm).positions[0]).toMatchObject({ x: 12.5, y: -0.05, z: 1.1 });
    const feet: PayloadFormat = { ...generic, toMetres: lengthConverter('m', 0.3048) };
    expect(decode({ tagId: 'T', x: 10, y: 0, ts: TS_MS }, feet).positions[0]?.x).toBeCloseTo(3.048, 12);
  });

  it('refuses unknown fields (a typo must not pass silently) and names them', () => {
    const d = decode([{ tagId: 'T', x: 1, y: 2, ts: TS_MS, batery: 50 }, { tagId: 'T', X: 1, y: 2, ts: TS_MS }], generic);
    expect(reasons(d)).toEqual(['unknown-field@0', 'unknown-field@1']);
    expect(d.rejections[0]?.detail).toBe('tag T: has unknown field "batery"');
  });

  it('refuses wrong types, NaN-as-text, missing fields and bad times', () => {
    const d = decode(
      [
        { tagId: 'T', x: '1', y: 2, ts: TS_MS },
        { tagId: 'T', x: 'NaN', y: 2, ts: TS_MS },
        { tagId: 'T', y: 2, ts: TS_MS },
        { tagId: 'T', x: 1, y: 2 },
        { tagId: 'T', x: 1, y: 2, ts: '2024-01-01T00:00:00Z' },
        { tagId: 'T', x: 1, y: 2, ts: TS_MS, sos: 1 },
        { tagId: ['T'], x: 1, y: 2, ts: TS_MS },
        { tagId: 'T', x: 1, y: 2, ts: TS_MS, floor: {} },
      ],
      generic,
    );
    expect(reasons(d)).toEqual(['wrong-type@0', 'wrong-type@1', 'missing-field@2', 'missing-field@3', 'bad-timestamp@4', 'wrong-type@5', 'wrong-type@6', 'wrong-type@7']);
    expect(d.positions).toEqual([]);
  });

  it('reads ts in seconds when the subscription says so', () => {
    const seconds: PayloadFormat = { ...generic, timeUnit: 's' };
    expect(decode({ tagId: 'T', x: 0, y: 0, ts: 1_700_000_000 }, seconds).positions[0]?.ts).toBe(1_700_000_000_000);
    // ms read as seconds is far beyond 2100: refused, not silently a date in the year 55,000.
    expect(reasons(decode({ tagId: 'T', x: 0, y: 0, ts: TS_MS }, seconds))).toEqual(['bad-timestamp']);
  });
});

describe('reader events', () => {
  it('reads enter and leave, single or array', () => {
    const d = decode([{ tagId: 'M-17', readerId: 'KJ-350-04', event: 'enter', ts: TS_MS }, { tagId: 17, readerId: 4, event: 'leave', ts: TS_S }], reader);
    expect(d.readerEvents).toEqual([
      { tagId: 'M-17', readerId: 'KJ-350-04', kind: 'enter', ts: TS_MS },
      { tagId: '17', readerId: '4', kind: 'leave', ts: TS_MS },
    ]);
    expect(d.positions).toEqual([]);
  });

  it('refuses unknown events, fields and missing ids', () => {
    const d = decode(
      [
        { tagId: 'M', readerId: 'R', event: 'in', ts: TS_MS },
        { tagId: 'M', readerId: 'R', event: 1, ts: TS_MS },
        { tagId: 'M', event: 'enter', ts: TS_MS },
        { tagId: 'M', readerId: 'R', ts: TS_MS },
        { tagId: 'M', readerId: 'R', event: 'enter', ts: TS_MS, rssi: -70 },
      ],
      reader,
    );
    expect(reasons(d)).toEqual(['bad-value@0', 'wrong-type@1', 'missing-field@2', 'missing-field@3', 'unknown-field@4']);
  });
});

describe('rejection errors', () => {
  it('gives one coded error per reason per message, naming the first and counting the rest', () => {
    const d = decode([{ tagId: 'A', x: '1', y: 0, ts: TS_MS }, { tagId: 'B', x: '2', y: 0, ts: TS_MS }, { tagId: 'C', x: 0, y: 0, ts: 1 }, { tagId: 'D', x: 0, y: 0, ts: 5 }], generic);
    const errors = rejectionErrors('uwb', 'site/uwb', d);
    expect(errors.map((e) => [e.code, e.details['reason'], e.details['count']])).toEqual([
      ['HG_ERR_INGEST_MALFORMED', 'wrong-type', 2],
      ['HG_ERR_INGEST_BAD_TIMESTAMP', 'bad-timestamp', 2],
    ]);
    expect(errors[0]?.message).toBe('location uwb: payload on "site/uwb" [0] tag A: x is a string, expected a number (and 1 more entry for the same reason)');
    expect(errors[0]?.details['indexes']).toEqual([0, 1]);
  });

  it('codes too-large, not-json and not-finite with their own catalogue codes', () => {
    const big = rejectionErrors('uwb', 't', decodeLocationPayload(Buffer.alloc(10), pozyx, 5));
    expect(big.map((e) => e.code)).toEqual(['HG_ERR_INGEST_TOO_LARGE']);
    expect(big[0]?.details).toEqual({ adapter: 'uwb', topic: 't', reason: 'too-large', count: 1 });
    expect(rejectionErrors('uwb', 't', decode('{', pozyx)).map((e) => e.code)).toEqual(['HG_ERR_INGEST_MALFORMED']);
    expect(rejectionErrors('uwb', 't', decode('[{"tagId":"1","x":-1e999,"y":0,"ts":1700000000000}]', generic)).map((e) => e.code)).toEqual(['HG_ERR_INGEST_NOT_FINITE']);
  });
});

describe('timestamps', () => {
  it.each([
    [1_700_000_000, 'auto', 1_700_000_000_000],
    [1_700_000_000.5, 'auto', 1_700_000_000_500],
    [1_700_000_000_000, 'auto', 1_700_000_000_000],
    [1_700_000_000, 's', 1_700_000_000_000],
    [1_700_000_000_000, 'ms', 1_700_000_000_000],
    [946_684_800, 'auto', 946_684_800_000],
  ] as const)('%d (%s) is %d ms', (value, unit, ms) => {
    expect(toEpochMs(value, unit)).toBe(ms);
  });

  it.each([
    [0, 'auto'],
    [946_684_799, 'auto'],
    [1_700_000_000, 'ms'],
    [4_102_444_800_000, 'auto'],
    [Number.NaN, 'auto'],
    [Number.POSITIVE_INFINITY, 'ms'],
  ] as const)('%d (%s) is not a time', (value, unit) => {
    expect(toEpochMs(value, unit)).toBeUndefined();
  });
});

describe('limits: a message of garbage cannot hold the event loop or the log', () => {
  it('reads at most maxEntries entries, refuses the rest with one rejection, and describes only the first refusals', () => {
    const garbage = `[${Array.from({ length: 260_000 }, () => '0').join(',')}]`;
    const started = performance.now();
    const d = decodeLocationPayload(Buffer.from(garbage), pozyx, 1_048_576);
    const ms = performance.now() - started;
    expect(d.rejected).toEqual({ 'not-an-object': DEFAULT_MAX_ENTRIES, 'too-many-entries': 260_000 - DEFAULT_MAX_ENTRIES });
    expect(reasons(d)).toEqual([...Array.from({ length: MAX_DETAILED }, (_, i) => `not-an-object@${i}`), `too-many-entries@${DEFAULT_MAX_ENTRIES}`]);
    // Was about 1.3 s with an error text per entry; generous bound for a loaded CI machine.
    expect(ms).toBeLessThan(500);
    const errors = rejectionErrors('uwb', 'tags', d);
    expect(errors.map((e) => [e.code, e.details['reason'], e.details['count']])).toEqual([
      ['HG_ERR_INGEST_MALFORMED', 'not-an-object', DEFAULT_MAX_ENTRIES],
      ['HG_ERR_INGEST_TOO_LARGE', 'too-many-entries', 250_000],
    ]);
    expect(errors[1]?.message).toBe(`location uwb: payload on "tags" [10000] has 260000 entries, more than maxEntries 10000: the last 250000 were not read`);
  });

  it('takes maxEntries from the caller', () => {
    const d = decodeLocationPayload(Buffer.from(JSON.stringify([pozyxEntry({ tagId: 'a' }), pozyxEntry({ tagId: 'b' }), pozyxEntry({ tagId: 'c' })])), pozyx, 1_048_576, 2);
    expect(d.positions.map((p) => p.tagId)).toEqual(['a', 'b']);
    expect(d.rejected).toEqual({ 'too-many-entries': 1 });
  });

  it('describes the first refusal of every reason even after the first ten', () => {
    const entries = [...Array.from({ length: 12 }, () => 7), { tagId: 'T', x: 0, y: 0, ts: 1 }];
    const d = decode(entries, generic);
    expect(reasons(d)).toEqual([...Array.from({ length: 10 }, (_, i) => `not-an-object@${i}`), 'bad-timestamp@12']);
    expect(d.rejected).toEqual({ 'not-an-object': 12, 'bad-timestamp': 1 });
  });

  it('cuts what a refusal quotes of the payload', () => {
    const longKey = 'k'.repeat(5_000);
    const d = decode(
      [
        { tagId: 'T', x: 0, y: 0, ts: TS_MS, [longKey]: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 },
        { tagId: 'M', readerId: 'R', event: 'e'.repeat(5_000), ts: TS_MS },
        { tagId: 'M', readerId: 'R', event: { nested: ['x'.repeat(5_000)] }, ts: TS_MS },
      ],
      generic,
    );
    expect(d.rejections[0]?.detail).toBe(`tag T: has unknown fields "${'k'.repeat(40)}…", "b", "c", "d", "e" and 2 more`);
    const r = decode([{ tagId: 'M', readerId: 'R', event: 'e'.repeat(5_000), ts: TS_MS }, { tagId: 'M', readerId: 'R', event: { nested: ['x'.repeat(5_000)] }, ts: TS_MS }], reader);
    expect(r.rejections.map((x) => x.detail)).toEqual([`tag M: event "${'e'.repeat(40)}…" is not "enter" or "leave"`, 'tag M: event an object is not "enter" or "leave"']);
    for (const x of [...d.rejections, ...r.rejections]) expect(x.detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    expect(quoted('x'.repeat(100))).toHaveLength(43);
  });
});

describe('Pozyx entries without a fix that carry the tag state', () => {
  it('are counted as no-fix and handed over as tag states: time, button, motion, battery, floor; no position', () => {
    const d = decode(
      [
        { tagId: 'S1', timestamp: TS_S, success: false, sos: true, battery: 40, floor: '2F', motion: 'still' },
        { tagId: 'S2', timestamp: TS_S, success: false, data: { tagData: { button: true } } },
        { tagId: 'S3', timestamp: TS_S, success: false, sos: false },
        { tagId: 'F', timestamp: TS_S, success: false, data: { tagData: { fallen: true } } },
        { tagId: 'B', timestamp: TS_S, success: false, battery: 7 },
        { tagId: 'N', timestamp: TS_S, success: false, errorCode: 'NOT_ENOUGH_ANCHORS', floor: '1F' },
      ],
      pozyx,
    );
    expect(d.noFix).toBe(6);
    expect(d.positions).toEqual([]);
    expect(d.statuses).toEqual([
      { tagId: 'S1', ts: TS_MS, sos: true, battery: 40, floor: '2F', motion: 'still' },
      { tagId: 'S2', ts: TS_MS, sos: true },
      { tagId: 'S3', ts: TS_MS, sos: false },
      { tagId: 'F', ts: TS_MS, motion: 'fallen' },
      { tagId: 'B', ts: TS_MS, battery: 7 },
    ]);
    expect(d.rejections).toEqual([]);
  });

  it('need a usable time and fields when they carry a state (a plain no-fix entry is not checked further)', () => {
    const d = decode(
      [
        { tagId: 'S', timestamp: 'now', success: false, sos: true },
        { tagId: 'S', success: false, sos: 'yes' },
        { tagId: 'S', timestamp: TS_S, success: false, battery: 140 },
        { tagId: 'N', timestamp: 'now', success: false, data: 'none' },
      ],
      pozyx,
    );
    expect(reasons(d)).toEqual(['bad-timestamp@0', 'wrong-type@1', 'bad-value@2']);
    expect(d.noFix).toBe(1);
    expect(parsePozyxEntry({ tagId: 'N', success: false }, pozyx)).toEqual({ kind: 'no-fix', status: undefined });
  });
});
