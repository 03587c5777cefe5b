import { describe, expect, it } from 'vitest';
import type { Point } from '../../src/core/index.js';
import { buildSnapshot, buildStatus } from '../../src/uplink/index.js';

/** Snapshot and status bodies: every configured point with its codes; a silent point is not normal. */

const T0 = Date.UTC(2026, 10, 28);
const points: Point[] = [
  { id: 'GT-101', kind: 'gas', unit: '%LEL', type: 'number', attrs: { enterpriseCode: 'E1', hazardSourceCode: 'H1', indicatorType: 'combustible', gas: 'CH4' } },
  { id: 'TK101.LT', kind: 'level', unit: 'm', type: 'number', attrs: { enterpriseCode: 'E1' } },
  { id: 'XV-1.ZSO', kind: 'valve', type: 'boolean', attrs: {} },
];

describe('buildSnapshot', () => {
  it('carries value, quality, time, unit and only the regulatory codes of each point, in the given order', () => {
    const latest = new Map([
      ['GT-101', { value: 12.5, quality: { level: 'good' as const }, ts: T0 }],
      ['XV-1.ZSO', { value: true, quality: { level: 'uncertain' as const, reason: 'stale' }, ts: T0 + 1 }],
    ]);
    expect(buildSnapshot(points, (id) => latest.get(id))).toEqual({
      values: [
        { pointId: 'GT-101', value: 12.5, quality: 'good', ts: T0, unit: '%LEL', codes: { enterpriseCode: 'E1', hazardSourceCode: 'H1', indicatorType: 'combustible' } },
        { pointId: 'TK101.LT', value: null, quality: 'bad', reason: 'no-data', ts: null, unit: 'm', codes: { enterpriseCode: 'E1' } },
        { pointId: 'XV-1.ZSO', value: true, quality: 'uncertain', reason: 'stale', ts: T0 + 1 },
      ],
    });
  });
});

describe('buildStatus', () => {
  it('reports the outbox backlog as of now', () => {
    const stats = { depth: 3, bytes: 900, oldestSeq: 4, oldestTime: T0, lastSeq: 6, ackedSeq: 3, journalSeq: 2, dropped: { journal: 0, snapshot: 5, status: 0, head: 0 } };
    expect(buildStatus({ version: '0.1.0', startedAt: T0 - 10, adapters: [{ id: 'gas-line', status: 'up' }] }, stats, T0 + 2500)).toEqual({
      version: '0.1.0', startedAt: T0 - 10, adapters: [{ id: 'gas-line', status: 'up' }], outbox: { depth: 3, oldestAgeMs: 2500, dropped: { journal: 0, snapshot: 5, status: 0, head: 0 } },
    });
  });
});
