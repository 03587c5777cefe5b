import type { VideoEventType } from '../../src/core/observation.js';

/**
 * The camera box's timeline: keepalives at a fixed rate per camera and a few scripted detections,
 * each repeated while "the box still sees it" (as real boxes do, so the gateway's de-duplication
 * has work). Times are ms after the simulator started. Pure.
 */

/** The detections the simulated box knows, and the ISAPI eventType (and targetType) it posts for each. */
export const SIM_DETECTIONS = {
  'no-helmet': { eventType: 'safetyHelmetDetection', targetType: 'noHelmet', regionId: 1 },
  intrusion: { eventType: 'fielddetection', targetType: 'human', regionId: 1 },
  'fire-smoke': { eventType: 'fireDetection', targetType: undefined, regionId: undefined },
} as const satisfies Partial<Record<VideoEventType, { eventType: string; targetType: string | undefined; regionId: number | undefined }>>;

export type SimDetectionKind = keyof typeof SIM_DETECTIONS;

export interface ScriptedDetection {
  readonly atMs: number;
  /** Index into the simulator's cameras (default 0). */
  readonly camera?: number;
  readonly kind: SimDetectionKind;
  /** Posts of this detection (activePostCount 1…repeats), default 1. */
  readonly repeats?: number;
  /** Between repeats, default 1000 ms. */
  readonly repeatEveryMs?: number;
  /** Send as multipart/form-data with a JPEG part (default: only fire-smoke does). */
  readonly picture?: boolean;
  /** Another eventType than the kind's (e.g. one the gateway does not know, to test rejections). */
  readonly eventType?: string;
}

/** One post: a keepalive of a camera, or one repeat of a scripted detection. */
export type ScheduledPost =
  | { readonly atMs: number; readonly kind: 'heartbeat'; readonly camera: number }
  | { readonly atMs: number; readonly kind: 'detection'; readonly camera: number; readonly detection: ScriptedDetection; readonly activePostCount: number };

/** A worker without a helmet (seen for 3 s), an intrusion, a fire; one a few seconds after the other. */
export const DEFAULT_CAMERA_SCRIPT: readonly ScriptedDetection[] = [
  { atMs: 1_000, kind: 'no-helmet', repeats: 3, repeatEveryMs: 1_000 },
  { atMs: 5_000, kind: 'intrusion' },
  { atMs: 8_000, kind: 'fire-smoke', repeats: 2, repeatEveryMs: 2_000 },
];

export interface CameraPlan {
  readonly cameras: number;
  readonly heartbeatMs: number;
  readonly script: readonly ScriptedDetection[];
  /** The script starts over every loopMs; undefined: it runs once. Keepalives never stop. */
  readonly loopMs: number | undefined;
}

/** The posts due in (fromMs, toMs], in time order (keepalives first at equal times). */
export function postsDue(plan: CameraPlan, fromMs: number, toMs: number): ScheduledPost[] {
  const posts: ScheduledPost[] = [];
  if (plan.heartbeatMs > 0) {
    for (let n = Math.floor(fromMs / plan.heartbeatMs) + 1; n * plan.heartbeatMs <= toMs; n += 1) {
      for (let camera = 0; camera < plan.cameras; camera += 1) posts.push({ atMs: n * plan.heartbeatMs, kind: 'heartbeat', camera });
    }
  }
  const firstCycle = plan.loopMs === undefined ? 0 : Math.max(0, Math.floor(fromMs / plan.loopMs) - 1);
  const lastCycle = plan.loopMs === undefined ? 0 : Math.floor(toMs / plan.loopMs);
  for (let cycle = firstCycle; cycle <= lastCycle; cycle += 1) {
    const offset = cycle * (plan.loopMs ?? 0);
    for (const detection of plan.script) {
      const repeats = detection.repeats ?? 1;
      for (let k = 0; k < repeats; k += 1) {
        const atMs = offset + detection.atMs + k * (detection.repeatEveryMs ?? 1_000);
        if (atMs > fromMs && atMs <= toMs) posts.push({ atMs, kind: 'detection', camera: detection.camera ?? 0, detection, activePostCount: k + 1 });
      }
    }
  }
  return posts.sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === 'heartbeat' ? -1 : 1));
}

/** The ISAPI eventType, targetType and region of a scripted detection. */
export function isapiFieldsOf(detection: ScriptedDetection): { eventType: string; targetType: string | undefined; regionId: number | undefined } {
  const base = SIM_DETECTIONS[detection.kind];
  return { eventType: detection.eventType ?? base.eventType, targetType: base.targetType, regionId: base.regionId };
}
