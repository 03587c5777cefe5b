import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';

/**
 * Config of one Modbus line: one TCP connection (a device or a TCP gateway in front of a serial
 * bus) or one serial port (RTU). Requests on a line go one at a time; several lines poll in parallel.
 */

const durationMs = durationSchema;

const tcpTransport = z
  .object({
    type: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(502),
  })
  .strict();

const rtuTransport = z
  .object({
    type: z.literal('rtu'),
    /** Serial device, e.g. /dev/ttyUSB0 or /dev/ttyS1. */
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(9600),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  })
  .strict();

export const modbusTransportSchema = z.discriminatedUnion('type', [tcpTransport, rtuTransport]);
export type ModbusTransport = z.output<typeof modbusTransportSchema>;

export const modbusFunctionSchema = z.enum(['coil', 'discrete', 'holding', 'input']);
export const modbusTypeSchema = z.enum(['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'string', 'bit']);
export const byteOrderSchema = z.enum(['ABCD', 'CDAB', 'BADC', 'DCBA']);

const qualityRuleSchema = z
  .object({
    values: z.array(z.number().int()).min(1),
    level: z.enum(['good', 'uncertain', 'bad']),
    reason: z.string().min(1).optional(),
  })
  .strict();
export type StatusQualityRule = z.output<typeof qualityRuleSchema>;

/** A register name: also the default point id suffix (`<device>.<name>`). */
const registerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a register name is 1-64 of letters, digits and . _ - :');

export const modbusRegisterSchema = z
  .object({
    name: registerName,
    fn: modbusFunctionSchema,
    /** 0-based protocol address (holding register 40001 is address 0). */
    address: z.number().int().min(0).max(65_535),
    /** Coils and discrete inputs are bits; registers default to uint16. */
    type: modbusTypeSchema.optional(),
    order: byteOrderSchema.optional(),
    /** Registers of a string. */
    length: z.number().int().min(1).max(125).optional(),
    /** Bit 0..15 of a register for `type: bit`. */
    bit: z.number().int().min(0).max(15).optional(),
    /** Emitted value = raw · multiply + offset (counts → mA or engineering units). */
    multiply: z.number().refine((n) => n !== 0 && Number.isFinite(n), 'multiply must be a finite number other than 0').default(1),
    offset: z.number().default(0),
    /** The point this register feeds; a status register may have none. */
    point: z.string().min(1).optional(),
    /** This register is a vendor status word of the register named here (same device). */
    statusOf: registerName.optional(),
    /** Status value → quality of the `statusOf` point; values not listed are bad `status-unknown`. */
    quality: z.array(qualityRuleSchema).min(1).optional(),
  })
  .strict();
export type ModbusRegisterConfig = z.output<typeof modbusRegisterSchema>;

export const modbusDeviceSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a device id is 1-64 of letters, digits and . _ - :'),
    /** 1..247 on a serial bus; TCP devices often answer any id, gateways route by it (0 and 255 allowed). */
    unitId: z.number().int().min(0).max(255),
    /** Name of a poll group of the line. */
    pollGroup: z.string().min(1).default('default'),
    /** A device profile from devices/profiles; the site loader turns it into registers and points. */
    profile: z.string().min(1).optional(),
    /** Register name → point id, for profile registers whose point is not `<device>.<name>`. */
    points: z.record(z.string(), z.string().min(1)).default({}),
    /** Profile registers this device does not poll (unwired channels, say). */
    skip: z.array(z.string().min(1)).default([]),
    /** Default byte order of this device's registers. */
    order: byteOrderSchema.default('ABCD'),
    registers: z.array(modbusRegisterSchema).default([]),
  })
  .strict();
export type ModbusDeviceConfig = z.output<typeof modbusDeviceSchema>;

export const modbusAdapterSchema = z
  .object({
    kind: z.literal('modbus'),
    id: z.string().min(1),
    transport: modbusTransportSchema,
    /** A device that has not answered by then is timed out (bad quality, backed off). */
    timeoutMs: durationMs.refine((ms) => ms >= 50, 'timeoutMs must be at least 50ms (0 would wait for ever)').default(1_000),
    /** Poll groups and their intervals; devices name one (`default` is 1 s unless set). */
    pollGroups: z
      .record(z.string().min(1), durationMs)
      .default({})
      .transform((groups): Record<string, number> => ({ default: 1_000, ...groups })),
    /** Unconfigured registers a read may span to join two items (0: never read across a hole). */
    maxGap: z.number().int().min(0).max(124).default(0),
    maxRegisters: z.number().int().min(1).max(125).default(125),
    maxBits: z.number().int().min(1).max(2000).default(2000),
    /** A failed device is tried again after backoff.initial, doubling up to backoff.max. */
    backoff: z
      .object({ initial: durationMs.default(1_000), max: durationMs.default(30_000) })
      .strict()
      .default({ initial: 1_000, max: 30_000 }),
    /** Pause between a lost TCP connection (or serial port) and the next attempt to open it. */
    reconnectMs: durationMs.default(1_000),
    devices: z.array(modbusDeviceSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [name, ms] of Object.entries(config.pollGroups)) {
      if (ms < 10) ctx.addIssue({ code: 'custom', path: ['pollGroups', name], message: 'a poll interval must be at least 10ms' });
    }
    const ids = new Set<string>();
    config.devices.forEach((d, i) => {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id "${d.id}"` });
      ids.add(d.id);
      if (!Object.hasOwn(config.pollGroups, d.pollGroup)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'pollGroup'], message: `unknown poll group "${d.pollGroup}" (known: ${Object.keys(config.pollGroups).join(', ')})` });
      }
      if (config.transport.type === 'rtu' && (d.unitId < 1 || d.unitId > 247)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'unitId'], message: 'a unit id on a serial line is 1..247 (0 is broadcast and never answers)' });
      }
      if (d.profile === undefined && d.registers.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['devices', i], message: `device "${d.id}" needs a profile or registers` });
      }
    });
    if (config.backoff.max < config.backoff.initial) {
      ctx.addIssue({ code: 'custom', path: ['backoff', 'max'], message: 'backoff.max must be at least backoff.initial' });
    }
  });

/** The validated, defaulted config of one Modbus line. */
export type ModbusAdapterConfig = z.output<typeof modbusAdapterSchema>;
export type ModbusAdapterConfigInput = z.input<typeof modbusAdapterSchema>;
