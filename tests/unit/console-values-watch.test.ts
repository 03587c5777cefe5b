import { describe, expect, it } from 'vitest';
import { ValuesWatch } from '../../src/console/lib/values-watch.js';

type Msg = { type: string; points: string[] };

function watch(batch?: number) {
  const sent: Msg[] = [];
  const w = new ValuesWatch((m) => (sent.push(m as Msg), true), batch);
  return { w, sent };
}

describe('ValuesWatch', () => {
  it('sends only the difference when a watcher changes its set (a filter typed letter by letter)', () => {
    const { w, sent } = watch();
    const v = w.open();
    v.set(['A', 'B', 'C']);
    expect(sent).toEqual([{ type: 'subscribe', points: ['A', 'B', 'C'] }]);
    sent.length = 0;
    v.set(['A', 'B']);
    expect(sent).toEqual([{ type: 'unsubscribe', points: ['C'] }]);
    sent.length = 0;
    v.set(['A', 'B']);
    expect(sent).toEqual([]);
    v.set(['B', 'D']);
    expect(sent).toEqual([
      { type: 'unsubscribe', points: ['A'] },
      { type: 'subscribe', points: ['D'] },
    ]);
    sent.length = 0;
    v.close();
    expect(sent).toEqual([{ type: 'unsubscribe', points: ['B', 'D'] }]);
    v.set(['A']);
    expect(w.watched).toBe(0);
  });

  it('counts watchers: a point shared by two views is unsubscribed when the last lets go', () => {
    const { w, sent } = watch();
    const a = w.open();
    a.set(['P']);
    const stop = w.watch(['P', 'Q']);
    expect(sent).toEqual([
      { type: 'subscribe', points: ['P'] },
      { type: 'subscribe', points: ['Q'] },
    ]);
    sent.length = 0;
    stop();
    stop();
    expect(sent).toEqual([{ type: 'unsubscribe', points: ['Q'] }]);
    sent.length = 0;
    a.set([]);
    expect(sent).toEqual([{ type: 'unsubscribe', points: ['P'] }]);
  });

  it('sends large sets in batches, and subscribes everything again after a reconnect', () => {
    const { w, sent } = watch(2);
    const v = w.open();
    v.set(['A', 'B', 'C', 'D', 'E']);
    expect(sent.map((m) => m.points)).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
    sent.length = 0;
    w.resubscribe();
    expect(sent.map((m) => m.points)).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
  });
});
