import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatTime, formatValue } from '../../src/console/lib/format.js';

const T = Date.UTC(2026, 10, 29, 14, 3, 7);

describe('console formatting', () => {
  it('times are 24-hour with seconds in both languages', () => {
    expect(formatTime(T, 'en', 'UTC')).toBe('14:03:07');
    expect(formatTime(T, 'zh-CN', 'UTC')).toBe('14:03:07');
    expect(formatTime(Date.UTC(2026, 10, 29, 0, 0, 5), 'en', 'UTC')).toBe('00:00:05');
    expect(formatTime(T, 'zh-CN', 'Asia/Shanghai')).toBe('22:03:07');
  });
  it('date-times: year-month-day in English (not the day-first 29/11/2026), 2026/11/29 in Chinese', () => {
    expect(formatDateTime(T, 'en', 'UTC')).toBe('2026-11-29 14:03:07');
    expect(formatDateTime(T, 'zh-CN', 'UTC')).toBe('2026/11/29 14:03:07');
    expect(formatDateTime(Date.UTC(2026, 0, 2, 0, 0, 0), 'en', 'UTC')).toBe('2026-01-02 00:00:00');
  });
  it('durations are coarse, with Chinese units in Chinese', () => {
    expect(formatDuration(45_900, 'en')).toBe('45 s');
    expect(formatDuration(-5, 'en')).toBe('0 s');
    expect(formatDuration(12 * 60_000, 'en')).toBe('12 min');
    expect(formatDuration(3 * 3_600_000, 'en')).toBe('3 h');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000, 'en')).toBe('3 h 5 min');
    expect(formatDuration(50 * 3_600_000, 'en')).toBe('2 d 2 h');
    expect(formatDuration(48 * 3_600_000, 'en')).toBe('2 d');
    expect(formatDuration(45_000, 'zh-CN')).toBe('45秒');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000, 'zh-CN')).toBe('3小时 5分');
    expect(formatDuration(72 * 3_600_000, 'zh-CN')).toBe('3天');
  });
  it('values: 4 significant-ish digits, the unit, booleans as words, nothing as a dash', () => {
    expect(formatValue(12.3456, '%LEL')).toBe('12.35 %LEL');
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(123.456, '°C')).toBe('123.5 °C');
    expect(formatValue(12345.6, 'kPa')).toBe('12346 kPa');
    expect(formatValue(-0.0001)).toBe('0');
    expect(formatValue(2, '')).toBe('2');
    expect(formatValue(true)).toBe('ON');
    expect(formatValue(false, undefined, { on: '开', off: '关' })).toBe('关');
    expect(formatValue(null, 'm')).toBe('—');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(Number.NaN)).toBe('—');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
