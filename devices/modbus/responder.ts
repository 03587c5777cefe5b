import type { DeviceBehaviour } from './device-behaviour.js';
import { exceptionPdu, handleRequestPdu } from './pdu.js';
import type { RegisterImage } from './register-image.js';

/** Counters of a running Modbus simulator, across its servers. */
export interface ModbusSimStats {
  /** Frames addressed to a simulated device (answered or not). */
  requests: number;
  /** Exception responses sent, by decimal exception code ("2", "6", "11"…). */
  exceptions: Record<string, number>;
  /** TCP frames that are not Modbus TCP (connection dropped) and RTU frames with a bad CRC. */
  badFrames: number;
  /** Requests for a unit id no device of that server has. */
  unknownUnit: number;
}

export function newStats(): ModbusSimStats {
  return { requests: 0, exceptions: {}, badFrames: 0, unknownUnit: 0 };
}

export function countException(stats: ModbusSimStats, code: number): void {
  stats.exceptions[String(code)] = (stats.exceptions[String(code)] ?? 0) + 1;
}

/** A device behind a server: its memory and how it behaves right now. */
export interface SimulatedUnit {
  readonly id: string;
  readonly image: RegisterImage;
  behaviour(): DeviceBehaviour;
}

export type Reply =
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown-unit' }
  | { readonly kind: 'answer'; readonly pdu: Uint8Array; readonly delayMs: number; readonly corrupt: boolean };

/**
 * A broadcast (unit 0, Modbus over Serial Line §2.1): every device that is not silent carries out
 * the request; nobody answers. Counted as one request.
 */
export function executeBroadcast(units: ReadonlyMap<number, SimulatedUnit>, stats: ModbusSimStats, pdu: Uint8Array): void {
  stats.requests += 1;
  for (const unit of units.values()) if (unit.behaviour().answer === 'normal') handleRequestPdu(unit.image, pdu);
}

/** What the device at `unitId` answers to `pdu`; transports frame it (and decide what an unknown unit gets). */
export function replyTo(units: ReadonlyMap<number, SimulatedUnit>, stats: ModbusSimStats, unitId: number, pdu: Uint8Array): Reply {
  const unit = units.get(unitId);
  if (unit === undefined) {
    stats.unknownUnit += 1;
    return { kind: 'unknown-unit' };
  }
  stats.requests += 1;
  const behaviour = unit.behaviour();
  if (behaviour.answer === 'silent') return { kind: 'none' };
  const fc = pdu[0] ?? 0;
  const response = behaviour.answer === 'exception' ? exceptionPdu(fc, behaviour.exceptionCode) : handleRequestPdu(unit.image, pdu);
  if ((response[0] ?? 0) & 0x80) countException(stats, response[1] ?? 0);
  return { kind: 'answer', pdu: response, delayMs: behaviour.delayMs, corrupt: behaviour.corrupt };
}
