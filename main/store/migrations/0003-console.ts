import type { Migration } from './types.js';

/**
 * The analyst console: when an alert was first acknowledged and resolved (for MTTA/MTTR), the
 * source country (for the map and top-countries), and saved filters.
 */
export const m0003Console: Migration = {
  version: 3,
  name: 'console',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN acknowledged_at TEXT;
      ALTER TABLE alerts ADD COLUMN resolved_at TEXT;
      ALTER TABLE alerts ADD COLUMN src_country TEXT;

      UPDATE alerts SET src_country = (
        SELECT json_extract(d.enrichment, '$.src.geo.country_code') FROM alert_details d WHERE d.alert_id = alerts.id
      );
      UPDATE alerts SET acknowledged_at = (
        SELECT min(a.ts) FROM audit_log a
        WHERE a.target_type = 'alert' AND a.target_id = CAST(alerts.id AS TEXT) AND a.action = 'alert.status'
          AND json_extract(a.details, '$.to') <> 'NEW'
      );
      UPDATE alerts SET resolved_at = (
        SELECT min(a.ts) FROM audit_log a
        WHERE a.target_type = 'alert' AND a.target_id = CAST(alerts.id AS TEXT) AND a.action = 'alert.status'
          AND json_extract(a.details, '$.to') IN ('RESOLVED', 'FALSE_POSITIVE')
      );

      CREATE TABLE saved_filters (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        filter     TEXT NOT NULL CHECK (json_valid(filter)),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
    `);
  },
};
