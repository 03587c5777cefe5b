import { describe, expect, it } from 'vitest';
import { VIDEO_PRIORITIES, VideoWatch } from '../../src/engine/video/index.js';
import type { VideoEvent } from '../../src/core/index.js';

/** Video detections and camera liveness as alarms, on fake time. */

const T0 = Date.UTC(2026, 10, 28, 9);
const S = 1000;
const watch = () => new VideoWatch({ cameras: [{ id: 'cam-3', name: 'Reactor hall east', zone: 'reactor' }, { id: 'cam-4' }], holdMs: 60 * S, offlineAfterMs: 300 * S, priorities: VIDEO_PRIORITIES }, T0);
const event = (type: VideoEvent['type'], ts: number, extra: Partial<VideoEvent> = {}): VideoEvent => ({ eventId: `e${ts}`, cameraId: 'cam-3', type, vendorType: 'fieldDetection', ts, ...extra });

describe('video detections as alarms', () => {
  it('activates at the first event, holds through repeats, returns hold after the last one', () => {
    const w = watch();
    expect(w.event(event('intrusion', T0, { snapshotUrl: 'http://nvr/snap/1.jpg' }), T0)).toEqual([
      expect.objectContaining({ conditionId: 'video/cam-3/intrusion/reactor', ruleKind: 'video', time: T0, zoneId: 'reactor', level: 'INTRUSION', priority: 2, cameras: ['cam-3'], message: 'Reactor hall east: intrusion detected in reactor (fieldDetection) snapshot http://nvr/snap/1.jpg' }),
    ]);
    expect(w.event(event('intrusion', T0 + 30 * S), T0 + 30 * S)).toEqual([]);
    expect(w.tick(T0 + 89 * S)).toEqual([]);
    expect(w.tick(T0 + 90 * S)).toEqual([expect.objectContaining({ conditionId: 'video/cam-3/intrusion/reactor', level: null })]);
  });

  it('fire and smoke first: priorities by type; a zone from the event wins over the camera’s', () => {
    const w = watch();
    expect(w.event(event('fire-smoke', T0, { zoneId: 'tank-farm' }), T0)[0]).toMatchObject({ priority: 1, zoneId: 'tank-farm', level: 'FIRE_SMOKE' });
    expect(w.event({ ...event('phone', T0), cameraId: 'cam-4' }, T0)[0]).toMatchObject({ priority: 4 });
  });

  it('a configured camera silent for offlineAfter is OFFLINE, and back with its next heartbeat', () => {
    const w = watch();
    w.heartbeat({ cameraId: 'cam-3', ts: T0 + 100 * S }, T0 + 100 * S);
    expect(w.tick(T0 + 300 * S)).toEqual([expect.objectContaining({ conditionId: 'camera-offline/cam-4', level: 'OFFLINE', priority: 3 })]);
    expect(w.tick(T0 + 400 * S)).toEqual([expect.objectContaining({ conditionId: 'camera-offline/cam-3', level: 'OFFLINE', zoneId: 'reactor', message: 'Reactor hall east silent for 300 s: the zone is not watched' })]);
    expect(w.heartbeat({ cameraId: 'cam-3', ts: T0 + 401 * S }, T0 + 401 * S)).toEqual([expect.objectContaining({ conditionId: 'camera-offline/cam-3', level: null })]);
    expect(w.tick(T0 + 402 * S)).toEqual([]);
  });

  it('an unconfigured camera raises detections but never OFFLINE', () => {
    const w = watch();
    w.event({ ...event('smoking', T0), cameraId: 'cam-99' }, T0);
    expect(w.tick(T0 + 10_000 * S).filter((r) => r.conditionId.startsWith('camera-offline/cam-99'))).toEqual([]);
  });

  it('one condition per zone: a camera watching two zones raises each; the alarm time is the gateway’s, not the camera’s', () => {
    const w = watch();
    const a = w.event(event('intrusion', T0 - 86_400 * S, { zoneId: 'north' }), T0);
    const b = w.event(event('intrusion', T0, { zoneId: 'south' }), T0 + S);
    expect([...a, ...b].map((r) => [r.conditionId, r.zoneId, r.time])).toEqual([
      ['video/cam-3/intrusion/north', 'north', T0],
      ['video/cam-3/intrusion/south', 'south', T0 + S],
    ]);
  });

  it('detections are not heartbeats: a camera sending only tamper events still goes OFFLINE', () => {
    const w = watch();
    for (let t = 0; t <= 300; t += 30) w.event(event('tamper', T0 + t * S), T0 + t * S);
    expect(w.tick(T0 + 300 * S).map((r) => r.conditionId)).toContain('camera-offline/cam-3');
  });
});
