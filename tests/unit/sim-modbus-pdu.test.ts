import { describe, expect, it } from 'vitest';
import { MbapFramer, mbapFrame } from '../../devices/modbus/mbap.js';
import { exceptionPdu, handleRequestPdu, isExceptionPdu, type PduTarget } from '../../devices/modbus/pdu.js';
import { RegisterImage } from '../../devices/modbus/register-image.js';
import { crc16Modbus, hasValidCrc, rtuFrame, RtuRequestFramer } from '../../devices/modbus/rtu-frame.js';
import { parseModbusProfile, type ModbusProfile } from '../../devices/profiles/modbus-profile.js';

/** coils 0-9, discrete 0-2, holding 0-3 and 10, input 0-1 (address 4-9 of holding undefined). */
const PROFILE_YAML = `
profile: pdu-test
modbus:
  registers:
    - { name: 'c{n}', fn: coil, address: 0, repeat: 10 }
    - { name: 'd{n}', fn: discrete, address: 0, repeat: 3 }
    - { name: 'h{n}', fn: holding, address: 0, repeat: 4 }
    - { name: h10, fn: holding, address: 10 }
    - { name: i1, fn: input, address: 0, type: uint32 }
`;

function image(): RegisterImage {
  const result = parseModbusProfile(PROFILE_YAML, 'pdu-test.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const img = new RegisterImage(result.profile);
  const reg = (name: string): ModbusProfile['registers'][number] => {
    const found = result.profile.registers.find((r) => r.name === name);
    if (found === undefined) throw new Error(name);
    return found;
  };
  for (const name of ['c1', 'c3', 'c9', 'c10', 'd2']) img.store(reg(name), true);
  img.store(reg('h1'), 0x1234);
  img.store(reg('h4'), 0xabcd);
  img.store(reg('i1'), 0x00010002);
  return img;
}

const pdu = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('handleRequestPdu: reads', () => {
  it('reads coils (FC 1), first bit in the lowest bit of the first byte', () => {
    // c1, c3, c9, c10 on → 0b00000101, 0b00000011
    expect(hex(handleRequestPdu(image(), pdu(1, 0, 0, 0, 10)))).toBe('01020503');
  });
  it('reads discrete inputs (FC 2)', () => {
    expect(hex(handleRequestPdu(image(), pdu(2, 0, 0, 0, 3)))).toBe('020102');
  });
  it('reads holding registers (FC 3)', () => {
    expect(hex(handleRequestPdu(image(), pdu(3, 0, 0, 0, 4)))).toBe('0308' + '1234' + '0000' + '0000' + 'abcd');
  });
  it('reads input registers (FC 4), a uint32 in two registers', () => {
    expect(hex(handleRequestPdu(image(), pdu(4, 0, 0, 0, 2)))).toBe('040400010002');
  });
});

describe('handleRequestPdu: writes (so mbpoll can poke the simulator)', () => {
  it('writes a single coil (FC 5) and echoes the request', () => {
    const img = image();
    expect(hex(handleRequestPdu(img, pdu(5, 0, 1, 0xff, 0)))).toBe('050001ff00');
    expect(img.read('coil', 1, 1)).toEqual([1]);
    expect(hex(handleRequestPdu(img, pdu(5, 0, 1, 0, 0)))).toBe('0500010000');
    expect(img.read('coil', 1, 1)).toEqual([0]);
  });
  it('writes a single register (FC 6)', () => {
    const img = image();
    expect(hex(handleRequestPdu(img, pdu(6, 0, 10, 0x12, 0x34)))).toBe('06000a1234');
    expect(img.read('holding', 10, 1)).toEqual([0x1234]);
  });
  it('writes multiple coils (FC 15)', () => {
    const img = image();
    expect(hex(handleRequestPdu(img, pdu(15, 0, 0, 0, 9, 2, 0b11111110, 0b1)))).toBe('0f00000009');
    expect(img.read('coil', 0, 10)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
  it('writes multiple registers (FC 16)', () => {
    const img = image();
    expect(hex(handleRequestPdu(img, pdu(16, 0, 1, 0, 2, 4, 0, 7, 0, 8)))).toBe('1000010002');
    expect(img.read('holding', 0, 4)).toEqual([0x1234, 7, 8, 0xabcd]);
  });
});

describe('handleRequestPdu: exceptions', () => {
  it.each([
    { what: 'unknown function 7', request: [7], answer: '8701' },
    { what: 'function 43 (device id, not simulated)', request: [43, 14, 1, 0], answer: 'ab01' },
    { what: 'an exception code as request', request: [0x83, 0, 0, 0, 1], answer: '8301' },
    { what: 'one register past the holding block (address 4 undefined)', request: [3, 0, 0, 0, 5], answer: '8302' },
    { what: 'a hole inside the range (4-9 undefined)', request: [3, 0, 3, 0, 8], answer: '8302' },
    { what: 'an address nobody defines', request: [4, 0x12, 0x34, 0, 1], answer: '8402' },
    { what: 'half of a uint32 is still defined', request: [4, 0, 1, 0, 1], answer: '04020002' },
    { what: 'coil past the last', request: [1, 0, 5, 0, 6], answer: '8102' },
    { what: 'count 0', request: [3, 0, 0, 0, 0], answer: '8303' },
    { what: '126 registers', request: [3, 0, 0, 0, 126], answer: '8303' },
    { what: '2001 coils', request: [1, 0, 0, 0x07, 0xd1], answer: '8103' },
    { what: 'a range past 65535', request: [3, 0xff, 0xff, 0, 2], answer: '8302' },
    { what: 'a read PDU one byte short', request: [3, 0, 0, 0], answer: '8303' },
    { what: 'a read PDU one byte long', request: [4, 0, 0, 0, 1, 0], answer: '8403' },
    { what: 'a coil written with 0x1234', request: [5, 0, 0, 0x12, 0x34], answer: '8503' },
    { what: 'a coil that is not defined', request: [5, 0, 50, 0xff, 0], answer: '8502' },
    { what: 'a write to an undefined holding register', request: [6, 0, 5, 0, 1], answer: '8602' },
    { what: 'FC 16 with a byte count that does not match', request: [16, 0, 0, 0, 2, 3, 0, 1, 0], answer: '9003' },
    { what: 'FC 16 with missing data', request: [16, 0, 0, 0, 2, 4, 0, 1], answer: '9003' },
    { what: 'FC 16 over a hole', request: [16, 0, 3, 0, 2, 4, 0, 1, 0, 2], answer: '9002' },
    { what: 'FC 15 with a wrong byte count', request: [15, 0, 0, 0, 9, 1, 0xff], answer: '8f03' },
    { what: 'FC 15 with count 0', request: [15, 0, 0, 0, 0, 0], answer: '8f03' },
  ])('$what → $answer', ({ request, answer }) => {
    expect(hex(handleRequestPdu(image(), pdu(...request)))).toBe(answer);
  });

  it('changes nothing when a multiple write is refused', () => {
    const img = image();
    handleRequestPdu(img, pdu(16, 0, 3, 0, 2, 4, 0, 1, 0, 2));
    expect(img.read('holding', 3, 1)).toEqual([0xabcd]);
  });

  it('recognises exception responses', () => {
    expect(isExceptionPdu(exceptionPdu(4, 6))).toBe(true);
    expect(hex(exceptionPdu(4, 6))).toBe('8406');
    expect(isExceptionPdu(pdu(3, 2, 0, 1))).toBe(false);
  });

  it('asks the target for exactly the requested span', () => {
    const asked: string[] = [];
    const target: PduTarget = { read: (fn, a, c) => (asked.push(`${fn}:${a}+${c}`), Array(c).fill(0)), write: () => true };
    handleRequestPdu(target, pdu(4, 0, 100, 0, 3));
    expect(asked).toEqual(['input:100+3']);
  });
});

describe('MBAP framing', () => {
  const request = mbapFrame(0x0102, 1, pdu(3, 0, 0, 0, 1));

  it('builds a frame: transaction id, protocol 0, length of unit id + PDU', () => {
    expect(hex(request)).toBe('010200000006' + '01' + '0300000001');
  });
  it('joins a frame split over several chunks', () => {
    const framer = new MbapFramer();
    expect(framer.push(request.subarray(0, 3))).toEqual([]);
    expect(framer.push(request.subarray(3, 9))).toEqual([]);
    const items = framer.push(request.subarray(9));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'frame', transactionId: 0x0102, unitId: 1 });
  });
  it('splits concatenated frames', () => {
    const second = mbapFrame(7, 2, pdu(4, 0, 1, 0, 2));
    const items = new MbapFramer().push(Buffer.concat([request, second, second.subarray(0, 4)]));
    expect(items.map((i) => (i.kind === 'frame' ? `${i.transactionId}/${i.unitId}/${hex(i.pdu)}` : 'bad'))).toEqual(['258/1/0300000001', '7/2/0400010002']);
  });
  it.each([
    { what: 'protocol id 1', bytes: '000100010006010300000001' },
    { what: 'length 1', bytes: '00010000000101' },
    { what: 'length 255', bytes: '000100000100' + '01' },
  ])('reports $what as bad and then nothing more', ({ bytes }) => {
    const framer = new MbapFramer();
    expect(framer.push(Buffer.from(bytes, 'hex'))[0]?.kind).toBe('bad');
    expect(framer.push(request)).toEqual([]);
  });
});

describe('RTU framing', () => {
  it('computes CRC-16/MODBUS (check value 0x4B37 for "123456789")', () => {
    expect(crc16Modbus(Buffer.from('123456789'))).toBe(0x4b37);
  });
  it('appends the CRC low byte first (01 03 0000 0001 → 84 0A)', () => {
    expect(hex(rtuFrame(1, pdu(3, 0, 0, 0, 1)))).toBe('010300000001840a');
    expect(hasValidCrc(rtuFrame(1, pdu(3, 0, 0, 0, 1)))).toBe(true);
  });
  it('ends a request at the length its function code implies, across chunks', () => {
    const framer = new RtuRequestFramer();
    const a = rtuFrame(1, pdu(3, 0, 0, 0, 1));
    const b = rtuFrame(2, pdu(16, 0, 0, 0, 1, 2, 0, 9));
    expect(framer.push(a.subarray(0, 5))).toEqual([]);
    const items = framer.push(Buffer.concat([a.subarray(5), b]));
    expect(items.map((i) => (i.kind === 'frame' ? `${i.unitId}:${hex(i.pdu)}` : 'bad'))).toEqual(['1:0300000001', '2:10000000010200' + '09']);
    expect(framer.pending).toBe(false);
  });
  it('counts a bad CRC and drops the rest of the burst until the line goes quiet', () => {
    const framer = new RtuRequestFramer();
    const bad = rtuFrame(1, pdu(3, 0, 0, 0, 1));
    bad[7] = (bad[7] ?? 0) ^ 1;
    expect(framer.push(bad)[0]?.kind).toBe('bad');
    expect(framer.push(rtuFrame(1, pdu(3, 0, 0, 0, 1)))).toEqual([]);
    expect(framer.silence()).toEqual([]);
    expect(framer.push(rtuFrame(1, pdu(3, 0, 0, 0, 1)))[0]?.kind).toBe('frame');
  });
  it('leaves a function code of unknown length to the silence', () => {
    const framer = new RtuRequestFramer();
    expect(framer.push(rtuFrame(1, pdu(43, 14, 1, 0)))).toEqual([]);
    expect(framer.silence()[0]).toMatchObject({ kind: 'frame', unitId: 1 });
    framer.push(pdu(1, 3, 0));
    expect(framer.silence()[0]?.kind).toBe('bad');
  });
});
