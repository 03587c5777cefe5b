import { z } from 'zod';
import { embeddedBrokerSchema } from '../../adapters/mqtt/index.js';
import { modbusSimServerSchema, opcuaSimConfigSchema } from '../../devices/index.js';
import { buildSiteSchema, duplicateIds, loadSiteConfig, resolvePath, type CrossCheckProblem, type LoadResult } from '../config/index.js';
import { resolveAuthPaths } from './auth-paths.js';
import type { Point, RuleSpec } from '../core/index.js';
import { checkSelectors, packChecks } from '../engine/index.js';
import { checkPeopleSetup } from '../engine/people/index.js';
import { expandModbusProfiles } from './modbus-profiles.js';
import { mqttClientIdChecks } from './mqtt-checks.js';
import { peopleVideoChecks } from './people-video-checks.js';
import { adapterSchemas } from './registry.js';

export const siteSchema = buildSiteSchema(z.discriminatedUnion('kind', adapterSchemas), embeddedBrokerSchema, modbusSimServerSchema, opcuaSimConfigSchema);

export type SiteConfig = z.output<typeof siteSchema>;

/** The config's points and rules are the core's contracts (checked here by the compiler). */
export function pointsOf(config: SiteConfig): readonly Point[] {
  return config.points;
}

export function rulesOf(config: SiteConfig): readonly RuleSpec[] {
  return config.rules;
}

function crossChecks(config: SiteConfig): CrossCheckProblem[] {
  const problems = [
    ...duplicateIds(config.points, 'points', 'point'),
    ...duplicateIds(config.rules, 'rules', 'rule'),
    ...duplicateIds(config.adapters, 'adapters', 'adapter'),
  ];
  const ruleIndex = new Map(config.rules.map((r, i) => [r.id, i]));
  for (const p of checkSelectors(config.rules, config.points)) {
    problems.push({ path: ['rules', ruleIndex.get(p.ruleId) ?? 0, 'select'], message: p.message });
  }
  for (const p of packChecks(config.rules, config.points)) problems.push({ path: [...p.path], message: p.message });
  if (config.people !== undefined) {
    const { zones, people, settings } = config.people;
    for (const p of checkPeopleSetup(zones, people, settings)) problems.push({ path: ['people', ...p.path], message: p.message });
  }
  problems.push(...peopleVideoChecks(config));
  problems.push(...mqttClientIdChecks(config));
  const pointIds = new Set(config.points.map((p) => p.id));
  config.rules.forEach((r, i) =>
    (r.suppress?.when ?? []).forEach((w, j) => {
      if (!pointIds.has(w.point)) problems.push({ path: ['rules', i, 'suppress', 'when', j, 'point'], message: `suppress.when names unknown point "${w.point}"` });
    }),
  );
  return problems;
}

/** Device profiles named by Modbus devices become their registers and points. */
function expandProfiles(config: SiteConfig, file: string): { config: SiteConfig; problems: readonly CrossCheckProblem[] } {
  const out = expandModbusProfiles(file, config.adapters, config.points);
  return { config: { ...config, adapters: out.adapters as SiteConfig['adapters'], points: [...out.points] }, problems: out.problems };
}

/** Loads and checks a site file; relative paths in it are made absolute against its folder. */
export function loadSite(file: string): LoadResult<SiteConfig> {
  const out = loadSiteConfig(file, siteSchema, crossChecks, expandProfiles);
  if (!out.ok) return out;
  const c = { ...out.config, points: internPointParts(out.config.points) };
  const store = { ...c.store, dir: resolvePath(file, c.store.dir) };
  const adapters = c.adapters.map((a) => (a.kind === 'opcua' ? resolveOpcuaPaths(file, a) : resolveBrokerTls(file, a)));
  const server = c.server.tls === undefined ? c.server : { ...c.server, tls: resolveTlsFiles(file, c.server.tls) };
  const simulator =
    c.simulator === undefined
      ? undefined
      : {
          ...c.simulator,
          scenario: resolvePath(file, c.simulator.scenario),
          ...simulatedProfiles(file, c.simulator.modbus),
          ...(c.simulator.opcua === undefined ? {} : { opcua: { ...c.simulator.opcua, pkiDir: resolvePath(file, c.simulator.opcua.pkiDir) } }),
          ...(c.simulator.location === undefined ? {} : { location: { ...c.simulator.location, scenario: resolvePath(file, c.simulator.location.scenario) } }),
        };
  const influx = c.influx?.spool.dir === undefined ? c.influx : { ...c.influx, spool: { ...c.influx.spool, dir: resolvePath(file, c.influx.spool.dir) } };
  const auth = resolveAuthPaths(file, c.auth, store.dir);
  return { ok: true, file, config: { ...c, adapters, store, server, auth, ...(simulator === undefined ? {} : { simulator }), ...(influx === undefined ? {} : { influx }) } };
}

/** An OPC UA adapter's PKI folder and user certificate files are relative to the site file. */
function resolveOpcuaPaths<A extends Extract<SiteConfig['adapters'][number], { kind: 'opcua' }>>(file: string, a: A): A {
  const user = a.user.type === 'certificate' ? { ...a.user, certificateFile: resolvePath(file, a.user.certificateFile), privateKeyFile: resolvePath(file, a.user.privateKeyFile) } : a.user;
  return { ...a, user, ...(a.pkiDir === undefined ? {} : { pkiDir: resolvePath(file, a.pkiDir) }) };
}

/** The TLS files of an MQTT-based adapter's broker connection are relative to the site file. */
function resolveBrokerTls<A extends SiteConfig['adapters'][number]>(file: string, a: A): A {
  return 'tls' in a && a.tls !== undefined ? { ...a, tls: resolveTlsFiles(file, a.tls) } : a;
}

/** `ca`, `cert` and `key`, whichever are given, made absolute against the site file's folder. */
function resolveTlsFiles<T extends { readonly ca?: string | undefined; readonly cert?: string | undefined; readonly key?: string | undefined }>(file: string, tls: T): T {
  const at = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolvePath(file, path));
  const ca = at(tls.ca);
  const cert = at(tls.cert);
  const key = at(tls.key);
  return { ...tls, ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}

/** Simulated devices may name a profile by path: relative to the site file, like every path in it. */
function simulatedProfiles(file: string, servers: NonNullable<SiteConfig['simulator']>['modbus']): { modbus?: NonNullable<SiteConfig['simulator']>['modbus'] } {
  if (servers === undefined) return {};
  return {
    modbus: servers.map((server) => ({
      ...server,
      devices: server.devices.map((d) => (d.profile.includes('/') ? { ...d, profile: resolvePath(file, d.profile) } : d)),
    })),
  };
}

/**
 * Points of one kind usually share the same attrs and range: one frozen object each instead of one
 * per point (100,000 points otherwise carry 100,000 identical `attrs` objects).
 */
function internPointParts(points: SiteConfig['points']): SiteConfig['points'] {
  const attrs = new Map<string, Record<string, string>>();
  const ranges = new Map<string, [number, number]>();
  return points.map((p) => {
    const a = JSON.stringify(p.attrs);
    if (!attrs.has(a)) attrs.set(a, Object.freeze(p.attrs) as Record<string, string>);
    const shared = { ...p, attrs: attrs.get(a) ?? p.attrs };
    if (p.range === undefined) return shared;
    const r = `${p.range[0]},${p.range[1]}`;
    if (!ranges.has(r)) ranges.set(r, Object.freeze(p.range) as [number, number]);
    return { ...shared, range: ranges.get(r) ?? p.range };
  });
}
