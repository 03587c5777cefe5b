import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { probeBroker, redactUrl, type BrokerConnectionConfig } from '../../adapters/lib/mqtt/index.js';
import type { ProbeOutcome } from '../../adapters/lib/probe.js';
import { probeModbusLine, type DeviceProbe } from '../../adapters/modbus/index.js';
import { probeOpcuaEndpoint } from '../../adapters/opcua/index.js';
import { tryListen } from './doctor-local.js';
import type { DoctorCheck } from './doctor.js';
import type { SiteConfig } from './site-config.js';

type AdapterConfig = SiteConfig['adapters'][number];

/** Adapters that read from an MQTT broker (mqtt, location-mqtt, video-mqtt, sparkplug…): they have a broker URL and client id. */
function brokerOf(a: AdapterConfig): BrokerConnectionConfig | undefined {
  const c = a as Partial<BrokerConnectionConfig>;
  if (typeof c.url !== 'string' || !/^(mqtts?|wss?):/.test(c.url) || typeof c.clientId !== 'string') return undefined;
  return c as BrokerConnectionConfig;
}

/** One check per adapter peer: broker, OPC UA server, each Modbus device (or serial line); a Modbus line has `budgetMs` for all its devices. */
export function adapterChecks(config: SiteConfig, timeoutMs: number, budgetMs: number = timeoutMs * 3): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  for (const a of config.adapters) {
    const broker = brokerOf(a);
    if (broker !== undefined) out.push({ what: `adapter ${a.id}: MQTT broker`, run: () => probeAdapterBroker(config, broker, timeoutMs) });
    else if (a.kind === 'opcua') out.push({ what: `adapter ${a.id}: OPC UA server`, run: () => probeOpcuaEndpoint(a, timeoutMs) });
    else if (a.kind === 'modbus') out.push(...modbusChecks(a, timeoutMs, budgetMs));
  }
  return out;
}

/** The port a broker URL means when it names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

/** The same host for a local listener: every "any address" and loopback name as 127.0.0.1. */
function localHost(host: string): string {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '0.0.0.0' || h === '::' || h === '::1' ? '127.0.0.1' : h;
}

/** Whether an adapter's broker URL is the embedded broker (the broker section) of this site. */
export function isEmbeddedBroker(config: Pick<SiteConfig, 'broker'>, brokerUrl: string): boolean {
  const b = config.broker;
  if (b?.enabled !== true) return false;
  const url = new URL(brokerUrl);
  return localHost(url.hostname) === localHost(b.host) && Number(url.port || DEFAULT_PORTS[url.protocol]) === b.port;
}

/**
 * The embedded broker runs inside hazgate: while hazgate is not running, nobody answers there. Only
 * that (connection refused, the embedded port free) is forgiven; a refusal by a broker that does
 * answer there (bad credentials, CONNACK 4/5) is a failure like any other.
 */
async function probeAdapterBroker(config: SiteConfig, broker: BrokerConnectionConfig, timeoutMs: number): Promise<ProbeOutcome> {
  const got = await probeBroker(broker, timeoutMs);
  const b = config.broker;
  if (got.ok || b === undefined || !isEmbeddedBroker(config, broker.url) || !/ECONNREFUSED/.test(got.detail)) return got;
  if ((await tryListen(b.host, b.port)) !== null) return got;
  return { ok: true, detail: `the embedded broker (broker section) ${redactUrl(broker.url)} starts with hazgate; not running now` };
}

/**
 * A Modbus line is probed once (one connection, devices in turn); each device is its own line of the
 * report, settled as soon as that device is read: a slow dead unit on the line does not make the
 * devices read before it late. Those not read within `budgetMs` are "not probed within the time".
 */
function modbusChecks(a: Extract<AdapterConfig, { kind: 'modbus' }>, timeoutMs: number, budgetMs: number): DoctorCheck[] {
  const devices = a.transport.type === 'rtu' ? [a.transport.path] : a.devices.map((d) => d.id);
  const waiting = new Map<string, (p: ProbeOutcome) => void>();
  const results = new Map(devices.map((device) => [device, new Promise<ProbeOutcome>((resolve) => waiting.set(device, resolve))]));
  const settle = (device: string, p: ProbeOutcome): void => {
    waiting.get(device)?.(p);
    waiting.delete(device);
  };
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    const timer = setTimeout(() => {
      for (const device of [...waiting.keys()]) settle(device, { ok: false, detail: `not probed within ${budgetMs} ms: the devices before it on the line took the time` });
    }, budgetMs);
    void probeModbusLine(a, timeoutMs, undefined, (p: DeviceProbe) => settle(p.device, { ok: p.ok, detail: p.detail }))
      .then((all) => {
        // A line-wide failure (e.g. the device map) is reported under the adapter's id: every device gets it.
        const general = all.find((p) => !devices.includes(p.device));
        for (const device of [...waiting.keys()]) settle(device, general === undefined ? { ok: false, detail: 'not probed' } : { ok: general.ok, detail: general.detail });
      }, (e: unknown) => {
        for (const device of [...waiting.keys()]) settle(device, { ok: false, detail: `the probe failed: ${String(e)}` });
      })
      .finally(() => clearTimeout(timer));
  };
  return devices.map((device) => ({
    what: `adapter ${a.id}: Modbus ${a.transport.type === 'rtu' ? 'serial line' : `device ${device}`}`,
    run: () => {
      start();
      return results.get(device) ?? Promise.resolve({ ok: false, detail: 'not probed' });
    },
  }));
}

/** InfluxDB: /health (or /ping), then the token with a write of nothing (non-destructive: no line, no point). */
export function influxCheck(config: SiteConfig, timeoutMs: number): DoctorCheck[] {
  const c = config.influx;
  if (c === undefined) return [];
  return [{
    what: `InfluxDB ${redactUrl(c.url)}`,
    run: async () => {
      const base = c.url.replace(/\/+$/, '');
      try {
        const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(timeoutMs) });
        const ping = health.ok ? health : await fetch(`${base}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!ping.ok) return { ok: false, detail: `/health and /ping answer ${ping.status}: is this InfluxDB's URL?` };
        const query = new URLSearchParams({ org: c.org, bucket: c.bucket, precision: 'ms' });
        const write = await fetch(`${base}/api/v2/write?${query}`, { method: 'POST', body: '', headers: { authorization: `Token ${c.token}` }, signal: AbortSignal.timeout(timeoutMs) });
        if (write.status === 401 || write.status === 403) return { ok: false, detail: `the token is refused (${write.status}): give influx.token write access to bucket ${c.bucket}` };
        if (write.status === 404) return { ok: false, detail: `org ${c.org} or bucket ${c.bucket} not found (404): create it or fix influx.org/bucket` };
        if (write.status >= 500) return { ok: false, detail: `the write endpoint answers ${write.status}: look at InfluxDB's log` };
        return { ok: true, detail: `healthy; the token may write to ${c.bucket}` };
      } catch (e) {
        const message = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
        const password = URL.canParse(base) ? new URL(base).password : '';
        return { ok: false, detail: `${password === '' ? message : message.split(password).join('***')}: is InfluxDB running and influx.url right?` };
      }
    },
  }];
}

/** The provincial feed's broker (connect only) or HTTPS endpoint (a TCP/TLS handshake), and the KJ exporter's server. */
export function uplinkChecks(config: SiteConfig, timeoutMs: number): DoctorCheck[] {
  const u = config.uplink;
  if (u === undefined) return [];
  const out: DoctorCheck[] = [];
  const m = u.mqtt;
  if (u.transport === 'mqtt' && m !== undefined) {
    const broker: BrokerConnectionConfig = {
      url: m.url, clientId: m.clientId ?? `hazgate-${u.site ?? config.site.id}`, cleanSession: true, keepaliveS: 30, connectTimeoutMs: timeoutMs,
      ...(m.username === undefined ? {} : { username: m.username }), ...(m.password === undefined ? {} : { password: m.password }), ...(m.tls === undefined ? {} : { tls: m.tls }),
    };
    out.push({ what: 'uplink: centre broker', run: () => probeBroker(broker, timeoutMs) });
  }
  const h = u.https;
  if (u.transport === 'https' && h !== undefined) {
    const url = new URL(h.url);
    const tls = url.protocol === 'https:';
    out.push({ what: `uplink: centre ${url.origin}`, run: () => reach(url.hostname, Number(url.port || (tls ? 443 : 80)), tls, timeoutMs) });
  }
  if (u.kj !== undefined) out.push({ what: `uplink: KJ server ${u.kj.host}:${u.kj.port}`, run: () => reach(u.kj?.host ?? '', u.kj?.port ?? 0, false, timeoutMs) });
  return out;
}

/** A TCP connection (and a TLS handshake) to host:port, closed at once. */
function reach(host: string, port: number, tls: boolean, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const done = (ok: boolean, detail: string): void => {
      socket.destroy();
      resolve({ ok, detail });
    };
    const socket = tls ? tlsConnect({ host, port, servername: host }, () => done(true, 'reachable (TLS handshake ok)')) : tcpConnect({ host, port }, () => done(true, 'reachable'));
    socket.setTimeout(timeoutMs, () => done(false, `no answer within ${timeoutMs} ms: check the address and the firewall`));
    socket.on('error', (e) => done(false, `${e.message}: check the address, the port and (for TLS) the centre's certificate`));
  });
}
