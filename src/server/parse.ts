import { z } from 'zod';
import { excerpt } from '../core/excerpt.js';
import { HazgateError } from '../core/index.js';

/** Problems a 400 lists; the rest are counted. */
const LISTED_PROBLEMS = 3;

/**
 * Validates a request part with zod; its problems become a coded 400. The first few are listed,
 * each cut short: zod names every unknown key, and a body may hold 100,000 of them, a megabyte long.
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  const listed = issues.slice(0, LISTED_PROBLEMS).map((i) => excerpt(`${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`, 200));
  const more = issues.length > listed.length ? ` and ${issues.length - listed.length} more` : '';
  throw new HazgateError('HG_ERR_API_BAD_REQUEST', `bad ${what}: ${listed.join('; ')}${more}`);
}

/** The query of a route that takes none: anything in it is a mistake worth a 400. */
export const noQuery = z.object({}).strict();

/** A path parameter naming a point, zone, tag or bypass. */
export const idParam = z.string().min(1).max(256);
