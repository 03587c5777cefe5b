import type { CrossCheckProblem } from '../config/index.js';
import type { SiteConfig } from './site-config.js';

/** Ports a broker URL means when it names none. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'mqtt:': '1883', 'mqtts:': '8883', 'ws:': '80', 'wss:': '443' };

/**
 * Which broker a URL reaches, as `host:port`: credentials, path and the scheme's default port do
 * not make another broker (`mqtt://u:p@B` and `mqtt://b:1883` are one). Another listener of the same
 * broker (ws:// on 9001 beside mqtt:// on 1883) cannot be told from another broker and is not matched.
 */
export function brokerAddress(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  return `${parsed.hostname.toLowerCase()}:${parsed.port === '' ? (DEFAULT_PORTS[parsed.protocol] ?? '') : parsed.port}`;
}

/**
 * One clientId per broker across the MQTT adapters (mqtt, location-mqtt, video-mqtt, sparkplug). A broker
 * keeps one session per clientId and disconnects the client holding it when another connects with
 * the same id (MQTT 3.1.1 MQTT-3.1.4-2): two adapters sharing one throw each other off forever, and
 * with cleanSession false the messages queued for one are delivered to the other, acknowledged
 * there and lost. The second adapter of a pair is the one named.
 */
export function mqttClientIdChecks(config: SiteConfig): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  const first = new Map<string, string>();
  config.adapters.forEach((a, i) => {
    if (a.kind !== 'mqtt' && a.kind !== 'location-mqtt' && a.kind !== 'video-mqtt' && a.kind !== 'sparkplug') return;
    const broker = brokerAddress(a.url);
    const key = `${broker}\u0000${a.clientId}`;
    const owner = first.get(key);
    if (owner === undefined) {
      first.set(key, a.id);
      return;
    }
    problems.push({
      path: ['adapters', i, 'clientId'],
      message: `clientId "${a.clientId}" is already used by adapter "${owner}" on broker ${broker}: the broker keeps one session per clientId, so the two would take it from each other and lose each other's queued messages; give each adapter its own`,
    });
  });
  return problems;
}
