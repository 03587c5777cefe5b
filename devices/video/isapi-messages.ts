/**
 * What a Hikvision camera or AI box posts to an HTTP host (ISAPI EventNotificationAlert, namespace
 * http://www.hikvision.com/ver20/XMLSchema): the alert XML, the multipart/form-data form that
 * carries a picture beside it, and the `videoloss`/`inactive` keepalive. Written from the field
 * names of the ISAPI event notification documentation. Pure.
 */

export interface SimCamera {
  readonly ipAddress: string;
  /** ISAPI channelID, 1 on a single camera. */
  readonly channel: number;
  readonly channelName: string;
  readonly macAddress: string;
}

export interface SimAlert {
  readonly camera: SimCamera;
  /** ISAPI eventType, e.g. `fielddetection`, `safetyHelmetDetection`, `fireDetection`. */
  readonly eventType: string;
  readonly eventState: 'active' | 'inactive';
  /** 1 for the first post of an alarm, counting up while it lasts; 0 on keepalives. */
  readonly activePostCount: number;
  /** Epoch ms. */
  readonly at: number;
  readonly regionId?: number;
  /** `targetType` of the detection region (human, noHelmet…). */
  readonly targetType?: string;
}

const NAMESPACE = 'http://www.hikvision.com/ver20/XMLSchema';
/** China Standard Time, as cameras on a plant's NTP write it. */
const CST_OFFSET_MIN = 480;

/** `2024-05-06T14:03:11+08:00`: local time with the UTC offset, as ISAPI writes dateTime. */
export function isapiDateTime(ms: number, offsetMinutes = CST_OFFSET_MIN): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The alert XML. */
export function isapiAlertXml(alert: SimAlert): string {
  const { camera } = alert;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<EventNotificationAlert version="2.0" xmlns="${NAMESPACE}">`,
    tag('ipAddress', camera.ipAddress),
    tag('ipv6Address', `::ffff:${camera.ipAddress}`),
    tag('portNo', '80'),
    tag('protocol', 'HTTP'),
    tag('macAddress', camera.macAddress),
    tag('channelID', String(camera.channel)),
    tag('dateTime', isapiDateTime(alert.at)),
    tag('activePostCount', String(alert.activePostCount)),
    tag('eventType', alert.eventType),
    tag('eventState', alert.eventState),
    tag('eventDescription', `${alert.eventType} alarm`),
    tag('channelName', camera.channelName),
    ...detailBlock(alert),
    '</EventNotificationAlert>',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Hikvision's keepalive on the alert channel: `videoloss` in state `inactive`, activePostCount 0. */
export function heartbeatXml(camera: SimCamera, at: number): string {
  return isapiAlertXml({ camera, eventType: 'videoloss', eventState: 'inactive', activePostCount: 0, at });
}

/** The smart-event detail blocks hazgate reads (region, target) and a few it does not. */
function detailBlock(alert: SimAlert): string[] {
  if (alert.eventState === 'inactive') return [];
  if (alert.eventType === 'fireDetection') {
    return ['<FireDetection>', tag('temperatureUnit', 'celsius'), tag('maxTemperature', '412'), tag('targetDistance', '38'), '</FireDetection>'];
  }
  if (alert.regionId === undefined) return [];
  return [
    '<DetectionRegionList>',
    '<DetectionRegionEntry>',
    tag('regionID', String(alert.regionId)),
    tag('sensitivityLevel', '50'),
    '<RegionCoordinatesList>',
    ...[[120, 340], [610, 340], [610, 890], [120, 890]].map(([x, y]) => `<RegionCoordinates><positionX>${x}</positionX><positionY>${y}</positionY></RegionCoordinates>`),
    '</RegionCoordinatesList>',
    ...(alert.targetType === undefined ? [] : [tag('targetType', alert.targetType), tag('detectionTarget', alert.targetType)]),
    '<TargetRect><X>0.412</X><Y>0.305</Y><width>0.088</width><height>0.241</height></TargetRect>',
    '</DetectionRegionEntry>',
    '</DetectionRegionList>',
  ];
}

/** A minimal JFIF: start of image, an APP0 header, end of image. Enough to be a picture part. */
export const SAMPLE_JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
]);

/** The alert as multipart/form-data: the XML part, then a `detectionPicture` JPEG part. */
export function multipartAlert(xml: string, eventType: string, picture: Buffer, boundary: string): { readonly body: Buffer; readonly contentType: string } {
  const xmlBytes = Buffer.from(xml, 'utf8');
  const head = (disposition: string, type: string, length: number): string =>
    `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;
  const body = Buffer.concat([
    Buffer.from(head(`name="${eventType}.xml"; filename="${eventType}.xml"`, 'application/xml', xmlBytes.length)),
    xmlBytes,
    Buffer.from('\r\n'),
    Buffer.from(head('name="detectionPicture"; filename="detectionPicture.jpg"', 'image/jpeg', picture.length)),
    picture,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

function tag(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
