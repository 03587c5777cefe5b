import { isModbusError, type ModbusErrorCode } from '../../adapters/modbus/errors.js';

/** The Modbus error code `fn` throws, or undefined when it throws something else or nothing. */
export function codeOf(fn: () => unknown): ModbusErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    return isModbusError(e) ? e.code : undefined;
  }
  return undefined;
}
