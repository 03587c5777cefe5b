import { z } from 'zod';
import { DEFAULT_FEED_TIMEOUT_MS, DEFAULT_SILENT_AFTER_MS, MAX_FEED_TIMEOUT_MS, type Priority } from '../core/index.js';
import { base, durationSchema, prioritySchema, withRealarmMs } from './rule-parts.js';

/**
 * Rule kinds of the coal-mine methane and gases pack (rules/packs/coal/README.md). The limits are
 * presets chosen per point by the engine pack (src/engine/packs/coal), which also checks the
 * points at load time; a rule here only says which points and how the alarms behave.
 */

const p = (n: Priority): Priority => n;

const silentAfterSchema = durationSchema.refine((ms) => ms >= 1000, 'silentAfter is at least 1s').default(DEFAULT_SILENT_AFTER_MS);

const methaneSchema = z
  .object({ ...base, kind: z.literal('methane') })
  .strict()
  .transform((r) => withRealarmMs({ ...r, priority: p(1) }));

const feedCheckSchema = z
  .object({
    ...base,
    kind: z.literal('feed-check'),
    // 2 s power-off execution plus one scan of the readings (≤ 10 s in over-limit areas).
    timeout: durationSchema
      .refine((ms) => ms > 0, 'timeout must be more than 0')
      .refine((ms) => ms <= MAX_FEED_TIMEOUT_MS, 'timeout is at most 32s (the 2 s power-off time plus 30 s, the longest scan cycle allowed underground); a failed power-off must not go unnoticed longer')
      .default(DEFAULT_FEED_TIMEOUT_MS),
    silentAfter: silentAfterSchema,
    unexpectedOff: z.enum(['alarm', 'ignore']).default('alarm'),
  })
  .strict()
  .transform(({ timeout, silentAfter, ...rest }) => withRealarmMs({ ...rest, timeoutMs: timeout, silentAfterMs: silentAfter, priority: p(1) }));

const mineGasSchema = z
  .object({
    ...base,
    kind: z.literal('mine-gas'),
    priority: prioritySchema.default(p(2)),
    deadbandPct: z.number().min(0).max(50, 'deadbandPct is at most 50 (% of the limit)').default(0),
  })
  .strict()
  .transform(withRealarmMs);

const sensorFaultSchema = z
  .object({
    ...base,
    kind: z.literal('sensor-fault'),
    priority: prioritySchema.default(p(2)),
    silentAfter: silentAfterSchema,
    feedSensors: z.boolean().default(true),
  })
  .strict()
  .transform(({ silentAfter, ...rest }) => withRealarmMs({ ...rest, silentAfterMs: silentAfter }));

/** Rule kinds of the coal-mine methane and gases (煤矿安全规程, AQ 1029) pack. */
export const coalRuleSchemas = [methaneSchema, feedCheckSchema, mineGasSchema, sensorFaultSchema] as const;
