import { randomBytes } from 'node:crypto';
import { connect } from 'mqtt';
import { messageOf, withinTime, type ProbeOutcome } from '../probe.js';
import type { BrokerConnectionConfig } from './schema.js';
import { redactUrl } from './session.js';
import { readBrokerTls } from './tls-files.js';

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes: what to do about each. */
const CONNACK_ADVICE: Readonly<Record<number, string>> = {
  1: 'the broker does not speak MQTT 3.1.1',
  2: 'the broker refuses the client id',
  3: 'the broker is up but not serving: try again later',
  4: 'check username and password',
  5: 'check username, password or client certificate, and the broker\'s ACL',
};

function advice(e: Error): string {
  const code = (e as Error & { code?: unknown }).code;
  const text = typeof code === 'number' ? CONNACK_ADVICE[code] : undefined;
  return text === undefined ? '' : `: ${text}`;
}

/**
 * Connects to the broker with the adapter's URL, credentials and TLS, then disconnects: never a
 * publish or a subscribe. A client id of its own and a clean session, so a running gateway's
 * persistent session (same client id) is neither taken over nor changed.
 */
export async function probeBroker(config: BrokerConnectionConfig, timeoutMs: number): Promise<ProbeOutcome> {
  const where = redactUrl(config.url);
  let tls;
  try {
    tls = config.tls === undefined ? undefined : readBrokerTls(config.tls, `broker ${where}`);
  } catch (e) {
    return { ok: false, detail: `${messageOf(e)}: fix the tls file paths` };
  }
  const client = connect(config.url, {
    clientId: `${config.clientId}-doctor-${randomBytes(3).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    protocolVersion: 4,
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
    ...(tls === undefined ? {} : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized }),
  });
  const answer = new Promise<ProbeOutcome>((resolve) => {
    client.on('connect', () => resolve({ ok: true, detail: `${where} accepted a connection${config.username === undefined ? '' : ` as ${config.username}`}` }));
    client.on('error', (e) => resolve({ ok: false, detail: `${where} refused: ${e.message}${advice(e)}` }));
    client.on('close', () => resolve({ ok: false, detail: `${where} closed the connection before accepting it: check URL, port and TLS` }));
  });
  try {
    return await withinTime(timeoutMs, answer, where);
  } finally {
    await client.endAsync(!client.connected).catch(() => undefined);
  }
}
