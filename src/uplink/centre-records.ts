/**
 * What the centre reads out of a journal record's text (an AlarmTransition as JSON): enough to
 * keep each site's current alarms and to order history. The record itself is stored and served
 * byte for byte; a record that does not read (a broken or hostile gateway) is still stored and
 * chain-checked, it only does not count as an alarm. Pure.
 */
export interface JournalFacts {
  readonly conditionId: string;
  /** The ISA-18.2 state after the transition (`normal` ends the alarm). */
  readonly state: string;
  readonly priority: number | null;
  /** When the gateway recorded it, epoch ms (null when the record has none). */
  readonly rts: number | null;
  /** The parsed record, as the gateway wrote it. */
  readonly transition: Readonly<Record<string, unknown>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** null when the text is not a JSON object with a string conditionId and state. */
export function readJournalFacts(record: string): JournalFacts | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const { conditionId, state } = parsed;
  if (typeof conditionId !== 'string' || conditionId === '' || typeof state !== 'string' || state === '') return null;
  return { conditionId, state, priority: finite(parsed['priority']), rts: finite(parsed['rts']), transition: parsed };
}
