import { VIDEO_EVENT_TYPES, type CameraHeartbeat, type Priority, type RuleResult, type VideoEvent, type VideoEventType } from '../../core/index.js';

export interface VideoCamera {
  readonly id: string;
  readonly name?: string | undefined;
  /** The zone the camera watches: its detections are alarms in that zone. */
  readonly zone?: string | undefined;
}

export interface VideoWatchOptions {
  readonly cameras: readonly VideoCamera[];
  /** A detection stays active this long after its last repeat, then returns to normal (ms). */
  readonly holdMs: number;
  /** A known camera with no heartbeat or event for this long is offline (ms). */
  readonly offlineAfterMs: number;
  readonly priorities: Readonly<Record<VideoEventType | 'camera-offline', Priority>>;
}

/** Default priorities: fire and smoke first; a missing helmet or a phone call is a warning. */
export const VIDEO_PRIORITIES: VideoWatchOptions['priorities'] = {
  'fire-smoke': 1, intrusion: 2, fall: 2, crowd: 2, tamper: 2, smoking: 3, 'no-helmet': 3, phone: 4, 'camera-offline': 3,
};

/** The alarm level of a detection type: `fire-smoke` → `FIRE_SMOKE`. */
function levelOf(type: VideoEventType): string {
  return type.toUpperCase().replaceAll('-', '_');
}

interface Active {
  readonly event: VideoEvent;
  lastSeen: number;
}

/**
 * Video analytics as alarms, pure and clocked from outside. A detection is a condition
 * `video/<camera>/<type>[/<zone>]` that activates at the first event and returns to normal `holdMs` after
 * the last repeat (cameras send events, not states); its zone is the event's, else the camera's.
 * `camera-offline/<camera>`: a configured camera silent for `offlineAfterMs` (counted from start
 * for one never heard).
 */
export class VideoWatch {
  private readonly cameras: ReadonlyMap<string, VideoCamera>;
  private readonly active = new Map<string, Active>();
  private readonly lastHeard = new Map<string, number>();
  private readonly offline = new Set<string>();

  constructor(
    private readonly o: VideoWatchOptions,
    startedAt: number,
  ) {
    this.cameras = new Map(o.cameras.map((c) => [c.id, c]));
    for (const c of o.cameras) this.lastHeard.set(c.id, startedAt);
  }

  /**
   * A detection. It is not a heartbeat: a camera whose picture is gone may still send tamper
   * events, and only its heartbeats (which the adapters emit for every live message) say it is alive.
   */
  event(e: VideoEvent, now: number): RuleResult[] {
    const out: RuleResult[] = [];
    const zone = this.zoneOf(e.cameraId, e);
    // One condition per camera, type and zone: a camera watching two zones raises each.
    const id = `video/${e.cameraId}/${e.type}${zone === undefined ? '' : `/${zone}`}`;
    const current = this.active.get(id);
    if (current !== undefined) {
      current.lastSeen = now;
      return out;
    }
    this.active.set(id, { event: e, lastSeen: now });
    out.push(this.result(id, e, e.type, now, true));
    return out;
  }

  /**
   * Takes back a condition the alarm journal retained at a restart; false when this watch could
   * not have raised it (a camera no longer configured, a level that is no detection type), so the
   * gateway returns it. A detection is held as if last repeated at `now`; an offline camera stays
   * offline until it is heard.
   */
  seed(r: { readonly conditionId: string; readonly level: string | null; readonly zoneId?: string | undefined; readonly cameras?: readonly string[] | undefined }, now: number): boolean {
    const cameraId = r.cameras?.[0];
    if (cameraId === undefined || r.level === null) return false;
    if (r.conditionId === `camera-offline/${cameraId}`) {
      if (!this.cameras.has(cameraId)) return false;
      this.offline.add(cameraId);
      return true;
    }
    const type = VIDEO_EVENT_TYPES.find((t) => levelOf(t) === r.level);
    if (type === undefined || r.conditionId !== `video/${cameraId}/${type}${r.zoneId === undefined ? '' : `/${r.zoneId}`}`) return false;
    const event: VideoEvent = { eventId: `restored:${r.conditionId}`, cameraId, type, vendorType: 'restored at restart', ts: now, ...(r.zoneId === undefined ? {} : { zoneId: r.zoneId }) };
    this.active.set(r.conditionId, { event, lastSeen: now });
    return true;
  }

  heartbeat(h: CameraHeartbeat, now: number): RuleResult[] {
    return this.heard(h.cameraId, now);
  }

  tick(now: number): RuleResult[] {
    const out: RuleResult[] = [];
    for (const [id, a] of this.active) {
      if (now - a.lastSeen < this.o.holdMs) continue;
      this.active.delete(id);
      out.push(this.result(id, a.event, a.event.type, now, false));
    }
    for (const [cameraId, last] of this.lastHeard) {
      if (this.offline.has(cameraId) || !this.cameras.has(cameraId) || now - last < this.o.offlineAfterMs) continue;
      this.offline.add(cameraId);
      out.push(this.offlineResult(cameraId, now, true));
    }
    return out;
  }

  private heard(cameraId: string, now: number): RuleResult[] {
    // Only configured cameras are watched for silence (spoofed ids must not grow the map).
    if (!this.cameras.has(cameraId)) return [];
    this.lastHeard.set(cameraId, now);
    if (!this.offline.delete(cameraId)) return [];
    return [this.offlineResult(cameraId, now, false)];
  }

  private zoneOf(cameraId: string, e?: VideoEvent): string | undefined {
    return e?.zoneId ?? this.cameras.get(cameraId)?.zone;
  }

  private result(conditionId: string, e: VideoEvent, type: VideoEventType, now: number, active: boolean): RuleResult {
    const camera = this.cameras.get(e.cameraId)?.name ?? e.cameraId;
    const zone = this.zoneOf(e.cameraId, e);
    const where = zone === undefined ? '' : ` in ${zone}`;
    const links = [e.snapshotUrl === undefined ? '' : ` snapshot ${e.snapshotUrl}`, e.clipUrl === undefined ? '' : ` clip ${e.clipUrl}`].join('');
    return {
      conditionId, ruleId: 'video', ruleKind: 'video', pointId: null, ...(zone === undefined ? {} : { zoneId: zone }),
      level: active ? levelOf(type) : null, priority: this.o.priorities[type], value: e.confidence ?? null,
      // Gateway time: a camera's clock is often wrong (the source time is in the event's own record).
      time: now, cameras: [e.cameraId],
      message: active ? `${camera}: ${type} detected${where} (${e.vendorType})${links}` : `${camera}: ${type}${where} no longer detected`,
    };
  }

  private offlineResult(cameraId: string, now: number, active: boolean): RuleResult {
    const camera = this.cameras.get(cameraId);
    const zone = this.zoneOf(cameraId);
    const silent = Math.round(this.o.offlineAfterMs / 1000);
    return {
      conditionId: `camera-offline/${cameraId}`, ruleId: 'camera-offline', ruleKind: 'video', pointId: null, ...(zone === undefined ? {} : { zoneId: zone }),
      level: active ? 'OFFLINE' : null, priority: this.o.priorities['camera-offline'], value: null, time: now, cameras: [cameraId],
      message: active ? `${camera?.name ?? cameraId} silent for ${silent} s: the zone is not watched` : `${camera?.name ?? cameraId} back online`,
    };
  }
}
