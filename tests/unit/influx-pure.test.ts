import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmTransition, Point, Sample } from '../../src/core/index.js';
import { backoffMs, retryAfterMs, sampleLine, Spool, transitionLine, writeOutcome } from '../../src/store/influx/index.js';

const point: Point = { id: 'GT-101', kind: 'gas', type: 'number', area: 'tank farm,1', attrs: {} };
const at = Date.UTC(2026, 10, 28, 12);
const sample = (over: Partial<Sample>): Sample => ({ pointId: 'GT-101', value: 12.5, quality: { level: 'good' }, ts: at, rts: at, tsSource: 'device', ...over });

describe('line protocol', () => {
  it('writes a measurement per kind, escaped tags, the value and ms time', () => {
    expect(sampleLine('site=1', point, sample({}))).toBe(`hazgate_gas,site=site\\=1,area=tank\\ farm\\,1,point=GT-101,quality=good value=12.5 ${at}`);
    expect(sampleLine('s', point, sample({ value: true }))).toBe(`hazgate_gas,site=s,area=tank\\ farm\\,1,point=GT-101,quality=good value=true ${at}`);
    expect(sampleLine('s', undefined, sample({ quality: { level: 'bad', reason: 'say "hi"\\' } }))).toBe(`hazgate_unknown,site=s,point=GT-101,quality=bad value=12.5,reason="say \\"hi\\"\\\\" ${at}`);
    expect(sampleLine('s', point, sample({ value: Number.NaN }))).toBeUndefined();
  });

  it('writes alarm transitions as their own measurement', () => {
    const t = { eventId: 'e1', conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-101', from: 'normal', state: 'active-unacked', reason: 'activate', active: true, acked: false, level: 'AL1', priority: 2, severity: 800, value: 26.5, time: at, rts: at, message: 'GT-101 AL1 26.5' } as AlarmTransition;
    expect(transitionLine(t)).toBe(`hazgate_alarm,site=s,point=GT-101,rule=gas,condition=gas/GT-101 state="active-unacked",reason="activate",level="AL1",priority=2i,active=true,acked=false,value=26.5,message="GT-101 AL1 26.5",event_id="e1" ${at}`);
    expect(transitionLine({ ...t, pointId: null, value: null })).not.toContain('point=');
  });
});

describe('write outcomes', () => {
  const policy = { minMs: 1_000, maxMs: 30_000, fatalRetryMs: 60_000 };
  it.each([
    [204, undefined, { action: 'written' }],
    [400, undefined, { action: 'bad-lines', reason: '400: body' }],
    [422, undefined, { action: 'bad-lines', reason: '422: body' }],
    [413, undefined, { action: 'split' }],
    [429, '7', { action: 'retry', delayMs: 7_000, reason: '429: body' }],
    [503, undefined, { action: 'retry', delayMs: 4_000, reason: '503: body' }],
    [401, undefined, { action: 'fatal', delayMs: 60_000, reason: '401: body' }],
    [403, undefined, { action: 'fatal', delayMs: 60_000, reason: '403: body' }],
    [404, undefined, { action: 'fatal', delayMs: 60_000, reason: '404: body' }],
  ] as const)('%i (Retry-After %s)', (status, retryAfter, outcome) => {
    expect(writeOutcome(status, 'body', retryAfter, 3, policy, at)).toEqual(outcome);
  });

  it('retries network errors with a doubling back-off, and reads Retry-After dates', () => {
    expect(writeOutcome(undefined, 'connect ECONNREFUSED', undefined, 1, policy, at)).toEqual({ action: 'retry', delayMs: 1_000, reason: 'connect ECONNREFUSED' });
    expect([1, 2, 3, 6, 20].map((n) => backoffMs(n, policy))).toEqual([1_000, 2_000, 4_000, 30_000, 30_000]);
    expect(retryAfterMs(new Date(at + 5_000).toUTCString(), at)).toBe(5_000);
    expect(retryAfterMs('soon', at)).toBeUndefined();
    // A Retry-After longer than our maximum is honoured.
    expect(writeOutcome(503, '', '120', 1, policy, at)).toMatchObject({ delayMs: 120_000 });
    // ...up to 5 minutes.
    expect(writeOutcome(503, '', '86400', 1, policy, at)).toMatchObject({ delayMs: 300_000 });
  });
});

describe('spool', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps batches in order across a reopen, removes what was sent, rewrites what was kept', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-spool-'));
    const a = new Spool(dir);
    a.append(['l1', 'l2'], 1);
    const b2 = a.append(['l3'], 2);
    a.append(['l4', 'l5', 'l6'], 3);
    expect(a.head(3).map((b) => b.lines)).toEqual([2, 1]);
    const reopened = new Spool(dir);
    expect(reopened.length).toBe(3);
    expect(reopened.lines).toBe(6);
    expect(reopened.head(100).flatMap((b) => reopened.read(b))).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    reopened.remove(reopened.head(2));
    expect(readdirSync(dir)).toHaveLength(2);
    const next = reopened.append(['l7'], 4);
    expect(next.seq).toBe(b2.seq + 2);
    expect(reopened.bytes).toBe(new Spool(dir).bytes);
  });
});
