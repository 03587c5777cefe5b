import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// ajv comes with fastify (not a dependency of our own): it only checks the published schema here.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, FEED_KINDS, GENESIS, type FeedMessage, type Point } from '../../src/core/index.js';
import type { z } from 'zod';
import { buildSnapshot, buildStatus, feedAckSchema, feedBatchSchema, feedMessageSchema, parseFeedBatch, SqliteOutbox } from '../../src/uplink/index.js';
import { headBodySchema, journalBodySchema, snapshotBodySchema, snapshotValueSchema, statusBodySchema } from '../../src/uplink/message-schema.js';

/** docs/uplink/feed.schema.json (published) and src/uplink/message-schema.ts (zod) accept and refuse the same messages, those the code produces among them. */

const schema = JSON.parse(readFileSync(new URL('../../docs/uplink/feed.schema.json', import.meta.url), 'utf8')) as { $id: string; $defs: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(schema);
const jsonSchemaOf = (def: string) => {
  const v = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
  if (v === undefined) throw new Error(`no $defs/${def}`);
  return (x: unknown): boolean => v(x) === true;
};
const validMessage = jsonSchemaOf('FeedMessage');
const validBatch = jsonSchemaOf('FeedBatch');
const validAck = jsonSchemaOf('FeedAck');

const T0 = Date.UTC(2026, 10, 28);
const SITE = 'plant-3';
let dir = '';
let produced: FeedMessage[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-schema-'));
  const outbox = new SqliteOutbox({ dir, site: SITE });
  const record = JSON.stringify({ eventId: 'ev-1', conditionId: 'gas/GT-101', codes: { enterpriseCode: 'E1' } });
  outbox.appendJournal([{ seq: 1, record, hash: chainHash(GENESIS, 1, record) }, { seq: 2, record: '{"legacy":true}', hash: null }], T0);
  const points: Point[] = [
    { id: 'GT-101', kind: 'gas', unit: '%LEL', type: 'number', attrs: { enterpriseCode: 'E1', hazardSourceCode: 'H1' } },
    { id: 'XV-1', kind: 'valve', type: 'boolean', attrs: {} },
  ];
  outbox.append('snapshot', buildSnapshot(points, (id) => (id === 'XV-1' ? { value: false, quality: { level: 'bad', reason: 'comm-lost' }, ts: T0 } : undefined)), T0 + 1);
  outbox.append('status', buildStatus({ version: '0.1.0', startedAt: T0, adapters: [{ id: 'gas', status: 'degraded' }] }, outbox.stats(), T0 + 2), T0 + 2);
  outbox.appendHead(T0 + 3);
  produced = outbox.pending(100, 1e9);
  outbox.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Messages that break the contract in one place each. */
function broken(m: FeedMessage): unknown[] {
  const b = m.body as unknown as Record<string, unknown>;
  return [
    { ...m, v: 2 },
    { ...m, kind: 'alarm' },
    { ...m, seq: 0 },
    { ...m, seq: 1.5 },
    { ...m, time: -1 },
    { ...m, site: '' },
    Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'body')),
    { ...m, body: { ...b, [Object.keys(b)[0] ?? 'x']: undefined } },
    { ...m, body: 'text' },
  ];
}

describe('feed schema', () => {
  it('is produced for every kind by the code', () => {
    expect(new Set(produced.map((m) => m.kind))).toEqual(new Set(FEED_KINDS));
  });

  it('accepts every message the outbox produces, in both schemas', () => {
    for (const m of produced) {
      expect(validMessage(m), `${m.kind}: ${ajv.errorsText()}`).toBe(true);
      expect(feedMessageSchema.safeParse(m).success, m.kind).toBe(true);
    }
    const batch = { site: SITE, oldest: 1, messages: produced };
    expect(validBatch(batch)).toBe(true);
    expect(parseFeedBatch(JSON.parse(JSON.stringify(batch)))).toEqual(batch);
    const ack = { v: 1, site: SITE, upto: 6 };
    expect(validAck(ack)).toBe(true);
    expect(feedAckSchema.safeParse(ack).success).toBe(true);
  });

  it('refuses the same broken messages in both schemas', () => {
    for (const m of produced) {
      for (const bad of broken(m)) {
        const json = JSON.parse(JSON.stringify(bad)) as unknown;
        expect([validMessage(json), feedMessageSchema.safeParse(json).success], `${JSON.stringify(json).slice(0, 120)}`).toEqual([false, false]);
      }
    }
    const journal = produced.find((m) => m.kind === 'journal');
    const snapshot = produced.find((m) => m.kind === 'snapshot');
    for (const bad of [
      { ...journal, body: { seq: 1, record: 'x', hash: 'ABC' } },
      { ...snapshot, body: { values: [{ pointId: 'p', value: 'high', quality: 'good', ts: 1 }] } },
      { ...snapshot, body: { values: [{ pointId: 'p', value: 1, quality: 'fine', ts: 1 }] } },
      { ...snapshot, body: { values: [{ pointId: 'p', value: 1, quality: 'good', ts: 1, codes: { enterpriseCode: 7 } }] } },
    ]) {
      expect([validMessage(bad), feedMessageSchema.safeParse(bad).success]).toEqual([false, false]);
    }
    for (const bad of [{ site: SITE, oldest: 1, messages: [] }, { site: SITE, messages: produced }, { site: SITE, oldest: 0, messages: produced }]) {
      expect([validBatch(bad), feedBatchSchema.safeParse(bad).success]).toEqual([false, false]);
    }
    expect([validAck({ v: 1, site: SITE, upto: -1 }), feedAckSchema.safeParse({ v: 1, site: SITE, upto: -1 }).success]).toEqual([false, false]);
  });

  it('accepts properties it does not know (a later v1 writer may add some), in both schemas', () => {
    for (const m of produced) {
      const extra = { ...m, extra: 1, body: { ...m.body, extra: 'x' } };
      expect([validMessage(extra), feedMessageSchema.safeParse(extra).success]).toEqual([true, true]);
    }
  });

  it('leaves to zod what JSON Schema cannot say: the id, one site per batch, increasing seqs', () => {
    const [a, b] = produced as [FeedMessage, FeedMessage];
    expect(feedMessageSchema.safeParse({ ...a, id: 'plant-3:99' }).success).toBe(false);
    expect(() => parseFeedBatch({ site: 'other', oldest: 1, messages: [a] })).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_BAD_MESSAGE' }));
    expect(() => parseFeedBatch({ site: SITE, oldest: 1, messages: [b, a] })).toThrow(/seq must increase/);
    expect(() => parseFeedBatch({ site: SITE, oldest: 5, messages: [a] })).toThrow(/oldest/);
  });

  it('names the same properties, required ones and kinds as the zod schema', () => {
    const envelope = schema.$defs.Envelope;
    expect(new Set(envelope?.required)).toEqual(new Set(['v', 'id', 'site', 'seq', 'kind', 'time', 'body']));
    expect((envelope?.properties?.kind as { enum: string[] }).enum).toEqual([...FEED_KINDS]);
    const pairs: [string, z.ZodObject][] = [
      ['JournalBody', journalBodySchema],
      ['SnapshotValue', snapshotValueSchema],
      ['SnapshotBody', snapshotBodySchema],
      ['StatusBody', statusBodySchema],
      ['HeadBody', headBodySchema],
      ['FeedAck', feedAckSchema],
    ];
    for (const [name, zod] of pairs) {
      const def = schema.$defs[name];
      const keys = Object.keys(zod.shape);
      expect(Object.keys(def?.properties ?? {}).sort(), name).toEqual([...keys].sort());
      const required = keys.filter((k) => !(zod.shape[k] as z.ZodType).safeParse(undefined).success);
      expect([...(def?.required ?? [])].sort(), name).toEqual(required.sort());
    }
  });
});
