import type { Migration } from './types.js';

/**
 * The threat pipeline: detection and scoring columns on alerts, retained raw events, sources with
 * their durable cursors, the quarantine, suppression rules, full-text search, and the alert
 * outbox (a monotonic log of alert changes that other processes and the LAN feed read).
 */
export const m0002Pipeline: Migration = {
  version: 2,
  name: 'pipeline',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN group_key TEXT;
      ALTER TABLE alerts ADD COLUMN threat_type TEXT NOT NULL DEFAULT 'unknown';
      -- Sortable keys of the addresses (32 hex digits, IPv4 mapped into IPv6) for exact/CIDR filters.
      ALTER TABLE alerts ADD COLUMN src_ip_key TEXT;
      ALTER TABLE alerts ADD COLUMN dst_ip_key TEXT;
      ALTER TABLE alerts ADD COLUMN source_id TEXT;

      CREATE INDEX alerts_group ON alerts (group_key, last_seen DESC) WHERE group_key IS NOT NULL;
      CREATE INDEX alerts_src_ip_key ON alerts (src_ip_key, last_seen DESC);
      CREATE INDEX alerts_dst_ip_key ON alerts (dst_ip_key, last_seen DESC);
      CREATE INDEX alerts_assignee_seen ON alerts (assignee, last_seen DESC) WHERE assignee IS NOT NULL;

      -- The explanation of an alert (detection basis, score terms, enrichment): read one alert at a
      -- time, so it lives beside the list-hot, heavily indexed alerts table instead of inside it.
      CREATE TABLE alert_details (
        alert_id    INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        confidence  REAL NOT NULL DEFAULT 0,
        detection   TEXT NOT NULL DEFAULT '{}',
        score_terms TEXT NOT NULL DEFAULT '[]',
        enrichment  TEXT NOT NULL DEFAULT '{}'
      );

      -- Configured sources (followed files, the simulator, one-shot imports) and their cursors.
      CREATE TABLE sources (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('file', 'import', 'simulator')),
        format        TEXT NOT NULL CHECK (format IN ('eve', 'wazuh', 'mixed')),
        path          TEXT,
        enabled       INTEGER NOT NULL DEFAULT 1,
        cursor_dev    INTEGER,
        cursor_ino    INTEGER,
        cursor_offset INTEGER NOT NULL DEFAULT 0,
        lines_read    INTEGER NOT NULL DEFAULT 0,
        events        INTEGER NOT NULL DEFAULT 0,
        skipped       INTEGER NOT NULL DEFAULT 0,
        quarantined   INTEGER NOT NULL DEFAULT 0,
        alerts_created INTEGER NOT NULL DEFAULT 0,
        alerts_updated INTEGER NOT NULL DEFAULT 0,
        suppressed    INTEGER NOT NULL DEFAULT 0,
        last_event_at TEXT,
        last_error    TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
        source_id   TEXT NOT NULL,
        source      TEXT NOT NULL,
        ts          TEXT NOT NULL,
        received_at TEXT NOT NULL,
        severity    TEXT NOT NULL,
        rule_id     TEXT,
        title       TEXT NOT NULL,
        src_ip      TEXT,
        src_port    INTEGER,
        dst_ip      TEXT,
        dst_port    INTEGER,
        proto       TEXT,
        threat_type TEXT NOT NULL,
        technique_ids TEXT NOT NULL DEFAULT '[]',
        risk_score  INTEGER NOT NULL,
        flow_id     TEXT,
        suppressed_by INTEGER,
        file        TEXT,
        line        INTEGER,
        offset      INTEGER,
        raw         TEXT NOT NULL
      );
      CREATE INDEX events_alert ON events (alert_id, ts) WHERE alert_id IS NOT NULL;
      CREATE INDEX events_received ON events (received_at);

      CREATE TABLE quarantine (
        id         INTEGER PRIMARY KEY,
        ts         TEXT NOT NULL,
        source_id  TEXT NOT NULL,
        format     TEXT NOT NULL,
        reason     TEXT NOT NULL,
        file       TEXT,
        line       INTEGER,
        offset     INTEGER,
        raw        TEXT NOT NULL
      );
      CREATE INDEX quarantine_ts ON quarantine (ts);

      CREATE TABLE suppressions (
        id          INTEGER PRIMARY KEY,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        expires_at  TEXT,
        reason      TEXT NOT NULL,
        match       TEXT NOT NULL CHECK (json_valid(match)),
        hits        INTEGER NOT NULL DEFAULT 0,
        last_hit_at TEXT,
        enabled     INTEGER NOT NULL DEFAULT 1
      );

      -- Every alert creation, update and status change, in commit order. seq never goes back.
      CREATE TABLE alert_outbox (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('new', 'updated', 'status')),
        ts       TEXT NOT NULL
      );

      CREATE VIRTUAL TABLE alerts_fts USING fts5 (
        title, rule_id, ips, raw,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );

      -- Figures a running pipeline publishes (per process) so \`vigil status\` can show them.
      CREATE TABLE runtime_metrics (
        process    TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        metrics    TEXT NOT NULL CHECK (json_valid(metrics))
      ) WITHOUT ROWID;
    `);
  },
};
