import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveLink, SNAPSHOT_WAIT_MS, endsSession, type LinkInfo, type WireMessage } from '../../src/console/net/live.js';

/** A WebSocket stand-in: the test opens it, feeds it messages and closes it as the server would. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.readyState = 3;
  }
  receive(msg: object): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;

function link() {
  const states: LinkInfo[] = [];
  const ended: string[] = [];
  const messages: WireMessage[] = [];
  const l = new LiveLink(() => 'ws://x/ws', { state: (i) => states.push(i), message: (m) => messages.push(m), authEnded: (code) => ended.push(code), refused: () => undefined });
  return { l, states, ended, messages };
}

function live(): void {
  const ws = last();
  ws.open();
  ws.receive({ type: 'hello', serverTime: Date.now() });
  ws.receive({ type: 'snapshot-begin', count: 0 });
  ws.receive({ type: 'snapshot-end', count: 0 });
}

describe('LiveLink', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers({ now: 1_000_000 });
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('takes an auth error with requestId null (as the server sends it) as the end of the session, with its code', () => {
    const { l, ended } = link();
    l.start();
    live();
    last().receive({ type: 'error', code: 'HG_ERR_AUTH_EXPIRED', message: 'session expired', requestId: null });
    last().serverClose(1008, 'HG_ERR_AUTH_EXPIRED');
    expect(ended).toEqual(['HG_ERR_AUTH_EXPIRED']);
    expect(endsSession({ type: 'error', code: 'HG_ERR_AUTH_DISABLED' })).toBe(true);
    expect(endsSession({ type: 'error', code: 'HG_ERR_AUTH_FORBIDDEN', requestId: 7 })).toBe(false);
    l.stop();
  });

  it('reconnects with back-off after a 1008 for the message rate (not a session end)', () => {
    const { l, ended, states } = link();
    l.start();
    live();
    last().receive({ type: 'error', code: 'HG_ERR_WS_RATE', message: 'too many messages, disconnected', requestId: null });
    last().serverClose(1008, 'HG_ERR_WS_RATE');
    expect(ended).toEqual([]);
    expect(states[states.length - 1]?.state).toBe('lost');
    vi.advanceTimersByTime(31_000);
    expect(FakeSocket.all.length).toBe(2);
    l.stop();
  });

  it('a 1008 naming an auth code ends the session even without the error message', () => {
    const { l, ended } = link();
    l.start();
    live();
    last().serverClose(1008, 'HG_ERR_AUTH_REVOKED');
    expect(ended).toEqual(['HG_ERR_AUTH_REVOKED']);
  });

  it('asks for the snapshot again when the server could not read it, and after 15 s without snapshot-end', () => {
    const { l } = link();
    l.start();
    const ws = last();
    ws.open();
    ws.receive({ type: 'hello', serverTime: Date.now() });
    ws.receive({ type: 'error', code: 'HG_ERR_STORE_READ', message: 'the snapshot could not be read; ask again with {"type":"snapshot"}', requestId: null });
    expect(ws.sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(ws.sent).toEqual([{ type: 'snapshot' }]);
    // The answer never comes: asked again after the wait, then the link is made anew.
    vi.advanceTimersByTime(SNAPSHOT_WAIT_MS + 1000);
    expect(ws.sent.filter((m) => (m as { type: string }).type === 'snapshot').length).toBe(2);
    vi.advanceTimersByTime(3 * (SNAPSHOT_WAIT_MS + 1000));
    expect(ws.readyState).toBe(3);
    expect(l.info.state).not.toBe('snapshot');
    l.stop();
  });

  it('keeps liveUntil at the last message heard while live, not the silent seconds after it', () => {
    const { l } = link();
    l.start();
    live();
    const t0 = l.info.liveUntil;
    expect(t0).toBe(Date.now());
    vi.advanceTimersByTime(5000);
    expect(l.info.liveUntil).toBe(t0);
    last().receive({ type: 'value', pointId: 'A', value: 1, ts: 0, rts: 0, quality: { level: 'good' } });
    expect(l.info.liveUntil).toBe(Date.now());
    l.stop();
  });

  it('restart (another site) forgets the old liveUntil', () => {
    const { l } = link();
    l.start();
    live();
    expect(l.info.liveUntil).not.toBeNull();
    l.restart();
    expect(l.info).toMatchObject({ state: 'connecting', liveUntil: null, attempt: 0 });
    l.stop();
  });
});
