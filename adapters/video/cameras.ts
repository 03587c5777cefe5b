import type { VideoCameraConfig } from './schema.js';

/**
 * The configured cameras, found by the address an ISAPI alert carries (ipAddress + channelID) or
 * by the cameraId of a generic event. A camera that is not configured still works: ISAPI alerts
 * name it `<ipAddress>/<channelID>`, generic events by their own cameraId. Pure.
 */
export class CameraDirectory {
  private readonly byAddress = new Map<string, VideoCameraConfig>();
  private readonly byId = new Map<string, VideoCameraConfig>();
  /** regionZones with normalised region numbers ("01" → "1"), per camera. */
  private readonly regionZones = new Map<VideoCameraConfig, ReadonlyMap<string, string>>();

  constructor(cameras: readonly VideoCameraConfig[]) {
    for (const camera of cameras) {
      this.byId.set(camera.cameraId, camera);
      this.regionZones.set(camera, new Map(Object.entries(camera.regionZones).map(([r, zone]) => [normaliseChannel(r), zone])));
      if (camera.ipAddress !== undefined) this.byAddress.set(addressKey(camera.ipAddress, String(camera.channel)), camera);
    }
  }

  /** The cameraId and zone of an ISAPI alert's device and channel (channel 1 when it names none). */
  resolveIsapi(ipAddress: string, channel: string | undefined, regionIds: readonly string[]): { cameraId: string; zoneId: string | undefined } {
    const ch = normaliseChannel(channel);
    const camera = this.byAddress.get(addressKey(ipAddress, ch));
    if (camera === undefined) return { cameraId: `${ipAddress}/${ch}`, zoneId: undefined };
    const zones = this.regionZones.get(camera);
    const regionZone = regionIds.map((r) => zones?.get(normaliseChannel(r))).find((z) => z !== undefined);
    return { cameraId: camera.cameraId, zoneId: regionZone ?? camera.zoneId };
  }

  /** The configured zone of a camera known by its id. */
  zoneOf(cameraId: string): string | undefined {
    return this.byId.get(cameraId)?.zoneId;
  }
}

function addressKey(ipAddress: string, channel: string): string {
  return `${ipAddress.toLowerCase()}/${channel}`;
}

/** "01" and "1" are one channel (or region); anything not a plain number is kept as written. */
function normaliseChannel(channel: string | undefined): string {
  if (channel === undefined) return '1';
  return /^\d{1,9}$/.test(channel) ? String(Number(channel)) : channel;
}
