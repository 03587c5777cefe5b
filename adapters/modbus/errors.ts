/**
 * Errors of the pure Modbus planner and decoder. These codes are not in the core catalogue
 * (src/core/errors.ts) yet: they are documented in this folder's README and will move into the
 * catalogue (and docs/errors.md) when the adapter that reports them is wired in (issue 4).
 */
export type ModbusErrorCode =
  /** An item or option is invalid: address, count, unit id, function, limit, gap or duplicate id. */
  | 'HG_ERR_MODBUS_PLAN_INVALID'
  /** An item spans more registers (or bits) than one request may read. */
  | 'HG_ERR_MODBUS_ITEM_TOO_LARGE'
  /** A decode asks for registers beyond the block it was given. */
  | 'HG_ERR_MODBUS_DECODE_RANGE'
  /** A decode has an unknown type or order, a bad option, or a register that is not 0..65535. */
  | 'HG_ERR_MODBUS_DECODE_INVALID';

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
