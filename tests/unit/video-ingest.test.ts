import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { genericEventsFromJson } from '../../adapters/video/generic.js';
import { VideoIngest, type VideoSinks } from '../../adapters/video/ingest.js';
import { emptyVideoStats, videoMetrics, type VideoStats } from '../../adapters/video/metrics.js';
import { videoWebhookSchema } from '../../adapters/video/schema.js';
import type { HazgateError, Observation, VideoEvent } from '../../src/core/index.js';

const sample = (name: string): Buffer => readFileSync(new URL(`../../adapters/video/samples/${name}`, import.meta.url));
const T0 = Date.parse('2024-05-06T06:10:00Z');

let now = T0;
let stats: VideoStats;
let ingest: VideoIngest;
let observed: Observation[];
let errors: HazgateError[];
let sinks: VideoSinks;

const events = (): VideoEvent[] => observed.flatMap((o) => (o.type === 'video' ? [o.event] : []));
const heartbeats = (): string[] => observed.flatMap((o) => (o.type === 'camera-heartbeat' ? [o.heartbeat.cameraId] : []));

beforeEach(() => {
  now = T0;
  stats = emptyVideoStats();
  const config = videoWebhookSchema.parse({
    kind: 'video-webhook',
    id: 'ai-box',
    port: 0,
    cameras: [{ cameraId: 'CAM-TF-N', ipAddress: '10.20.0.11', zoneId: 'tank-farm' }, { cameraId: 'cam-07', zoneId: 'unit-2-default' }],
    eventTypeMap: { VMD: 'ignore' },
  });
  ingest = new VideoIngest(config, { now: () => now }, stats);
  observed = [];
  errors = [];
  sinks = { observe: (o) => void observed.push(o), onError: (e) => void errors.push(e) };
});

describe('generic JSON format', () => {
  it('parses the documented sample: one object or an array', () => {
    const parsed = genericEventsFromJson(JSON.parse(sample('generic-events.json').toString()));
    expect(parsed.map((p) => p.ok)).toEqual([true, true, true]);
    expect(genericEventsFromJson({ cameraId: 'c', type: 'fall' })).toMatchObject([{ ok: true, event: { cameraId: 'c', type: 'fall', ts: undefined } }]);
  });

  it.each([
    [{ type: 'fall' }, /cameraId/],
    [{ cameraId: '', type: 'fall' }, /cameraId/],
    [{ cameraId: 'c\u0000x', type: 'fall' }, /control characters/],
    [{ cameraId: 'c', type: 'fall', confidence: 87 }, /confidence/],
    [{ cameraId: 'c', type: 'fall', snapshotUrl: 'javascript:alert(1)' }, /snapshotUrl is not an http/],
    ['no-helmet', /is not an event object/],
  ])('refuses %j', (value, problem) => {
    const [result] = genericEventsFromJson(value);
    expect(result?.ok).toBe(false);
    expect(result?.ok === false && result.problem).toMatch(problem);
  });

  it('refuses batches over 1000 events whole', () => {
    expect(genericEventsFromJson(Array.from({ length: 1_001 }, () => ({ cameraId: 'c', type: 'fall' })))).toMatchObject([{ ok: false }]);
  });
});

describe('video ingest', () => {
  it('emits a heartbeat and a detection per generic event, zone from the payload or the camera map', () => {
    const summary = ingest.generic(sample('generic-events.json'), 'test', sinks);
    expect(summary).toMatchObject({ understood: 3, events: 2, duplicates: 0, malformed: 0 });
    expect(heartbeats()).toEqual(['cam-07', 'cam-07', 'cam-09']);
    expect(events()).toEqual([
      { eventId: 'box5-000813', cameraId: 'cam-07', type: 'no-helmet', vendorType: 'no-helmet', zoneId: 'unit-2', ts: 1714975391000, confidence: 0.91, snapshotUrl: 'http://10.20.1.5:8080/snapshots/cam-07/1714975391000.jpg' },
      { eventId: `cam-09:crowd:${Date.parse('2024-05-06T06:03:15Z')}`, cameraId: 'cam-09', type: 'crowd', vendorType: 'crowd', ts: Date.parse('2024-05-06T06:03:15Z'), clipUrl: 'rtsp://10.20.1.5:554/clips/cam-09/813' },
    ]);
    ingest.generic(Buffer.from(JSON.stringify({ cameraId: 'cam-07', type: 'smoking' })), 'test', sinks);
    expect(events().at(-1)).toMatchObject({ zoneId: 'unit-2-default', ts: T0 });
    expect(stats.receiveTimeUsed).toBe(1);
  });

  it('drops repeats within 30 s of receive time and counts them by type', () => {
    const helmet = Buffer.from(JSON.stringify({ cameraId: 'cam-07', type: 'no-helmet', ts: T0 }));
    ingest.generic(helmet, 'test', sinks);
    now += 10_000;
    expect(ingest.generic(helmet, 'test', sinks)).toMatchObject({ events: 0, duplicates: 1 });
    now += 20_000;
    ingest.generic(helmet, 'test', sinks);
    expect(events()).toHaveLength(2);
    expect(heartbeats()).toHaveLength(3);
    expect(stats.duplicates).toEqual({ 'no-helmet': 1 });
    expect(stats.events).toEqual({ 'no-helmet': 2 });
  });

  it('ISAPI XML: keepalive, detection, inactive, mapped-ignore', () => {
    ingest.isapi(sample('isapi-videoloss-keepalive.xml'), 'application/xml', 'test', sinks);
    ingest.isapi(sample('isapi-fielddetection.xml'), 'application/xml; charset="UTF-8"', 'test', sinks);
    ingest.isapi(Buffer.from(sample('isapi-fielddetection.xml').toString().replace('>active<', '>inactive<')), undefined, 'test', sinks);
    ingest.isapi(Buffer.from(sample('isapi-fielddetection.xml').toString().replace('>fielddetection<', '>VMD<')), undefined, 'test', sinks);
    expect(heartbeats()).toEqual(['CAM-TF-N', 'CAM-TF-N', 'CAM-TF-N', 'CAM-TF-N']);
    expect(events().map((e) => [e.type, e.zoneId])).toEqual([['intrusion', 'tank-farm']]);
    expect(stats.ignored).toEqual({ inactive: 2, mapped: 1 });
    expect(errors).toEqual([]);
  });

  it('ISAPI JSON by content type or by sniffing', () => {
    ingest.isapi(sample('isapi-smoking.json'), 'application/json', 'test', sinks);
    ingest.isapi(sample('isapi-wrapped-fall.json'), undefined, 'test', sinks);
    expect(events().map((e) => e.type)).toEqual(['smoking', 'fall']);
  });

  it('multipart: reads the XML part, counts the picture it does not keep', () => {
    const xml = sample('isapi-fielddetection.xml').toString().replace('>fielddetection<', '>fireDetection<');
    const body = Buffer.concat([
      Buffer.from('--MIME_boundary\r\nContent-Disposition: form-data; name="fireDetection.xml"; filename="fireDetection.xml"\r\nContent-Type: application/xml\r\n\r\n'),
      Buffer.from(xml),
      Buffer.from('\r\n--MIME_boundary\r\nContent-Disposition: form-data; name="detectionPicture"; filename="detectionPicture.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'),
      Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
      Buffer.from('\r\n--MIME_boundary--\r\n'),
    ]);
    ingest.isapi(body, 'multipart/form-data; boundary=MIME_boundary', 'test', sinks);
    expect(events().map((e) => e.type)).toEqual(['fire-smoke']);
    expect(stats.attachmentsDropped).toBe(1);
  });

  it('malformed bodies: coded, counted, reported, nothing emitted', () => {
    const bad: [Buffer, string | undefined][] = [
      [Buffer.from('<EventNotificationAlert><eventType>'), 'application/xml'],
      [Buffer.from('{"eventType": '), 'application/json'],
      [Buffer.from('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><EventNotificationAlert/>'), undefined],
      [Buffer.from('--x\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--x--'), 'multipart/form-data; boundary=x'],
      [Buffer.from('garbage'), 'multipart/form-data; boundary=x'],
      [Buffer.alloc(0), undefined],
    ];
    for (const [body, type] of bad) expect(ingest.isapi(body, type, 'test', sinks)).toMatchObject({ understood: 0, malformed: 1 });
    expect(ingest.generic(Buffer.from('not json'), 'test', sinks)).toMatchObject({ understood: 0, malformed: 1, problem: expect.stringMatching(/not valid JSON/) });
    expect(observed).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(Array(7).fill('HG_ERR_INGEST_MALFORMED'));
    expect(errors[0]?.details).toMatchObject({ adapter: 'ai-box', origin: 'test', reason: 'malformed' });
    expect(stats.rejected).toEqual({ malformed: 7 });
  });

  it('an unknown type: heartbeat yes, detection no, a coded and counted rejection', () => {
    ingest.generic(Buffer.from(JSON.stringify([{ cameraId: 'cam-07', type: 'loitering' }, { cameraId: 'cam-07', type: 'fall' }])), 'test', sinks);
    expect(heartbeats()).toEqual(['cam-07', 'cam-07']);
    expect(events().map((e) => e.type)).toEqual(['fall']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'HG_ERR_INGEST_MALFORMED', details: { reason: 'unknown-type', vendorType: 'loitering', camera: 'cam-07' } });
    expect(stats.rejected).toEqual({ 'unknown-type': 1 });
  });

  it('a batch with one bad element still takes the others', () => {
    const summary = ingest.generic(Buffer.from(JSON.stringify([{ cameraId: 'cam-07', type: 'fall' }, { type: 'fall' }])), 'test', sinks);
    expect(summary).toMatchObject({ understood: 1, events: 1, malformed: 1 });
    expect(errors[0]?.message).toMatch(/\[1\] cameraId/);
  });

  it('too large: counted and reported; unauthorised and no-route only counted', () => {
    ingest.refuse('too-large', 'test', 'is 9 MB', sinks);
    ingest.refuse('unauthorised', 'test', 'no secret', sinks);
    ingest.refuse('no-route', 'test', 'GET /', sinks);
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_TOO_LARGE']);
    expect(stats.rejected).toEqual({ 'too-large': 1, unauthorised: 1, 'no-route': 1 });
  });
});

describe('video metrics', () => {
  it('reports every family with fixed label names, values or not', () => {
    const empty = videoMetrics('ai-box', emptyVideoStats());
    expect(empty.map((m) => [m.name, m.labelNames])).toEqual([
      ['hazgate_video_messages_total', ['adapter']],
      ['hazgate_video_events_total', ['adapter', 'type']],
      ['hazgate_video_duplicates_total', ['adapter', 'type']],
      ['hazgate_video_rejected_total', ['adapter', 'reason']],
      ['hazgate_video_ignored_total', ['adapter', 'reason']],
      ['hazgate_video_heartbeats_total', ['adapter']],
      ['hazgate_video_receive_time_used_total', ['adapter']],
      ['hazgate_video_attachments_dropped_total', ['adapter']],
    ]);
    const s = emptyVideoStats();
    s.events['no-helmet'] = 3;
    s.rejected['unknown-type'] = 2;
    const metrics = videoMetrics('ai-box', s);
    expect(metrics.find((m) => m.name === 'hazgate_video_events_total')?.values).toEqual([{ labels: { adapter: 'ai-box', type: 'no-helmet' }, value: 3 }]);
    expect(metrics.find((m) => m.name === 'hazgate_video_rejected_total')?.values).toEqual([{ labels: { adapter: 'ai-box', reason: 'unknown-type' }, value: 2 }]);
  });

  it('the README names every family', () => {
    const readme = readFileSync(new URL('../../adapters/video/README.md', import.meta.url), 'utf8');
    for (const m of videoMetrics('x', emptyVideoStats())) expect(readme, m.name).toContain(`\`${m.name}\``);
  });
});
