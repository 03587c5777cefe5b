import { describe, expect, it } from 'vitest';
import { isHazgateError } from '../../src/core/errors.js';
import { compileTopicTemplate, topicTemplateProblems } from '../../adapters/mqtt/topic.js';

describe('compileTopicTemplate: the MQTT filter', () => {
  it.each([
    ['hazgate/demo/{point}', 'hazgate/demo/+'],
    ['plant/{point}/pv', 'plant/+/pv'],
    ['plant/+/{point}/#', 'plant/+/+/#'],
    ['plant/gas', 'plant/gas'],
    ['#', '#'],
    ['{point}', '+'],
  ])('%s subscribes to %s', (template, filter) => {
    expect(compileTopicTemplate(template).filter).toBe(filter);
  });
});

describe('compileTopicTemplate: matching concrete topics', () => {
  // [template, topic, matches, pointId]
  it.each<[string, string, boolean, string | null]>([
    ['hazgate/demo/{point}', 'hazgate/demo/GT-101', true, 'GT-101'],
    ['hazgate/demo/{point}', 'hazgate/demo/TK101.LT', true, 'TK101.LT'],
    ['hazgate/demo/{point}', 'hazgate/demo', false, null],
    ['hazgate/demo/{point}', 'hazgate/demo/GT-101/extra', false, null],
    ['hazgate/demo/{point}', 'hazgate/other/GT-101', false, null],
    ['hazgate/demo/{point}', 'hazgate/demox/GT-101', false, null],
    ['hazgate/demo/{point}', 'hazgate/dem/GT-101', false, null],
    // '+' matches an empty level, but an empty level names no point.
    ['hazgate/demo/{point}', 'hazgate/demo/', true, null],
    ['plant/{point}/pv', 'plant/FT-7/pv', true, 'FT-7'],
    ['plant/{point}/pv', 'plant/FT-7/sp', false, null],
    ['plant/{point}/#', 'plant/FT-7', true, 'FT-7'],
    ['plant/{point}/#', 'plant/FT-7/a/b/c', true, 'FT-7'],
    ['plant/+/{point}', 'plant/unit1/PT-3', true, 'PT-3'],
    ['plant/+/{point}', 'plant/unit1', false, null],
    ['plant/gas', 'plant/gas', true, null],
    ['plant/gas', 'plant/gas/x', false, null],
    ['plant/#', 'plant', true, null],
    ['#', 'any/topic/at/all', true, null],
    ['{point}', 'GT-9', true, 'GT-9'],
    // MQTT-4.7.2-1: wildcards at the first level never match $-topics.
    ['#', '$SYS/broker/uptime', false, null],
    ['{point}/pv', '$SYS/pv', false, null],
    ['$SYS/{point}', '$SYS/uptime', true, 'uptime'],
  ])('%s vs %s: matches %s, point %s', (template, topic, matches, pointId) => {
    const compiled = compileTopicTemplate(template);
    expect(compiled.matches(topic)).toBe(matches);
    expect(compiled.pointIdOf(topic)).toBe(pointId);
  });
});

describe('topicTemplateProblems', () => {
  it.each(['hazgate/demo/{point}', 'a/+/b/#', '#', '+', 'a//b', 'plain'])('accepts %s', (template) => {
    expect(topicTemplateProblems(template)).toEqual([]);
  });

  it.each([
    ['', 'empty'],
    ['a/x{point}', 'whole level'],
    ['a/{point}x/b', 'whole level'],
    ['a/{pointid}', 'whole level'],
    ['a/{point}/{point}', 'only once'],
    ['a/b+', "'+' must be a whole level"],
    ['a/#/b', 'only as the last level'],
    ['a/b#', "'#' must be a whole level"],
    ['a/\u0000', 'NUL'],
  ])('rejects "%s" (%s)', (template, problem) => {
    const problems = topicTemplateProblems(template);
    expect(problems.join('\n')).toContain(problem);
  });

  it('makes compileTopicTemplate throw a coded error naming the topic', () => {
    try {
      compileTopicTemplate('a/#/b');
      expect.unreachable('an invalid template compiled');
    } catch (error) {
      expect(isHazgateError(error) && error.code).toBe('HG_ERR_CONFIG_INVALID');
      expect((error as Error).message).toContain('a/#/b');
    }
  });
});
