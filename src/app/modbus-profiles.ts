import { compileLine, type ModbusAdapterConfig, type ModbusDeviceConfig, type ModbusRegisterConfig } from '../../adapters/modbus/index.js';
import { loadModbusProfile, type ProfileRegister } from '../../devices/index.js';
import { resolvePath, type CrossCheckProblem } from '../config/index.js';
import type { Point } from '../core/index.js';

/**
 * A Modbus device in a site config may name a device profile (devices/profiles/<name>.yaml, or a
 * path relative to the site file) instead of listing registers: this turns the profile into the
 * device's registers and, for registers whose point the site does not declare, into points
 * (`<device>.<register>`, or the id the device's `points` map gives). Registers the site lists
 * itself replace profile registers of the same name. Then every line is compiled, so an
 * overlapping or impossible register map is refused at load time, naming device and register.
 */

type Path = readonly (string | number)[];

export interface ModbusExpansion<P> {
  readonly adapters: readonly unknown[];
  readonly points: readonly P[];
  readonly problems: readonly CrossCheckProblem[];
}

export function expandModbusProfiles<A extends { kind: string }, P extends Point>(siteFile: string, adapters: readonly A[], points: readonly P[]): ModbusExpansion<P> {
  const problems: CrossCheckProblem[] = [];
  const declared = new Set(points.map((p) => p.id));
  const added: Point[] = [];
  const out = adapters.map((adapter, a) => {
    if (adapter.kind !== 'modbus') return adapter;
    const line = adapter as unknown as ModbusAdapterConfig;
    const devices = line.devices.map((device, d) => expandDevice(siteFile, device, ['adapters', a, 'devices', d], declared, added, problems));
    const expanded: ModbusAdapterConfig = { ...line, devices };
    const compiled = compileLine(expanded);
    if (!compiled.ok) {
      for (const p of compiled.problems) problems.push({ path: ['adapters', a, ...profilePath(expanded, line, p.path)], message: p.message });
    }
    return expanded;
  });
  const all = [...points, ...(added as P[])];
  problems.push(...checkPointsFed(out, all));
  return { adapters: out, points: all, problems };
}

/**
 * Every register's point exists and has the register's type (a bit feeds a boolean point, a
 * number a number point), and no point is fed by two registers, across all lines: otherwise every
 * poll would be refused at run time.
 */
function checkPointsFed(adapters: readonly unknown[], points: readonly Point[]): CrossCheckProblem[] {
  const byId = new Map(points.map((p) => [p.id, p]));
  const owners = new Map<string, { readonly where: string; readonly adapter: number }>();
  const problems: CrossCheckProblem[] = [];
  adapters.forEach((adapter, a) => {
    if ((adapter as { kind: string }).kind !== 'modbus') return;
    (adapter as ModbusAdapterConfig).devices.forEach((device, d) => {
      device.registers.forEach((r, i) => {
        const pointId = r.point ?? device.points[r.name];
        if (pointId === undefined) return;
        const at: Path = device.profile === undefined ? ['adapters', a, 'devices', d, 'registers', i] : ['adapters', a, 'devices', d];
        const where = `${device.id} ${r.fn} ${r.address} (${r.name})`;
        const point = byId.get(pointId);
        if (point === undefined) {
          problems.push({ path: at, message: `${where} feeds point "${pointId}", which is not in points` });
          return;
        }
        const bit = r.fn === 'coil' || r.fn === 'discrete' || r.type === 'bit';
        if (bit !== (point.type === 'boolean')) {
          problems.push({ path: at, message: `${where} is ${bit ? 'a bit' : 'a number'} but point "${pointId}" is type ${point.type}` });
        }
        // Within a line compileLine reports it; here the lines are compared with each other.
        const owner = owners.get(pointId);
        if (owner !== undefined && owner.adapter !== a) problems.push({ path: at, message: `${where}: point "${pointId}" is already fed by ${owner.where} on another line` });
        if (owner === undefined) owners.set(pointId, { where, adapter: a });
      });
    });
  });
  return problems;
}

function expandDevice(siteFile: string, device: ModbusDeviceConfig, at: Path, declared: Set<string>, added: Point[], problems: CrossCheckProblem[]): ModbusDeviceConfig {
  if (device.profile === undefined) return device;
  const name = device.profile.includes('/') ? resolvePath(siteFile, device.profile) : device.profile;
  const loaded = loadModbusProfile(name);
  if (!loaded.ok) {
    for (const p of loaded.problems) {
      problems.push({ path: [...at, 'profile'], message: `device ${device.id}: profile ${device.profile}: ${p.path || '(file)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}` });
    }
    return device;
  }
  const own = new Set(device.registers.map((r) => r.name));
  const known = new Set(loaded.profile.registers.map((r) => r.name));
  for (const key of Object.keys(device.points)) {
    if (!known.has(key) && !own.has(key)) problems.push({ path: [...at, 'points', key], message: `device ${device.id}: profile ${device.profile} has no register "${key}"` });
  }
  device.skip.forEach((key, i) => {
    if (!known.has(key)) problems.push({ path: [...at, 'skip', i], message: `device ${device.id}: profile ${device.profile} has no register "${key}" to skip` });
    // A value whose status word is not read would look good while the device says it has failed.
    const watched = loaded.profile.registers.find((r) => r.name === key)?.statusOf;
    if (watched !== undefined && !device.skip.includes(watched)) {
      problems.push({ path: [...at, 'skip', i], message: `device ${device.id}: "${key}" is the status word of "${watched}", which is still polled: skip both or neither` });
    }
  });
  const skipped = new Set(device.skip);
  // A status word of a skipped register goes too; a register that is neither a point nor a status
  // word (the profile documents it) is not polled.
  const kept = loaded.profile.registers.filter(
    (r) => !own.has(r.name) && !skipped.has(r.name) && (r.point !== undefined || (r.statusOf !== undefined && !skipped.has(r.statusOf))),
  );
  const fromProfile = kept.map((r) => {
    const pointId = r.point === undefined ? undefined : (device.points[r.name] ?? `${device.id}.${r.name}`);
    if (pointId !== undefined && r.point !== undefined && !declared.has(pointId)) {
      declared.add(pointId);
      added.push(pointOf(pointId, device.id, r));
    }
    return registerOf(r, pointId);
  });
  // The site's own registers first: problems about them keep their YAML index.
  return { ...device, registers: [...device.registers, ...fromProfile] };
}

function registerOf(r: ProfileRegister, point: string | undefined): ModbusRegisterConfig {
  return {
    name: r.name,
    fn: r.fn,
    address: r.address,
    type: r.type,
    order: r.order,
    multiply: r.multiply,
    offset: r.offset,
    ...(r.length === undefined ? {} : { length: r.length }),
    ...(r.bit === undefined ? {} : { bit: r.bit }),
    ...(point === undefined ? {} : { point }),
    ...(r.statusOf === undefined ? {} : { statusOf: r.statusOf }),
    ...(r.quality === undefined ? {} : { quality: r.quality.map((q) => ({ values: [...q.values], level: q.level, ...(q.reason === undefined ? {} : { reason: q.reason }) })) }),
  };
}

function pointOf(id: string, deviceId: string, r: ProfileRegister): Point {
  const t = r.point;
  if (t === undefined) throw new Error('pointOf: register has no point template'); // callers check
  return {
    id,
    name: `${deviceId} ${t.name ?? r.name}`,
    kind: t.kind,
    type: t.type,
    attrs: { ...t.attrs, device: deviceId },
    ...(t.unit === undefined ? {} : { unit: t.unit }),
    ...(t.range === undefined ? {} : { range: t.range }),
    ...(t.scaling === undefined ? {} : { scaling: t.scaling }),
  };
}

/** A problem about a register the profile added points at the device's `profile` key. */
function profilePath(expanded: ModbusAdapterConfig, original: ModbusAdapterConfig, path: Path): Path {
  const [devices, d, registers, r] = path;
  if (devices !== 'devices' || typeof d !== 'number' || registers !== 'registers' || typeof r !== 'number') return path;
  const own = original.devices[d]?.registers.length ?? 0;
  return r < own || expanded.devices[d]?.profile === undefined ? path : ['devices', d, 'profile'];
}
