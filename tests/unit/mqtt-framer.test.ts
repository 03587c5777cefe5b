import { describe, expect, it } from 'vitest';
import { frameAt, MalformedPacketError, PublishFramer } from '../../adapters/mqtt/publish-framer.js';

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 128;
    out.push(d);
  } while (n > 0);
  return out;
}

function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first, ...remainingLength(body.length)]), body]);
}

function publish(topic: string, payload: string, qos: 0 | 1 | 2, id = 0): Buffer {
  const t = Buffer.from(topic);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(t.length);
  const pid = Buffer.alloc(qos > 0 ? 2 : 0);
  if (qos > 0) pid.writeUInt16BE(id);
  return packet(0x30 | (qos << 1), Buffer.concat([head, t, pid, Buffer.from(payload)]));
}

const SUBACK = packet(0x90, Buffer.from([0, 1, 0]));
const PINGRESP = Buffer.from([0xd0, 0]);

function run(chunks: Buffer[], handled = true) {
  const got: Array<[string, string]> = [];
  const acks: Buffer[] = [];
  const passed: Buffer[] = [];
  const framer = new PublishFramer({
    publish: (topic, payload) => (got.push([topic, payload.toString()]), handled),
    acknowledge: (b) => acks.push(Buffer.from(b)),
    passThrough: (b) => passed.push(Buffer.from(b)),
  });
  for (const c of chunks) framer.push(c);
  return { got, acks: Buffer.concat(acks), passed: Buffer.concat(passed) };
}

describe('PublishFramer', () => {
  it('delivers QoS 0 and QoS 1 publishes and acknowledges QoS 1 in order', () => {
    const out = run([Buffer.concat([publish('a/1', '1', 0), publish('a/2', '{"v":2}', 1, 7), publish('a/3', '3', 1, 513)])]);
    expect(out.got).toEqual([['a/1', '1'], ['a/2', '{"v":2}'], ['a/3', '3']]);
    expect([...out.acks]).toEqual([0x40, 2, 0, 7, 0x40, 2, 2, 1]);
    expect(out.passed.length).toBe(0);
  });

  it('passes every other packet through whole and in order, QoS 2 publishes included', () => {
    const q2 = publish('x', 'two', 2, 9);
    const out = run([Buffer.concat([SUBACK, publish('a', '1', 0), PINGRESP, q2])]);
    expect(out.got).toEqual([['a', '1']]);
    expect(out.passed).toEqual(Buffer.concat([SUBACK, PINGRESP, q2]));
  });

  it('reassembles packets split across chunks at every byte', () => {
    const stream = Buffer.concat([publish('t/1', 'x'.repeat(300), 0), SUBACK, publish('t/2', 'y', 1, 3)]);
    for (let cut = 1; cut < stream.length; cut++) {
      const out = run([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(out.got.map(([t]) => t), `cut at ${cut}`).toEqual(['t/1', 't/2']);
      expect(out.got[0]?.[1].length).toBe(300);
      expect(out.passed).toEqual(SUBACK);
      expect([...out.acks]).toEqual([0x40, 2, 0, 3]);
    }
  });

  it('leaves a QoS 1 message unacknowledged when the sink did not take it (stopping)', () => {
    expect(run([publish('a', '1', 1, 5)], false).acks.length).toBe(0);
  });

  it('frames multi-byte remaining lengths and refuses a 5-byte one', () => {
    const big = publish('big', 'z'.repeat(20_000), 0);
    expect(frameAt(big, 0)).toEqual({ body: 4, end: big.length });
    expect(frameAt(big.subarray(0, 100), 0)).toBeNull();
    expect(() => frameAt(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toThrow(/malformed/);
  });
});

describe('PublishFramer on malformed input', () => {
  it('refuses a PUBLISH whose topic runs past its frame before the sink hears of it', () => {
    const next = publish('a/b', 'ok', 1, 7);
    // A QoS 1 PUBLISH of 3 bytes that claims a 5-byte topic: it would borrow the next packet's bytes.
    const short = Buffer.from([0x32, 3, 0, 5, 0x41]);
    const got: string[] = [];
    const framer = new PublishFramer({ publish: (t) => (got.push(t), true), acknowledge: () => undefined, passThrough: () => undefined });
    expect(() => framer.push(Buffer.concat([short, next]))).toThrow(MalformedPacketError);
    expect(got).toEqual([]);
  });

  it('gives framing errors a code MQTT.js and the logs can classify', () => {
    expect(new MalformedPacketError('x').code).toBe('HG_ERR_MQTT_MALFORMED_PACKET');
  });
});
