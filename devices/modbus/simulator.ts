import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logger.js';
import { formatProfileProblems, loadModbusProfile, PROFILES_DIR, type ModbusProfile } from '../profiles/modbus-profile.js';
import { DEFAULT_SEED, type Scenario } from '../simulator/scenario.js';
import { startTickLoop, systemTimers, type Timers } from '../simulator/tick-loop.js';
import { bindDevice, updateImage, type BoundDevice } from './bindings.js';
import { deviceBehaviourAt } from './device-behaviour.js';
import { RegisterImage } from './register-image.js';
import { newStats, type ModbusSimStats, type SimulatedUnit } from './responder.js';
import { startRtuServer } from './rtu-server.js';
import type { ModbusSimServer } from './sim-config.js';
import { startTcpServer } from './tcp-server.js';

export interface ModbusSimulatorOptions {
  readonly scenario: Scenario;
  readonly servers: readonly ModbusSimServer[];
  readonly logger: Logger;
  /** Overrides the scenario's seed (default 1). */
  readonly seed?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Where profile names are looked up; default devices/profiles. */
  readonly profilesDir?: string;
}

export interface RunningModbusSimulator {
  /** Stops ticking, closes every listener and serial line; no answer leaves after it resolves. */
  stop(): Promise<void>;
  /** Bound TCP port per server index (undefined for RTU). */
  readonly ports: readonly (number | undefined)[];
  /** A snapshot of the counters. */
  readonly stats: ModbusSimStats;
}

interface SimDevice {
  readonly bound: BoundDevice;
  readonly image: RegisterImage;
}

/**
 * Simulates Modbus devices on TCP listeners and serial lines, replaying a scenario: every tick
 * (tickMs) each device's register image is recomputed from the scenario values; requests read
 * the image as it stands. Device events (`device:` in the scenario) are looked up at request time.
 * Misconfiguration (unknown profile, register, point or scenario device) fails here, before any
 * socket opens, with HG_ERR_SIM_SCENARIO naming the device and register.
 */
export async function startModbusSimulator(options: ModbusSimulatorOptions): Promise<RunningModbusSimulator> {
  const { scenario } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const seed = options.seed ?? scenario.seed ?? DEFAULT_SEED;
  const logger = options.logger.child({ component: 'modbus-simulator', scenario: scenario.name });
  checkDeviceIds(options.servers, scenario);
  const devicesByServer = options.servers.map((server) => server.devices.map((device) => {
    const bound = bindDevice(device, loadProfile(device.id, device.profile, options.profilesDir ?? PROFILES_DIR), scenario);
    return { bound, image: new RegisterImage(bound.profile) };
  }));

  const all = devicesByServer.flat();
  const update = (elapsedMs: number): void => {
    for (const { bound, image } of all) updateImage(image, bound, scenario, elapsedMs, seed);
  };
  update(0);
  const startedAt = clock.now();
  const stats = newStats();
  const unitsOf = (devices: readonly SimDevice[]): ReadonlyMap<number, SimulatedUnit> =>
    new Map(devices.map(({ bound, image }) => [bound.device.unitId, {
      id: bound.device.id,
      image,
      behaviour: () => deviceBehaviourAt(scenario, bound.device.id, clock.now() - startedAt),
    }]));

  const closers: (() => Promise<void>)[] = [];
  const ports: (number | undefined)[] = [];
  try {
    for (const [index, server] of options.servers.entries()) {
      const units = unitsOf(devicesByServer[index] ?? []);
      const { transport } = server;
      if (transport.type === 'tcp') {
        const running = await startTcpServer({ host: transport.host, port: transport.port, units, stats, timers, logger });
        closers.push(running.close);
        ports.push(running.port);
      } else {
        const running = await startRtuServer({ ...transport, units, stats, timers, logger });
        closers.push(running.close);
        ports.push(undefined);
      }
    }
  } catch (error) {
    await Promise.all(closers.map((close) => close()));
    throw error;
  }
  const loop = startTickLoop({ tickMs: scenario.tickMs, clock, timers, onTick: (tick) => update(tick * scenario.tickMs) });

  let stopping: Promise<void> | undefined;
  return {
    ports,
    get stats() {
      return { ...stats, exceptions: { ...stats.exceptions } };
    },
    stop() {
      loop.stop();
      stopping ??= Promise.all(closers.map((close) => close())).then(() => undefined);
      return stopping;
    },
  };
}

function loadProfile(deviceId: string, name: string, dir: string): ModbusProfile {
  const result = loadModbusProfile(name, dir);
  if (result.ok) return result.profile;
  throw new HazgateError('HG_ERR_SIM_SCENARIO', `Modbus simulator device ${deviceId}: ${formatProfileProblems(name, result.problems)}`, { device: deviceId, profile: name, problems: result.problems });
}

/** Device ids are unique across servers, and every scenario `device:` event names one of them. */
function checkDeviceIds(servers: readonly ModbusSimServer[], scenario: Scenario): void {
  const ids = servers.flatMap((server) => server.devices.map((device) => device.id));
  const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
  const known = new Set(ids);
  const unknown = [...new Set((scenario.deviceEvents ?? []).map((e) => e.deviceId).filter((id) => !known.has(id)))];
  const problems = [
    ...[...new Set(twice)].map((id) => `device id ${id} is used twice`),
    ...unknown.map((id) => `scenario ${scenario.name} has events for device ${id}, which this simulator does not simulate (devices: ${ids.join(', ')})`),
  ];
  if (problems.length > 0) {
    throw new HazgateError('HG_ERR_SIM_SCENARIO', `Modbus simulator:\n${problems.map((p) => `  ${p}`).join('\n')}`, { problems, devices: ids });
  }
}
