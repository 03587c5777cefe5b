import type { DeviceEvent, Scenario } from '../simulator/scenario.js';
import { scenarioTimeMs } from '../simulator/signal.js';

/** How a simulated device answers at one moment, from the scenario's `device:` events. */
export interface DeviceBehaviour {
  /** `silent`: no answer at all; `exception`: every request gets `exceptionCode`; `normal`: the register image answers. */
  readonly answer: 'normal' | 'silent' | 'exception';
  readonly exceptionCode: number;
  /** The answer is damaged on the wire (RTU: bad CRC; TCP: a truncated MBAP frame). */
  readonly corrupt: boolean;
  /** The answer leaves this long after the request (0: at once). */
  readonly delayMs: number;
}

export const NORMAL_BEHAVIOUR: DeviceBehaviour = { answer: 'normal', exceptionCode: 0, corrupt: false, delayMs: 0 };

/**
 * The behaviour of device `deviceId` `elapsedMs` after the simulator started. Pure. When windows
 * overlap: silent wins; otherwise an exception replaces the normal answer, corrupt damages
 * whichever answer goes out, and slow delays it (the longest delay counts).
 */
export function deviceBehaviourAt(scenario: Scenario, deviceId: string, elapsedMs: number): DeviceBehaviour {
  const t = scenarioTimeMs(scenario, elapsedMs);
  const active = (scenario.deviceEvents ?? []).filter((e) => e.deviceId === deviceId && t >= e.atMs && t < e.atMs + e.forMs);
  if (active.length === 0) return NORMAL_BEHAVIOUR;
  if (active.some((e) => e.kind === 'silent')) return { ...NORMAL_BEHAVIOUR, answer: 'silent' };
  const exception = active.findLast((e): e is Extract<DeviceEvent, { kind: 'exception' }> => e.kind === 'exception');
  const delays = active.map((e) => (e.kind === 'slow' ? e.delayMs : 0));
  return {
    answer: exception === undefined ? 'normal' : 'exception',
    exceptionCode: exception?.code ?? 0,
    corrupt: active.some((e) => e.kind === 'corrupt'),
    delayMs: Math.max(0, ...delays),
  };
}
