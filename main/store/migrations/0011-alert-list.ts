import type { Migration } from './types.js';

/**
 * The alerts list at a million rows: an index per sort key, so the first page of any sort is a
 * short index walk instead of a sort of the whole table, and an index behind every filter that had
 * none (technique, country, source), so a narrow filter reads only its matches.
 *
 * - priority_rank: P1 = 4 ... P4 = 1, a virtual column like severity_rank (computed, not stored).
 * - One index per sort key, ordered by (key, id): exactly the list's keyset order, in both
 *   directions. After the id they carry severity_rank (the severity one priority_rank, the first
 *   seen one also last_seen), so a walk of the index tests a severity or priority filter (and a
 *   time range) without reading the row.
 * - alert_techniques: one row per (technique, alert), kept by triggers in step with the alert's
 *   technique_ids (JSON), so "T1110" is an index range (T1110 and T1110.xxx) instead of a JSON
 *   scan of every alert.
 */
export const m0011AlertList: Migration = {
  version: 11,
  name: 'alert-list',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN priority_rank INTEGER GENERATED ALWAYS AS (
        CASE priority WHEN 'P1' THEN 4 WHEN 'P2' THEN 3 WHEN 'P3' THEN 2 ELSE 1 END) VIRTUAL;

      CREATE INDEX alerts_first_seen ON alerts (first_seen, id, last_seen, severity_rank);
      CREATE INDEX alerts_risk ON alerts (risk_score, id, severity_rank);
      CREATE INDEX alerts_count ON alerts (count, id, severity_rank);
      CREATE INDEX alerts_severity_rank ON alerts (severity_rank, id, priority_rank);
      CREATE INDEX alerts_priority_rank ON alerts (priority_rank, id, severity_rank);
      CREATE INDEX alerts_source ON alerts (source);
      CREATE INDEX alerts_country ON alerts (src_country) WHERE src_country IS NOT NULL;

      CREATE TABLE alert_techniques (
        technique TEXT NOT NULL,
        alert_id  INTEGER NOT NULL,
        PRIMARY KEY (technique, alert_id)
      ) WITHOUT ROWID;

      INSERT OR IGNORE INTO alert_techniques (technique, alert_id)
        SELECT j.value, a.id FROM alerts a, json_each(a.technique_ids) j
        WHERE json_valid(a.technique_ids) AND j.type = 'text';

      CREATE TRIGGER alert_techniques_insert AFTER INSERT ON alerts
        WHEN new.technique_ids <> '[]'
      BEGIN
        INSERT OR IGNORE INTO alert_techniques (technique, alert_id)
          SELECT value, new.id FROM json_each(new.technique_ids) WHERE type = 'text';
      END;

      CREATE TRIGGER alert_techniques_update AFTER UPDATE OF technique_ids ON alerts
        WHEN new.technique_ids IS NOT old.technique_ids
      BEGIN
        DELETE FROM alert_techniques
          WHERE alert_id = old.id AND technique IN (SELECT value FROM json_each(old.technique_ids));
        INSERT OR IGNORE INTO alert_techniques (technique, alert_id)
          SELECT value, new.id FROM json_each(new.technique_ids) WHERE type = 'text';
      END;

      CREATE TRIGGER alert_techniques_delete AFTER DELETE ON alerts
        WHEN old.technique_ids <> '[]'
      BEGIN
        DELETE FROM alert_techniques
          WHERE alert_id = old.id AND technique IN (SELECT value FROM json_each(old.technique_ids));
      END;
    `);
  },
};
