import { describe, expect, it } from 'vitest';
import { engineeringUnitOf, loadItemId, loadItemValue, nodeIdOf, plantGroupOf, pointVariableSpec } from '../../devices/opcua/address-model.js';
import { loopFaultState, nextVariableState, type VariableState } from '../../devices/opcua/variable-state.js';
import type { BooleanPoint, NumericPoint } from '../../devices/simulator/scenario.js';

function numeric(overrides: Partial<NumericPoint> = {}): NumericPoint {
  return { type: 'number', id: 'GT-1', unit: '%LEL', profile: undefined, base: 1, noise: 0, driftPerS: 0, min: undefined, max: undefined, decimals: undefined, range: [0, 100], signal: 'engineering', ...overrides };
}

const valve: BooleanPoint = { type: 'boolean', id: 'XV-1.ZSO', unit: undefined, profile: 'esd-valve-io', base: true };
const loop = numeric({ id: 'LT-1', unit: '%', signal: '4-20mA', range: [0, 200] });

describe('plantGroupOf', () => {
  it.each([
    ['GT-101', 'gas-detector-lel', 'GasDetectors'],
    ['AT-201', 'toxic-detector-ppm', 'GasDetectors'],
    ['GC1-CH2', 'gas-controller-8ch', 'GasDetectors'],
    ['XV-301.CMD', 'esd-valve-io', 'ESD'],
    ['SIS-1.IL3.BYP', 'sis-bypass-status', 'Interlocks'],
    ['TK101.LT', 'tank-level', 'Process'],
    ['TK101.TT', 'tank-temperature', 'Process'],
    ['FT-201', 'ai-8ch-4-20ma', 'Process'],
    // Without a profile: ISA-5.1 tag letters of the id, then of its last segment.
    ['PT-301', undefined, 'Process'],
    ['IL-301.TRIP', undefined, 'Interlocks'],
    ['TK9.LT', undefined, 'Process'],
    ['tank9.zsc', undefined, 'ESD'],
    ['GT-9', undefined, 'GasDetectors'],
    // A profile the table does not know falls back to the tag letters, then to Other.
    ['PT-9', 'mystery-box', 'Process'],
    ['Q-9', 'mystery-box', 'Other'],
    ['PUMP-1.RUN', undefined, 'Other'],
  ] as const)('%s (profile %s) → %s', (id, profile, group) => {
    expect(plantGroupOf({ id, profile })).toBe(group);
  });
});

describe('pointVariableSpec', () => {
  it('gives a numeric point with a range a Double AnalogItem with EURange and unit', () => {
    expect(pointVariableSpec(numeric({ profile: 'gas-detector-lel' }))).toEqual({
      pointId: 'GT-1', nodeId: 'ns=1;s=GT-1', browseName: 'GT-1', group: 'GasDetectors', dataType: 'Double', euRange: { low: 0, high: 100 }, unit: '%LEL',
    });
  });

  it('gives a boolean point a plain Boolean variable', () => {
    expect(pointVariableSpec(valve)).toMatchObject({ nodeId: 'ns=1;s=XV-1.ZSO', dataType: 'Boolean', euRange: undefined, group: 'ESD' });
  });

  it('gives a numeric point without a range no EURange', () => {
    expect(pointVariableSpec(numeric({ id: 'PT-1', range: undefined })).euRange).toBeUndefined();
  });

  it('names NodeIds and load items', () => {
    expect(nodeIdOf('IL-301.TRIP')).toBe('ns=1;s=IL-301.TRIP');
    expect(loadItemId(0)).toBe('Load.0');
    expect(loadItemValue(7, 3)).not.toBe(loadItemValue(7, 4));
    expect(loadItemValue(7, 3)).not.toBe(loadItemValue(8, 3));
    expect(loadItemValue(7, 999_999)).toBeLessThan(8);
  });
});

describe('engineeringUnitOf', () => {
  it.each([
    ['%', 'P1'],
    ['°C', 'CEL'],
    ['ppm', '59'],
    ['kPa', 'KPA'],
    ['%LEL', undefined],
    ['furlong', undefined],
  ])('%s → UNECE %s', (unit, code) => {
    expect(engineeringUnitOf(unit)).toMatchObject({ commonCode: code, displayName: unit });
  });
});

describe('nextVariableState: the StatusCode of a point output', () => {
  const good: VariableState = { value: 12.5, status: 'Good' };

  it('a value is Good (the engineering value, also for a 4-20 mA point)', () => {
    expect(nextVariableState(numeric(), { kind: 'value', value: 3 }, undefined)).toEqual({ value: 3, status: 'Good' });
    expect(nextVariableState(loop, { kind: 'value', value: 50 }, good)).toEqual({ value: 50, status: 'Good' });
    expect(nextVariableState(valve, { kind: 'value', value: false }, undefined)).toEqual({ value: false, status: 'Good' });
  });

  it('a fault on an engineering point is its fault value with BadSensorFailure', () => {
    expect(nextVariableState(numeric(), { kind: 'fault', value: 0 }, good)).toEqual({ value: 0, status: 'BadSensorFailure' });
  });

  it('a 4-20 mA wire break holds the last value with BadSensorFailure (null if none yet)', () => {
    expect(nextVariableState(loop, { kind: 'fault', value: 3.5 }, good)).toEqual({ value: 12.5, status: 'BadSensorFailure' });
    expect(nextVariableState(loop, { kind: 'fault', value: 3.5 }, undefined)).toEqual({ value: null, status: 'BadSensorFailure' });
  });

  it('a silent point holds its value with BadCommunicationError, written once', () => {
    const silent = nextVariableState(numeric(), { kind: 'silent' }, good);
    expect(silent).toEqual({ value: 12.5, status: 'BadCommunicationError' });
    expect(nextVariableState(numeric(), { kind: 'silent' }, silent === 'unchanged' ? undefined : silent)).toBe('unchanged');
    expect(nextVariableState(valve, { kind: 'silent' }, { value: true, status: 'Good' })).toEqual({ value: true, status: 'BadCommunicationError' });
  });

  it('a point silent from the start has no value: BadNoCommunication', () => {
    const first = nextVariableState(numeric(), { kind: 'silent' }, undefined);
    expect(first).toEqual({ value: null, status: 'BadNoCommunication' });
    expect(nextVariableState(numeric(), { kind: 'silent' }, first === 'unchanged' ? undefined : first)).toBe('unchanged');
  });

  it('a silent point after a fault keeps the fault value, now BadCommunicationError', () => {
    expect(nextVariableState(numeric(), { kind: 'silent' }, { value: 0, status: 'BadSensorFailure' })).toEqual({ value: 0, status: 'BadCommunicationError' });
  });
});

describe('loopFaultState: NAMUR NE 43 on the loop current of a fault', () => {
  it.each([
    [3.5, 7, 'BadSensorFailure'],
    [21.5, 7, 'BadSensorFailure'],
    [3.6, 0, 'UncertainEngineeringUnitsExceeded'],
    [3.9, 0, 'UncertainEngineeringUnitsExceeded'],
    [20.5, 200, 'UncertainEngineeringUnitsExceeded'],
    [21.0, 200, 'UncertainEngineeringUnitsExceeded'],
    [4, 0, 'Good'],
    [12, 100, 'Good'],
    [20, 200, 'Good'],
  ] as const)('%f mA on a 0-200 range → %f, %s', (ma, value, status) => {
    expect(loopFaultState([0, 200], ma, 7)).toEqual({ value, status });
  });
});
