import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, registerCount, type ByteOrder, type ModbusType } from '../../adapters/modbus/decode.js';
import { compileLine, type CompiledDevice } from '../../adapters/modbus/device-map.js';
import { isModbusError } from '../../adapters/modbus/errors.js';
import { classifyFailure, failureQuality } from '../../adapters/modbus/failure.js';
import { readingsOfCycle, scale, type ReadOutcome } from '../../adapters/modbus/readings.js';
import { parseModbusAdapterConfig } from '../../adapters/modbus/adapter.js';
import { MbapFramer } from '../../devices/modbus/mbap.js';
import { handleRequestPdu, type PduTarget } from '../../devices/modbus/pdu.js';
import { rtuFrame, RtuRequestFramer } from '../../devices/modbus/rtu-frame.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { anyText, expectBounded, fuzzParams, timed } from './fuzz-fixtures.js';

/**
 * Modbus under fuzz (issue #11 item 6). What a device sends reaches hazgate as register words
 * (modbus-serial checks the frame) or as what the library throws: decodeValue, readingsOfCycle,
 * scale and classifyFailure must take any of it. The simulator's own request parsers (MBAP and
 * RTU framing, request PDUs) take raw bytes from any client. Refusals are ModbusErrors with a
 * catalogued code and a short message.
 */

const TYPES: readonly ModbusType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'string', 'bit'];
const ORDERS: readonly ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

/** What a register read gave: proper words, or numbers no device can send (a port bug, a fake). */
const word = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 0xffff }) }, fc.constantFrom(-1, 0x10000, 1.5, Number.NaN, Infinity, -0, 2 ** 53));
const registers = fc.oneof(
  fc.array(word, { maxLength: 130 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 130 }).map((a) => Uint16Array.from(a)),
);

function modbusRefusal(error: unknown): void {
  if (!isModbusError(error)) throw error;
  expect(Object.hasOwn(ERROR_CODES, error.code)).toBe(true);
  expectBounded(error.message);
}

describe('fuzz: Modbus decoding', () => {
  it('decodeValue returns a value of the type or refuses with a ModbusError', () => {
    const type = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TYPES) }, anyText) as fc.Arbitrary<ModbusType>;
    const order = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ORDERS) }, anyText) as fc.Arbitrary<ByteOrder>;
    const smallOrOdd = fc.oneof(fc.integer({ min: -2, max: 140 }), fc.constantFrom(Number.NaN, 1.5, Infinity, 2 ** 53));
    fc.assert(
      fc.property(registers, smallOrOdd, type, order, fc.record({ length: smallOrOdd, bit: smallOrOdd }, { requiredKeys: [] }), (regs, offset, t, o, opts) => {
        let value: number | boolean | string;
        try {
          value = timed('decodeValue', () => decodeValue(regs, offset, t, o, opts));
        } catch (error) {
          modbusRefusal(error);
          return;
        }
        if (t === 'bit') expect(typeof value).toBe('boolean');
        else if (t === 'string') expect(value).toMatch(/^[\u0001-\u007f\uFFFD]*$/);
        else if (t === 'float32' || t === 'float64') expect(typeof value).toBe('number');
        else expect(Number.isSafeInteger(value)).toBe(true);
      }),
      fuzzParams(0x6d627573),
    );
  });

  it('decodes string registers holding invalid UTF-8 as ASCII and U+FFFD', () => {
    const bytes = [0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff, 0x41, 0xe2, 0x82, 0x20];
    const regs = [0, 2, 4, 6, 8].map((i) => ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
    expect(decodeValue(regs, 0, 'string', 'ABCD', { length: 5 })).toBe('\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA\uFFFD\uFFFD');
  });

  it('refuses Object.prototype names as types (registerCount read them from the prototype)', () => {
    for (const t of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => decodeValue([1, 2, 3, 4], 0, t as ModbusType, 'ABCD')).toThrow(/unknown Modbus type/);
    }
  });

  it('registerCount and scale take any number', () => {
    const n = fc.oneof(fc.integer(), fc.double());
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), n, fc.double(), fc.double(), (t, length, raw, multiply) => {
        try {
          const count = registerCount(t, length);
          expect(Number.isInteger(count) && count >= 1 && count <= 125).toBe(true);
        } catch (error) {
          modbusRefusal(error);
        }
        expect(typeof scale(raw, multiply, 0)).toBe('number');
      }),
      fuzzParams(0x73636c65),
    );
  });
});

describe('fuzz: a poll cycle of any answers', () => {
  const config = parseModbusAdapterConfig({
    kind: 'modbus',
    id: 'line',
    transport: { type: 'tcp', host: 'h' },
    devices: [
      {
        id: 'GC',
        unitId: 1,
        registers: [
          { name: 'g', fn: 'input', address: 0, multiply: 0.1, point: 'G' },
          { name: 's', fn: 'input', address: 1, statusOf: 'g', quality: [{ values: [0], level: 'good' }, { values: [3], level: 'bad', reason: 'detector-fault' }] },
          { name: 'f', fn: 'holding', address: 0, type: 'float32', order: 'CDAB', point: 'F', multiply: 1e300 },
          { name: 'd', fn: 'holding', address: 2, type: 'float64', point: 'D' },
          { name: 'b', fn: 'holding', address: 6, type: 'bit', bit: 3, point: 'B' },
          { name: 'c', fn: 'coil', address: 0, point: 'C' },
        ],
      },
    ],
  });
  const compiled = compileLine(config);
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('; '));
  const device = compiled.devices[0] as CompiledDevice;

  const outcomes: fc.Arbitrary<ReadOutcome[]> = fc.tuple(...device.requests.map((request) =>
    fc.oneof(
      fc.array(word, { maxLength: 12 }).map((words): ReadOutcome => ({ ok: true, request, words })),
      fc.array(fc.boolean(), { maxLength: 12 }).map((bits): ReadOutcome => ({ ok: true, request, bits })),
      fc.constant<ReadOutcome>({ ok: false, request, quality: { level: 'bad', reason: 'comm-timeout' } }),
    ),
  ));

  it('gives readings of finite numbers or booleans, and short decode errors', () => {
    fc.assert(
      fc.property(fc.array(outcomes, { minLength: 1, maxLength: 3 }), (cycles) => {
        const last = new Map<string, number | boolean>();
        for (const cycle of cycles) {
          const result = timed('readingsOfCycle', () => readingsOfCycle(device, cycle, 'line', last));
          for (const r of result.readings) expect(typeof r.value === 'boolean' || Number.isFinite(r.value), `${r.pointId}: ${String(r.value)}`).toBe(true);
          for (const e of result.decodeErrors) expectBounded(`${e.where}: ${e.message}`);
        }
      }),
      fuzzParams(0x6379636c),
    );
  });

  it('classifies anything the client library throws', () => {
    const thrown = fc.oneof(
      fc.anything({ withNullPrototype: true }),
      anyText.map((m) => new Error(m)),
      fc.record({ modbusCode: fc.oneof(fc.integer(), fc.double(), anyText), message: fc.oneof(anyText, fc.anything()) }),
      fc.record({ errno: fc.constantFrom('ETIMEDOUT', 'ECONNRESET', 7), name: fc.anything() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(thrown, (error) => {
        const f = classifyFailure(error);
        const q = failureQuality(f);
        expect(['bad', 'uncertain']).toContain(q.level);
      }),
      fuzzParams(0x636c6173),
    );
  });

  it('classifies thrown values String() cannot convert (was a TypeError out of classifyFailure)', () => {
    for (const error of [Object.create(null) as unknown, { toString: null }, { message: 1, toString: () => { throw new Error('no'); } }]) {
      expect(classifyFailure(error).kind).toBe('disconnected');
    }
  });
});

describe('fuzz: the simulator reads any bytes a client sends', () => {
  /** Addresses 0..199 of every function exist. */
  const target: PduTarget = {
    read: (_fn, address, count) => (address + count <= 200 ? Array.from({ length: count }, (_, i) => (address + i) & 1) : undefined),
    write: (_fn, address, values) => address + values.length <= 200,
  };
  const chunks = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

  it('request PDUs: a response PDU of at most 253 bytes, an exception for anything wrong', () => {
    const request = fc.oneof(
      fc.uint8Array({ maxLength: 260 }),
      fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 6, 15, 16, 0x2b, 0x80, 0), fc.uint8Array({ maxLength: 260 })).map(([f, rest]) => Uint8Array.of(f, ...rest)),
    );
    fc.assert(
      fc.property(request, (pdu) => {
        const response = timed('handleRequestPdu', () => handleRequestPdu(target, pdu));
        expect(response.length).toBeGreaterThanOrEqual(2);
        expect(response.length).toBeLessThanOrEqual(253);
      }),
      fuzzParams(0x70647500),
    );
  });

  it('MBAP framing: frames of at most 253-byte PDUs, nothing after a bad header', () => {
    fc.assert(
      fc.property(chunks, (parts) => {
        const framer = new MbapFramer();
        let bad = false;
        for (const part of parts) {
          const items = timed('MbapFramer.push', () => framer.push(part));
          if (bad) expect(items).toEqual([]);
          for (const item of items) {
            if (item.kind === 'bad') bad = true;
            else expect(item.pdu.length).toBeLessThanOrEqual(253);
          }
        }
      }),
      fuzzParams(0x6d626170),
    );
  });

  it('RTU framing: frames pass their CRC, any bytes and silences', () => {
    const good = fc.tuple(fc.integer({ min: 0, max: 247 }), fc.constantFrom(Uint8Array.of(3, 0, 0, 0, 2), Uint8Array.of(16, 0, 1, 0, 1, 2, 0xab, 0xcd))).map(([u, pdu]) => rtuFrame(u, pdu));
    const stream = fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), good, fc.constant('silence' as const)), { maxLength: 10 });
    fc.assert(
      fc.property(stream, (events) => {
        const framer = new RtuRequestFramer();
        for (const e of events) {
          const items = timed('RtuRequestFramer', () => (e === 'silence' ? framer.silence() : framer.push(e)));
          for (const item of items) if (item.kind === 'frame') expect(item.pdu.length).toBeLessThanOrEqual(253);
        }
      }),
      fuzzParams(0x72747500),
    );
  });
});
