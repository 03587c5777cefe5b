import type { VideoSection } from '../config/index.js';
import type { AlarmTransition, Observation, RuleResult } from '../core/index.js';
import { VIDEO_PRIORITIES, VideoWatch } from '../engine/video/index.js';

export interface VideoWiring {
  observe(o: Observation, now: number): RuleResult[];
  tick(now: number): RuleResult[];
  /** Takes back a retained video condition at a restart; false when it could not be raised now. */
  seed(t: AlarmTransition, now: number): boolean;
}

/** Video detections and camera heartbeats into alarms (`video/<camera>/<type>`, `camera-offline/<camera>`). */
export function wireVideo(section: VideoSection | undefined, startedAt: number): VideoWiring {
  const watch = new VideoWatch(
    {
      cameras: section?.cameras ?? [],
      holdMs: section?.hold ?? 60_000,
      offlineAfterMs: section?.offlineAfter ?? 300_000,
      priorities: { ...VIDEO_PRIORITIES, ...section?.priorities },
    },
    startedAt,
  );
  return {
    observe: (o, now) => {
      if (o.type === 'video') return watch.event(o.event, now);
      if (o.type === 'camera-heartbeat') return watch.heartbeat(o.heartbeat, now);
      return [];
    },
    tick: (now) => watch.tick(now),
    seed: (t, now) => watch.seed(t, now),
  };
}
