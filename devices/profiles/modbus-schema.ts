import { z } from 'zod';

/**
 * The YAML shape of a profile's `modbus:` section, key by key. Checks across registers (duplicate
 * names, overlaps, status links) live in modbus-checks.ts; devices/profiles/README.md documents
 * every key.
 */

export const FUNCTION_NAMES = ['coil', 'discrete', 'holding', 'input'] as const;
export const VALUE_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'string', 'bit'] as const;
export const BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

/** Register names become point-binding keys: no spaces, no slashes. `{n}` stands for the repeat index. */
const REGISTER_NAME = /^[A-Za-z0-9{][A-Za-z0-9._:{}-]*$/;

export const qualityRuleSchema = z.strictObject({
  values: z.array(z.int()).min(1, 'list at least one value'),
  level: z.enum(['good', 'uncertain', 'bad']),
  reason: z.string().min(1).optional(),
});

export const scalingSchema = z.strictObject({
  kind: z.literal('current-loop'),
  faultLowMa: z.number(),
  faultHighMa: z.number(),
});

export const pointTemplateSchema = z.strictObject({
  kind: z.string().min(1),
  type: z.enum(['number', 'boolean']).optional(),
  unit: z.string().min(1).optional(),
  range: z.tuple([z.number(), z.number()]).optional(),
  scaling: scalingSchema.optional(),
  attrs: z.record(z.string(), z.string()).optional(),
  name: z.string().min(1).optional(),
});

export const registerEntrySchema = z.strictObject({
  name: z.string().regex(REGISTER_NAME, 'use letters, digits, dot, dash, underscore, colon (and {n} with repeat)'),
  fn: z.enum(FUNCTION_NAMES),
  address: z.int().min(0).max(65535),
  type: z.enum(VALUE_TYPES).optional(),
  order: z.enum(BYTE_ORDERS).optional(),
  length: z.int().min(1).optional(),
  bit: z.int().min(0).optional(),
  multiply: z.number().refine((m) => m !== 0, 'must not be 0').optional(),
  offset: z.number().optional(),
  statusOf: z.string().min(1).optional(),
  quality: z.array(qualityRuleSchema).min(1).optional(),
  point: pointTemplateSchema.optional(),
  repeat: z.int().min(1).max(65536).optional(),
  stride: z.int().min(0).optional(),
  bitStride: z.int().min(0).optional(),
});

export const modbusSectionSchema = z.strictObject({
  byteOrder: z.enum(BYTE_ORDERS).optional(),
  registers: z.array(registerEntrySchema).min(1, 'a register map needs at least one register'),
});

/** A profile file: the `modbus:` section is checked; the informative keys beside it are kept as they are. */
export const modbusProfileFileSchema = z.looseObject({
  profile: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  description: z.string().optional(),
  modbus: modbusSectionSchema,
});

export type RegisterEntry = z.output<typeof registerEntrySchema>;
export type ModbusProfileFile = z.output<typeof modbusProfileFileSchema>;
