import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMERA_SCRIPT, heartbeatXml, isapiAlertXml, isapiDateTime, multipartAlert, postsDue, SAMPLE_JPEG, type CameraPlan } from '../../devices/video/index.js';
import { isapiAlertFromXml } from '../../adapters/video/isapi-alert.js';
import { splitMultipart } from '../../adapters/video/multipart.js';

const camera = { ipAddress: '10.20.0.11', channel: 1, channelName: 'R&D <bay>', macAddress: 'bc:ad:28:4e:11:02' };
const AT = Date.parse('2024-05-06T06:03:11Z');

describe('camera box schedule', () => {
  const plan: CameraPlan = { cameras: 2, heartbeatMs: 10_000, script: DEFAULT_CAMERA_SCRIPT, loopMs: undefined };

  it('keepalives for every camera from t=0, then at the rate', () => {
    expect(postsDue(plan, -1, 0)).toEqual([
      { atMs: 0, kind: 'heartbeat', camera: 0 },
      { atMs: 0, kind: 'heartbeat', camera: 1 },
    ]);
    expect(postsDue(plan, 0, 10_000).filter((p) => p.kind === 'heartbeat').map((p) => p.atMs)).toEqual([10_000, 10_000]);
  });

  it('the default script: no-helmet ×3, intrusion, fire-smoke ×2, each post once whatever the tick size', () => {
    const byTicks = (tick: number) => {
      const posts = [];
      for (let t = 0; t <= 12_000; t += tick) posts.push(...postsDue(plan, t - tick, t));
      return posts.filter((p) => p.kind === 'detection').map((p) => (p.kind === 'detection' ? `${p.atMs}:${p.detection.kind}#${p.activePostCount}` : ''));
    };
    const expected = ['1000:no-helmet#1', '2000:no-helmet#2', '3000:no-helmet#3', '5000:intrusion#1', '8000:fire-smoke#1', '10000:fire-smoke#2'];
    expect(byTicks(50)).toEqual(expected);
    expect(byTicks(3_000)).toEqual(expected);
  });

  it('loops the script when told', () => {
    const looping = { ...plan, heartbeatMs: 0, loopMs: 20_000 };
    expect(postsDue(looping, 20_000, 22_000).map((p) => p.atMs)).toEqual([21_000, 22_000]);
  });
});

describe('camera box messages', () => {
  it('writes ISAPI dateTime in CST with its offset', () => {
    expect(isapiDateTime(AT)).toBe('2024-05-06T14:03:11+08:00');
    expect(isapiDateTime(AT, -300)).toBe('2024-05-06T01:03:11-05:00');
  });

  it('writes alerts the gateway reads back field for field', () => {
    const xml = isapiAlertXml({ camera, eventType: 'safetyHelmetDetection', eventState: 'active', activePostCount: 2, at: AT, regionId: 1, targetType: 'noHelmet' });
    expect(xml).toContain('xmlns="http://www.hikvision.com/ver20/XMLSchema"');
    expect(isapiAlertFromXml(xml)).toMatchObject({
      ok: true,
      alert: { ipAddress: '10.20.0.11', channelId: '1', dateTime: '2024-05-06T14:03:11+08:00', activePostCount: 2, eventType: 'safetyHelmetDetection', eventState: 'active', regionIds: ['1'], targetTypes: ['noHelmet'] },
    });
    expect(isapiAlertFromXml(heartbeatXml(camera, AT))).toMatchObject({ ok: true, alert: { eventType: 'videoloss', eventState: 'inactive', activePostCount: 0 } });
  });

  it('puts the XML first and the JPEG second in a multipart alert', () => {
    const xml = isapiAlertXml({ camera, eventType: 'fireDetection', eventState: 'active', activePostCount: 1, at: AT });
    const { body, contentType } = multipartAlert(xml, 'fireDetection', SAMPLE_JPEG, 'MIME_boundary');
    expect(contentType).toBe('multipart/form-data; boundary=MIME_boundary');
    const parts = splitMultipart(body, 'MIME_boundary');
    expect(parts.map((p) => p.contentType)).toEqual(['application/xml', 'image/jpeg']);
    expect(parts[0]?.body.toString()).toBe(xml);
    expect(parts[1]?.body.equals(SAMPLE_JPEG)).toBe(true);
  });
});
