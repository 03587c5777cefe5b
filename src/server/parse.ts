import type { z } from 'zod';
import { HazgateError } from '../core/index.js';

/** Validates a request part with zod; the first problem becomes a coded 400. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const msg = parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
  throw new HazgateError('HG_ERR_API_BAD_REQUEST', `bad ${what}: ${msg}`);
}
