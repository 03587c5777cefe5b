/**
 * centre.db: what a monitoring centre keeps of every site's feed. One file for all sites, WAL, so
 * several centre processes on one host may share it (each message is stored once: `applied` is
 * keyed by (site, seq) and a message's effects are written only by the insert that stored it).
 */
import type Database from 'better-sqlite3';

export const CENTRE_SCHEMA_VERSION = 1;

export const CENTRE_SCHEMA = `
  -- Every feed message applied, once. Journal and head messages keep the journal seq (and the head's
  -- hash) so a restart can replay the site's feed into the chain check in feed order.
  CREATE TABLE IF NOT EXISTS applied (
    site     TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    time     INTEGER NOT NULL,
    received INTEGER NOT NULL,
    jseq     INTEGER,
    hash     TEXT,
    PRIMARY KEY (site, seq)
  ) WITHOUT ROWID;

  -- The sites' journal records, byte for byte, with the chain hash the gateway gave. audit_kind:
  -- the kind of an audit record (docs/audit.md), null for alarm transitions (see migrateCentreSchema).
  CREATE TABLE IF NOT EXISTS journal (
    site         TEXT    NOT NULL,
    jseq         INTEGER NOT NULL,
    fseq         INTEGER NOT NULL,
    record       TEXT    NOT NULL,
    hash         TEXT,
    condition_id TEXT,
    rts          INTEGER,
    audit_kind   TEXT,
    PRIMARY KEY (site, jseq)
  );
  CREATE INDEX IF NOT EXISTS journal_rts ON journal (rts);

  -- The latest journal record of each condition (by journal seq); current alarms are those not normal.
  CREATE TABLE IF NOT EXISTS alarms (
    site         TEXT    NOT NULL,
    condition_id TEXT    NOT NULL,
    jseq         INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    priority     INTEGER,
    record       TEXT    NOT NULL,
    PRIMARY KEY (site, condition_id)
  ) WITHOUT ROWID;

  -- The latest value of each point, from the newest snapshot (by feed seq) that carried it.
  CREATE TABLE IF NOT EXISTS point_values (
    site     TEXT    NOT NULL,
    point_id TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    value    TEXT    NOT NULL,
    quality  TEXT    NOT NULL,
    reason   TEXT,
    ts       INTEGER,
    unit     TEXT,
    codes    TEXT,
    PRIMARY KEY (site, point_id)
  ) WITHOUT ROWID;

  -- The newest status and snapshot message of each site, whole.
  CREATE TABLE IF NOT EXISTS latest (
    site TEXT    NOT NULL,
    kind TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    time INTEGER NOT NULL,
    body TEXT    NOT NULL,
    PRIMARY KEY (site, kind)
  ) WITHOUT ROWID;

  -- Per site: counts, the highest batch 'oldest' seen (below it gaps are lost), contact times and
  -- the summary (gaps, chain verdict) as of the last batch, for readers that do not hold the state.
  CREATE TABLE IF NOT EXISTS sites (
    site           TEXT PRIMARY KEY,
    oldest         INTEGER NOT NULL,
    applied        INTEGER NOT NULL,
    duplicates     INTEGER NOT NULL,
    first_received INTEGER NOT NULL,
    last_received  INTEGER NOT NULL,
    summary        TEXT
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL);
`;

/**
 * After CENTRE_SCHEMA: a centre.db made before audit records gets the journal's audit_kind column,
 * and the audit records an older centre stored (as unreadable transitions: they have no
 * conditionId) are filed under it. In one IMMEDIATE transaction, so two centre processes opening
 * the file at once do not both add the column.
 */
export function migrateCentreSchema(db: Database.Database): void {
  db.transaction(() => {
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(journal)').all();
    if (!columns.some((c) => c.name === 'audit_kind')) {
      db.exec('ALTER TABLE journal ADD COLUMN audit_kind TEXT');
      db.exec(`UPDATE journal SET audit_kind = CASE WHEN json_valid(record) THEN json_extract(record, '$.kind') END
        WHERE condition_id IS NULL AND record LIKE '{"type":"audit"%'`);
    }
    db.exec('CREATE INDEX IF NOT EXISTS journal_audit ON journal (site, jseq) WHERE audit_kind IS NOT NULL');
  }).immediate();
}
