import { z } from 'zod';
import { excerpt } from '../core/excerpt.js';
import { FEED_VERSION, feedMessageId, HazgateError, type FeedAck, type FeedBatch } from '../core/index.js';

/**
 * The feed's messages in zod, mirroring docs/uplink/feed.schema.json (the published contract; a
 * test checks both accept and refuse the same messages). The centre parses every delivery with it
 * once, then works with the core types. Unknown fields are allowed (and dropped): a v1 reader
 * must accept what a later v1 writer adds; removing or retyping a field is a new FEED_VERSION.
 */

const seq = z.number().int().min(1);
const epochMs = z.number().int().min(0);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const codes = z.record(z.string(), z.string());

export const journalBodySchema = z.object({ seq, record: z.string().min(1), hash: hex64.nullable() });

export const snapshotValueSchema = z.object({
  pointId: z.string().min(1),
  value: z.union([z.number(), z.boolean(), z.null()]),
  quality: z.enum(['good', 'uncertain', 'bad']),
  reason: z.string().optional(),
  ts: epochMs.nullable(),
  unit: z.string().optional(),
  codes: codes.optional(),
});

export const snapshotBodySchema = z.object({ values: z.array(snapshotValueSchema) });

const count = z.number().int().min(0);

export const statusBodySchema = z.object({
  version: z.string(),
  startedAt: epochMs,
  adapters: z.array(z.object({ id: z.string(), status: z.enum(['starting', 'up', 'degraded', 'down', 'stopped']) })),
  outbox: z.object({
    depth: count,
    oldestAgeMs: count,
    dropped: z.object({ journal: count, snapshot: count, status: count, head: count }),
  }),
});

/** The GENESIS text for an empty journal, else a chain hash. */
export const headBodySchema = z.object({ seq: count, hash: z.string().min(1) });

function envelope<K extends string, B extends z.ZodType>(kind: K, body: B) {
  return z.object({ v: z.literal(FEED_VERSION), id: z.string().min(3), site: z.string().min(1), seq, kind: z.literal(kind), time: epochMs, body });
}

export const feedMessageSchema = z
  .discriminatedUnion('kind', [
    envelope('journal', journalBodySchema),
    envelope('snapshot', snapshotBodySchema),
    envelope('status', statusBodySchema),
    envelope('head', headBodySchema),
  ])
  .refine((m) => m.id === feedMessageId(m.site, m.seq), { message: 'id must be "<site>:<seq>"', path: ['id'] });

export const feedBatchSchema = z
  .object({ site: z.string().min(1), oldest: seq, messages: z.array(feedMessageSchema).min(1) })
  .superRefine((b, ctx) => {
    b.messages.forEach((m, i) => {
      if (m.site !== b.site) ctx.addIssue({ code: 'custom', message: `message of site "${excerpt(m.site)}" in a batch of "${excerpt(b.site)}"`, path: ['messages', i, 'site'] });
      const before = b.messages[i - 1];
      if (before !== undefined && m.seq <= before.seq) ctx.addIssue({ code: 'custom', message: 'seq must increase within a batch', path: ['messages', i, 'seq'] });
    });
    const first = b.messages[0];
    if (first !== undefined && b.oldest > first.seq) ctx.addIssue({ code: 'custom', message: 'oldest must not be above the first message', path: ['oldest'] });
  });

export const feedAckSchema = z.object({ v: z.literal(FEED_VERSION), site: z.string().min(1), upto: z.number().int().min(0) });

/** Problems a refusal lists; the rest are counted. A batch of 100,000 bad messages made a 10 MB log line. */
const LISTED_PROBLEMS = 3;
/** Characters of a problem's path quoted: paths hold the sender's keys (codes.<key>), as long as it likes. */
const PATH_CHARS = 80;

function refuse(what: string, error: z.ZodError): HazgateError {
  const problems = error.issues.slice(0, LISTED_PROBLEMS).map((i) => `${excerpt(i.path.join('.') || '(root)', PATH_CHARS)}: ${excerpt(i.message)}`);
  const more = error.issues.length - problems.length;
  const rest = more > 0 ? ` and ${more} more` : '';
  return new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `${what} does not match the feed schema: ${problems.join('; ')}${rest}`, { problems, count: error.issues.length });
}

/** @throws HazgateError HG_ERR_UPLINK_BAD_MESSAGE listing the first problems and how many more. */
export function parseFeedBatch(json: unknown): FeedBatch {
  const r = feedBatchSchema.safeParse(json);
  if (!r.success) throw refuse('feed batch', r.error);
  // Checked against the schema above, which mirrors the core types (optional keys may hold undefined only in zod's typing).
  return r.data as FeedBatch;
}

/** @throws HazgateError HG_ERR_UPLINK_BAD_MESSAGE listing the first problems and how many more. */
export function parseFeedAck(json: unknown): FeedAck {
  const r = feedAckSchema.safeParse(json);
  if (!r.success) throw refuse('feed ack', r.error);
  return r.data;
}
