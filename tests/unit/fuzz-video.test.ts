import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { genericEventsFromJson } from '../../adapters/video/generic.js';
import { VideoIngest, type VideoSinks } from '../../adapters/video/ingest.js';
import { isapiAlertFromJson, isapiAlertFromXml, type IsapiParse } from '../../adapters/video/isapi-alert.js';
import { emptyVideoStats } from '../../adapters/video/metrics.js';
import { multipartBoundary, splitMultipart } from '../../adapters/video/multipart.js';
import { videoWebhookSchema } from '../../adapters/video/schema.js';
import { sourceTime } from '../../adapters/video/source-time.js';
import { parseXml, XmlSyntaxError } from '../../adapters/video/xml.js';
import type { HazgateError, Observation } from '../../src/core/index.js';
import { anyText, expectBounded, expectCoded, fuzzParams, jsonFiller, mutatedText, nearValidJson, payloadBytes, timed, withInvalidUtf8 } from './fuzz-fixtures.js';

/**
 * Video events under fuzz (issue #11 item 6): the XML reader, ISAPI alerts in XML and JSON,
 * hazgate's generic JSON, multipart bodies, source times, and the whole VideoIngest path that
 * webhook posts and MQTT messages take. Refusals are XmlSyntaxError / problem strings inside the
 * parsers and coded HazgateErrors out of VideoIngest; all of them short.
 */

const sampleText = (name: string): string => readFileSync(new URL(`../../adapters/video/samples/${name}`, import.meta.url), 'utf8');
const XML_SAMPLES = ['isapi-fielddetection.xml', 'isapi-safety-helmet.xml', 'isapi-videoloss-keepalive.xml'].map(sampleText);
const JSON_SAMPLES: unknown[] = ['isapi-smoking.json', 'isapi-wrapped-fall.json', 'generic-events.json'].map((f) => JSON.parse(sampleText(f)) as unknown);
const T0 = Date.parse('2024-05-06T06:10:00Z');

/** Text that breaks XML readers: entity declarations (billion laughs, XXE), references, deep nesting, huge names. */
const XML_HOSTILE: readonly string[] = [
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
  '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '&lol3;', '&x;', '&amp;', '&#0;', '&#x110000;', '&#xD800;', '&#99999999;', '&#x41;', '& ', '&&&',
  '<![CDATA[', ']]>', '<![CDATA[<a>]]>', '<!--', '-->', '<?', '?>', '<?xml version="1.0"?>', '<!', '</', '/>', '<', '>',
  '<a', '</a>', '<a b="1" b="2">', '<a b=">', "<a b='<'>", '<hik:eventType>', '\uFEFF', '\u0000',
];

const xmlInsert: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...XML_HOSTILE), fc.string({ maxLength: 6 }));

/** XML text: mutated samples, hostile fragments around a sample, deep or wide documents, huge names. */
const xmlText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutatedText(XML_SAMPLES, xmlInsert) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...XML_HOSTILE), fc.constantFrom(...XML_SAMPLES)).map(([h, s]) => h + s) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `<r>${'<a/>'.repeat(n)}</r>`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1_000, max: 5_000 }), fc.constantFrom('<N', '<r><N', '<r></N', '<r></r><N', '<r a="1" a', '<EventNotificationAlert><eventType>')).map(([n, p]) => `${p.replace('N', 'n'.repeat(n))}>`) },
);

function checkIsapi(parse: IsapiParse): void {
  if (!parse.ok) {
    expectBounded(parse.problem);
    return;
  }
  const a = parse.alert;
  if (a.confidence !== undefined) expect(a.confidence >= 0 && a.confidence <= 1).toBe(true);
  if (a.activePostCount !== undefined) expect(Number.isSafeInteger(a.activePostCount)).toBe(true);
}

describe('fuzz: video event parsers', () => {
  it('parseXml returns an element or throws XmlSyntaxError with a short message', () => {
    fc.assert(
      fc.property(xmlText, (text) => {
        try {
          timed('parseXml', () => parseXml(text));
        } catch (error) {
          if (!(error instanceof XmlSyntaxError)) throw error;
          expectBounded(error.message);
        }
      }),
      fuzzParams(0x786d6c00),
    );
  });

  it('isapiAlertFromXml returns an alert or a short problem', () => {
    fc.assert(fc.property(xmlText, (text) => checkIsapi(timed('isapiAlertFromXml', () => isapiAlertFromXml(text)))), fuzzParams(0x78697361));
  });

  const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue(),
    nearValidJson(JSON_SAMPLES).chain((text) => {
      try {
        return fc.constant(JSON.parse(text) as unknown);
      } catch {
        return fc.constant(text as unknown);
      }
    }),
  );

  it('isapiAlertFromJson and genericEventsFromJson read any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        checkIsapi(timed('isapiAlertFromJson', () => isapiAlertFromJson(value)));
        for (const parsed of timed('genericEventsFromJson', () => genericEventsFromJson(value))) {
          if (!parsed.ok) expectBounded(parsed.problem);
        }
      }),
      fuzzParams(0x6a736f6e),
    );
  });

  const boundary = fc.oneof(fc.constantFrom('MIME_boundary', 'x', '-', '--', ''), fc.string({ maxLength: 80 }));
  const partHeaders = fc.constantFrom(
    'Content-Disposition: form-data; name="a.xml"; filename="a.xml"\r\nContent-Type: application/xml',
    'Content-Type: image/jpeg',
    'Content-Disposition: form-data; name=',
    '',
    'Content-Type: application/json; charset="utf-8"\n',
  );
  /** Bodies built from parts, then cut, with delimiters missing, doubled or garbled. */
  const multipartBody = fc
    .tuple(boundary, fc.array(fc.tuple(partHeaders, fc.oneof(fc.constantFrom(...XML_SAMPLES), anyText)), { maxLength: 40 }), fc.constantFrom('\r\n', '\n', ''), fc.boolean(), fc.option(fc.nat()))
    .map(([b, parts, eol, close, cut]) => {
      const text = parts.map(([h, body]) => `--${b}${eol}${h}${eol}${eol}${body}${eol}`).join('') + (close ? `--${b}--${eol}` : '');
      return { boundary: b, body: Buffer.from(cut === null ? text : text.slice(0, cut % (text.length + 1))) };
    });

  it('splitMultipart returns parts or throws an Error with a short message; multipartBoundary reads any header', () => {
    fc.assert(
      fc.property(multipartBody, anyText, ({ boundary: b, body }, contentType) => {
        const found = multipartBoundary(`multipart/form-data; boundary=${b}`);
        if (found !== undefined) expect(found.length).toBeLessThanOrEqual(70);
        multipartBoundary(contentType);
        try {
          timed('splitMultipart', () => splitMultipart(body, b));
        } catch (error) {
          if (!(error instanceof Error) || error.constructor !== Error) throw error;
          expectBounded(error.message);
        }
      }),
      fuzzParams(0x6d756c74),
    );
  });

  it('sourceTime gives a finite time or undefined for any value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.double(), anyText, fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid' : d.toISOString()))), (raw) => {
        const t = sourceTime(raw, T0);
        expect(t === undefined || Number.isFinite(t)).toBe(true);
      }),
      fuzzParams(0x74696d65),
    );
  });
});

describe('fuzz: VideoIngest (webhook posts and MQTT messages)', () => {
  const config = videoWebhookSchema.parse({
    kind: 'video-webhook',
    id: 'ai-box',
    port: 0,
    cameras: [{ cameraId: 'CAM-TF-N', ipAddress: '10.20.0.11', zoneId: 'tank-farm', regionZones: { '2': 'tank-farm-north' } }],
    eventTypeMap: { VMD: 'ignore' },
  });

  function ingestOnce(kind: 'isapi' | 'generic', body: Buffer, contentType: string | undefined, origin: string): void {
    const ingest = new VideoIngest(config, { now: () => T0 }, emptyVideoStats());
    const observed: Observation[] = [];
    const errors: HazgateError[] = [];
    const sinks: VideoSinks = { observe: (o) => void observed.push(o), onError: (e) => void errors.push(e) };
    const summary = timed(`VideoIngest.${kind}`, () => (kind === 'isapi' ? ingest.isapi(body, contentType, origin, sinks) : ingest.generic(body, origin, sinks)));
    for (const error of errors) expectCoded(error);
    // The webhook answers 400 with the first problem.
    if (summary.problem !== undefined) expectBounded(summary.problem);
    for (const o of observed) if (o.type === 'video') expect(Number.isFinite(o.event.ts)).toBe(true);
  }

  const multipartOf = (xml: string): string =>
    `--B\r\nContent-Disposition: form-data; name="a.xml"\r\nContent-Type: application/xml\r\n\r\n${xml}\r\n--B\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--B--\r\n`;
  const body: fc.Arbitrary<Buffer> = fc.oneof(
    { weight: 3, arbitrary: payloadBytes(JSON_SAMPLES) },
    { weight: 3, arbitrary: xmlText.map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: withInvalidUtf8([...XML_SAMPLES, JSON.stringify(JSON_SAMPLES[0])]) },
    { weight: 1, arbitrary: mutatedText(XML_SAMPLES.map(multipartOf), xmlInsert).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: jsonFiller.map((t) => Buffer.from(`{"cameraId":"c","type":"fall","ts":${t}}`)) },
  );
  const contentType = fc.oneof(
    fc.constantFrom(undefined, 'application/xml', 'application/json', 'text/plain', 'multipart/form-data; boundary=B', 'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/mixed; boundary="B"'),
    anyText,
  );
  const origin = fc.oneof(fc.constantFrom('10.20.0.11 POST /isapi', 'video/ai-box/events'), fc.integer({ min: 1_000, max: 3_000 }).map((n) => `video/${'t'.repeat(n)}`));

  it('never throws; every error is coded and short; events have finite times', () => {
    fc.assert(
      fc.property(fc.constantFrom<'isapi' | 'generic'>('isapi', 'generic'), body, contentType, origin, (kind, b, type, o) => ingestOnce(kind, b, type, o)),
      fuzzParams(0x76696465),
    );
  });

  describe('targeted inputs', () => {
    const big = 1 << 20;
    it.each<[string, string, string | undefined]>([
      ['billion laughs', `${XML_HOSTILE[0] ?? ''}<EventNotificationAlert><eventType>&lol3;</eventType></EventNotificationAlert>`, 'application/xml'],
      ['XXE', `${XML_HOSTILE[1] ?? ''}<EventNotificationAlert><eventType>&x;</eventType></EventNotificationAlert>`, 'application/xml'],
      ['elements nested 100,000 deep', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`, 'application/xml'],
      ['a megabyte tag name', `<EventNotificationAlert><${'n'.repeat(big)}>`, 'application/xml'],
      ['a megabyte closing tag', `<EventNotificationAlert></${'n'.repeat(big)}>`, 'application/xml'],
      ['a megabyte unclosed element', `<${'n'.repeat(big)}>`, 'application/xml'],
      ['a megabyte duplicated attribute', `<EventNotificationAlert ${'a'.repeat(big)}="1" ${'a'.repeat(big)}="2"/>`, 'application/xml'],
      ['a megabyte root name', `<${'R'.repeat(big)}/>`, 'application/xml'],
      ['a megabyte event type from an unknown camera', `<EventNotificationAlert><ipAddress>${'i'.repeat(big)}</ipAddress><eventType>${'e'.repeat(big)}</eventType></EventNotificationAlert>`, 'application/xml'],
      ['a megabyte ISAPI JSON event type', JSON.stringify({ ipAddress: '10.0.0.1', eventType: 'e'.repeat(big) }), 'application/json'],
      ['a megabyte CDATA', `<EventNotificationAlert><eventType><![CDATA[${'c'.repeat(big)}`, 'application/xml'],
      ['200,000 character references', `<EventNotificationAlert><eventType>${'&#x41;'.repeat(200_000)}</eventType></EventNotificationAlert>`, 'application/xml'],
      ['an ISAPI JSON array of 100,000 alerts', JSON.stringify(Array.from({ length: 100_000 }, () => ({ eventType: 'x' }))), 'application/json'],
      ['ISAPI JSON nested 100,000 deep', `{"eventType":"fire","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'application/json'],
      ['multipart without a boundary parameter', multipartOf(XML_SAMPLES[0] ?? ''), 'multipart/form-data'],
      ['multipart whose boundary is not in the body', multipartOf(XML_SAMPLES[0] ?? ''), 'multipart/form-data; boundary=ZZZ'],
      ['multipart with 10,000 empty parts', `${'--B\r\n\r\n\r\n'.repeat(10_000)}--B--`, 'multipart/form-data; boundary=B'],
      ['multipart with a megabyte of part headers', `--B\r\n${'H: v\r\n'.repeat(200_000)}\r\n<a/>\r\n--B--`, 'multipart/form-data; boundary=B'],
    ])('%s', (_name, text, type) => ingestOnce('isapi', Buffer.from(text, 'latin1'), type, 'test'));

    it.each([
      ['a megabyte camera id and type', JSON.stringify({ cameraId: 'c'.repeat(big), type: 't'.repeat(big) })],
      ['an array of 100,000 events', JSON.stringify(Array.from({ length: 100_000 }, () => ({ cameraId: 'c', type: 'fall' })))],
      ['an event with a megabyte unknown key', JSON.stringify({ cameraId: 'c', type: 'fall', ['k'.repeat(big)]: 1 })],
    ])('generic: %s', (_name, text) => ingestOnce('generic', Buffer.from(text), 'application/json', 'test'));

    it('a megabyte MQTT topic as the origin', () => ingestOnce('generic', Buffer.from('{}'), undefined, `video/${'t'.repeat(big)}`));
  });
});
