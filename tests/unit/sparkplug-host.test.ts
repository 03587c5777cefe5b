import { describe, expect, it } from 'vitest';
import { checkOutgoing, emptySparkplugStats, PointMap, rebirthCommand, REBIRTH_METRIC, sparkplugAdapterSchema, SparkplugHost, stateMessage, type OutgoingMessage } from '../../adapters/sparkplug/index.js';
import type { HazgateError } from '../../src/core/errors.js';
import type { RawReading } from '../../src/core/sample.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE as T, type SparkplugMetricInput } from '../../src/core/sparkplug-payload.js';
import { FakeTimers } from '../support/fake-timers.js';

const config = sparkplugAdapterSchema.parse({
  kind: 'sparkplug',
  id: 'spb',
  url: 'mqtt://127.0.0.1:1',
  clientId: 'hg',
  hostId: 'hazgate',
  groups: ['Plant1'],
  points: [{ id: 'GT-101', node: 'Edge1', device: 'GasCtl', metric: 'Gas/GT-101/LEL' }, { id: 'TK.LT', node: 'Edge1', metric: 'Tank/Level' }],
});

function host() {
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
  return { h, timers, readings, errors, counted, sent, stats, send, births, rebirths };
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

  it('requests a rebirth for data before a birth, at most once per rebirthInterval per node', () => {
    const t = host();
    t.send('NDATA', undefined, { seq: 7, metrics: [] });
    t.send('NDATA', undefined, { seq: 8, metrics: [] });
    expect(t.rebirths()).toBe(1);
    expect(t.counted).toEqual(['HG_ERR_SPARKPLUG_BEFORE_BIRTH']);
    t.timers.advance(config.rebirthInterval);
    t.send('NDATA', undefined, { seq: 9, metrics: [] });
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
