/**
 * The pipeline's writes and the reads its batches need, prepared once per pipeline: finding an
 * open alert of an event's group, inserting and folding alerts, their details, full-text rows,
 * events, quarantine, the sources' record ids, counters and cursor, the outbox and the
 * correlation contributors. The pipeline (main/pipeline/pipeline.ts) runs them inside each batch's
 * transaction; they live here because all SQL lives in main/store.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Severity } from '../contract/index.js';

/** An open alert a new event may join (the columns a fold compares). */
export interface AlertGroupRow {
  id: number;
  last_seen: string;
  first_seen: string;
  severity: Severity;
  priority: string;
  risk_score: number;
  technique_ids: string;
  threat_type: string;
}

export function pipelineStatements(db: Database, opts: { groupCandidates: number; contributorsPerHit: number }) {
  return {
    // open alerts of the key whose span, widened by the window on both sides, holds the event
    findGroup: db.prepare(
      `SELECT id, last_seen, first_seen, severity, priority, risk_score, technique_ids, threat_type FROM alerts
       WHERE group_key = ? AND last_seen >= ? AND first_seen <= ? AND status NOT IN ('RESOLVED','FALSE_POSITIVE')
       ORDER BY last_seen DESC LIMIT ${opts.groupCandidates}`,
    ) as Statement<[string, string, string], AlertGroupRow>,
    // positional parameters: binding 20 named keys per row costs more than the insert itself
    insertAlert: db.prepare(
      `INSERT INTO alerts (source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto,
         first_seen, last_seen, count, risk_score, technique_ids, tags, created_at, updated_at,
         group_key, threat_type, src_ip_key, dst_ip_key, source_id, src_country, agent_id, agent_name, user, host, sensor)
       VALUES (?, ?, ?, 'NEW', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ) as Statement,
    insertDetails: db.prepare('INSERT INTO alert_details (alert_id, confidence, detection, score_terms, enrichment) VALUES (?, ?, ?, ?, ?)') as Statement,
    updateDetails: db.prepare('UPDATE alert_details SET confidence = @confidence, detection = @detection, score_terms = @score_terms WHERE alert_id = @id') as Statement,
    insertFts: db.prepare('INSERT INTO alerts_fts (rowid, title, rule_id, ips, raw) VALUES (?, ?, ?, ?, ?)') as Statement,
    insertEvent: db.prepare(
      `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, rule_id, title, src_ip, src_port, dst_ip, dst_port,
         proto, threat_type, technique_ids, risk_score, flow_id, suppressed_by, file, line, offset, raw, record_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ) as Statement,
    insertQuarantine: db.prepare(
      'INSERT INTO quarantine (ts, source_id, format, reason, file, line, offset, raw, record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ) as Statement,
    // which of a batch's ids (a JSON array) the source has stored: one query per batch, not one per record
    storedAmong: db
      .prepare('SELECT record_id FROM source_records WHERE source_id = ? AND record_id IN (SELECT value FROM json_each(?))')
      .pluck() as Statement<[string, string], string>,
    storeRecord: db.prepare('INSERT OR IGNORE INTO source_records (source_id, record_id, ts) VALUES (?, ?, ?)') as Statement,
    forgetRecords: db.prepare('DELETE FROM source_records WHERE source_id = ? AND ts < ?') as Statement,
    outbox: db.prepare('INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, ?, ?)') as Statement,
    linkContributor: db.prepare('INSERT OR IGNORE INTO alert_contributors (alert_id, event_id) VALUES (?, ?)') as Statement,
    countContributors: db.prepare(
      'INSERT INTO alert_contributor_counts (alert_id, total) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET total = total + excluded.total',
    ) as Statement,
    // keeps the latest links of an alert (its total stays counted)
    trimContributors: db.prepare(
      `DELETE FROM alert_contributors WHERE alert_id = @id AND event_id < (
         SELECT min(event_id) FROM (SELECT event_id FROM alert_contributors WHERE alert_id = @id ORDER BY event_id DESC LIMIT ${opts.contributorsPerHit}))`,
    ) as Statement,
    sourceCounters: db.prepare(
      `UPDATE sources SET lines_read = lines_read + @read, events = events + @events, skipped = skipped + @skipped,
         quarantined = quarantined + @quarantined, alerts_created = alerts_created + @created,
         alerts_updated = alerts_updated + @updated, suppressed = suppressed + @suppressed,
         last_event_at = coalesce(@last_event_at, last_event_at), updated_at = @now, last_error = NULL
       WHERE id = @id`,
    ) as Statement,
    sourceCursor: db.prepare('UPDATE sources SET cursor = ? WHERE id = ?') as Statement,
    // at most 64 types per source; beyond that they add up under "other"
    recordType: db.prepare(
      `INSERT INTO source_record_types (source_id, type, count)
       VALUES (@id, CASE WHEN EXISTS (SELECT 1 FROM source_record_types WHERE source_id = @id AND type = @type)
                           OR (SELECT count(*) FROM source_record_types WHERE source_id = @id) < 64
                         THEN @type ELSE 'other' END, @count)
       ON CONFLICT (source_id, type) DO UPDATE SET count = count + excluded.count`,
    ) as Statement,
  };
}

export type PipelineStatements = ReturnType<typeof pipelineStatements>;

/** The UPDATE that folds a batch into an alert: `head` (the count), then `set` (the columns that change). */
export function alertFoldStatement(db: Database, head: string, set: readonly string[]): Statement {
  return db.prepare(`UPDATE alerts SET ${[head, ...set].join(', ')} WHERE id = @id`);
}
