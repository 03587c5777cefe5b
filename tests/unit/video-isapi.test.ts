import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CameraDirectory } from '../../adapters/video/cameras.js';
import { buildTypeTable, builtInNames, meaningOf, typeKey, BUILT_IN_TYPES } from '../../adapters/video/event-types.js';
import { isapiAlertFromJson, isapiAlertFromXml, type IsapiAlert } from '../../adapters/video/isapi-alert.js';
import { normaliseIsapi, type NormaliseContext } from '../../adapters/video/normalise.js';
import { videoCameraSchema } from '../../adapters/video/schema.js';
import { sourceTime } from '../../adapters/video/source-time.js';

const sample = (name: string): string => readFileSync(new URL(`../../adapters/video/samples/${name}`, import.meta.url), 'utf8');
const NOW = Date.parse('2024-05-06T06:10:00Z');

function alertOf(parsed: ReturnType<typeof isapiAlertFromXml>): IsapiAlert {
  if (!parsed.ok) throw new Error(`not parsed: ${parsed.problem}`);
  return parsed.alert;
}

const cameras = new CameraDirectory(
  [
    { cameraId: 'CAM-TF-N', ipAddress: '10.20.0.11', zoneId: 'tank-farm', regionZones: { '2': 'tank-farm-bund' } },
    { cameraId: 'CAM-R2-WALK', ipAddress: '10.20.0.40', channel: 3, zoneId: 'reactor-2' },
  ].map((c) => videoCameraSchema.parse(c)),
);
const ctx: NormaliseContext = { types: BUILT_IN_TYPES, cameras, now: NOW };

describe('ISAPI EventNotificationAlert, XML', () => {
  it('reads the fields hazgate uses from a field detection', () => {
    expect(alertOf(isapiAlertFromXml(sample('isapi-fielddetection.xml')))).toEqual({
      ipAddress: '10.20.0.11',
      channelId: '1',
      dateTime: '2024-05-06T14:03:11+08:00',
      activePostCount: 1,
      eventType: 'fielddetection',
      eventState: 'active',
      eventDescription: 'fielddetection alarm',
      regionIds: ['2'],
      targetTypes: ['human'],
      confidence: undefined,
      snapshotUrl: undefined,
      clipUrl: undefined,
      vendorEventId: undefined,
    });
  });

  it('normalises a field detection to intrusion in the zone of its region', () => {
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(sample('isapi-fielddetection.xml'))), ctx);
    expect(outcome).toEqual({
      kind: 'event',
      cameraId: 'CAM-TF-N',
      alive: true,
      receiveTimeUsed: false,
      event: {
        eventId: `CAM-TF-N:intrusion:${Date.parse('2024-05-06T06:03:11Z')}#1`,
        cameraId: 'CAM-TF-N',
        type: 'intrusion',
        vendorType: 'fielddetection',
        zoneId: 'tank-farm-bund',
        ts: Date.parse('2024-05-06T06:03:11Z'),
      },
    });
  });

  it('normalises a helmet detection (isapi.org namespace, NVR channel 3) with confidence and picture URL', () => {
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(sample('isapi-safety-helmet.xml'))), ctx);
    expect(outcome.kind === 'event' && outcome.event).toMatchObject({
      cameraId: 'CAM-R2-WALK',
      type: 'no-helmet',
      vendorType: 'safetyHelmetDetection',
      zoneId: 'reactor-2',
      confidence: 0.91,
      snapshotUrl: 'http://10.20.0.40/picture/Streaming/tracks/303/?name=ch00003_00000001893&size=214387',
    });
  });

  it('takes Hikvision’s videoloss/inactive keepalive as a heartbeat, nothing more', () => {
    expect(normaliseIsapi(alertOf(isapiAlertFromXml(sample('isapi-videoloss-keepalive.xml'))), ctx)).toEqual({ kind: 'inactive', cameraId: 'CAM-TF-N', vendorType: 'videoloss' });
  });

  it('treats videoloss active as tamper from a camera that is not alive', () => {
    const xml = sample('isapi-videoloss-keepalive.xml').replace('<eventState>inactive', '<eventState>active');
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx);
    expect(outcome).toMatchObject({ kind: 'event', alive: false, event: { type: 'tamper', vendorType: 'videoloss' } });
  });

  it('an inactive state of any detection is not a new detection', () => {
    const xml = sample('isapi-fielddetection.xml').replace('<eventState>active', '<eventState>inactive');
    expect(normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx)).toEqual({ kind: 'inactive', cameraId: 'CAM-TF-N', vendorType: 'fielddetection' });
  });

  it('names an unconfigured camera <ipAddress>/<channelID> and leaves the zone out', () => {
    const xml = sample('isapi-fielddetection.xml').replaceAll('10.20.0.11', '10.20.9.9').replace('<channelID>1<', '<channelID>04<');
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx);
    expect(outcome.kind === 'event' && outcome.event).toMatchObject({ cameraId: '10.20.9.9/4', type: 'intrusion' });
    expect(outcome.kind === 'event' && 'zoneId' in outcome.event).toBe(false);
  });

  it.each([
    ['no ipAddress', (x: string) => x.replace(/<ipAddress>.*<\/ipAddress>/, '').replace(/<ipv6Address>.*<\/ipv6Address>/, ''), /names no camera/],
  ])('refuses an alert with %s', (_what, edit, problem) => {
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(edit(sample('isapi-fielddetection.xml')))), ctx);
    expect(outcome).toMatchObject({ kind: 'malformed', problem: expect.stringMatching(problem) });
  });

  it.each([
    ['another root', '<ResponseStatus><statusCode>1</statusCode></ResponseStatus>', /root <ResponseStatus>/],
    ['no eventType', '<EventNotificationAlert><ipAddress>10.0.0.1</ipAddress></EventNotificationAlert>', /has no eventType/],
    ['XXE', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><EventNotificationAlert><eventType>&x;</eventType></EventNotificationAlert>', /DOCTYPE/],
    ['truncation', sample('isapi-fielddetection.xml').slice(0, 400), /is not readable XML/],
  ])('reports %s as a problem, never a throw', (_what, xml, problem) => {
    const parsed = isapiAlertFromXml(xml);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(problem);
  });

  it('an unknown eventType is an unknown-type outcome naming it and its targets', () => {
    const xml = sample('isapi-fielddetection.xml').replace('>fielddetection<', '>VMD<');
    expect(normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx)).toEqual({ kind: 'unknown-type', cameraId: 'CAM-TF-N', vendorType: 'VMD (targetType human)' });
  });

  it('a generic eventType with a helmet targetType is no-helmet', () => {
    const xml = sample('isapi-safety-helmet.xml').replace('>safetyHelmetDetection<', '>AIOP_Video<');
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx);
    expect(outcome.kind === 'event' && outcome.event).toMatchObject({ type: 'no-helmet', vendorType: 'AIOP_Video/noHelmet' });
  });

  it('a site’s eventTypeMap adds names and overrides built-in ones', () => {
    const types = buildTypeTable({ VMD: 'ignore', fielddetection: 'crowd', heat_anomaly: 'fire-smoke' });
    const vmd = sample('isapi-fielddetection.xml').replace('>fielddetection<', '>VMD<');
    expect(normaliseIsapi(alertOf(isapiAlertFromXml(vmd)), { ...ctx, types })).toEqual({ kind: 'ignored', cameraId: 'CAM-TF-N', vendorType: 'VMD' });
    const field = normaliseIsapi(alertOf(isapiAlertFromXml(sample('isapi-fielddetection.xml'))), { ...ctx, types });
    expect(field.kind === 'event' && field.event.type).toBe('crowd');
    expect(meaningOf(types, 'Heat-Anomaly')).toBe('fire-smoke');
  });

  it('stamps the receive time when the camera clock is unset, and says so', () => {
    const xml = sample('isapi-fielddetection.xml').replace('2024-05-06T14:03:11+08:00', '1970-01-01T08:00:12+08:00');
    const outcome = normaliseIsapi(alertOf(isapiAlertFromXml(xml)), ctx);
    expect(outcome).toMatchObject({ kind: 'event', receiveTimeUsed: true, event: { ts: NOW } });
  });
});

describe('ISAPI EventNotificationAlert, JSON', () => {
  it('reads the JSON form, detail blocks as arrays, confidence 0-1', () => {
    const alert = alertOf(isapiAlertFromJson(JSON.parse(sample('isapi-smoking.json'))));
    expect(alert).toMatchObject({ ipAddress: '10.20.0.31', channelId: '2', eventType: 'smoking', regionIds: ['3'], targetTypes: ['human'], confidence: 0.87 });
    expect(alert.snapshotUrl).toContain('ch00002_00000001234&size=312211');
    const outcome = normaliseIsapi(alert, ctx);
    expect(outcome.kind === 'event' && outcome.event).toMatchObject({ cameraId: '10.20.0.31/2', type: 'smoking', ts: Date.parse('2024-05-06T06:10:02Z') });
  });

  it('reads the wrapped form and uses the vendor UUID as the event id', () => {
    const outcome = normaliseIsapi(alertOf(isapiAlertFromJson(JSON.parse(sample('isapi-wrapped-fall.json')))), ctx);
    expect(outcome.kind === 'event' && outcome.event).toMatchObject({ eventId: '5b0d8c2e-6f1a-4e8b-9d55-1c3f7a2b9e10', type: 'fall', vendorType: 'failDown' });
  });

  it('refuses what is not an alert object', () => {
    expect(isapiAlertFromJson([1, 2])).toEqual({ ok: false, problem: 'is not a JSON object' });
    expect(isapiAlertFromJson({ ipAddress: '10.0.0.1' })).toEqual({ ok: false, problem: 'has no eventType' });
  });

  it('ignores picture links that are not web or RTSP URLs', () => {
    const alert = alertOf(isapiAlertFromJson({ ipAddress: '10.0.0.1', eventType: 'fireDetection', bkgUrl: 'javascript:alert(1)', picUrl: 'file:///etc/passwd' }));
    expect(alert.snapshotUrl).toBeUndefined();
  });

  it('walks deep or huge detail blocks without blowing the stack', () => {
    let deep: unknown = { regionID: 9 };
    for (let i = 0; i < 10_000; i += 1) deep = { inner: deep };
    const alert = alertOf(isapiAlertFromJson({ ipAddress: '10.0.0.1', eventType: 'fireDetection', Detail: deep, Many: Array.from({ length: 50_000 }, (_, i) => ({ regionID: i })) }));
    expect(alert.regionIds.length).toBeLessThanOrEqual(5_000);
  });
});

describe('type table', () => {
  it('maps every name of the brief', () => {
    const expected: Record<string, string> = {
      fielddetection: 'intrusion', linedetection: 'intrusion', regionEntrance: 'intrusion',
      fireDetection: 'fire-smoke', smokeDetection: 'fire-smoke', safetyHelmetDetection: 'no-helmet', helmet: 'no-helmet',
      smoking: 'smoking', calling: 'phone', phone: 'phone', fall: 'fall', faint: 'fall', crowd: 'crowd', peopleGathering: 'crowd',
      videotampering: 'tamper', shelteralarm: 'tamper', heartBeat: 'heartbeat', 'no-helmet': 'no-helmet', 'fire-smoke': 'fire-smoke',
    };
    for (const [name, meaning] of Object.entries(expected)) expect(meaningOf(BUILT_IN_TYPES, name), name).toBe(meaning);
    expect(meaningOf(BUILT_IN_TYPES, 'VMD')).toBeUndefined();
  });

  it('has no name twice with two meanings', () => {
    const seen = new Map<string, string>();
    for (const [meaning, names] of builtInNames()) {
      for (const name of names) {
        expect(seen.get(typeKey(name)) ?? meaning, name).toBe(meaning);
        seen.set(typeKey(name), meaning);
      }
    }
  });

  it('the README table lists every built-in name', () => {
    const readme = readFileSync(new URL('../../adapters/video/README.md', import.meta.url), 'utf8');
    for (const [meaning, names] of builtInNames()) for (const name of names) expect(readme, `${meaning}: ${name}`).toContain(`\`${name}\``);
  });
});

describe('source time', () => {
  it.each([
    [1714975391000, 1714975391000],
    ['2024-05-06T14:03:11+08:00', Date.parse('2024-05-06T06:03:11Z')],
    [1714975391, undefined], // epoch seconds: before 2000 read as ms
    ['yesterday', undefined],
    [NOW + 2 * 86_400_000, undefined],
    [undefined, undefined],
    [Number.NaN, undefined],
  ])('%s → %s', (raw, expected) => {
    expect(sourceTime(raw, NOW)).toBe(expected);
  });
});
