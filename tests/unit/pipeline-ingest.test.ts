import { describe, expect, it } from 'vitest';
import { HazgateError, type HazgateError as HgError, type Logger, type Point, type Sample } from '../../src/core/index.js';
import { Ingest, LiveValueCache, ThrottledErrorLog } from '../../src/pipeline/index.js';

const points: Point[] = [{ id: 'P1', kind: 'level', type: 'number', attrs: {} }];

describe('Ingest', () => {
  it('passes samples on and counts refusals by code', () => {
    const samples: Sample[] = [];
    const refused: HgError[] = [];
    let now = 1_800_000_000_000;
    const ingest = new Ingest({ points, clock: { now: () => now }, maxFutureMs: 1000, onSample: (s) => samples.push(s), onReject: (e) => refused.push(e) });
    ingest.accept({ source: 'a', pointId: 'P1', value: 4 });
    ingest.accept({ source: 'a', pointId: 'P2', value: 4 });
    ingest.accept({ source: 'a', pointId: 'P1', value: 'x' });
    now += 5;
    ingest.refuse(new HazgateError('HG_ERR_INGEST_MALFORMED', 'bad json'));
    ingest.accept({ source: 'a', pointId: 'P2', value: 1 });
    expect(samples).toEqual([expect.objectContaining({ pointId: 'P1', value: 4, rts: 1_800_000_000_000 })]);
    expect(ingest.stats).toMatchObject({ readings: 4, samples: 1 });
    expect(Object.fromEntries(ingest.stats.rejected)).toEqual({ HG_ERR_INGEST_UNKNOWN_POINT: 2, HG_ERR_INGEST_WRONG_TYPE: 1, HG_ERR_INGEST_MALFORMED: 1 });
    expect(refused.map((e) => e.code)).toHaveLength(4);
  });
});

describe('LiveValueCache', () => {
  it('keeps the newest sample even when an older one arrives late', () => {
    const cache = new LiveValueCache();
    const s = (ts: number, value: number): Sample => ({ pointId: 'P1', value, ts, rts: ts, tsSource: 'device', quality: { level: 'good' } });
    cache.put(s(2000, 2));
    cache.put(s(1000, 1));
    expect(cache.get('P1')?.value).toBe(2);
    cache.put(s(3000, 3));
    expect(cache.get('P1')?.value).toBe(3);
  });
});

describe('ThrottledErrorLog', () => {
  it('logs the first of a code per window and summarises the rest', () => {
    const lines: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_o, m) => lines.push(m ?? ''), child: () => logger };
    let t = 0;
    const log = new ThrottledErrorLog(logger, 10_000, () => t);
    const e = (code: 'HG_ERR_INGEST_MALFORMED' | 'HG_ERR_INGEST_UNKNOWN_POINT', m: string) => new HazgateError(code, m);
    log.report(e('HG_ERR_INGEST_MALFORMED', 'first'));
    log.report(e('HG_ERR_INGEST_MALFORMED', 'second'));
    log.report(e('HG_ERR_INGEST_MALFORMED', 'third'));
    log.report(e('HG_ERR_INGEST_UNKNOWN_POINT', 'other code'));
    t = 10_000;
    log.report(e('HG_ERR_INGEST_MALFORMED', 'next window'));
    expect(lines).toEqual(['first', 'other code', '2 more HG_ERR_INGEST_MALFORMED in the last 10 s', 'next window']);
  });
});
