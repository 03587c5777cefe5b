import { describe, expect, it } from 'vitest';
import { checkOutgoing, emptySparkplugStats, PointMap, rebirthCommand, REBIRTH_METRIC, sparkplugAdapterSchema, SparkplugHost, stateMessage, type OutgoingMessage } from '../../adapters/sparkplug/index.js';
import type { HazgateError } from '../../src/core/errors.js';
import type { RawReading } from '../../src/core/sample.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE as T, type SparkplugMetricInput } from '../../src/core/sparkplug-payload.js';
import { FakeTimers } from '../support/fake-timers.js';

const base = {
  kind: 'sparkplug',
  id: 'spb',
  url: 'mqtt://127.0.0.1:1',
  clientId: 'hg',
  hostId: 'hazgate',
  groups: ['Plant1'],
  points: [{ id: 'GT-101', node: 'Edge1', device: 'GasCtl', metric: 'Gas/GT-101/LEL' }, { id: 'TK.LT', node: 'Edge1', metric: 'Tank/Level' }],
};
const config = sparkplugAdapterSchema.parse(base);

function host(overrides: Record<string, unknown> = {}) {
  const config = sparkplugAdapterSchema.parse({ ...base, ...overrides });
  const timers = new FakeTimers();
  const readings: RawReading[] = [];
  const errors: HazgateError[] = [];
  const counted: string[] = [];
  const sent: OutgoingMessage[] = [];
  const stats = emptySparkplugStats();
  const h = new SparkplugHost(
    { config, stats, pointMap: new PointMap(config.points, config.point), clock: { now: () => 1_700_000_000_000 + timers.now }, timers },
    { emit: (r) => readings.push(r), report: (e) => errors.push(e), count: (c) => counted.push(c), publish: (m) => sent.push(m) },
  );
  const send = (type: string, device: string | undefined, payload: { seq?: number; metrics: SparkplugMetricInput[]; timestamp?: number }): void =>
    h.handleMessage(`spBv1.0/Plant1/${type}/Edge1${device === undefined ? '' : `/${device}`}`, encodeSparkplugPayload({ timestamp: 1_700_000_000_000, ...payload }));
  const births = (bdSeq: number, alias = 1): void => {
    send('NBIRTH', undefined, { seq: 0, metrics: [{ name: 'bdSeq', datatype: T.Int64, value: bdSeq }, { name: 'Tank/Level', alias: 100, datatype: T.Float, value: 60 }] });
    send('DBIRTH', 'GasCtl', { seq: 1, metrics: [{ name: 'Gas/GT-101/LEL', alias, datatype: T.Double, value: 1.5 }] });
  };
  const rebirths = (): number => sent.filter((m) => m.topic === 'spBv1.0/Plant1/NCMD/Edge1').length;
  return { h, config, timers, readings, errors, counted, sent, stats, send, births, rebirths };
}

const gas = (alias: number, value: number, extra: Partial<SparkplugMetricInput> = {}): SparkplugMetricInput => ({ alias, datatype: T.Double, value, timestamp: 1_700_000_000_500, ...extra });

describe('Sparkplug host logic', () => {
  it('takes births, then data by alias, with device time as source time', () => {
    const t = host();
    t.births(0);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 27.5)] });
    expect(t.readings.map((r) => [r.pointId, r.value])).toEqual([['TK.LT', 60], ['GT-101', 1.5], ['GT-101', 27.5]]);
    expect(t.readings[2]).toMatchObject({ source: 'spb', ts: 1_700_000_000_500, tsSource: 'device', origin: 'spBv1.0/Plant1/DDATA/Edge1/GasCtl' });
    expect(t.stats).toMatchObject({ births: 2, readings: 3 });
    expect(t.stats.skipped.unmapped).toBe(1); // bdSeq
    expect(t.errors).toEqual([]);
  });

  it('re-maps aliases at a rebirth: the old alias is unknown, the new one feeds the point', () => {
    const t = host();
    t.births(0, 1);
    t.births(0, 42);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(42, 30)] });
    expect(t.readings.at(-1)).toMatchObject({ pointId: 'GT-101', value: 30 });
    t.send('DDATA', 'GasCtl', { seq: 3, metrics: [gas(1, 99)] });
    expect(t.readings.at(-1)?.value).toBe(30);
    expect(t.stats.unknownAliases).toBe(1);
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_UNKNOWN_ALIAS']);
    expect(t.rebirths()).toBe(1);
  });

  it('marks the node and its devices bad (comm-lost) on an NDEATH with the birth\'s bdSeq, and ignores one with an older bdSeq', () => {
    const t = host();
    t.births(5);
    t.send('NDEATH', undefined, { metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 4 }] });
    expect(t.stats).toMatchObject({ deaths: 0, staleDeaths: 1 });
    expect(t.readings.every((r) => r.quality === undefined)).toBe(true);
    t.send('NDEATH', undefined, { metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 5 }] });
    const stale = t.readings.filter((r) => r.quality?.reason === 'comm-lost');
    expect(stale.map((r) => [r.pointId, r.value, r.quality?.level])).toEqual([['TK.LT', 60, 'bad'], ['GT-101', 1.5, 'bad']]);
    expect(t.stats).toMatchObject({ deaths: 1, staleMarks: 2 });
    // Back on the next birth, good again.
    t.births(6);
    expect(t.readings.at(-1)).toMatchObject({ pointId: 'GT-101', value: 1.5 });
    expect(t.readings.at(-1)?.quality).toBeUndefined();
  });

  it('marks only the device on a DDEATH', () => {
    const t = host();
    t.births(0);
    t.send('DDEATH', 'GasCtl', { seq: 2, metrics: [] });
    expect(t.readings.filter((r) => r.quality !== undefined).map((r) => r.pointId)).toEqual(['GT-101']);
    t.send('DDATA', 'GasCtl', { seq: 3, metrics: [gas(1, 3)] });
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_BEFORE_BIRTH']);
  });

  it('requests a rebirth for data before a birth, at most once per rebirthInterval per node: one needed sooner waits for it', () => {
    const t = host();
    t.send('NDATA', undefined, { seq: 7, metrics: [] });
    t.send('NDATA', undefined, { seq: 8, metrics: [] });
    t.send('NDATA', undefined, { seq: 9, metrics: [] });
    expect(t.rebirths()).toBe(1);
    // The second need is deferred (reported), the third finds it deferred already (counted only).
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_BEFORE_BIRTH', 'HG_ERR_SPARKPLUG_BEFORE_BIRTH']);
    expect(t.counted).toEqual(['HG_ERR_SPARKPLUG_BEFORE_BIRTH']);
    t.timers.advance(config.rebirthInterval - 1);
    expect(t.rebirths()).toBe(1);
    t.timers.advance(1);
    expect(t.rebirths()).toBe(2);
    t.timers.advance(config.rebirthInterval * 3);
    expect(t.rebirths()).toBe(2);
    expect(t.stats.rebirths['before-birth']).toBe(2);
    const command = decodeSparkplugPayload(t.sent[0]?.payload ?? new Uint8Array());
    expect(command.metrics).toMatchObject([{ name: REBIRTH_METRIC, booleanValue: true }]);
    expect(t.readings).toEqual([]);
  });

  it('on a seq gap waits reorderTimeout, then takes the held data and requests a rebirth; a late arrival within it requests none', () => {
    const t = host();
    t.births(0);
    t.send('DDATA', 'GasCtl', { seq: 3, metrics: [gas(1, 20)] });
    t.timers.advance(1000);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 10)] });
    expect(t.readings.slice(-2).map((r) => r.value)).toEqual([10, 20]);
    t.timers.advance(5000);
    expect(t.rebirths()).toBe(0);
    t.send('DDATA', 'GasCtl', { seq: 5, metrics: [gas(1, 50)] });
    t.timers.advance(1999);
    expect(t.rebirths()).toBe(0);
    t.timers.advance(1);
    expect(t.rebirths()).toBe(1);
    expect(t.readings.at(-1)?.value).toBe(50);
    expect(t.stats.seqGaps).toBe(1);
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_SEQ_GAP']);
  });

  it('never lets a historical metric overwrite a live value: counted and dropped', () => {
    const t = host();
    t.births(0);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 80, { isHistorical: true, timestamp: 1_600_000_000_000 }), gas(1, 2)] });
    expect(t.readings.filter((r) => r.pointId === 'GT-101').map((r) => r.value)).toEqual([1.5, 2]);
    expect(t.stats.skipped.historical).toBe(1);
  });

  it('reports garbage payloads and topics with their codes and goes on', () => {
    const t = host();
    t.h.handleMessage('spBv1.0/Plant1/NDATA/Edge1', Uint8Array.from([0x0a, 0xff]));
    t.h.handleMessage('spBv1.0/Plant1/BOGUS/Edge1', new Uint8Array());
    t.h.handleMessage('spBv1.0/Plant1/DDATA/Edge1', new Uint8Array());
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_DECODE', 'HG_ERR_SPARKPLUG_TOPIC', 'HG_ERR_SPARKPLUG_TOPIC']);
    expect(t.stats.decodeErrors).toBe(1);
    t.births(0);
    expect(t.readings).toHaveLength(2);
  });
});

const node = (name: string): string => `spBv1.0/Plant1/NCMD/${name}`;
const nbirth = (t: ReturnType<typeof host>, name: string, metrics: SparkplugMetricInput[] = []): void =>
  t.h.handleMessage(`spBv1.0/Plant1/NBIRTH/${name}`, encodeSparkplugPayload({ seq: 0, metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 0 }, ...metrics] }));
const ndata = (t: ReturnType<typeof host>, name: string, seq: number): void => t.h.handleMessage(`spBv1.0/Plant1/NDATA/${name}`, encodeSparkplugPayload({ seq, metrics: [] }));

describe('Sparkplug host: rebirths that must not be lost (#14 finding 9)', () => {
  it('a gap found inside rebirthInterval after an earlier request still gets its rebirth, when the interval allows', () => {
    const t = host();
    t.send('DDATA', 'GasCtl', { seq: 9, metrics: [gas(1, 5)] }); // before any birth: rebirth at t0
    expect(t.rebirths()).toBe(1);
    t.timers.advance(50);
    t.births(0);
    t.timers.advance(50);
    t.send('DDATA', 'GasCtl', { seq: 3, metrics: [gas(1, 20)] }); // seq 2 lost
    t.timers.advance(config.reorderTimeout); // gap given up at t0+2.1 s < rebirthInterval
    expect(t.stats.seqGaps).toBe(1);
    expect(t.rebirths()).toBe(1);
    t.timers.advance(config.rebirthInterval - 100 - config.reorderTimeout - 1);
    expect(t.rebirths()).toBe(1);
    t.timers.advance(1); // t0 + rebirthInterval
    expect(t.rebirths()).toBe(2);
    expect(t.stats.rebirths).toMatchObject({ 'before-birth': 1, 'seq-gap': 1 });
  });

  it('a birth arriving after the need arose answers the deferred request: none is sent', () => {
    const t = host();
    ndata(t, 'Edge1', 1);
    t.timers.advance(100);
    ndata(t, 'Edge1', 2); // deferred
    t.timers.advance(100);
    t.births(0);
    t.timers.advance(config.rebirthInterval * 2);
    expect(t.rebirths()).toBe(1);
  });
});

describe('Sparkplug host: memory and rate bounds (#14 finding 11)', () => {
  it('past maxNodes forgets a node never born to make room, and drops a newcomer when every node is alive', () => {
    const t = host({ maxNodes: 2 });
    nbirth(t, 'A');
    ndata(t, 'B', 1); // B never born
    ndata(t, 'C', 1); // B is forgotten for C
    expect(t.stats.limited['node-forgotten']).toBe(1);
    expect(t.h.nodeCount).toBe(2);
    nbirth(t, 'C');
    ndata(t, 'D', 1); // A and C alive: D dropped, no NCMD for it
    expect(t.stats.limited['max-nodes']).toBe(1);
    expect(t.sent.map((m) => m.topic)).toEqual([node('B'), node('C')]);
    expect(t.h.nodeCount).toBe(2);
  });

  it('keeps no state for the death of a node never seen', () => {
    const t = host();
    t.h.handleMessage('spBv1.0/Plant1/NDEATH/Ghost', encodeSparkplugPayload({ metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 0 }] }));
    expect(t.h.nodeCount).toBe(0);
    expect(t.stats.staleDeaths).toBe(1);
  });

  it('sends at most maxRebirthsPerSecond rebirth requests over all nodes; the others wait their turn, none is lost', () => {
    const t = host({ maxRebirthsPerSecond: 2 });
    for (const n of ['A', 'B', 'C', 'D', 'E']) ndata(t, n, 1);
    expect(t.sent).toHaveLength(2);
    expect(t.stats.limited['rebirth-rate']).toBe(3);
    t.timers.advance(500);
    expect(t.sent).toHaveLength(3);
    t.timers.advance(1000);
    expect(t.sent.map((m) => m.topic).sort()).toEqual(['A', 'B', 'C', 'D', 'E'].map(node));
  });

  it('drops a new device past maxDevicesPerNode and new points past maxValuesPerNode, counted', () => {
    const t = host({ maxDevicesPerNode: 1, maxValuesPerNode: 2, point: '{metric}' });
    nbirth(t, 'Edge1', [{ name: 'A', datatype: T.Double, value: 1 }, { name: 'B', datatype: T.Double, value: 2 }, { name: 'C', datatype: T.Double, value: 3 }]);
    expect(t.readings.map((r) => r.pointId)).toEqual(['A', 'B']);
    expect(t.stats.limited['max-values']).toBe(1);
    t.send('DBIRTH', 'D1', { seq: 1, metrics: [] });
    t.send('DBIRTH', 'D2', { seq: 2, metrics: [{ name: 'X', datatype: T.Double, value: 1 }] });
    expect(t.stats.limited['max-devices']).toBe(1);
    expect(t.stats.births).toBe(2);
  });

  it('keeps no last value for an unmapped metric', () => {
    const t = host();
    t.send('NBIRTH', undefined, { seq: 0, metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 0 }, { name: 'Unmapped', datatype: T.Double, value: 1 }] });
    t.send('NDEATH', undefined, { metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 0 }] });
    expect(t.readings).toEqual([]);
    expect(t.stats.staleMarks).toBe(0);
  });
});

describe('Sparkplug host: stale points at a rebirth (#14 finding 12)', () => {
  it('an NBIRTH makes the points of devices born before stale until their DBIRTH, and node metrics it no longer declares stale', () => {
    const t = host();
    t.births(0);
    t.readings.length = 0;
    t.send('NBIRTH', undefined, { seq: 0, metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 1 }] });
    expect(t.readings.map((r) => [r.pointId, r.value, r.quality])).toEqual([
      ['GT-101', 1.5, { level: 'bad', reason: 'stale' }],
      ['TK.LT', 60, { level: 'bad', reason: 'stale' }],
    ]);
    t.send('DBIRTH', 'GasCtl', { seq: 1, metrics: [{ name: 'Gas/GT-101/LEL', alias: 1, datatype: T.Double, value: 2 }] });
    expect(t.readings.at(-1)).toMatchObject({ pointId: 'GT-101', value: 2 });
    expect(t.readings.at(-1)?.quality).toBeUndefined();
    // TK.LT is no longer tracked: a death does not mark it again.
    t.send('NDEATH', undefined, { metrics: [{ name: 'bdSeq', datatype: T.Int64, value: 1 }] });
    expect(t.readings.filter((r) => r.quality?.reason === 'comm-lost').map((r) => r.pointId)).toEqual(['GT-101']);
  });
});

describe('Sparkplug host: seq out of step (#14 finding 13)', () => {
  it('a jump of 128 or more is a loss of sync: dropped, counted, and a rebirth is requested; a recent duplicate is only late', () => {
    const t = host();
    t.births(0);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 3)] });
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 3)] });
    expect(t.stats).toMatchObject({ seqLate: 1, seqDesync: 0 });
    expect(t.rebirths()).toBe(0);
    t.send('DDATA', 'GasCtl', { seq: 140, metrics: [gas(1, 99)] });
    expect(t.stats).toMatchObject({ seqLate: 1, seqDesync: 1 });
    expect(t.stats.rebirths['seq-desync']).toBe(1);
    expect(t.rebirths()).toBe(1);
    expect(t.readings.at(-1)?.value).toBe(3);
    expect(t.errors.map((e) => e.code)).toEqual(['HG_ERR_SPARKPLUG_SEQ_GAP']);
  });
});

describe('Sparkplug host: null values and the Quality property (#14 finding 14)', () => {
  it('a null metric makes its point bad (null-value) with the last value; Quality BAD and STALE are bad, GOOD is good, others uncertain', () => {
    const t = host();
    t.births(0);
    t.send('DDATA', 'GasCtl', { seq: 2, metrics: [gas(1, 0, { isNull: true })] });
    expect(t.readings.at(-1)).toMatchObject({ pointId: 'GT-101', value: 1.5, quality: { level: 'bad', reason: 'null-value' } });
    expect(t.stats.nullValues).toBe(1);
    const qualities: [number, unknown][] = [[500, { level: 'bad', reason: 'stale' }], [0, { level: 'bad', reason: 'device' }], [192, undefined], [7, { level: 'uncertain', reason: 'device-quality-unrecognised' }]];
    qualities.forEach(([code, quality], i) => {
      t.send('DDATA', 'GasCtl', { seq: 3 + i, metrics: [gas(1, 10 + i, { quality: code })] });
      expect(t.readings.at(-1)).toMatchObject({ pointId: 'GT-101', value: 10 + i });
      expect(t.readings.at(-1)?.quality, String(code)).toEqual(quality);
    });
  });
});

describe('what the host may publish', () => {
  it('lets its STATE and NCMD Rebirth through and refuses every other command (hazgate never writes to the plant)', () => {
    expect(() => checkOutgoing(stateMessage('hazgate', true, 1), 'hazgate')).not.toThrow();
    expect(() => checkOutgoing(rebirthCommand('G', 'N', 1), 'hazgate')).not.toThrow();
    const write = (topic: string, metrics: SparkplugMetricInput[]): OutgoingMessage => ({ topic, payload: encodeSparkplugPayload({ metrics }), qos: 0, retain: false });
    const refused = [
      write('spBv1.0/G/DCMD/N/D', [{ name: 'Valve/Open', datatype: T.Boolean, value: true }]),
      write('spBv1.0/G/NCMD/N', [{ name: 'Setpoint', datatype: T.Double, value: 5 }]),
      write('spBv1.0/G/NCMD/N', [{ name: REBIRTH_METRIC, datatype: T.Boolean, value: true }, { name: 'Setpoint', datatype: T.Double, value: 5 }]),
      write('spBv1.0/G/NCMD/N', [{ name: REBIRTH_METRIC, datatype: T.Boolean, value: false }]),
      write('spBv1.0/STATE/someone-else', []),
      write('plant/valve', []),
    ];
    for (const m of refused) expect(() => checkOutgoing(m, 'hazgate'), m.topic).toThrow(expect.objectContaining({ code: 'HG_ERR_SPARKPLUG_COMMAND_REFUSED' }) as Error);
  });
});
