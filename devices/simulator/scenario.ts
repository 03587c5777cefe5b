/**
 * A scenario, as the simulators use it: signals per point over time, independent of the protocol
 * that carries them (MQTT today, Modbus/OPC UA/location simulators replay the same files later).
 * Times are milliseconds from the start of the scenario; values are engineering values unless the
 * README says otherwise (a `fault` carries the raw signal value, e.g. mA).
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Every point gets one value per tick. */
  readonly tickMs: number;
  /** `loop` starts over at the end; `hold` keeps the final state (with noise) until stopped. */
  readonly atEnd: 'loop' | 'hold';
  readonly durationMs: number;
  /** Seed of the noise; an option of the simulator overrides it. */
  readonly seed: number | undefined;
  /** In file order. */
  readonly points: readonly ScenarioPoint[];
  /** Sorted by `atMs`; events starting together keep file order. */
  readonly events: readonly ScenarioEvent[];
  /**
   * Events on whole simulated devices (`device:` in the file), sorted like `events`. Only protocol
   * simulators with devices (Modbus) act on them; the MQTT simulator ignores them. Absent = none.
   */
  readonly deviceEvents?: readonly DeviceEvent[];
}

/** How a device puts the value on the wire. */
export type SignalKind = 'engineering' | '4-20mA';

interface PointBase {
  readonly id: string;
  /** Engineering unit, informative (`%LEL`, `ppm`, `°C`). */
  readonly unit: string | undefined;
  /** Name of a file in devices/profiles (without `.yaml`), informative. */
  readonly profile: string | undefined;
}

export interface NumericPoint extends PointBase {
  readonly type: 'number';
  readonly base: number;
  /** Half-width of the uniform noise band: values stay within base ± noise. */
  readonly noise: number;
  /** Slope of the base line, engineering units per second, until the first step or ramp. */
  readonly driftPerS: number;
  /** Clamp limits (default: the range). */
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly decimals: number | undefined;
  /** Engineering range [LRV, URV]; needed for 4-20 mA output. */
  readonly range: readonly [number, number] | undefined;
  readonly signal: SignalKind;
}

export interface BooleanPoint extends PointBase {
  readonly type: 'boolean';
  readonly base: boolean;
}

export type ScenarioPoint = NumericPoint | BooleanPoint;

interface EventBase {
  readonly atMs: number;
  readonly pointId: string;
}

/** Linear change from the value at `atMs` to `to`, reached exactly at `atMs + overMs`, then held. */
export interface RampEvent extends EventBase {
  readonly kind: 'ramp';
  readonly to: number;
  readonly overMs: number;
}

/** Jump to `to` and stay there. */
export interface StepEvent extends EventBase {
  readonly kind: 'step';
  readonly to: number | boolean;
}

/** The value freezes at what it was at `atMs` (a stuck sensor: no noise at all). */
export interface StuckEvent extends EventBase {
  readonly kind: 'stuck';
  readonly forMs: number;
}

/** The device sends nothing (comms lost, detector dead). */
export interface SilentEvent extends EventBase {
  readonly kind: 'silent';
  readonly forMs: number;
}

/** The device sends a raw signal value (3.5 mA on a wire break) instead of its measurement. */
export interface FaultEvent extends EventBase {
  readonly kind: 'fault';
  readonly forMs: number;
  readonly value: number;
}

export type ScenarioEvent = RampEvent | StepEvent | StuckEvent | SilentEvent | FaultEvent;

/** Events with a duration, during which the output is not the plain signal. */
export type WindowEvent = StuckEvent | SilentEvent | FaultEvent;

interface DeviceEventBase {
  readonly atMs: number;
  /** A simulated device's id (the Modbus simulator's `devices[].id`), checked when that simulator starts. */
  readonly deviceId: string;
  readonly forMs: number;
}

/** The device answers nothing: requests time out. */
export interface DeviceSilentEvent extends DeviceEventBase {
  readonly kind: 'silent';
}

/** Every answer leaves `delayMs` after its request. */
export interface DeviceSlowEvent extends DeviceEventBase {
  readonly kind: 'slow';
  readonly delayMs: number;
}

/** Every request is answered with this Modbus exception code. */
export interface DeviceExceptionEvent extends DeviceEventBase {
  readonly kind: 'exception';
  readonly code: number;
}

/** Answers are damaged on the wire (RTU: bad CRC; TCP: a truncated MBAP frame). */
export interface DeviceCorruptEvent extends DeviceEventBase {
  readonly kind: 'corrupt';
}

export type DeviceEvent = DeviceSilentEvent | DeviceSlowEvent | DeviceExceptionEvent | DeviceCorruptEvent;

/** Used when neither the scenario nor the caller names a seed, so runs are reproducible. */
export const DEFAULT_SEED = 1;
