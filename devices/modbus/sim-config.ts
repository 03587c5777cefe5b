import { z } from 'zod';

/*
 * What the Modbus simulator simulates: servers (a TCP listener or a serial line) with devices
 * behind them, each a unit id with a profile and bindings of its registers to scenario points.
 * modbusSimServerSchema is one entry of the site config's `simulator.modbus: [...]` list.
 */

export interface ModbusSimDevice {
  /** Names the device in scenario `device:` events and in logs. */
  readonly id: string;
  readonly unitId: number;
  /** Profile name (devices/profiles/<name>.yaml) or path to a profile file. */
  readonly profile: string;
  /** Register name → scenario point id. */
  readonly bind: Readonly<Record<string, string>>;
}

export type ModbusSimTransport =
  | { readonly type: 'tcp'; readonly host: string; readonly port: number }
  | { readonly type: 'rtu'; readonly path: string; readonly baudRate: number; readonly parity: 'none' | 'even' | 'odd'; readonly dataBits: 7 | 8; readonly stopBits: 1 | 2 };

export interface ModbusSimServer {
  readonly transport: ModbusSimTransport;
  readonly devices: readonly ModbusSimDevice[];
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const deviceSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'device ids are letters, digits, dot, dash, underscore'),
  unitId: z.int().min(0).max(255),
  profile: z.string().min(1),
  bind: z.record(z.string().min(1), z.string().min(1)).default({}),
});

const tcpSchema = z.strictObject({
  type: z.literal('tcp'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65535),
});

const rtuSchema = z.strictObject({
  type: z.literal('rtu'),
  path: z.string().min(1),
  baudRate: z.int().min(300).max(921_600).default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

export const modbusSimServerSchema: z.ZodType<ModbusSimServer> = z
  .strictObject({
    transport: z.discriminatedUnion('type', [tcpSchema, rtuSchema]),
    devices: z.array(deviceSchema).min(1, 'a server needs at least one device'),
  })
  .superRefine((server, ctx) => {
    const seen = new Set<number>();
    server.devices.forEach((device, index) => {
      if (seen.has(device.unitId)) ctx.addIssue({ code: 'custom', path: ['devices', index, 'unitId'], message: `unit id ${device.unitId} is used twice on this server` });
      seen.add(device.unitId);
      // Modbus over Serial Line §2.2: 0 is broadcast, 248-255 are reserved.
      if (server.transport.type === 'rtu' && (device.unitId < 1 || device.unitId > 247)) {
        ctx.addIssue({ code: 'custom', path: ['devices', index, 'unitId'], message: 'an RTU unit id is 1..247' });
      }
    });
  });
