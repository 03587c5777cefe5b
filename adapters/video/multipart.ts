/**
 * Splits a multipart/form-data body (RFC 7578) into its parts. Hikvision cameras and NVRs post an
 * alert as one XML (or JSON) part followed by JPEG parts (`detectionPicture`, `backgroundImage`…);
 * only the headers and the bytes of each part are read here. Pure.
 */

export interface MultipartPart {
  /** The form field name of Content-Disposition (e.g. `fielddetection.xml`, `detectionPicture`). */
  readonly name: string | undefined;
  readonly filename: string | undefined;
  /** Lower-cased media type without parameters, e.g. `application/xml`; undefined when not given. */
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** Every part; throws an Error naming what is wrong when the body does not follow the format. */
export function splitMultipart(body: Buffer, boundary: string, maxParts = 32): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at === -1) throw new Error(`no "--${boundary}" delimiter in the body`);
  const parts: MultipartPart[] = [];
  for (;;) {
    let start = at + delimiter.length;
    // "--" right after a delimiter closes the body (a missing close is tolerated below).
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts;
    start = skipLineEnd(body, start);
    const next = body.indexOf(delimiter, start);
    if (next === -1) {
      // A truncated last part (no closing delimiter): keep what is there if it has headers.
      if (start < body.length) parts.push(readPart(body.subarray(start)));
      return parts;
    }
    // The CRLF before a delimiter belongs to the delimiter, not to the part (RFC 2046 5.1.1).
    parts.push(readPart(body.subarray(start, trimLineEnd(body, next))));
    if (parts.length > maxParts) throw new Error(`more than ${maxParts} parts`);
    at = next;
  }
}

/** The boundary parameter of a multipart Content-Type header, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function readPart(raw: Buffer): MultipartPart {
  let headerEnd = raw.indexOf('\r\n\r\n');
  let bodyStart = headerEnd + 4;
  if (headerEnd === -1) {
    // Some firmware ends part headers with bare LFs.
    headerEnd = raw.indexOf('\n\n');
    bodyStart = headerEnd + 2;
  }
  if (headerEnd === -1) throw new Error('a part has no blank line after its headers');
  const headers = parseHeaders(raw.subarray(0, headerEnd).toString('latin1'));
  const disposition = headers.get('content-disposition') ?? '';
  const type = headers.get('content-type');
  return {
    name: dispositionParam(disposition, 'name'),
    filename: dispositionParam(disposition, 'filename'),
    contentType: type === undefined ? undefined : (type.split(';')[0] ?? '').trim().toLowerCase(),
    body: raw.subarray(bodyStart),
  };
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const m = new RegExp(`;\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^\\s;]+))`, 'i').exec(disposition);
  return m?.[1] ?? m?.[2];
}

function skipLineEnd(body: Buffer, at: number): number {
  if (body[at] === 0x0d && body[at + 1] === 0x0a) return at + 2;
  if (body[at] === 0x0a) return at + 1;
  return at;
}

function trimLineEnd(body: Buffer, end: number): number {
  if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) return end - 2;
  if (body[end - 1] === 0x0a) return end - 1;
  return end;
}
