import { z } from 'zod';
import type { Priority } from '../core/index.js';
import { base, durationSchema, prioritySchema, withRealarmMs } from './rule-parts.js';

/**
 * Rule kinds of the Emergency shutdown and SIS pack (rules/packs/esd/README.md): valve
 * supervision, interlock trips with first-out per unit, interlock bypass against the bypass
 * register, and ESD not in service at a level-1/2 major hazard source.
 */

const p = (n: Priority): Priority => n;

function mostUrgent(priorities: Readonly<Record<string, Priority>>): Priority {
  return Object.values(priorities).reduce<Priority>((best, x) => (x < best ? x : best), 4);
}

const valveSchema = z
  .object({
    ...base,
    kind: z.literal('valve'),
    // A typical ESD ball valve strokes in 5-30 s; a valve's own `attrs.travel` overrides this.
    travel: durationSchema.refine((ms) => ms >= 1000, 'travel is at least 1s').default(10_000),
    settle: durationSchema.default(2000),
    priorities: z
      .object({
        failToClose: prioritySchema.default(p(1)),
        failToOpen: prioritySchema.default(p(3)),
        positionFault: prioritySchema.default(p(2)),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .transform(({ travel, settle, ...rest }) => withRealarmMs({ ...rest, travelMs: travel, settleMs: settle, priority: mostUrgent(rest.priorities) }));

const tripSchema = z
  .object({
    ...base,
    kind: z.literal('interlock-trip'),
    priority: prioritySchema.default(p(1)),
    firstOutBy: z.enum(['unit', 'site', 'none']).default('unit'),
  })
  .strict()
  .refine((r) => !(r.firstOutBy === 'none' && r.suppress?.firstOut !== undefined), {
    message: 'firstOutBy: none contradicts suppress.firstOut (the prefix of the first-out groups); drop one',
    path: ['firstOutBy'],
  })
  .transform(withRealarmMs);

const bypassSchema = z
  .object({
    ...base,
    kind: z.literal('interlock-bypass'),
    register: z.enum(['required', 'none']).default('required'),
    priorities: z
      .object({
        bypassed: prioritySchema.default(p(3)),
        unregistered: prioritySchema.default(p(2)),
        overdue: prioritySchema.default(p(2)),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .transform((r) => withRealarmMs({ ...r, priority: mostUrgent(r.priorities) }));

/** `1`…`4` or `'1'`…`'4'`: the major-hazard-source level (一级…四级重大危险源). */
const hazardLevelSchema = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => ['1', '2', '3', '4'].includes(v), 'a major hazard source level is 1, 2, 3 or 4');

const notInServiceSchema = z
  .object({
    ...base,
    kind: z.literal('esd-not-in-service'),
    hazardLevels: z.array(hazardLevelSchema).min(1).default(['1', '2']),
    priority: prioritySchema.default(p(1)),
  })
  .strict()
  .transform(withRealarmMs);

/** Rule kinds of the Emergency shutdown and SIS pack. */
export const esdRuleSchemas = [valveSchema, tripSchema, bypassSchema, notInServiceSchema] as const;
