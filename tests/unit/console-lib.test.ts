import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../src/console/lib/backoff.js';
import { pickLanguage, Translator } from '../../src/console/lib/i18n.js';
import { formatRoute, parseRoute } from '../../src/console/lib/route.js';

describe('routes', () => {
  it('parses pages, ids and queries; unknown is the summary', () => {
    expect(parseRoute('')).toEqual({ page: 'summary', id: null, query: {} });
    expect(parseRoute('#/alarms?area=tank-farm&priority=1')).toEqual({ page: 'alarms', id: null, query: { area: 'tank-farm', priority: '1' } });
    expect(parseRoute('#/points/GT-102?range=8h')).toEqual({ page: 'trend', id: 'GT-102', query: { range: '8h' } });
    expect(parseRoute('#/points')).toEqual({ page: 'points', id: null, query: {} });
    expect(parseRoute('#/people/zone%20A')).toEqual({ page: 'zone', id: 'zone A', query: {} });
    expect(parseRoute('#/nowhere/x')).toEqual({ page: 'summary', id: null, query: {} });
    expect(parseRoute('#/history?q=%E6%8A%A5%E8%AD%A6').query['q']).toBe('报警');
    expect(parseRoute('#/points/%E0%A4%A').id).toBe('%E0%A4%A'); // a broken escape stays as typed
  });
  it('formats routes, leaving empty values out, and round-trips awkward ids and text', () => {
    expect(formatRoute('trend', 'GT-102', { range: '1h' })).toBe('#/points/GT-102?range=1h');
    expect(formatRoute('zone', 'z1')).toBe('#/people/z1');
    expect(formatRoute('history', null, { q: '', point: null, since: undefined })).toBe('#/history');
    for (const id of ['a/b', 'x?y', '测点 1', 'p#1', '100%']) {
      const r = parseRoute(formatRoute('trend', id, { q: 'a b&c=d', site: '厂区' }));
      expect(r).toEqual({ page: 'trend', id, query: { q: 'a b&c=d', site: '厂区' } });
    }
  });
});

describe('reconnect back-off', () => {
  it('doubles from 0.5 s to 15 s, with up to 30 % jitter taken off', () => {
    expect(reconnectDelay(0, () => 0)).toBe(500);
    expect(reconnectDelay(1, () => 0)).toBe(1000);
    expect(reconnectDelay(3, () => 0)).toBe(4000);
    expect(reconnectDelay(10, () => 0)).toBe(15_000);
    expect(reconnectDelay(1000, () => 0)).toBe(15_000);
    expect(reconnectDelay(-3, () => 0)).toBe(500);
    expect(reconnectDelay(10, () => 1)).toBe(10_500);
    for (let a = 0; a < 30; a++) {
      const d = reconnectDelay(a, Math.random);
      expect(d).toBeGreaterThanOrEqual(350);
      expect(d).toBeLessThanOrEqual(15_000);
    }
  });
});

describe('language', () => {
  it('picks the stored choice, else the browser first Chinese or English, else English', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLanguage('fr', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLanguage(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['de-DE', 'ZH-cn'])).toBe('zh-CN');
    expect(pickLanguage(null, ['de-DE'])).toBe('en');
    expect(pickLanguage(null, [])).toBe('en');
  });
  it('translates with placeholders, falls back to English, then to the key', () => {
    const tr = new Translator(
      [
        { en: { 'a.hello': 'Hello {name}, {n} alarms', 'a.only': 'English only' }, zh: { 'a.hello': '{name}，{n} 条报警' } },
        { en: { 'b.x': 'X' }, zh: { 'b.x': '叉' } },
      ],
      'zh-CN',
    );
    expect(tr.t('a.hello', { name: '张伟', n: 3 })).toBe('张伟，3 条报警');
    expect(tr.t('a.hello', { name: '张伟' })).toBe('张伟，{n} 条报警');
    expect(tr.t('a.only')).toBe('English only');
    expect(tr.t('missing.key')).toBe('missing.key');
    expect(tr.has('b.x')).toBe(true);
    expect(tr.has('a.only')).toBe(false);
    tr.lang = 'en';
    expect(tr.t('b.x')).toBe('X');
    expect(tr.t('a.hello', { name: 'Wei', n: 0 })).toBe('Hello Wei, 0 alarms');
  });
});
