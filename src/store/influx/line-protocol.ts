import type { AlarmTransition, Point, Sample } from '../../core/index.js';

/**
 * InfluxDB line protocol, pure. One measurement per point kind (`hazgate_gas`, `hazgate_level`…),
 * tags site, area, point, quality (and reason when not good), fields `value` (float or boolean)
 * and `reason` as a string when there is one; timestamps in ms (precision=ms). Alarm transitions
 * are their own measurement `hazgate_alarm`.
 * https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/
 */

/** Measurement names: commas and spaces escaped. */
function measurement(s: string): string {
  return s.replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys and values, field keys: commas, equals signs and spaces escaped; newlines removed. */
function tag(s: string): string {
  return s.replace(/[\r\n]/g, ' ').replace(/[,= ]/g, (c) => `\\${c}`);
}

/** String field values: quoted, with backslash and double quote escaped. */
function str(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
}

function number(n: number): string {
  // A float field: an integer-looking number stays a float in InfluxDB (no `i` suffix).
  return Number.isFinite(n) ? String(n) : 'NaN';
}

export function measurementOf(kind: string): string {
  return `hazgate_${kind.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** A sample's line, or undefined for a value line protocol cannot carry (NaN, ±Infinity). */
export function sampleLine(siteId: string, point: Point | undefined, s: Sample): string | undefined {
  let field: string;
  if (typeof s.value === 'boolean') field = s.value ? 'true' : 'false';
  else if (Number.isFinite(s.value)) field = number(s.value);
  else return undefined;
  const kind = point?.kind ?? 'unknown';
  let tags = `,site=${tag(siteId)}`;
  if (point?.area !== undefined && point.area !== '') tags += `,area=${tag(point.area)}`;
  tags += `,point=${tag(s.pointId)},quality=${s.quality.level}`;
  const reason = s.quality.reason === undefined ? '' : `,reason=${str(s.quality.reason)}`;
  return `${measurement(measurementOf(kind))}${tags} value=${field}${reason} ${Math.round(s.ts)}`;
}

/** An alarm transition's line: tags identify the condition, fields carry what happened. */
export function transitionLine(t: AlarmTransition): string {
  const point = t.pointId === null || t.pointId === '' ? '' : `,point=${tag(t.pointId)}`;
  const tags = `,site=${tag(t.siteId)}${point},rule=${tag(t.ruleId)},condition=${tag(t.conditionId)}`;
  // One field type per measurement: a boolean condition value is written as 1/0.
  const value = typeof t.value === 'boolean' ? (t.value ? 1 : 0) : t.value;
  const fields = [
    `state=${str(t.state)}`,
    `reason=${str(t.reason)}`,
    `level=${str(t.level ?? '')}`,
    `priority=${t.priority}i`,
    `active=${t.active ? 'true' : 'false'}`,
    `acked=${t.acked ? 'true' : 'false'}`,
    `value=${typeof value === 'number' && Number.isFinite(value) ? number(value) : 'NaN'}`,
    `message=${str(t.message)}`,
    `event_id=${str(t.eventId)}`,
  ].filter((f) => !f.endsWith('=NaN'));
  return `hazgate_alarm${tags} ${fields.join(',')} ${Math.round(t.time)}`;
}
