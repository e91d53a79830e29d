import type { Migration } from './types.js';

/**
 * Safe triage and visible suppressions.
 *
 * - `status_changes`: what each status change (one alert, or one bulk job) changed, alert by
 *   alert, with the status it replaced, so an Undo can put back exactly that and only where the
 *   alert still has the status the change set. Rows are pruned a day after the change.
 * - `events_suppressed`: the events each suppression rule hid, for "which suppression hid this?"
 *   (a partial index: only suppressed events are in it).
 * - `alerts_rule`: the rule filter (the dashboard's "Top rules" drill-down) by index.
 * - `audit_log_actor`, `alerts_assignee_name`: the names an alert can be assigned to (everyone who
 *   acted, every assignee) read by skipping along an index instead of scanning the log.
 */
export const m0010Triage: Migration = {
  version: 10,
  name: 'triage',
  up(db) {
    db.exec(`
      CREATE TABLE status_changes (
        change_id   TEXT NOT NULL,
        alert_id    INTEGER NOT NULL,
        from_status TEXT NOT NULL,
        to_status   TEXT NOT NULL,
        ts          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        undone_at   TEXT,
        PRIMARY KEY (change_id, alert_id)
      ) WITHOUT ROWID;
      CREATE INDEX status_changes_ts ON status_changes (ts);

      CREATE INDEX events_suppressed ON events (suppressed_by, ts) WHERE suppressed_by IS NOT NULL;
      CREATE INDEX alerts_rule ON alerts (rule_id, last_seen DESC) WHERE rule_id IS NOT NULL;
      CREATE INDEX audit_log_actor ON audit_log (actor);
      CREATE INDEX alerts_assignee_name ON alerts (assignee) WHERE assignee IS NOT NULL;
    `);
  },
};
