import type { ScenarioPoint } from '../simulator/scenario.js';
import type { PointOutput } from '../simulator/signal.js';

/*
 * What a point's OPC UA variable holds after a tick: value and StatusCode, chosen from the
 * scenario's output the way an SIS/DCS server reports its field devices. Pure; the status is a
 * StatusCode name so this file needs no node-opcua.
 */

export type SimStatusName =
  | 'Good'
  /** A detector reported a fault, or a 4-20 mA loop is outside the NAMUR NE 43 fault limits. */
  | 'BadSensorFailure'
  /** The server lost the field device (scenario `silent`); the last value is held. */
  | 'BadCommunicationError'
  /** Lost or failed before any value was known (a point silent from the start). */
  | 'BadNoCommunication'
  /** A 4-20 mA loop between a fault limit and 4 or 20 mA: value clamped to the range. */
  | 'UncertainEngineeringUnitsExceeded';

export interface VariableState {
  /** null when no value has ever been known. */
  readonly value: number | boolean | null;
  readonly status: SimStatusName;
}

/** NAMUR NE 43 signal levels (mA), as in devices/profiles (faultLowMa/faultHighMa). */
export const NAMUR = { faultLowMa: 3.6, lowMa: 4.0, highMa: 20.0, faultHighMa: 21.0 } as const;

/**
 * The variable's next state, or `unchanged` when it must not be written this tick: a silent point
 * is written once when it goes silent (status change, value held) and then left alone, so its
 * source timestamp and value stop changing as a dead device's would.
 */
export function nextVariableState(point: ScenarioPoint, output: PointOutput, last: VariableState | undefined): VariableState | 'unchanged' {
  const held = last?.value ?? null;
  switch (output.kind) {
    case 'value':
      return { value: output.value, status: 'Good' };
    case 'silent': {
      const status = held === null ? 'BadNoCommunication' : 'BadCommunicationError';
      return last?.status === status ? 'unchanged' : { value: held, status };
    }
    case 'fault':
      if (point.type === 'number' && point.signal === '4-20mA' && point.range !== undefined) return loopFaultState(point.range, output.value, held);
      // A smart detector (engineering signal) reports its fault value itself, e.g. 0 %LEL.
      return { value: output.value, status: 'BadSensorFailure' };
  }
}

/**
 * A fault on a 4-20 mA point carries loop current: the server's analog input card reads it as any
 * current and classifies it by NAMUR NE 43. Outside the fault limits there is no measurement (the
 * last value is held, bad); in the margins the value is clamped and uncertain; inside 4-20 mA the
 * card cannot tell a fault from a reading, so it is converted and good.
 */
export function loopFaultState(range: readonly [number, number], currentMa: number, held: number | boolean | null): VariableState {
  const [low, high] = range;
  if (currentMa < NAMUR.faultLowMa || currentMa > NAMUR.faultHighMa) return { value: held, status: 'BadSensorFailure' };
  if (currentMa < NAMUR.lowMa) return { value: low, status: 'UncertainEngineeringUnitsExceeded' };
  if (currentMa > NAMUR.highMa) return { value: high, status: 'UncertainEngineeringUnitsExceeded' };
  return { value: low + ((currentMa - NAMUR.lowMa) / (NAMUR.highMa - NAMUR.lowMa)) * (high - low), status: 'Good' };
}
