import { REGULATORY_ATTRS, type Point, type Sample, type SnapshotBody, type SnapshotValue } from '../core/index.js';

/** What the builder needs of a point's latest sample. */
export type LatestSample = Pick<Sample, 'value' | 'quality' | 'ts'>;

/** The regulatory codes among a point's attributes (REGULATORY_ATTRS), or undefined when it has none. */
export function regulatoryCodesOf(point: Point): Readonly<Record<string, string>> | undefined {
  let codes: Record<string, string> | undefined;
  for (const key of REGULATORY_ATTRS) {
    const v = point.attrs[key];
    if (v !== undefined) (codes ??= {})[key] = v;
  }
  return codes;
}

/**
 * One value per point, in the order given, with the point's unit and regulatory codes. A point with
 * no value yet is sent as `value: null`, quality bad, reason `no-data`: a silent sensor must never
 * look normal at the centre either.
 */
export function buildSnapshot(points: readonly Point[], latest: (pointId: string) => LatestSample | undefined): SnapshotBody {
  return { values: points.map((p) => snapshotValue(p, latest(p.id))) };
}

function snapshotValue(point: Point, sample: LatestSample | undefined): SnapshotValue {
  const extras: { unit?: string; codes?: Readonly<Record<string, string>> } = {};
  if (point.unit !== undefined) extras.unit = point.unit;
  const codes = regulatoryCodesOf(point);
  if (codes !== undefined) extras.codes = codes;
  if (sample === undefined) return { pointId: point.id, value: null, quality: 'bad', reason: 'no-data', ts: null, ...extras };
  const reason = sample.quality.reason === undefined ? {} : { reason: sample.quality.reason };
  return { pointId: point.id, value: sample.value, quality: sample.quality.level, ...reason, ts: sample.ts, ...extras };
}
