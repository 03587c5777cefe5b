import type { ErrorCode } from '../../src/core/errors.js';

/** Errors of the pure Modbus planner and decoder; their codes are in the core catalogue. */
export type ModbusErrorCode = Extract<ErrorCode, `HG_ERR_MODBUS_${string}`>;

export class ModbusError extends Error {
  override readonly name = 'ModbusError';
  readonly code: ModbusErrorCode;
  /** Structured context: item id, unit id, function, address… */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ModbusErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isModbusError(e: unknown): e is ModbusError {
  return e instanceof ModbusError;
}
