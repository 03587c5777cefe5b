import { describe, expect, it } from 'vitest';
import type { FeedMessage } from '../../src/core/index.js';
import { checkKjLayout, decodeKjBatch, encodeKjBatch, escapeKjValue, KJ_ALARM_LAYOUT, KJ_REALTIME_LAYOUT, kjBatchesOf, localDateTime, type KjTableLayout } from '../../src/uplink/index.js';

/** The coal-mine networking text format: header, fields, record and batch ends, separators in values. */

const T0 = Date.UTC(2026, 10, 28, 1, 2, 3); // 09:02:03 in China
const batch = { site: 'mine-7', time: T0 };

describe('KJ encoding', () => {
  it('writes KJ;<table>| then ;-separated fields, ~ after each record and ‖ at the end', () => {
    const layout: KjTableLayout = { table: 'TEST', fields: [{ name: 'a', from: 'a' }, { name: 'b', from: 'b', format: 'number', decimals: 2 }, { name: 'const', from: '=X1' }] };
    expect(encodeKjBatch(layout, [{ a: 'p1', b: 1 }, { a: 'p2', b: 2.345 }], batch)).toBe('KJ;TEST|p1;1.00;X1~p2;2.35;X1~‖');
    expect(encodeKjBatch(layout, [], batch)).toBe('KJ;TEST|‖');
    expect(encodeKjBatch(layout, [{ a: 'p' }], batch, { database: 'YT' })).toBe('YT;TEST|p;;X1~‖');
  });

  it('round-trips values holding every separator, the escape and line breaks', () => {
    const nasty = ['a;b', 'c|d', 'e~f', 'g‖h', 'back\\slash', 'two\nlines\r', ';|~‖\\', '', '中文 测点'];
    const layout: KjTableLayout = { table: 'ESC', fields: nasty.map((_, i) => ({ name: `f${i}`, from: `f${i}` })) };
    const record = Object.fromEntries(nasty.map((v, i) => [`f${i}`, v]));
    const text = encodeKjBatch(layout, [record, record], batch);
    // No separator survives unescaped inside a value: two records, one batch end.
    expect(text.match(/(?<!\\)~/g)).toHaveLength(2);
    expect(text.match(/(?<!\\)‖/g)).toHaveLength(1);
    expect(text.endsWith('~‖')).toBe(true);
    expect(decodeKjBatch(text)).toEqual({ database: 'KJ', table: 'ESC', records: [nasty, nasty] });
    expect(escapeKjValue('1;2')).toBe('1\\;2');
  });

  it('formats datetimes at a fixed offset, numbers, integers, booleans, maps, defaults and $batch paths', () => {
    expect(localDateTime(T0, 480)).toBe('2026-11-28 09:02:03');
    expect(localDateTime(T0, 0)).toBe('2026-11-28 01:02:03');
    const layout: KjTableLayout = {
      table: 'FMT',
      fields: [
        { name: 't', from: 'ts', format: 'datetime' },
        { name: 'i', from: 'n', format: 'integer' },
        { name: 'b', from: 'flag', format: 'bool' },
        { name: 'q', from: 'quality', map: { good: '0', bad: '2' } },
        { name: 'missing', from: 'nothing.here', default: '-' },
        { name: 'bad number', from: 's', format: 'number', default: 'NaN?' },
        { name: 'site', from: '$batch.site' },
        { name: 'sent', from: '$batch.time', format: 'datetime' },
      ],
    };
    const text = encodeKjBatch(layout, [{ ts: T0, n: 2.6, flag: true, quality: 'bad', s: 'x' }], batch, { utcOffsetMinutes: 480 });
    expect(text).toBe('KJ;FMT|2026-11-28 09:02:03;3;1;2;-;NaN?;mine-7;2026-11-28 09:02:03~‖');
  });

  it('refuses a layout with every problem listed', () => {
    const bad = { table: 'no spaces', fields: [{ name: 'x', from: 'a..b' }, { name: 'y', from: 'v', format: 'hex' as never, decimals: -1 }] };
    expect(() => checkKjLayout(bad)).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_KJ_LAYOUT', details: expect.objectContaining({ problems: expect.arrayContaining([expect.stringContaining('table'), expect.stringContaining('"a..b"'), expect.stringContaining('hex'), expect.stringContaining('decimals')]) }) }));
    expect(() => checkKjLayout({ table: 'EMPT', fields: [] })).toThrow(/no fields/);
    expect(checkKjLayout(KJ_REALTIME_LAYOUT)).toBe(KJ_REALTIME_LAYOUT);
    expect(checkKjLayout(KJ_ALARM_LAYOUT)).toBe(KJ_ALARM_LAYOUT);
  });

  it('turns feed messages into real-time and alarm batches with the default (unverified) layouts', () => {
    const transition = { eventId: 'ev-1', pointId: 'CH4-T1', level: 'ALARM', priority: 1, state: 'active-unacked', value: 1.2, time: T0, message: 'T1 CH4 1.2 %; power off', codes: { enterpriseCode: '140000001' } };
    const messages: FeedMessage[] = [
      { v: 1, id: 'mine-7:1', site: 'mine-7', seq: 1, kind: 'snapshot', time: T0, body: { values: [{ pointId: 'CH4-T1', value: 0.42, quality: 'good', ts: T0, unit: '%', codes: { enterpriseCode: '140000001' } }] } },
      { v: 1, id: 'mine-7:2', site: 'mine-7', seq: 2, kind: 'journal', time: T0, body: { seq: 1, record: JSON.stringify(transition), hash: null } },
      { v: 1, id: 'mine-7:3', site: 'mine-7', seq: 3, kind: 'head', time: T0, body: { seq: 1, hash: 'hazgate-journal-v1' } },
    ];
    expect(kjBatchesOf(messages)).toEqual([
      'KJ;AQSS|140000001;CH4-T1;0.42;%;0;2026-11-28 09:02:03~‖',
      'KJ;AQBJ|140000001;CH4-T1;ev-1;ALARM;1;active-unacked;1.2;2026-11-28 09:02:03;T1 CH4 1.2 %\\; power off~‖',
    ]);
    expect(kjBatchesOf(messages, { realtime: null, alarm: KJ_ALARM_LAYOUT })).toHaveLength(1);
  });
});
