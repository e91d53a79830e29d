import type { Migration } from './types.js';

/** Foundation: metadata, settings metadata, the audit log and the alerts table. */
export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Who changed which non-secret setting, and when (the values live in the settings file).
      CREATE TABLE settings_meta (
        key        TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        ts          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target_id   TEXT,
        details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
      );
      CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
      CREATE INDEX audit_log_ts ON audit_log (ts);

      CREATE TABLE alerts (
        id            INTEGER PRIMARY KEY,
        source        TEXT NOT NULL,
        severity      TEXT NOT NULL CHECK (severity IN ('info','low','medium','high','critical')),
        severity_rank INTEGER NOT NULL GENERATED ALWAYS AS (
                        CASE severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2
                                      WHEN 'high' THEN 3 ELSE 4 END) VIRTUAL,
        priority      TEXT NOT NULL CHECK (priority IN ('P1','P2','P3','P4')),
        status        TEXT NOT NULL DEFAULT 'NEW' CHECK (status IN
                        ('NEW','ACKNOWLEDGED','INVESTIGATING','SUPPRESSED','RESOLVED','FALSE_POSITIVE')),
        title         TEXT NOT NULL,
        rule_id       TEXT,
        src_ip        TEXT,
        src_port      INTEGER CHECK (src_port BETWEEN 0 AND 65535),
        dst_ip        TEXT,
        dst_port      INTEGER CHECK (dst_port BETWEEN 0 AND 65535),
        proto         TEXT,
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        count         INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
        risk_score    INTEGER NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
        technique_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(technique_ids)),
        tags          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
        assignee      TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      );
      -- Keyset pagination is by (last_seen, id) descending, alone or behind an equality filter.
      CREATE INDEX alerts_seen ON alerts (last_seen DESC, id DESC);
      CREATE INDEX alerts_status_seen ON alerts (status, last_seen DESC, id DESC);
      CREATE INDEX alerts_severity_seen ON alerts (severity, last_seen DESC, id DESC);
    `);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`).run();
  },
};
