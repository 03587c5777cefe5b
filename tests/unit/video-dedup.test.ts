import { describe, expect, it } from 'vitest';
import { DetectionDeduplicator } from '../../adapters/video/dedup.js';
import type { VideoEventType } from '../../src/core/observation.js';

const det = (cameraId: string, type: VideoEventType, zoneId?: string) => ({ cameraId, type, zoneId });

describe('detection de-duplication', () => {
  it('passes the first, drops repeats within the window, passes again once it is over', () => {
    const d = new DetectionDeduplicator(30_000);
    const helmet = det('cam-1', 'no-helmet', 'unit-2');
    expect(d.admit(helmet, 0)).toBe(true);
    expect(d.admit(helmet, 5_000)).toBe(false);
    expect(d.admit(helmet, 29_999)).toBe(false);
    expect(d.admit(helmet, 30_000)).toBe(true);
    expect(d.admit(helmet, 45_000)).toBe(false);
  });

  it('anchors the window at the detection that passed: a steady stream passes once per window', () => {
    const d = new DetectionDeduplicator(30_000);
    const passed = [];
    for (let t = 0; t <= 120_000; t += 2_000) if (d.admit(det('cam-1', 'intrusion'), t)) passed.push(t);
    expect(passed).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
  });

  it('keeps camera, type and zone apart', () => {
    const d = new DetectionDeduplicator(30_000);
    expect(d.admit(det('cam-1', 'no-helmet', 'a'), 0)).toBe(true);
    expect(d.admit(det('cam-2', 'no-helmet', 'a'), 1)).toBe(true);
    expect(d.admit(det('cam-1', 'smoking', 'a'), 2)).toBe(true);
    expect(d.admit(det('cam-1', 'no-helmet', 'b'), 3)).toBe(true);
    expect(d.admit(det('cam-1', 'no-helmet'), 4)).toBe(true);
    expect(d.admit(det('cam-1', 'no-helmet', 'a'), 5)).toBe(false);
    expect(d.admit(det('cam-1', 'no-helmet'), 6)).toBe(false);
  });

  it('a window of 0 keeps everything', () => {
    const d = new DetectionDeduplicator(0);
    expect([0, 0, 1].map((t) => d.admit(det('cam-1', 'fall'), t))).toEqual([true, true, true]);
    expect(d.size).toBe(0);
  });

  it('a clock stepped back does not hold detections back', () => {
    const d = new DetectionDeduplicator(30_000);
    expect(d.admit(det('cam-1', 'fire-smoke'), 1_000_000)).toBe(true);
    expect(d.admit(det('cam-1', 'fire-smoke'), 400_000)).toBe(true);
    expect(d.admit(det('cam-1', 'fire-smoke'), 410_000)).toBe(false);
  });

  it('forgets keys once their window is over, and never holds more than maxKeys', () => {
    const d = new DetectionDeduplicator(30_000, 100);
    for (let i = 0; i < 50; i += 1) d.admit(det(`cam-${i}`, 'crowd'), i);
    expect(d.size).toBe(50);
    d.admit(det('cam-x', 'crowd'), 40_000);
    expect(d.size).toBe(1);
    for (let i = 0; i < 500; i += 1) d.admit(det(`cam-${i}`, 'crowd'), 50_000);
    expect(d.size).toBe(100);
  });
});
