import { describe, expect, it } from 'vitest';
import { ageMs, alarmsOfPoint, currentSample, distinct, filterPoints, parseRange, RANGES, worstAlarmByPoint } from '../../src/console/lib/trend-points.js';
import type { Point, Sample, Transition } from '../../src/console/lib/wire.js';

const sample = (ts: number, value: number | boolean = 1): Sample => ({ pointId: 'p', value, quality: { level: 'good' }, ts, rts: ts });
const pt = (id: string, area?: string, kind?: string, name?: string): Point => ({ id, latest: null, ...(area === undefined ? {} : { area }), ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }) });

function alarm(conditionId: string, pointId: string | null, priority: 1 | 2 | 3 | 4, over: Partial<Transition> = {}): Transition {
  const colour = (['red', 'orange', 'yellow', 'blue'] as const)[priority - 1];
  return {
    eventId: conditionId, conditionId, ruleId: 'r', ruleKind: 'threshold', siteId: 's', pointId, from: 'normal', state: 'active-unacked', reason: 'activate',
    active: true, activeSince: 1000, acked: false, ackedAt: null, confirmed: false, latched: false, shelved: null, suppressed: null, outOfService: null,
    annunciated: true, level: 'HH', priority, colour, value: 1, time: 1000, rts: 1000, message: 'm', ...over,
  } as Transition;
}

describe('points list', () => {
  const list = [pt('GT-102', 'tank-farm', 'gas', 'Leak detector'), pt('TT-1', 'reactor', 'temperature'), pt('AA-9'), pt('GT-101', 'tank-farm', 'gas')];
  it('filters by area, kind and every word of the text; sorted by area then id', () => {
    expect(filterPoints(list, { area: '', kind: '', text: '' }).map((p) => p.id)).toEqual(['AA-9', 'TT-1', 'GT-101', 'GT-102']);
    expect(filterPoints(list, { area: 'tank-farm', kind: '', text: '' }).map((p) => p.id)).toEqual(['GT-101', 'GT-102']);
    expect(filterPoints(list, { area: '', kind: 'temperature', text: '' }).map((p) => p.id)).toEqual(['TT-1']);
    expect(filterPoints(list, { area: '', kind: '', text: 'leak GT' }).map((p) => p.id)).toEqual(['GT-102']);
  });
  it('distinct areas and kinds for the selects', () => {
    expect(distinct(list, 'area')).toEqual(['reactor', 'tank-farm']);
    expect(distinct(list, 'kind')).toEqual(['gas', 'temperature']);
  });
  it('the live sample when newer than the list latest', () => {
    expect(currentSample(undefined, null)).toBeNull();
    expect(currentSample(sample(5), null)?.ts).toBe(5);
    expect(currentSample(sample(5), sample(9))?.ts).toBe(9);
    expect(currentSample(sample(12), sample(9))?.ts).toBe(12);
    expect(ageMs(sample(1000), 4000)).toBe(3000);
    expect(ageMs(sample(5000), 4000)).toBe(0);
    expect(ageMs(null, 4000)).toBeNull();
  });
  it('each point s most important alarm: shown before hidden, then priority', () => {
    const m = worstAlarmByPoint([
      alarm('a', 'GT-102', 3),
      alarm('b', 'GT-102', 1, { annunciated: false, state: 'shelved' }),
      alarm('c', 'GT-102', 2),
      alarm('d', null, 1),
      alarm('e', 'TT-1', 4, { state: 'normal' }),
    ]);
    expect(m.get('GT-102')?.conditionId).toBe('c');
    expect(m.has('TT-1')).toBe(false);
    expect(alarmsOfPoint([alarm('a', 'GT-102', 3), alarm('c', 'GT-102', 2), alarm('x', 'TT-1', 1)], 'GT-102').map((t) => t.conditionId)).toEqual(['c', 'a']);
  });
  it('trend ranges', () => {
    expect(parseRange('8h')).toBe('8h');
    expect(parseRange('junk')).toBe('1h');
    expect(parseRange(undefined)).toBe('1h');
    expect(parseRange('toString')).toBe('1h');
    expect(RANGES['7d']).toBe(604_800_000);
  });
});
