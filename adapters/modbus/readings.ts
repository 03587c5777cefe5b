import type { Quality, RawReading } from '../../src/core/index.js';
import { decodeValue } from './decode.js';
import type { CompiledDevice, CompiledRegister } from './device-map.js';
import type { ReadRequest } from './plan.js';

/**
 * One poll cycle of a device → RawReadings, without timestamps (Modbus carries none: the pipeline
 * stamps the receive time). Pure: the answers in, readings out. A value the device
 * gave comes with the quality of its status word (if it has one); a register whose read failed
 * comes with bad quality and the reason, carrying its last value (the pipeline records it, the
 * rules ignore it: a bad value never moves a condition).
 */

/** What one planned read gave: registers or bits, or why there is nothing. */
export type ReadOutcome =
  | { readonly ok: true; readonly request: ReadRequest; readonly words: readonly number[] }
  | { readonly ok: true; readonly request: ReadRequest; readonly bits: readonly boolean[] }
  | { readonly ok: false; readonly request: ReadRequest; readonly quality: Quality };

export interface CycleResult {
  readonly readings: RawReading[];
  /** Registers whose bytes could not be decoded (a device sending a NaN float is not this). */
  readonly decodeErrors: { readonly where: string; readonly message: string }[];
}

const STATUS_UNKNOWN: Quality = { level: 'bad', reason: 'status-unknown' };
const NOT_FINITE: Quality = { level: 'bad', reason: 'not-finite' };

export function readingsOfCycle(
  device: CompiledDevice,
  outcomes: readonly ReadOutcome[],
  source: string,
  lastValues: Map<string, number | boolean>,
): CycleResult {
  const raw = new Map<string, number | boolean>();
  const failed = new Map<string, Quality>();
  const decodeErrors: CycleResult['decodeErrors'] = [];
  for (const outcome of outcomes) {
    for (const item of outcome.request.items) {
      const reg = device.registers.get(item.id);
      if (reg === undefined) continue;
      if (!outcome.ok) {
        failed.set(reg.key, outcome.quality);
        continue;
      }
      try {
        raw.set(reg.key, 'bits' in outcome ? outcome.bits[item.offset] === true : decodeRaw(reg, outcome.words, item.offset));
      } catch (e) {
        decodeErrors.push({ where: reg.where, message: e instanceof Error ? e.message : String(e) });
        failed.set(reg.key, { level: 'bad', reason: 'decode-error' });
      }
    }
  }
  const readings: RawReading[] = [];
  for (const reg of device.registers.values()) {
    if (reg.pointId === undefined) continue;
    const origin = reg.where;
    const value = raw.get(reg.key);
    if (value === undefined) {
      const quality = failed.get(reg.key);
      if (quality === undefined) continue; // not read this cycle (cannot happen with a full cycle)
      readings.push({ source, pointId: reg.pointId, value: lastValues.get(reg.key) ?? 0, quality, origin });
      continue;
    }
    const scaled = typeof value === 'number' ? scale(value, reg.multiply, reg.offset) : value;
    if (typeof scaled === 'number' && !Number.isFinite(scaled)) {
      // Devices write NaN into a float to say the sensor failed: that must show as bad, never be
      // refused by the pipeline and leave the last good value standing.
      readings.push({ source, pointId: reg.pointId, value: lastValues.get(reg.key) ?? 0, quality: NOT_FINITE, origin });
      continue;
    }
    lastValues.set(reg.key, scaled);
    const quality = statusQuality(device, reg, raw, failed);
    readings.push(quality === undefined ? { source, pointId: reg.pointId, value: scaled, origin } : { source, pointId: reg.pointId, value: scaled, quality, origin });
  }
  return { readings, decodeErrors };
}

/** raw · multiply + offset; a multiply of 0.1 divides by 10 so 7 counts read 0.7, not 0.7000000000000001. */
export function scale(raw: number, multiply: number, offset: number): number {
  const divisor = 1 / multiply;
  return (Number.isInteger(divisor) ? raw / divisor : raw * multiply) + offset;
}

function decodeRaw(reg: CompiledRegister, words: readonly number[], offset: number): number | boolean {
  const v = decodeValue(words, offset, reg.type, reg.order, reg.bit === undefined ? {} : { bit: reg.bit });
  if (typeof v === 'string') throw new Error(`${reg.where}: a string cannot be a point value`); // compileRegister refuses these
  return v;
}

/** The quality the register's status word gives, undefined when it has none (or says good). */
function statusQuality(
  device: CompiledDevice,
  reg: CompiledRegister,
  raw: ReadonlyMap<string, number | boolean>,
  failed: ReadonlyMap<string, Quality>,
): Quality | undefined {
  const statusKey = device.statusFor.get(reg.key);
  if (statusKey === undefined) return undefined;
  const statusReg = device.registers.get(statusKey);
  const word = raw.get(statusKey);
  if (statusReg === undefined || word === undefined) {
    // The value came but its status word did not: the value cannot be trusted as good.
    return failed.has(statusKey) ? { level: 'uncertain', reason: 'status-unread' } : undefined;
  }
  const n = typeof word === 'boolean' ? (word ? 1 : 0) : word;
  const rule = statusReg.quality?.find((q) => q.values.includes(n));
  if (rule === undefined) return STATUS_UNKNOWN;
  if (rule.level === 'good') return undefined;
  return rule.reason === undefined ? { level: rule.level } : { level: rule.level, reason: rule.reason };
}
