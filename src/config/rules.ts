import { z } from 'zod';
import { authenticityRuleSchemas } from './rules-authenticity.js';
import { coalRuleSchemas } from './rules-coal.js';
import { esdRuleSchemas } from './rules-esd.js';
import { gasRuleSchemas } from './rules-gas.js';
import { base, durationSchema, levelSchema, prioritySchema, withRealarmMs } from './rule-parts.js';

export { audienceSchema, durationSchema } from './rule-parts.js';

const thresholdSchema = z
  .object({ ...base, kind: z.literal('threshold'), levels: z.array(levelSchema).min(1).describe('the limit levels: exclusive states of one condition (H → HH is an escalation)') })
  .strict()
  .refine((r) => new Set(r.levels.map((l) => l.name)).size === r.levels.length, {
    message: 'level names must be unique within a rule',
    path: ['levels'],
  })
  .transform(withRealarmMs);

const rateSchema = z
  .object({
    ...base,
    kind: z.literal('rate'),
    window: durationSchema,
    rise: z.number().positive().optional().describe('level RISE when the value rose by this or more within the window'),
    fall: z.number().positive().optional().describe('level FALL when the value fell by this or more within the window'),
    priority: prioritySchema,
  })
  .strict()
  .refine((r) => r.rise !== undefined || r.fall !== undefined, 'a rate rule needs rise, fall or both')
  .transform(({ window, ...rest }) => withRealarmMs({ ...rest, windowMs: window }));

const staleSchema = z
  .object({ ...base, kind: z.literal('stale'), after: durationSchema, priority: prioritySchema })
  .strict()
  .transform(({ after, ...rest }) => withRealarmMs({ ...rest, afterMs: after }));

/** Every rule kind: the core ones, then each pack's (rules-<pack>.ts). */
export const ruleSchema = z.discriminatedUnion('kind', [
  thresholdSchema,
  rateSchema,
  staleSchema,
  ...gasRuleSchemas,
  ...coalRuleSchemas,
  ...esdRuleSchemas,
  ...authenticityRuleSchemas,
]);
