import { excerpt } from '../../src/core/excerpt.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * Hikvision ISAPI `EventNotificationAlert`, as cameras, NVRs and AI boxes post it to an HTTP host
 * (XML, namespace http://www.hikvision.com/ver20/XMLSchema; newer firmware also writes
 * http://www.isapi.org/ver20/XMLSchema) or send it in ISAPI's JSON form. Both become one
 * `IsapiAlert` holding only what hazgate uses. Namespaces are not checked: the root element's name
 * and the field names are what identify the format. Pure.
 */
export interface IsapiAlert {
  /** `ipAddress`, else `ipv6Address`: with the channel, what names the camera. */
  readonly ipAddress: string | undefined;
  /** `channelID`, else `dynChannelID` (NVR IP channels). */
  readonly channelId: string | undefined;
  /** ISO 8601 text as the device wrote it (usually with its UTC offset). */
  readonly dateTime: string | undefined;
  /** How many times the device has posted this alarm while it lasts (1 for the first post). */
  readonly activePostCount: number | undefined;
  readonly eventType: string;
  /** `active` or `inactive` (lower-cased); undefined when absent. */
  readonly eventState: string | undefined;
  readonly eventDescription: string | undefined;
  /** `regionID`s of the smart-event detail blocks (DetectionRegionList/DetectionRegionEntry…). */
  readonly regionIds: readonly string[];
  /** `targetType` and `detectionTarget` values of the detail blocks (human, vehicle, helmet…). */
  readonly targetTypes: readonly string[];
  /** 0-1: a `confidence` of the detail blocks (0-100 is scaled). */
  readonly confidence: number | undefined;
  readonly snapshotUrl: string | undefined;
  readonly clipUrl: string | undefined;
  /** A vendor event id when the alert carries one (`UUID`, `eventId`). */
  readonly vendorEventId: string | undefined;
}

export type IsapiParse = { readonly ok: true; readonly alert: IsapiAlert } | { readonly ok: false; readonly problem: string };

export const ISAPI_ROOT = 'EventNotificationAlert';

/** A leaf field: its (local) name and its text, in document order. */
type Leaf = readonly [name: string, value: string];

export function isapiAlertFromXml(text: string): IsapiParse {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, problem: `is not readable XML: ${error.message}` };
    throw error;
  }
  if (root.name !== ISAPI_ROOT) return { ok: false, problem: `has root <${excerpt(root.name)}>, not <${ISAPI_ROOT}>` };
  const top = new Map<string, string>();
  for (const c of root.children) if (c.children.length === 0 && !top.has(c.name)) top.set(c.name, c.text);
  const nested: Leaf[] = [];
  const visit = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.children.length === 0) nested.push([c.name, c.text]);
      else visit(c);
    }
  };
  for (const c of root.children) if (c.children.length > 0) visit(c);
  return fromFields(top, nested);
}

const MAX_JSON_NODES = 5_000;
const MAX_JSON_DEPTH = 16;

/** The JSON form: the alert object itself, or wrapped as `{ "EventNotificationAlert": {…} }`. */
export function isapiAlertFromJson(value: unknown): IsapiParse {
  if (!isObject(value)) return { ok: false, problem: 'is not a JSON object' };
  const wrapped = value[ISAPI_ROOT];
  const alert = isObject(wrapped) ? wrapped : value;
  const top = new Map<string, string>();
  const nested: Leaf[] = [];
  let nodes = 0;
  const visit = (v: unknown, key: string, depth: number): void => {
    if (++nodes > MAX_JSON_NODES || depth > MAX_JSON_DEPTH) return;
    if (Array.isArray(v)) for (const item of v) visit(item, key, depth + 1);
    else if (isObject(v)) for (const [k, child] of Object.entries(v)) visit(child, k, depth + 1);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') nested.push([key, String(v)]);
  };
  for (const [k, v] of Object.entries(alert)) {
    if (typeof v === 'string' || typeof v === 'number') top.set(k, String(v));
    else visit(v, k, 1);
  }
  return fromFields(top, nested);
}

const SNAPSHOT_FIELDS = new Set(['bkgurl', 'picurl', 'pictureurl', 'imageurl', 'snapshoturl', 'visiblelighturl', 'url']);
const CLIP_FIELDS = new Set(['clipurl', 'videourl']);

function fromFields(top: ReadonlyMap<string, string>, nested: readonly Leaf[]): IsapiParse {
  const eventType = nonEmpty(top.get('eventType'));
  if (eventType === undefined) return { ok: false, problem: 'has no eventType' };
  const all: Leaf[] = [...top, ...nested];
  const field = (names: ReadonlySet<string>): string | undefined => all.find(([k, v]) => names.has(k.toLowerCase()) && isMediaUrl(v))?.[1];
  const count = nonEmpty(top.get('activePostCount'));
  return {
    ok: true,
    alert: {
      ipAddress: nonEmpty(top.get('ipAddress')) ?? nonEmpty(top.get('ipv6Address')),
      channelId: nonEmpty(top.get('channelID')) ?? nonEmpty(top.get('dynChannelID')),
      dateTime: nonEmpty(top.get('dateTime')),
      activePostCount: count !== undefined && /^\d{1,9}$/.test(count) ? Number(count) : undefined,
      eventType,
      eventState: nonEmpty(top.get('eventState'))?.toLowerCase(),
      eventDescription: nonEmpty(top.get('eventDescription')),
      regionIds: unique(nested.filter(([k]) => k === 'regionID').map(([, v]) => v)),
      targetTypes: unique(nested.filter(([k]) => k === 'targetType' || k === 'detectionTarget').map(([, v]) => v)),
      confidence: confidenceOf(nested),
      snapshotUrl: field(SNAPSHOT_FIELDS),
      clipUrl: field(CLIP_FIELDS),
      vendorEventId: nonEmpty(top.get('UUID')) ?? nonEmpty(top.get('eventId')) ?? nonEmpty(top.get('eventID')),
    },
  };
}

/** The first usable `confidence`: 0-1 as it is, 1-100 read as a percentage; others are ignored. */
function confidenceOf(leaves: readonly Leaf[]): number | undefined {
  for (const [k, v] of leaves) {
    if (k.toLowerCase() !== 'confidence') continue;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) continue;
    return n <= 1 ? n : n / 100;
  }
  return undefined;
}

/** Links hazgate may carry into an alarm: web and RTSP only (never `javascript:`, `file:`…). */
export function isMediaUrl(text: string): boolean {
  if (text.length > 2048 || !URL.canParse(text)) return false;
  return ['http:', 'https:', 'rtsp:', 'rtsps:'].includes(new URL(text).protocol);
}

function nonEmpty(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
