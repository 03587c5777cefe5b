import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { embeddedBrokerSchema } from '../../adapters/mqtt/index.js';
import { loadSite, siteSchema, type SiteConfig } from '../../src/app/index.js';
import { parseCli } from '../../src/cli/args.js';
import { at, dockerRuntime, envRefs, isRecord, readText, readYaml, ROOT } from '../support/deploy-files.js';

/**
 * deploy/compose: hazgate, Mosquitto, InfluxDB 2 and Grafana (and the demo simulator), checked as
 * files: the services and their health, no secret written into a file, ports and paths that
 * agree with hazgate's defaults and the image, and a site file hazgate's own loader accepts.
 */

const COMPOSE = 'deploy/compose/compose.yaml';
const SITE = 'deploy/compose/site.yaml';
const compose = readYaml(COMPOSE);
const services = at(compose, 'services') as Record<string, unknown>;
const SECRET = /PASSWORD|PASSWD|SECRET|TOKEN|_KEY$/;

function envOf(service: string): Record<string, string> {
  const env = at(services, service, 'environment');
  return isRecord(env) ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) : {};
}

/** hazgate's site file loaded with a dummy value for every `${NAME}` without a default. */
function loadComposeSite(): SiteConfig {
  for (const ref of envRefs(readText(SITE), 'read')) if (ref.form === 'plain') vi.stubEnv(ref.name, `dummy-${ref.name.toLowerCase()}-0123456789`);
  const out = loadSite(join(ROOT, SITE));
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.config;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('deploy/compose/compose.yaml', () => {
  it('has hazgate, Mosquitto, InfluxDB 2 and Grafana, each with a health check and a restart policy', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['hazgate', 'mosquitto', 'influxdb', 'grafana']));
    expect(String(at(services, 'influxdb', 'image'))).toMatch(/^influxdb:2\.\d+\.\d+$/);
    expect(String(at(services, 'mosquitto', 'image'))).toMatch(/^eclipse-mosquitto:2\.\d+\.\d+$/);
    expect(String(at(services, 'grafana', 'image'))).toMatch(/^grafana\/grafana-oss:\d+\.\d+\.\d+$/);
    for (const name of ['mosquitto', 'influxdb', 'grafana']) expect(at(services, name, 'healthcheck', 'test'), name).toBeInstanceOf(Array);
    // hazgate's check is the image's HEALTHCHECK (the service builds the image)
    expect(dockerRuntime().healthcheck.join(' ')).toContain('/healthz');
    expect(at(services, 'hazgate', 'healthcheck')).toBeUndefined();
    for (const name of Object.keys(services)) expect(at(services, name, 'restart'), name).toBe('unless-stopped');
    expect(at(services, 'hazgate', 'depends_on', 'mosquitto', 'condition')).toBe('service_healthy');
    expect(at(services, 'hazgate', 'depends_on', 'influxdb', 'condition')).toBe('service_healthy');
  });

  it('builds hazgate from deploy/docker/Dockerfile and runs it read-only without capabilities', () => {
    expect(at(services, 'hazgate', 'build')).toEqual({ context: '../..', dockerfile: 'deploy/docker/Dockerfile' });
    expect(existsSync(join(ROOT, 'deploy/compose', '../..', 'deploy/docker/Dockerfile'))).toBe(true);
    expect(at(services, 'hazgate', 'read_only')).toBe(true);
    expect(at(services, 'hazgate', 'cap_drop')).toEqual(['ALL']);
    expect(at(services, 'hazgate', 'security_opt')).toEqual(['no-new-privileges:true']);
  });

  it('writes no secret into the file: each comes from .env and stops compose when missing', () => {
    const hardCoded: string[] = [];
    for (const name of Object.keys(services)) {
      for (const [key, value] of Object.entries(envOf(name))) {
        if (!SECRET.test(key)) continue;
        if (!/^\$\{[A-Z_]+:\?[^}]+\}$/.test(value)) hardCoded.push(`${name}.${key}=${value}`);
      }
    }
    expect(hardCoded).toEqual([]);
    const example = readText('deploy/compose/.env.example');
    const refs = new Set(envRefs(readText(COMPOSE), 'skip').map((r) => r.name));
    const listed = new Map([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect([...refs].filter((n) => !listed.has(n))).toEqual([]);
    expect([...listed].filter(([k, v]) => SECRET.test(k) && v !== '')).toEqual([]);
  });

  it('gives hazgate and the simulator every variable the site file needs without a default, and no other', () => {
    const needed = envRefs(readText(SITE), 'read').filter((r) => r.form === 'plain').map((r) => r.name);
    const named = new Set(envRefs(readText(SITE), 'read').map((r) => r.name));
    for (const name of ['hazgate', 'simulator']) {
      const env = Object.keys(envOf(name));
      expect(env, name).toEqual(expect.arrayContaining(needed));
      expect(env.filter((k) => !named.has(k) && k !== 'HAZGATE_LOG_LEVEL'), name).toEqual([]);
    }
  });

  it('runs start and simulate on the mounted site file, where its relative paths resolve in the image', () => {
    const runtime = dockerRuntime();
    for (const [name, command] of [['hazgate', 'start'], ['simulator', 'simulate']] as const) {
      const args = parseCli(at(services, name, 'command') as string[], {});
      expect(args.command).toBe(command);
      expect(args.config).toBe(join(runtime.workdir, SITE));
      expect(at(services, name, 'volumes')).toContain(`./site.yaml:${args.config ?? ''}:ro`);
    }
    expect(at(services, 'hazgate', 'volumes')).toContain(`hazgate-data:${runtime.volumes[0] ?? ''}`);
  });

  it('publishes the ports hazgate listens on by default, and the services agree on theirs', () => {
    const site = loadComposeSite();
    const defaults = siteSchema.parse({ site: { id: 'x' } });
    expect(site.server.port).toBe(defaults.server.port);
    expect(at(services, 'hazgate', 'ports')).toEqual([`${defaults.server.port}:${defaults.server.port}`]);
    // MQTT: the adapter, Mosquitto's production listener and its published port are 1883
    const mqtt = site.adapters.find((a) => a.kind === 'mqtt');
    const mqttPort = embeddedBrokerSchema.parse({}).port;
    expect(new URL(mqtt?.url ?? '').port).toBe(String(mqttPort));
    const conf = readText('deploy/compose/mosquitto/mosquitto.conf');
    expect(conf).toMatch(new RegExp(`^listener ${mqttPort}\\nprotocol mqtt\\nallow_anonymous false\\npassword_file /mosquitto/data/passwd$`, 'm'));
    expect(at(services, 'mosquitto', 'ports')).toEqual([`${mqttPort}:${mqttPort}`]);
    // the demo listener is anonymous, marked, and not published
    const demo = /^listener (\d+)\nprotocol mqtt\nallow_anonymous true$/m.exec(conf);
    expect(conf).toMatch(/# DEMO ONLY/);
    expect(new URL(site.simulator?.url ?? '').port).toBe(demo?.[1]);
    // InfluxDB: hazgate and Grafana write to and read from the port the service publishes
    const influx = new URL(site.influx?.url ?? '');
    expect(at(services, 'influxdb', 'ports')).toEqual([`127.0.0.1:${influx.port}:${influx.port}`]);
    expect(at(readYaml('deploy/grafana/provisioning/datasources/influxdb.yaml'), 'datasources', 0, 'url')).toBe(site.influx?.url);
  });

  it('logs hazgate in to Mosquitto as the user whose password file compose writes', () => {
    const site = loadComposeSite();
    const mqtt = site.adapters.find((a) => a.kind === 'mqtt');
    const command = (at(services, 'mosquitto', 'command') as string[]).join(' ');
    expect(command).toContain(`mosquitto_passwd -c -b /mosquitto/data/passwd ${mqtt?.kind === 'mqtt' ? (mqtt.username ?? '?') : '?'} "$$MQTT_PASSWORD"`);
    expect(readText(SITE)).toMatch(/password: \$\{MQTT_PASSWORD\}/);
  });

  it('provisions Grafana from the variables compose gives it', () => {
    const provisioning = ['deploy/grafana/provisioning/datasources/influxdb.yaml', 'deploy/grafana/provisioning/dashboards/hazgate.yaml'];
    const env = Object.keys(envOf('grafana'));
    for (const file of provisioning) for (const ref of envRefs(readText(file), 'skip')) expect(env, `${file}: ${ref.name}`).toContain(ref.name);
    const dashboards = at(readYaml(provisioning[1] ?? ''), 'providers', 0, 'options', 'path');
    expect(at(services, 'grafana', 'volumes')).toContain(`../grafana/dashboards:${String(dashboards)}:ro`);
    expect(at(services, 'grafana', 'volumes')).toContain('../grafana/provisioning:/etc/grafana/provisioning:ro');
  });
});

describe('deploy/compose/site.yaml', () => {
  it('validates with hazgate\'s own loader (its includes, scenario, InfluxDB and MQTT sections)', () => {
    const site = loadComposeSite();
    expect(site.points.length).toBeGreaterThan(0);
    expect(site.rules.length).toBeGreaterThan(0);
    expect(site.influx).toMatchObject({ url: 'http://influxdb:8086', org: 'hazgate', bucket: 'hazgate', token: 'dummy-influx_token-0123456789' });
    expect(site.server.metricsToken).toBe('dummy-hazgate_metrics_token-0123456789');
    expect(existsSync(site.simulator?.scenario ?? '')).toBe(true);
  });

  it('is refused without its secrets, naming the missing variable', () => {
    vi.stubEnv('INFLUX_TOKEN', undefined);
    const out = loadSite(join(ROOT, SITE));
    expect(out.ok).toBe(false);
    expect(JSON.stringify(out.ok ? [] : out.problems)).toMatch(/environment variable (INFLUX_TOKEN|MQTT_PASSWORD|HAZGATE_METRICS_TOKEN) is not set/);
  });
});
