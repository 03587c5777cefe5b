import { request as httpRequest, Agent } from 'node:http';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { startTickLoop, systemTimers, type TickLoop, type Timers } from '../simulator/tick-loop.js';
import { DEFAULT_CAMERA_SCRIPT, isapiFieldsOf, postsDue, type CameraPlan, type ScheduledPost, type ScriptedDetection } from './camera-script.js';
import { heartbeatXml, isapiAlertXml, multipartAlert, SAMPLE_JPEG, type SimCamera } from './isapi-messages.js';

/**
 * A camera box (AI box or smart cameras) posting Hikvision ISAPI alerts to an HTTP host, the way
 * it does to a VMS: keepalives at a fixed rate and scripted detections, some with a JPEG attached
 * as multipart/form-data. It talks to hazgate only over HTTP, as the hardware does.
 */
export interface CameraSimulatorOptions {
  /** Where alerts go: the webhook's ISAPI path, e.g. http://127.0.0.1:8091/isapi (http only). */
  readonly url: string;
  /** Default: one camera, 10.20.0.11 channel 1. */
  readonly cameras?: readonly SimCamera[];
  /** Keepalive period per camera (the rate of posts when nothing is detected); default 10 s, 0 = none. */
  readonly heartbeatMs?: number;
  /** Default: DEFAULT_CAMERA_SCRIPT (no-helmet, intrusion, fire-smoke). */
  readonly script?: readonly ScriptedDetection[];
  /** Start the script over every loopMs (the demo); default: once. */
  readonly loopMs?: number;
  /** Extra request headers, e.g. the webhook's shared secret or an Authorization header. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How often the schedule is looked at; default 50 ms. */
  readonly tickMs?: number;
  readonly requestTimeoutMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export interface CameraSimulatorStats {
  /** Posts sent (answered or not). */
  sent: number;
  heartbeats: number;
  detections: number;
  /** Answers by HTTP status. */
  byStatus: Record<number, number>;
  /** Posts that got no answer (refused, reset, timed out). */
  failed: number;
  lastError: string | undefined;
}

export interface RunningCameraSimulator {
  readonly stats: Readonly<CameraSimulatorStats>;
  /** Stops scheduling, waits for posts in flight; nothing is sent after it resolves. */
  stop(): Promise<void>;
}

export const DEFAULT_SIM_CAMERA: SimCamera = { ipAddress: '10.20.0.11', channel: 1, channelName: 'Tank farm north', macAddress: 'bc:ad:28:4e:11:02' };

export async function startCameraSimulator(options: CameraSimulatorOptions): Promise<RunningCameraSimulator> {
  const target = new URL(options.url);
  if (target.protocol !== 'http:') throw new Error(`camera simulator: ${options.url} is not an http:// URL`);
  const cameras = options.cameras ?? [DEFAULT_SIM_CAMERA];
  if (cameras.length === 0) throw new Error('camera simulator: no cameras');
  const clock = options.clock ?? systemClock;
  const plan: CameraPlan = { cameras: cameras.length, heartbeatMs: options.heartbeatMs ?? 10_000, script: options.script ?? DEFAULT_CAMERA_SCRIPT, loopMs: options.loopMs };
  const stats: CameraSimulatorStats = { sent: 0, heartbeats: 0, detections: 0, byStatus: {}, failed: 0, lastError: undefined };
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const inFlight = new Set<Promise<void>>();
  const startedAt = clock.now();
  let doneUpTo = -1;

  const send = (post: ScheduledPost): void => {
    const camera = cameras[post.camera];
    if (camera === undefined) return;
    const { body, contentType } = messageOf(post, camera, startedAt + post.atMs);
    stats.sent += 1;
    if (post.kind === 'heartbeat') stats.heartbeats += 1;
    else stats.detections += 1;
    const p = postOnce(agent, target, body, { ...options.headers, 'Content-Type': contentType }, options.requestTimeoutMs ?? 5_000)
      .then((status) => void (stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1))
      .catch((error: unknown) => {
        stats.failed += 1;
        stats.lastError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const loop: TickLoop = startTickLoop({
    tickMs: options.tickMs ?? 50,
    clock,
    timers: options.timers ?? systemTimers,
    onTick: (_tick, now) => {
      const upTo = now - startedAt;
      for (const post of postsDue(plan, doneUpTo, upTo)) send(post);
      doneUpTo = Math.max(doneUpTo, upTo);
    },
  });

  return {
    stats,
    async stop() {
      loop.stop();
      await Promise.allSettled([...inFlight]);
      agent.destroy();
    },
  };
}

function messageOf(post: ScheduledPost, camera: SimCamera, at: number): { body: Buffer; contentType: string } {
  if (post.kind === 'heartbeat') return { body: Buffer.from(heartbeatXml(camera, at)), contentType: 'application/xml; charset="UTF-8"' };
  const { eventType, targetType, regionId } = isapiFieldsOf(post.detection);
  const xml = isapiAlertXml({
    camera,
    eventType,
    eventState: 'active',
    activePostCount: post.activePostCount,
    at,
    ...(regionId === undefined ? {} : { regionId }),
    ...(targetType === undefined ? {} : { targetType }),
  });
  if (!(post.detection.picture ?? post.detection.kind === 'fire-smoke')) return { body: Buffer.from(xml), contentType: 'application/xml; charset="UTF-8"' };
  return multipartAlert(xml, eventType, SAMPLE_JPEG, `MIME_boundary_${at.toString(16)}`);
}

/** One POST; resolves with the answer's status once its body is read. */
function postOnce(agent: Agent, url: URL, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
