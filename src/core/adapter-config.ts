import type { ZodType } from 'zod';
import { HazgateError } from './errors.js';

/**
 * Parses (again) an adapter's config with its own schema, so direct callers get the defaults and
 * one HG_ERR_CONFIG_INVALID listing every problem.
 */
export function parseAdapterConfig<C>(kind: string, schema: ZodType<C>, config: unknown): C {
  const result = schema.safeParse(config);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const id = typeof config === 'object' && config !== null && 'id' in config ? String(config.id) : '(no id)';
  throw new HazgateError('HG_ERR_CONFIG_INVALID', `${kind} adapter ${id}: config is invalid: ${problems.join('; ')}`, { adapter: id, problems });
}
