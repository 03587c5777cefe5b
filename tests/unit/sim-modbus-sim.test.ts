import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { bindDevice, updateImage } from '../../devices/modbus/bindings.js';
import { deviceBehaviourAt } from '../../devices/modbus/device-behaviour.js';
import { mbapFrame } from '../../devices/modbus/mbap.js';
import { RegisterImage } from '../../devices/modbus/register-image.js';
import { newStats, type SimulatedUnit } from '../../devices/modbus/responder.js';
import { hasValidCrc, rtuFrame } from '../../devices/modbus/rtu-frame.js';
import { startRtuServer } from '../../devices/modbus/rtu-server.js';
import type { ModbusSimDevice } from '../../devices/modbus/sim-config.js';
import { startModbusSimulator, type RunningModbusSimulator } from '../../devices/modbus/simulator.js';
import { loadModbusProfile, type ModbusProfile } from '../../devices/profiles/modbus-profile.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { readingsAt } from '../../devices/simulator/readings.js';
import type { Timers } from '../../devices/simulator/tick-loop.js';

const S = 1000;

const SCENARIO_YAML = `
scenario: unit
tickMs: 1000
durationS: 100
points:
  G1: { base: 25.3, unit: '%LEL' }
  G2: { base: 2, unit: '%LEL' }
  LOOP: { base: 50, range: [0, 100], signal: 4-20mA }
  CODE: { base: 1 }
events:
  - { at: 10s, point: G2, fault: { for: 10s, value: 0 } }
  - { at: 10s, point: LOOP, fault: { for: 10s, value: 3.5, unit: mA } }
  - { at: 30s, point: G1, silent: { for: 10s } }
  - { at: 32s, point: G1, step: { to: 50 } }
  - { at: 50s, device: dev-a, slow: { for: 20s, delay: 800ms } }
  - { at: 55s, device: dev-a, exception: { for: 10s, code: 6 } }
  - { at: 58s, device: dev-a, corrupt: { for: 5s } }
  - { at: 60s, device: dev-a, silent: { for: 2s } }
  - { at: 80s, device: dev-b, exception: { for: 10s, code: 4 } }
`;
const scenario = parseScenario(SCENARIO_YAML, 'unit.yaml');

function profile(name: string): ModbusProfile {
  const result = loadModbusProfile(name);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.profile;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof HazgateError ? e.code : 'not a HazgateError';
  }
  return undefined;
}

describe('device events in scenario files', () => {
  it('parses them apart from point events, sorted by time', () => {
    expect(scenario.deviceEvents?.map((e) => `${e.atMs / S}:${e.deviceId}:${e.kind}`)).toEqual(['50:dev-a:slow', '55:dev-a:exception', '58:dev-a:corrupt', '60:dev-a:silent', '80:dev-b:exception']);
    expect(scenario.deviceEvents?.[0]).toMatchObject({ kind: 'slow', forMs: 20 * S, delayMs: 800 });
    expect(scenario.events.every((e) => e.pointId !== undefined)).toBe(true);
    expect(scenario.events).toHaveLength(4);
  });

  it('leaves what the MQTT simulator sends alone', () => {
    expect(readingsAt(scenario, 61 * S, 1).map((r) => r.pointId)).toEqual(['G1', 'G2', 'LOOP', 'CODE']);
  });

  it.each([
    { event: '{ at: 1s, device: d, ramp: { to: 1, over: 1s } }', message: 'events[0].ramp (line 7): is not an action on a device (use one of silent, slow, exception, corrupt)' },
    { event: '{ at: 1s, point: P, slow: { for: 1s, delay: 1s } }', message: 'events[0].slow (line 7): is not an action on a point (use one of ramp, step, stuck, silent, fault)' },
    { event: '{ at: 1s, point: P, device: d, silent: { for: 1s } }', message: 'events[0] (line 7): an event names exactly one of point, device' },
    { event: '{ at: 1s, device: d, exception: { for: 1s, code: 0 } }', message: 'events[0].exception.code (line 7)' },
    { event: '{ at: 9s, device: d, corrupt: { for: 5s } }', message: 'events[0].corrupt.for (line 7): ends after the end of the scenario (durationS)' },
  ])('refuses $event', ({ event, message }) => {
    const text = `scenario: x\ntickMs: 1000\ndurationS: 10\npoints:\n  P: { base: 1 }\nevents:\n  - ${event}\n`;
    expect(() => parseScenario(text, 'x.yaml')).toThrow(message);
  });
});

describe('deviceBehaviourAt', () => {
  it.each([
    { t: 40, expected: { answer: 'normal', corrupt: false, delayMs: 0 } },
    { t: 52, expected: { answer: 'normal', corrupt: false, delayMs: 800 } },
    { t: 56, expected: { answer: 'exception', exceptionCode: 6, corrupt: false, delayMs: 800 } },
    { t: 59, expected: { answer: 'exception', exceptionCode: 6, corrupt: true, delayMs: 800 } },
    { t: 61, expected: { answer: 'silent' } },
    { t: 66, expected: { answer: 'normal', corrupt: false, delayMs: 800 } },
    { t: 70, expected: { answer: 'normal', corrupt: false, delayMs: 0 } },
  ])('dev-a at $t s', ({ t, expected }) => {
    expect(deviceBehaviourAt(scenario, 'dev-a', t * S)).toMatchObject(expected);
  });
  it('acts on the named device only', () => {
    expect(deviceBehaviourAt(scenario, 'dev-b', 61 * S).answer).toBe('normal');
    expect(deviceBehaviourAt(scenario, 'dev-b', 85 * S)).toMatchObject({ answer: 'exception', exceptionCode: 4 });
  });
});

describe('bindings: scenario values into the register image', () => {
  const gc = profile('gas-controller-8ch');
  const ai = profile('ai-8ch-4-20ma');
  const gcDevice: ModbusSimDevice = { id: 'gc', unitId: 1, profile: 'gas-controller-8ch', bind: { 'ch1.gas': 'G1', 'ch2.gas': 'G2', 'ch3.status': 'CODE' } };

  function imageAt(device: ModbusSimDevice, p: ModbusProfile, times: readonly number[]): RegisterImage {
    const image = new RegisterImage(p);
    const bound = bindDevice(device, p, scenario);
    for (const t of times) updateImage(image, bound, scenario, t * S, 1);
    return image;
  }

  it('scales engineering values to counts; unbound status words read their first good code', () => {
    expect(imageAt(gcDevice, gc, [0]).read('input', 0, 6)).toEqual([253, 0, 20, 0, 0, 1]);
  });
  it('a fault on a channel with a status word: value 0, status the first bad code (3)', () => {
    expect(imageAt(gcDevice, gc, [0, 12]).read('input', 2, 2)).toEqual([0, 3]);
    expect(imageAt(gcDevice, gc, [0, 12, 21]).read('input', 2, 2)).toEqual([20, 0]);
  });
  it('a silent point holds its last value, then the device carries on', () => {
    expect(imageAt(gcDevice, gc, [0, 31, 35]).read('input', 0, 1)).toEqual([253]);
    expect(imageAt(gcDevice, gc, [0, 31, 41]).read('input', 0, 1)).toEqual([500]);
  });
  it('a 4-20 mA point gives µA counts; a 3.5 mA fault gives 3500', () => {
    const device: ModbusSimDevice = { id: 'ai', unitId: 2, profile: 'ai-8ch-4-20ma', bind: { ai1: 'LOOP' } };
    expect(imageAt(device, ai, [0]).read('input', 0, 1)).toEqual([12000]);
    expect(imageAt(device, ai, [0, 15]).read('input', 0, 1)).toEqual([3500]);
  });
  it('refuses unknown registers and points, naming device and register', () => {
    const bad: ModbusSimDevice = { id: 'gc', unitId: 1, profile: 'gas-controller-8ch', bind: { 'ch9.gas': 'G1', 'ch1.gas': 'NOPE' } };
    expect(codeOf(() => bindDevice(bad, gc, scenario))).toBe('HG_ERR_SIM_SCENARIO');
    expect(() => bindDevice(bad, gc, scenario)).toThrow(/device gc \(unit 1\)[\s\S]*no register of profile gas-controller-8ch: ch9\.gas[\s\S]*ch1\.gas is bound to NOPE/);
  });
});

describe('startModbusSimulator over TCP', () => {
  let sim: RunningModbusSimulator | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await sim?.stop();
    sim = undefined;
  });

  /** Starts the simulator, then moves its clock `seconds` ahead (device behaviour follows at once). */
  async function start(seconds: number, devices: ModbusSimDevice[]): Promise<number> {
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    sim = await startModbusSimulator({ scenario, logger: silentLogger, clock, servers: [{ transport: { type: 'tcp', host: '127.0.0.1', port: 0 }, devices }] });
    offset = seconds * S;
    return sim.ports[0] ?? 0;
  }

  function open(port: number): Promise<{ socket: Socket; received: () => Promise<Buffer>; closed: Promise<void> }> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        let chunks: Buffer[] = [];
        let wake: (() => void) | undefined;
        socket.on('data', (c: Buffer) => {
          chunks.push(c);
          wake?.();
        });
        const closed = new Promise<void>((done) => socket.on('close', () => done()));
        const received = async (): Promise<Buffer> => {
          if (chunks.length === 0) await new Promise<void>((w) => (wake = w));
          const all = Buffer.concat(chunks);
          chunks = [];
          return all;
        };
        resolve({ socket, received, closed });
      });
      sockets.push(socket);
    });
  }

  const devices: ModbusSimDevice[] = [
    { id: 'dev-a', unitId: 1, profile: 'gas-controller-8ch', bind: { 'ch1.gas': 'G1' } },
    { id: 'dev-b', unitId: 2, profile: 'esd-valve-io', bind: {} },
  ];

  it('answers concatenated requests in order, and 0x0B for an unknown unit', async () => {
    const { socket, received } = await open(await start(0, devices));
    socket.write(Buffer.concat([mbapFrame(1, 1, Uint8Array.of(4, 0, 0, 0, 1)), mbapFrame(2, 9, Uint8Array.of(4, 0, 0, 0, 1))]));
    let bytes = await received();
    while (bytes.length < 11 + 9) bytes = Buffer.concat([bytes, await received()]);
    expect(bytes.toString('hex')).toBe('000100000005010402' + '00fd' + '000200000003098' + '40b');
    expect(sim?.stats).toEqual({ requests: 1, exceptions: { '11': 1 }, badFrames: 0, unknownUnit: 1 });
  });

  it('drops a connection that does not speak Modbus TCP', async () => {
    const { socket, closed } = await open(await start(0, devices));
    socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await closed;
    expect(sim?.stats.badFrames).toBe(1);
  });

  it('answers with the scenario exception code, truncated while corrupt', async () => {
    const { socket, received } = await open(await start(58.5, devices));
    socket.write(mbapFrame(5, 1, Uint8Array.of(4, 0, 0, 0, 1)));
    // exception 6 is "84 06"; a truncated frame stops after the header and half of it (7 + 1 bytes).
    expect((await received()).toString('hex')).toBe('00050000000301' + '84');
  });

  it('refuses scenario events for a device it does not simulate', async () => {
    const error = await startModbusSimulator({ scenario, logger: silentLogger, servers: [{ transport: { type: 'tcp', host: '127.0.0.1', port: 0 }, devices: [devices[0] as ModbusSimDevice] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HazgateError);
    expect((error as HazgateError).code).toBe('HG_ERR_SIM_SCENARIO');
    expect((error as HazgateError).message).toMatch(/events for device dev-b/);
  });

  it('refuses a profile that does not exist, naming the device', async () => {
    const error = await startModbusSimulator({ scenario, logger: silentLogger, servers: [{ transport: { type: 'tcp', host: '127.0.0.1', port: 0 }, devices: [...devices, { id: 'dev-c', unitId: 3, profile: 'no-such-profile', bind: {} }] }] }).catch((e: unknown) => e);
    expect((error as HazgateError).code).toBe('HG_ERR_SIM_SCENARIO');
    expect((error as HazgateError).message).toMatch(/device dev-c[\s\S]*no profile named no-such-profile/);
  });
});

describe('RTU server on a fake serial line', () => {
  /** Timers run by hand: the 3.5-character silence fires when the test says so. */
  function manualTimers(): Timers & { fire(): void } {
    let due: (() => void)[] = [];
    return {
      schedule(callback) {
        due.push(callback);
        return () => (due = due.filter((c) => c !== callback));
      },
      fire() {
        const now = due;
        due = [];
        for (const c of now) c();
      },
    };
  }

  async function rtuServer(mode: 'normal' | 'corrupt') {
    const image = new RegisterImage(profile('esd-valve-io'));
    const unit: SimulatedUnit = { id: 'xv', image, behaviour: () => ({ answer: 'normal', exceptionCode: 0, corrupt: mode === 'corrupt', delayMs: 0 }) };
    const written: Uint8Array[] = [];
    let feed: (chunk: Uint8Array) => void = () => undefined;
    const stats = newStats();
    const timers = manualTimers();
    const server = await startRtuServer({
      path: '/dev/fake', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1,
      units: new Map([[3, unit]]), stats, timers, logger: silentLogger,
      open: async (_options, onData) => {
        feed = onData;
        return { write: (bytes) => written.push(bytes), close: async () => undefined };
      },
    });
    return { server, written, feed: (bytes: Uint8Array) => feed(bytes), stats, timers, image };
  }

  it('answers its unit, ignores a bad CRC (counted), stays quiet for others and for broadcasts', async () => {
    const { server, written, feed, stats, timers, image: unitImage } = await rtuServer('normal');
    feed(rtuFrame(3, Uint8Array.of(3, 0, 0, 0, 1)));
    expect(written.map((w) => Buffer.from(w).toString('hex'))).toEqual([Buffer.from(rtuFrame(3, Uint8Array.of(3, 2, 0, 0))).toString('hex')]);
    const bad = rtuFrame(3, Uint8Array.of(3, 0, 0, 0, 1));
    bad[2] = 9;
    feed(bad);
    timers.fire();
    feed(rtuFrame(4, Uint8Array.of(3, 0, 0, 0, 1)));
    // A broadcast write (unit 0) is carried out by every unit and answered by none.
    feed(rtuFrame(0, Uint8Array.of(6, 0, 0, 0, 7)));
    expect(written).toHaveLength(1);
    expect(unitImage.read('holding', 0, 1)).toEqual([7]);
    expect(stats).toMatchObject({ requests: 2, badFrames: 1, unknownUnit: 1 });
    await server.close();
  });

  it('sends a bad CRC while corrupt', async () => {
    const { server, written, feed } = await rtuServer('corrupt');
    feed(rtuFrame(3, Uint8Array.of(1, 0, 0, 0, 1)));
    expect(written).toHaveLength(1);
    expect(hasValidCrc(written[0] ?? new Uint8Array())).toBe(false);
    await server.close();
  });
});
