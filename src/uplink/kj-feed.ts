import { isAuditRecordText } from '../core/audit.js';
import type { FeedMessage } from '../core/index.js';
import { checkKjLayout, encodeKjBatch, KJ_ALARM_LAYOUT, KJ_REALTIME_LAYOUT, type KjOptions, type KjTableLayout } from './kj.js';

export interface KjLayouts {
  /** For snapshot values; `null`: not exported. */
  readonly realtime: KjTableLayout | null;
  /** For journal records (alarm transitions); `null`: not exported. */
  readonly alarm: KjTableLayout | null;
}

export const KJ_DEFAULT_LAYOUTS: KjLayouts = { realtime: KJ_REALTIME_LAYOUT, alarm: KJ_ALARM_LAYOUT };

/** @throws HazgateError HG_ERR_UPLINK_KJ_LAYOUT at configuration time, not per batch. */
export function checkKjLayouts(layouts: KjLayouts, options: KjOptions = {}): KjLayouts {
  for (const l of [layouts.realtime, layouts.alarm]) if (l !== null) checkKjLayout(l, options.database);
  return layouts;
}

/**
 * The legacy exporter's view of the feed, in feed order: one real-time batch per snapshot message,
 * one alarm batch per run of consecutive journal messages (their records parsed back into
 * transitions). Status and head messages have no KJ table, nor have audit records (docs/audit.md):
 * they are no alarms, and the KJ protocol has no table for them.
 */
export function kjBatchesOf(messages: readonly FeedMessage[], layouts: KjLayouts = KJ_DEFAULT_LAYOUTS, options: KjOptions = {}): string[] {
  const out: string[] = [];
  let alarms: unknown[] = [];
  let alarmTime = 0;
  let site = '';
  const flush = (): void => {
    if (alarms.length > 0 && layouts.alarm !== null) out.push(encodeKjBatch(layouts.alarm, alarms, { site, time: alarmTime }, options));
    alarms = [];
  };
  for (const m of messages) {
    site = m.site;
    if (m.kind === 'journal') {
      if (isAuditRecordText(m.body.record)) continue;
      alarms.push(JSON.parse(m.body.record) as unknown);
      alarmTime = m.time;
      continue;
    }
    flush();
    if (m.kind === 'snapshot' && layouts.realtime !== null) out.push(encodeKjBatch(layouts.realtime, m.body.values, { site: m.site, time: m.time }, options));
  }
  flush();
  return out;
}
