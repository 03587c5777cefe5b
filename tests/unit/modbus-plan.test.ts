import { describe, expect, it } from 'vitest';
import { isModbusError, type ModbusErrorCode } from '../../adapters/modbus/errors.js';
import { codeOf } from './modbus-fixtures.js';
import { planRegisterReads, splitRequest, type ReadRequest, type RegisterItem } from '../../adapters/modbus/plan.js';

function holding(id: string, address: number, count = 1, unitId = 1): RegisterItem {
  return { id, unitId, fn: 'holding', address, count };
}

/** [address, count, item ids] of each request: the shape most cases assert. */
function shape(requests: readonly ReadRequest[]): [number, number, string[]][] {
  return requests.map((r) => [r.address, r.count, r.items.map((i) => i.id)]);
}

describe('planRegisterReads: merging', () => {
  // [case, items, options, expected [address, count, ids] per request]
  it.each<[string, RegisterItem[], Parameters<typeof planRegisterReads>[1], [number, number, string[]][]]>([
    ['contiguous items join', [holding('a', 0, 2), holding('b', 2, 2), holding('c', 4)], {}, [[0, 5, ['a', 'b', 'c']]]],
    ['a hole is not read across by default', [holding('a', 0), holding('b', 2)], {}, [[0, 1, ['a']], [2, 1, ['b']]]],
    ['a gap of 4 is not bridged with maxGap 3', [holding('a', 0), holding('b', 5)], { maxGap: 3 }, [[0, 1, ['a']], [5, 1, ['b']]]],
    ['a gap of 4 is bridged with maxGap 4', [holding('a', 0), holding('b', 5)], { maxGap: 4 }, [[0, 6, ['a', 'b']]]],
    ['an overlapping float32 and uint16 share a request', [holding('f', 10, 2), holding('s', 11)], {}, [[10, 2, ['f', 's']]]],
    ['an item inside another shares it', [holding('outer', 0, 4), holding('inner', 1)], {}, [[0, 4, ['outer', 'inner']]]],
    ['bridging never exceeds the limit', [holding('a', 0, 100), holding('b', 110, 20)], { maxGap: 10 }, [[0, 100, ['a']], [110, 20, ['b']]]],
    ['bridging up to exactly the limit', [holding('a', 0, 100), holding('b', 110, 15)], { maxGap: 10 }, [[0, 125, ['a', 'b']]]],
    ['a smaller maxRegisters splits earlier', [holding('a', 0, 2), holding('b', 2, 2)], { maxRegisters: 3 }, [[0, 2, ['a']], [2, 2, ['b']]]],
    ['unsorted input comes out sorted', [holding('z', 7), holding('y', 3), holding('x', 0)], {}, [[0, 1, ['x']], [3, 1, ['y']], [7, 1, ['z']]]],
  ])('%s', (_case, items, opts, expected) => {
    expect(shape(planRegisterReads(items, opts))).toEqual(expected);
  });

  it('gives each item its offset and count in the answer', () => {
    const [req] = planRegisterReads([holding('a', 100, 2), holding('b', 103, 4)], { maxGap: 1 });
    expect(req).toEqual({ unitId: 1, fn: 'holding', address: 100, count: 7, items: [{ id: 'a', offset: 0, count: 2 }, { id: 'b', offset: 3, count: 4 }] });
  });

  it('reads 125 single registers in one request and the 126th in a second', () => {
    const items = Array.from({ length: 126 }, (_, i) => holding(`r${i}`, i));
    expect(planRegisterReads(items.slice(0, 125)).map((r) => [r.address, r.count])).toEqual([[0, 125]]);
    expect(planRegisterReads(items).map((r) => [r.address, r.count, r.items.length])).toEqual([[0, 125, 125], [125, 1, 1]]);
  });

  it('reads up to 2000 bits per coil or discrete request', () => {
    const coils: RegisterItem[] = [
      { id: 'c1', unitId: 1, fn: 'coil', address: 0, count: 1000 },
      { id: 'c2', unitId: 1, fn: 'coil', address: 1000, count: 1000 },
      { id: 'c3', unitId: 1, fn: 'coil', address: 2000, count: 1 },
    ];
    expect(shape(planRegisterReads(coils))).toEqual([[0, 2000, ['c1', 'c2']], [2000, 1, ['c3']]]);
  });

  it('never merges across unit ids or function codes, and orders by unit then function code', () => {
    const items: RegisterItem[] = [
      { id: 'u2-input', unitId: 2, fn: 'input', address: 0, count: 1 },
      { id: 'u1-input', unitId: 1, fn: 'input', address: 1, count: 1 },
      { id: 'u2-holding', unitId: 2, fn: 'holding', address: 1, count: 1 },
      { id: 'u1-holding', unitId: 1, fn: 'holding', address: 0, count: 1 },
      { id: 'u1-coil', unitId: 1, fn: 'coil', address: 1, count: 1 },
      { id: 'u1-discrete', unitId: 1, fn: 'discrete', address: 0, count: 1 },
    ];
    const plan = planRegisterReads(items, { maxGap: 10 });
    expect(plan.map((r) => [r.unitId, r.fn, r.items.map((i) => i.id)])).toEqual([
      [1, 'coil', ['u1-coil']],
      [1, 'discrete', ['u1-discrete']],
      [1, 'holding', ['u1-holding']],
      [1, 'input', ['u1-input']],
      [2, 'holding', ['u2-holding']],
      [2, 'input', ['u2-input']],
    ]);
  });

  it('plans the same requests whatever the input order', () => {
    const items = [holding('a', 0, 2), holding('b', 1), holding('c', 1), holding('d', 9, 2), holding('e', 40), holding('f', 3, 1, 2)];
    const expected = planRegisterReads(items, { maxGap: 8 });
    expect(shape(expected)).toEqual([[0, 11, ['a', 'b', 'c', 'd']], [40, 1, ['e']], [3, 1, ['f']]]);
    for (const perm of [[...items].reverse(), [items[3], items[5], items[0], items[4], items[2], items[1]]]) {
      expect(planRegisterReads(perm.filter((i): i is RegisterItem => i !== undefined), { maxGap: 8 })).toEqual(expected);
    }
  });

  it('returns no requests for no items', () => {
    expect(planRegisterReads([])).toEqual([]);
  });
});

describe('planRegisterReads: refusals', () => {
  it.each<[string, RegisterItem, ModbusErrorCode]>([
    ['a holding item of 126 registers', holding('big', 0, 126), 'HG_ERR_MODBUS_ITEM_TOO_LARGE'],
    ['a coil item of 2001 bits', { id: 'big', unitId: 1, fn: 'coil', address: 0, count: 2001 }, 'HG_ERR_MODBUS_ITEM_TOO_LARGE'],
    ['a negative address', holding('x', -1), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['address 65536', holding('x', 65536), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['a fractional address', holding('x', 1.5), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['count 0', holding('x', 0, 0), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['a span past 65535', holding('x', 65535, 2), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['unit id 256', holding('x', 0, 1, 256), 'HG_ERR_MODBUS_PLAN_INVALID'],
    ['an unknown function', { id: 'x', unitId: 1, fn: 'register' as 'holding', address: 0, count: 1 }, 'HG_ERR_MODBUS_PLAN_INVALID'],
  ])('refuses %s', (_case, item, code) => {
    expect(codeOf(() => planRegisterReads([holding('ok', 0), item]))).toBe(code);
  });

  it('accepts the largest items and the last address', () => {
    const items: RegisterItem[] = [holding('h', 0, 125), { id: 'c', unitId: 1, fn: 'coil', address: 0, count: 2000 }, holding('last', 65535)];
    expect(planRegisterReads(items).map((r) => r.count)).toEqual([2000, 125, 1]);
  });

  it('names the item that is too large', () => {
    try {
      planRegisterReads([holding('gas-7', 10, 130)]);
      expect.unreachable();
    } catch (e) {
      expect(isModbusError(e) && e.details).toMatchObject({ id: 'gas-7', limit: 125 });
      expect((e as Error).message).toContain('gas-7');
    }
  });

  it('refuses an id listed twice', () => {
    expect(codeOf(() => planRegisterReads([holding('a', 0), holding('a', 5)]))).toBe('HG_ERR_MODBUS_PLAN_INVALID');
  });

  it.each([{ maxRegisters: 126 }, { maxRegisters: 0 }, { maxBits: 2001 }, { maxGap: -1 }, { maxGap: 0.5 }])('refuses options %o', (opts) => {
    expect(codeOf(() => planRegisterReads([holding('a', 0)], opts))).toBe('HG_ERR_MODBUS_PLAN_INVALID');
  });
});

describe('splitRequest: after exception 2 (illegal data address)', () => {
  const merged = planRegisterReads([holding('a', 0), holding('b', 5, 2), holding('c', 10), holding('d', 20)], { maxGap: 10 });

  it('starts from one merged request', () => {
    expect(shape(merged)).toEqual([[0, 21, ['a', 'b', 'c', 'd']]]);
  });

  it('halves into two tight requests that skip the gap registers', () => {
    const [req] = merged;
    if (req === undefined) throw new Error('no request');
    expect(shape(splitRequest(req))).toEqual([[0, 7, ['a', 'b']], [10, 11, ['c', 'd']]]);
    expect(splitRequest(req)[1]?.items).toEqual([{ id: 'c', offset: 0, count: 1 }, { id: 'd', offset: 10, count: 1 }]);
  });

  it('splits into one request per item', () => {
    const [req] = merged;
    if (req === undefined) throw new Error('no request');
    expect(shape(splitRequest(req, 'items'))).toEqual([[0, 1, ['a']], [5, 2, ['b']], [10, 1, ['c']], [20, 1, ['d']]]);
  });

  it('returns a one-item request alone, tightened to its item', () => {
    const req: ReadRequest = { unitId: 1, fn: 'input', address: 3, count: 5, items: [{ id: 'x', offset: 2, count: 1 }] };
    expect(splitRequest(req)).toEqual([{ unitId: 1, fn: 'input', address: 5, count: 1, items: [{ id: 'x', offset: 0, count: 1 }] }]);
  });

  it('keeps items of the same span together (they cannot be told apart)', () => {
    const [req] = planRegisterReads([holding('p', 4, 2), holding('q', 4, 2), holding('r', 6)]);
    if (req === undefined) throw new Error('no request');
    expect(shape(splitRequest(req, 'items'))).toEqual([[4, 2, ['p', 'q']], [6, 1, ['r']]]);
    expect(shape(splitRequest(req))).toEqual([[4, 2, ['p', 'q']], [6, 1, ['r']]]);
  });

  it('gives nothing for a request without items', () => {
    expect(splitRequest({ unitId: 1, fn: 'holding', address: 0, count: 3, items: [] })).toEqual([]);
  });

  it('finds the one refused item of 100 in at most 7 rounds of halving', () => {
    const items = Array.from({ length: 100 }, (_, i) => holding(`r${i}`, i));
    const refused = 'r61';
    let [req] = planRegisterReads(items);
    let rounds = 0;
    while (req !== undefined && req.items.length > 1) {
      rounds++;
      req = splitRequest(req).find((r) => r.items.some((i) => i.id === refused));
    }
    expect(req?.items.map((i) => i.id)).toEqual([refused]);
    expect(req?.address).toBe(61);
    expect(rounds).toBeLessThanOrEqual(7);
  });
});
