import { ModbusError } from './errors.js';

/**
 * Read planning: combine the registers (or bits) a device's points span into as few Modbus read
 * requests as the protocol limits allow. Pure; the adapter runs it once per device and poll group.
 */

export type ModbusFunction = 'coil' | 'discrete' | 'holding' | 'input';

export interface RegisterItem {
  readonly id: string;
  readonly unitId: number;
  readonly fn: ModbusFunction;
  /** 0-based protocol address (holding register 40001 is address 0). */
  readonly address: number;
  /** Registers (holding/input) or bits (coil/discrete) the item spans. */
  readonly count: number;
}

export interface ReadItem {
  readonly id: string;
  /** Position of the item's first register (or bit) in the request's answer. */
  readonly offset: number;
  /** Registers (or bits) the item spans; kept so a refused request can be split exactly. */
  readonly count: number;
}

export interface ReadRequest {
  readonly unitId: number;
  readonly fn: ModbusFunction;
  readonly address: number;
  readonly count: number;
  readonly items: readonly ReadItem[];
}

export interface PlanOptions {
  /** Registers per holding/input read, 1..125 (Modbus Application Protocol V1.1b3 §6.3, §6.4). */
  readonly maxRegisters?: number;
  /** Bits per coil/discrete read, 1..2000 (§6.1, §6.2). */
  readonly maxBits?: number;
  /**
   * Unconfigured registers (or bits) a request may read across to join two items. 0 by default:
   * reading across a hole can hit an address the device refuses (exception 2).
   */
  readonly maxGap?: number;
}

export const MODBUS_MAX_REGISTERS = 125;
export const MODBUS_MAX_BITS = 2000;
const MAX_ADDRESS = 0xffff;

/** Output order of the groups: by function code (1 coils, 2 discrete inputs, 3 holding, 4 input). */
const FN_CODE: Readonly<Record<ModbusFunction, number>> = { coil: 1, discrete: 2, holding: 3, input: 4 };

interface Limits {
  readonly maxRegisters: number;
  readonly maxBits: number;
  readonly maxGap: number;
}

export function planRegisterReads(items: readonly RegisterItem[], opts: PlanOptions = {}): ReadRequest[] {
  const limits = checkOptions(opts);
  const seen = new Set<string>();
  for (const item of items) {
    checkItem(item, limits);
    if (seen.has(item.id)) invalid(`Modbus item "${item.id}" is listed twice`, item);
    seen.add(item.id);
  }
  const sorted = [...items].sort(compareItems);
  const requests: ReadRequest[] = [];
  let group: RegisterItem[] = [];
  for (const item of sorted) {
    const first = group[0];
    if (first !== undefined && (first.unitId !== item.unitId || first.fn !== item.fn)) {
      requests.push(...mergeGroup(group, limits));
      group = [];
    }
    group.push(item);
  }
  if (group.length > 0) requests.push(...mergeGroup(group, limits));
  return requests;
}

/**
 * Splits a request a device refused with exception 2 (illegal data address), so the caller can
 * find the item at fault: `halves` (default) into two tight requests of the first and second half
 * of its items, a binary search in log2(n) rounds; `items` into one request per distinct item span.
 * A request of one item span cannot be split: it comes back alone (tightened to that span), which
 * tells the caller that item itself is refused. A request without items gives none.
 */
export function splitRequest(req: ReadRequest, how: 'halves' | 'items' = 'halves'): ReadRequest[] {
  if (req.items.length === 0) return [];
  const spans = spansOf(req);
  if (spans.length === 1) return [tighten(req, req.items)];
  if (how === 'items') return spans.map((span) => tighten(req, span));
  const half = Math.ceil(spans.length / 2);
  return [tighten(req, spans.slice(0, half).flat()), tighten(req, spans.slice(half).flat())];
}

function mergeGroup(group: readonly RegisterItem[], limits: Limits): ReadRequest[] {
  const limit = limitOf(group[0]?.fn ?? 'holding', limits);
  const out: ReadRequest[] = [];
  let members: RegisterItem[] = [];
  let start = 0;
  let end = 0; // exclusive
  for (const item of group) {
    const itemEnd = item.address + item.count;
    const joins = members.length > 0 && item.address - end <= limits.maxGap && Math.max(end, itemEnd) - start <= limit;
    if (joins) {
      members.push(item);
      end = Math.max(end, itemEnd);
      continue;
    }
    if (members.length > 0) out.push(requestOf(members, start, end));
    members = [item];
    start = item.address;
    end = itemEnd;
  }
  if (members.length > 0) out.push(requestOf(members, start, end));
  return out;
}

function requestOf(members: readonly RegisterItem[], start: number, end: number): ReadRequest {
  const first = members[0];
  if (first === undefined) throw new Error('requestOf: no members'); // unreachable: callers pass ≥ 1
  return {
    unitId: first.unitId,
    fn: first.fn,
    address: start,
    count: end - start,
    items: members.map((m) => ({ id: m.id, offset: m.address - start, count: m.count })),
  };
}

/** The request's items grouped by identical span (offset and count), in request order. */
function spansOf(req: ReadRequest): ReadItem[][] {
  const spans = new Map<string, ReadItem[]>();
  for (const item of req.items) {
    const key = `${item.offset}:${item.count}`;
    const list = spans.get(key);
    if (list === undefined) spans.set(key, [item]);
    else list.push(item);
  }
  return [...spans.values()];
}

/** A request for exactly the registers these items span (no gap registers around them). */
function tighten(req: ReadRequest, items: readonly ReadItem[]): ReadRequest {
  const start = Math.min(...items.map((i) => i.offset));
  const end = Math.max(...items.map((i) => i.offset + i.count));
  return {
    unitId: req.unitId,
    fn: req.fn,
    address: req.address + start,
    count: end - start,
    items: items.map((i) => ({ id: i.id, offset: i.offset - start, count: i.count })),
  };
}

function compareItems(a: RegisterItem, b: RegisterItem): number {
  return (
    a.unitId - b.unitId ||
    FN_CODE[a.fn] - FN_CODE[b.fn] ||
    a.address - b.address ||
    a.count - b.count ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function limitOf(fn: ModbusFunction, limits: Limits): number {
  return fn === 'coil' || fn === 'discrete' ? limits.maxBits : limits.maxRegisters;
}

function checkOptions(opts: PlanOptions): Limits {
  const limits = {
    maxRegisters: opts.maxRegisters ?? MODBUS_MAX_REGISTERS,
    maxBits: opts.maxBits ?? MODBUS_MAX_BITS,
    maxGap: opts.maxGap ?? 0,
  };
  if (!isIntIn(limits.maxRegisters, 1, MODBUS_MAX_REGISTERS)) invalid(`maxRegisters must be 1..${MODBUS_MAX_REGISTERS}, got ${limits.maxRegisters}`, limits);
  if (!isIntIn(limits.maxBits, 1, MODBUS_MAX_BITS)) invalid(`maxBits must be 1..${MODBUS_MAX_BITS}, got ${limits.maxBits}`, limits);
  if (!isIntIn(limits.maxGap, 0, MODBUS_MAX_BITS)) invalid(`maxGap must be a whole number ≥ 0, got ${limits.maxGap}`, limits);
  return limits;
}

function checkItem(item: RegisterItem, limits: Limits): void {
  const where = `Modbus item "${item.id}" (unit ${item.unitId}, ${item.fn} ${item.address})`;
  if (!(item.fn in FN_CODE)) invalid(`${where}: unknown function "${String(item.fn)}"`, item);
  // Unit 0 is broadcast (no answer) and 248..255 are reserved, but TCP gateways use 255 and 0.
  if (!isIntIn(item.unitId, 0, 255)) invalid(`${where}: unit id must be 0..255`, item);
  if (!isIntIn(item.address, 0, MAX_ADDRESS)) invalid(`${where}: address must be 0..65535`, item);
  if (!isIntIn(item.count, 1, Number.MAX_SAFE_INTEGER)) invalid(`${where}: count must be a whole number ≥ 1, got ${item.count}`, item);
  if (item.address + item.count - 1 > MAX_ADDRESS) invalid(`${where}: spans past address 65535`, item);
  const limit = limitOf(item.fn, limits);
  if (item.count > limit) {
    throw new ModbusError('HG_ERR_MODBUS_ITEM_TOO_LARGE', `${where} spans ${item.count}, more than one read may take (${limit})`, { ...item, limit });
  }
}

function isIntIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

function invalid(message: string, details: object): never {
  throw new ModbusError('HG_ERR_MODBUS_PLAN_INVALID', message, { ...details });
}
