import { HazgateError, type Clock, type EmitReading, type OnAdapterError, type OnStatus } from '../../src/core/index.js';
import type { ModbusClientPort } from './client-port.js';
import type { CompiledDevice } from './device-map.js';
import { classifyFailure, EXCEPTION_NAMES, failureQuality, type RequestFailure } from './failure.js';
import { splitRequest, type ReadRequest } from './plan.js';
import { readingsOfCycle, type ReadOutcome } from './readings.js';
import { PollSchedule, type BackoffPolicy } from './schedule.js';

/** Counters of one device; /metrics shows them per adapter and device. */
export interface ModbusDeviceStats {
  requests: number;
  ok: number;
  timeouts: number;
  frameErrors: number;
  disconnected: number;
  /** By exception code (2 = illegal data address, 4 = device failure, 6 = busy…). */
  exceptions: Record<string, number>;
  registersRead: number;
  /** Requests split after an "illegal data address" answer. */
  splits: number;
  /** Readings emitted for the device's points (bad quality ones included). */
  readings: number;
  /** Values that could not be decoded (HG_ERR_MODBUS_DECODE_INVALID). */
  decodeErrors: number;
  /** Epoch ms of the device's latest answer (an exception is an answer too); 0 before the first. */
  lastSeenAt: number;
}

export interface ModbusLineStats {
  readonly devices: Readonly<Record<string, ModbusDeviceStats>>;
  connects: number;
  connectFailures: number;
  /** Poll cycles skipped because the line was busy when they came due. */
  overruns: number;
}

export interface LineOptions {
  readonly source: string;
  readonly devices: readonly CompiledDevice[];
  readonly port: ModbusClientPort;
  readonly clock: Clock;
  readonly backoff: BackoffPolicy;
  readonly reconnectMs: number;
}

export interface LineCallbacks {
  readonly emit: EmitReading;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/**
 * One Modbus line: a single loop that polls its devices one request at a time (a serial bus, or a
 * TCP gateway in front of one, takes one request at a time; many in flight is a storm). A device
 * that does not answer gets bad quality for its points at once and is backed off; its neighbours
 * lose at most one timeout per back-off period. A lost connection is reopened at most every
 * reconnectMs.
 */
export class ModbusLine {
  readonly stats: ModbusLineStats;
  private readonly schedule: PollSchedule;
  /** Per device; a request refused with exception 2 is replaced by its split for good. */
  private readonly plans: ReadRequest[][];
  private readonly lastValues = new Map<string, number | boolean>();
  private readonly failing = new Set<number>();
  private stopped = false;
  private wake: (() => void) | undefined;
  private nextOpenAt = 0;
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: LineOptions, private readonly cb: LineCallbacks) {
    const devices: Record<string, ModbusDeviceStats> = {};
    for (const d of opts.devices) devices[d.id] = { requests: 0, ok: 0, timeouts: 0, frameErrors: 0, disconnected: 0, exceptions: {}, registersRead: 0, splits: 0, readings: 0, decodeErrors: 0, lastSeenAt: 0 };
    this.stats = { devices, connects: 0, connectFailures: 0, overruns: 0 };
    this.schedule = new PollSchedule(opts.devices.map((d) => d.intervalMs), opts.clock.now(), opts.backoff);
    this.plans = opts.devices.map((d) => [...d.requests]);
  }

  /** Opens the line (one attempt, reported) and starts polling; resolves after the first attempt. */
  async start(): Promise<void> {
    await this.open();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.opts.port.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const { index, due } = this.schedule.next();
      const wait = due - this.opts.clock.now();
      if (wait > 0) await this.sleep(wait);
      if (this.stopped) return;
      await this.pollDevice(index);
      this.stats.overruns = this.schedule.overruns;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async open(): Promise<boolean> {
    const { port, clock } = this.opts;
    if (port.isOpen) return true;
    if (clock.now() < this.nextOpenAt) return false;
    try {
      await port.open();
      this.stats.connects++;
      // A new connection: devices get a fresh start (back-offs and splits from before may be stale).
      this.schedule.resetFailures(this.opts.clock.now());
      this.opts.devices.forEach((d, i) => (this.plans[i] = [...d.requests]));
      this.reportStatus();
      return true;
    } catch (e) {
      this.stats.connectFailures++;
      this.nextOpenAt = clock.now() + this.opts.reconnectMs;
      const message = e instanceof Error ? e.message : String(e);
      this.cb.onError(new HazgateError('HG_ERR_MODBUS_CONNECT', `modbus ${this.opts.source}: cannot open the line: ${message}`, { adapter: this.opts.source }));
      this.cb.onStatus({ state: 'down', reason: `cannot open: ${message}`, since: clock.now() });
      return false;
    }
  }

  private async pollDevice(index: number): Promise<void> {
    const device = this.opts.devices[index];
    const plan = this.plans[index];
    if (device === undefined || plan === undefined) return;
    const stats = this.stats.devices[device.id];
    if (stats === undefined) return;
    const outcomes: ReadOutcome[] = [];
    let lost: RequestFailure | undefined;
    const lineDown = !(await this.open());
    if (lineDown) lost = { kind: 'disconnected', message: 'the line is not open' };
    const queue = [...plan];
    for (let req = queue.shift(); req !== undefined; req = queue.shift()) {
      if (lost !== undefined) {
        outcomes.push({ ok: false, request: req, quality: failureQuality(lost) });
        continue;
      }
      const outcome = await this.read(device, req, stats);
      if ('split' in outcome) {
        plan.splice(plan.indexOf(req), 1, ...outcome.split);
        queue.unshift(...outcome.split);
        continue;
      }
      if ('lost' in outcome) {
        lost = outcome.lost;
        outcomes.push({ ok: false, request: req, quality: failureQuality(lost) });
        continue;
      }
      outcomes.push(outcome);
    }
    this.deliver(device, outcomes);
    const now = this.opts.clock.now();
    if (lost === undefined) {
      this.schedule.succeeded(index, now);
      this.failing.delete(index);
    } else if (lineDown) {
      // The line is down, not the device: stay on the grid so the device is read as soon as the
      // line reopens (reopening is paced by reconnectMs), rather than after a long device back-off.
      this.schedule.succeeded(index, now);
      this.failing.add(index);
    } else {
      this.schedule.failed(index, now);
      this.failing.add(index);
    }
    this.reportStatus();
  }

  /** One request: its outcome, a split to try instead, or the device lost for this cycle. */
  private async read(device: CompiledDevice, req: ReadRequest, stats: ModbusDeviceStats): Promise<ReadOutcome | { split: ReadRequest[] } | { lost: RequestFailure }> {
    stats.requests++;
    try {
      const data = await this.opts.port.read(device.unitId, req.fn, req.address, req.count);
      stats.ok++;
      stats.registersRead += req.count;
      stats.lastSeenAt = this.opts.clock.now();
      return typeof data[0] === 'boolean' ? { ok: true, request: req, bits: data as readonly boolean[] } : { ok: true, request: req, words: data as readonly number[] };
    } catch (e) {
      const f = classifyFailure(e);
      this.count(device, req, f, stats);
      if (f.kind === 'timeout' || f.kind === 'frame') await this.opts.port.resync(f.kind);
      // 10/11: the gateway cannot reach the device. It is as good as silent: back it off.
      if (f.kind === 'exception' && (f.code === 10 || f.code === 11)) return { lost: f };
      if (f.kind === 'exception') {
        // 2 illegal address; 3 illegal value is what devices answer for more registers than they serve.
        if (f.code === 2 || f.code === 3) {
          const split = splitRequest(req);
          if (split.length > 1) {
            stats.splits++;
            return { split };
          }
        }
        return { ok: false, request: req, quality: failureQuality(f) };
      }
      if (f.kind === 'frame') return { ok: false, request: req, quality: failureQuality(f) };
      return { lost: f };
    }
  }

  private count(device: CompiledDevice, req: ReadRequest, f: RequestFailure, stats: ModbusDeviceStats): void {
    const where = `modbus ${this.opts.source}: device ${device.id} (unit ${device.unitId}) ${req.fn} ${req.address}+${req.count}`;
    const details = { adapter: this.opts.source, device: device.id, unitId: device.unitId, fn: req.fn, address: req.address, count: req.count };
    switch (f.kind) {
      case 'exception': {
        if (f.code !== 10 && f.code !== 11) stats.lastSeenAt = this.opts.clock.now(); // 10/11 come from a gateway, not the device
        const code = String(f.code);
        stats.exceptions[code] = (stats.exceptions[code] ?? 0) + 1;
        const name = EXCEPTION_NAMES[f.code] ?? 'unknown';
        this.cb.onError(new HazgateError('HG_ERR_MODBUS_EXCEPTION', `${where}: exception ${code} (${name})`, { ...details, exception: f.code }));
        return;
      }
      case 'timeout':
        stats.timeouts++;
        this.cb.onError(new HazgateError('HG_ERR_MODBUS_TIMEOUT', `${where}: no answer in time`, details));
        return;
      case 'frame':
        stats.frameErrors++;
        this.cb.onError(new HazgateError('HG_ERR_MODBUS_FRAME', `${where}: bad answer: ${f.message}`, details));
        return;
      case 'disconnected':
        stats.disconnected++;
        this.cb.onError(new HazgateError('HG_ERR_MODBUS_CONNECT', `${where}: connection lost: ${f.message}`, details));
        return;
    }
  }

  private deliver(device: CompiledDevice, outcomes: readonly ReadOutcome[]): void {
    const result = readingsOfCycle(device, outcomes, this.opts.source, this.lastValues);
    const stats = this.stats.devices[device.id];
    if (stats !== undefined) {
      stats.readings += result.readings.length;
      stats.decodeErrors += result.decodeErrors.length;
    }
    for (const d of result.decodeErrors) {
      this.cb.onError(new HazgateError('HG_ERR_MODBUS_DECODE_INVALID', `modbus ${this.opts.source}: ${d.where}: ${d.message}`, { adapter: this.opts.source, device: device.id }));
    }
    for (const r of result.readings) this.cb.emit(r);
  }

  private reportStatus(): void {
    const since = this.opts.clock.now();
    if (!this.opts.port.isOpen) {
      this.cb.onStatus({ state: 'down', reason: 'line not open', since });
      return;
    }
    if (this.failing.size === 0) {
      this.cb.onStatus({ state: 'up', since });
      return;
    }
    const names = [...this.failing].map((i) => this.opts.devices[i]?.id ?? String(i));
    this.cb.onStatus({ state: 'degraded', reason: `not answering: ${names.join(', ')}`, since });
  }
}
