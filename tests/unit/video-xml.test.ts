import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childText, descendants, parseXml, XmlSyntaxError } from '../../adapters/video/xml.js';
import { multipartBoundary, splitMultipart } from '../../adapters/video/multipart.js';

const sample = (name: string): string => readFileSync(new URL(`../../adapters/video/samples/${name}`, import.meta.url), 'utf8');

describe('video XML reader', () => {
  it('reads a Hikvision alert: local names, text, nesting', () => {
    const root = parseXml(sample('isapi-fielddetection.xml'));
    expect(root.name).toBe('EventNotificationAlert');
    expect(root.attrs).toEqual({ version: '2.0', xmlns: 'http://www.hikvision.com/ver20/XMLSchema' });
    expect(childText(root, 'eventType')).toBe('fielddetection');
    expect(descendants(root, 'regionID').map((e) => e.text)).toEqual(['2']);
    expect(descendants(root, 'positionX').map((e) => e.text)).toEqual(['120', '610', '610']);
  });

  it('drops namespace prefixes, decodes entities and CDATA, skips comments and PIs', () => {
    const root = parseXml(`\ufeff<?xml version="1.0"?><!-- c --><h:a xmlns:h="x"><h:b>1 &lt; 2 &amp; &#x4e2d;&#25991;</h:b><c><![CDATA[<raw> & ]]></c><d/><?pi x?></h:a>`);
    expect(root.name).toBe('a');
    expect(childText(root, 'b')).toBe('1 < 2 & 中文');
    expect(childText(root, 'c')).toBe('<raw> &');
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c', 'd']);
  });

  it('keeps a bare & (unescaped channel names) but refuses undeclared entities', () => {
    expect(childText(parseXml('<a><b>R&D bay</b></a>'), 'b')).toBe('R&D bay');
    expect(() => parseXml('<a><b>&nbsp;</b></a>')).toThrow(/unknown entity &nbsp;/);
    expect(() => parseXml('<a><b>&#0;</b></a>')).toThrow(/invalid character reference/);
  });

  it.each([
    ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'],
    ['a DOCTYPE alone', '<!DOCTYPE EventNotificationAlert SYSTEM "http://evil/dtd"><EventNotificationAlert/>'],
    ['an entity bomb', '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;">]><a>&l2;</a>'],
  ])('refuses %s before reading any of it', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow(/DOCTYPE and entity declarations are refused/);
  });

  it.each([
    ['unclosed', '<a><b>1</b>', /<a> is not closed/],
    ['mismatched', '<a><b>1</c></a>', /<\/c> does not close <b>/],
    ['two roots', '<a/><b/>', /content after the root element/],
    ['text outside', 'hello <a/>', /text outside the root element/],
    ['empty', '', /no root element/],
    ['bad attribute', '<a b=1/>', /malformed tag <a>/],
    ['duplicate attribute', '<a b="1" b="2"/>', /given twice/],
    ['unterminated comment', '<a><!-- x</a>', /unterminated comment/],
    ['not XML at all', '{"eventType":"x"}', /text outside the root element/],
  ])('refuses %s', (_what, xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
    expect(() => parseXml(xml)).toThrow(message);
  });

  it('bounds depth and element count', () => {
    expect(() => parseXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`)).toThrow(/nested deeper than 32/);
    expect(() => parseXml(`<a>${'<b/>'.repeat(10_001)}</a>`)).toThrow(/more than 10000 elements/);
    expect(parseXml(`<a>${'<b/>'.repeat(9_000)}</a>`).children).toHaveLength(9_000);
  });
});

describe('multipart/form-data splitter', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x2d, 0x2d, 0x0d, 0x0a, 0xff, 0xd9]);
  const xml = '<EventNotificationAlert><eventType>fireDetection</eventType></EventNotificationAlert>';
  const body = Buffer.concat([
    Buffer.from('--MIME_boundary\r\nContent-Disposition: form-data; name="fireDetection.xml"; filename="fireDetection.xml"\r\nContent-Type: application/xml\r\nContent-Length: 84\r\n\r\n'),
    Buffer.from(xml),
    Buffer.from('\r\n--MIME_boundary\r\nContent-Disposition: form-data; name="detectionPicture"; filename="detectionPicture.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'),
    jpeg,
    Buffer.from('\r\n--MIME_boundary--\r\n'),
  ]);

  it('finds the boundary in the Content-Type header', () => {
    expect(multipartBoundary('multipart/form-data; boundary=MIME_boundary')).toBe('MIME_boundary');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/xml')).toBeUndefined();
  });

  it('splits the XML part and the JPEG part, bytes intact', () => {
    const parts = splitMultipart(body, 'MIME_boundary');
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['fireDetection.xml', 'fireDetection.xml', 'application/xml'],
      ['detectionPicture', 'detectionPicture.jpg', 'image/jpeg'],
    ]);
    expect(parts[0]?.body.toString()).toBe(xml);
    expect(parts[1]?.body.equals(jpeg)).toBe(true);
  });

  it('tolerates a missing close delimiter, refuses a body without the boundary', () => {
    const truncated = body.subarray(0, body.indexOf('\r\n--MIME_boundary--'));
    expect(splitMultipart(truncated, 'MIME_boundary')).toHaveLength(2);
    expect(() => splitMultipart(Buffer.from(xml), 'MIME_boundary')).toThrow(/no "--MIME_boundary" delimiter/);
  });

  it('bounds the number of parts', () => {
    const many = Buffer.from(`${'--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(40)}--b--`);
    expect(() => splitMultipart(many, 'b')).toThrow(/more than 32 parts/);
  });
});
