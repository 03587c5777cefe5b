import { HazgateError } from '../../src/core/errors.js';
import type { ModbusProfile, ProfileRegister } from '../profiles/modbus-profile.js';
import type { Scenario, ScenarioPoint } from '../simulator/scenario.js';
import { pointOutputAt, wireValue } from '../simulator/signal.js';
import type { RegisterImage } from './register-image.js';
import type { ModbusSimDevice } from './sim-config.js';

/*
 * Scenario values → a device's register image. A bound register takes its point's wire value
 * (engineering value, or mA for a 4-20 mA point and for faults) scaled to counts by the profile.
 * A status register (statusOf X) that is not bound itself shows the first good code, or the first
 * bad code while X's point has a fault (X then reads 0, as a controller reports a faulty channel).
 * A silent point holds its registers: a Modbus device cannot go silent per register.
 */

type RegisterPlan =
  | { readonly kind: 'point'; readonly register: ProfileRegister; readonly point: ScenarioPoint; readonly zeroOnFault: boolean }
  | { readonly kind: 'status'; readonly register: ProfileRegister; readonly target: ScenarioPoint | undefined; readonly good: number; readonly bad: number };

export interface BoundDevice {
  readonly device: ModbusSimDevice;
  readonly profile: ModbusProfile;
  readonly plans: readonly RegisterPlan[];
}

/** Resolves a device's bindings; HG_ERR_SIM_SCENARIO naming device and register for unknown names. */
export function bindDevice(device: ModbusSimDevice, profile: ModbusProfile, scenario: Scenario): BoundDevice {
  const registers = new Map(profile.registers.map((r) => [r.name, r]));
  const points = new Map(scenario.points.map((p) => [p.id, p]));
  const problems: string[] = [];
  for (const [name, pointId] of Object.entries(device.bind)) {
    if (!registers.has(name)) problems.push(`bind names no register of profile ${profile.profile}: ${name}`);
    if (!points.has(pointId)) problems.push(`register ${name} is bound to ${pointId}, which is no point of scenario ${scenario.name}`);
  }
  if (problems.length > 0) {
    throw new HazgateError('HG_ERR_SIM_SCENARIO', `Modbus simulator device ${device.id} (unit ${device.unitId}):\n${problems.map((p) => `  ${p}`).join('\n')}`, { device: device.id, problems });
  }
  const pointOf = (name: string | undefined): ScenarioPoint | undefined => {
    const id = name === undefined ? undefined : device.bind[name];
    return id === undefined ? undefined : points.get(id);
  };
  const hasStatus = new Set(profile.registers.flatMap((r) => (r.statusOf === undefined ? [] : [r.statusOf])));
  const plans = profile.registers.flatMap((register): RegisterPlan[] => {
    const point = pointOf(register.name);
    if (point !== undefined) return [{ kind: 'point', register, point, zeroOnFault: hasStatus.has(register.name) }];
    if (register.statusOf === undefined) return [];
    return [{ kind: 'status', register, target: pointOf(register.statusOf), ...statusCodes(register) }];
  });
  return { device, profile, plans };
}

/** The first good code, and the first bad one (or a code no rule lists, which means bad 'status-unknown'). */
function statusCodes(register: ProfileRegister): { good: number; bad: number } {
  const rules = register.quality ?? [];
  const listed = rules.flatMap((r) => r.values);
  const good = rules.find((r) => r.level === 'good')?.values[0] ?? 0;
  const bad = rules.find((r) => r.level === 'bad')?.values[0] ?? Math.max(0, ...listed) + 1;
  return { good, bad };
}

/** Writes every bound and status register for the scenario at `elapsedMs`. */
export function updateImage(image: RegisterImage, bound: BoundDevice, scenario: Scenario, elapsedMs: number, seed: number): void {
  for (const plan of bound.plans) {
    if (plan.kind === 'point') {
      const output = pointOutputAt(scenario, plan.point, elapsedMs, seed);
      if (output.kind === 'silent') continue;
      image.store(plan.register, output.kind === 'fault' && plan.zeroOnFault ? 0 : wireValue(plan.point, output));
      continue;
    }
    const output = plan.target === undefined ? undefined : pointOutputAt(scenario, plan.target, elapsedMs, seed);
    if (output?.kind === 'silent') continue;
    image.store(plan.register, output?.kind === 'fault' ? plan.bad : plan.good);
  }
}
