import type { Migration } from './types.js';

/**
 * Scans and their findings:
 *
 * - `scans`: one scan on one tool (GVM task, ZAP spider + active scan, SpiderFoot scan): the
 *   connector, the target and the analyst's options, the tool's own ids and the phase the app's
 *   poller is in (`tool_state`), status, progress, when the progress last moved (stall detection),
 *   and the import's cursor, committed with the findings each import step wrote.
 * - `scan_log`: what happened to a scan, line by line (the Scans screen's log).
 * - `findings`: one row per finding identity (`identity`: GVM NVT OID + host + port, ZAP's key,
 *   SpiderFoot's event hash), whatever scan found it; its status (open, accepted risk, false
 *   positive, fixed) belongs to the identity, so a re-import keeps it. The history is in audit_log.
 * - `finding_scans`: which scans saw which finding (diff between runs, "fixed").
 * - `findings_fts`: a trigram full-text index over the searched columns (title, host, URL, CVE
 *   ids, rule, evidence), kept by triggers, so a substring search over 100,000 findings does not
 *   scan the table. A re-import that changes none of them does not touch it.
 */
export const m0013ScansFindings: Migration = {
  version: 13,
  name: 'scans-findings',
  up(db) {
    db.exec(`
      CREATE TABLE scans (
        id            INTEGER PRIMARY KEY,
        tool          TEXT NOT NULL,
        connector_id  TEXT NOT NULL,
        target        TEXT NOT NULL,
        options       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
        tool_state    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tool_state)),
        status        TEXT NOT NULL,
        progress      REAL,
        progress_mark TEXT,
        progress_at   TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        error         TEXT,
        import_cursor TEXT CHECK (import_cursor IS NULL OR json_valid(import_cursor)),
        imported      INTEGER NOT NULL DEFAULT 0,
        rejected      INTEGER NOT NULL DEFAULT 0,
        failures      INTEGER NOT NULL DEFAULT 0,
        next_poll_at  TEXT,
        created_by    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      );
      CREATE INDEX scans_status ON scans (status);
      CREATE INDEX scans_target ON scans (connector_id, target, id);

      CREATE TABLE scan_log (
        id      INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        ts      TEXT NOT NULL,
        level   TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX scan_log_scan ON scan_log (scan_id, id);

      CREATE TABLE findings (
        id               INTEGER PRIMARY KEY,
        identity         TEXT NOT NULL UNIQUE,
        source           TEXT NOT NULL,
        connector_id     TEXT NOT NULL,
        target           TEXT NOT NULL,
        rule_id          TEXT NOT NULL,
        title            TEXT NOT NULL,
        severity         TEXT NOT NULL,
        severity_rank    INTEGER NOT NULL,
        severity_raw     TEXT NOT NULL,
        confidence       TEXT,
        confidence_score INTEGER,
        cvss             REAL,
        cves             TEXT NOT NULL DEFAULT '[]',
        cwe_id           INTEGER,
        host             TEXT,
        port             INTEGER,
        url              TEXT,
        evidence         TEXT,
        description      TEXT NOT NULL,
        solution         TEXT,
        refs             TEXT NOT NULL DEFAULT '[]',
        status           TEXT NOT NULL DEFAULT 'open',
        first_seen       TEXT NOT NULL,
        last_seen        TEXT NOT NULL,
        last_scan_id     INTEGER NOT NULL,
        observed_at      TEXT,
        raw              TEXT NOT NULL
      );
      CREATE INDEX findings_order ON findings (severity_rank DESC, id DESC);
      CREATE INDEX findings_host ON findings (host, status, severity_rank);
      CREATE INDEX findings_target ON findings (connector_id, target, status);

      CREATE TABLE finding_scans (
        finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
        scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        PRIMARY KEY (finding_id, scan_id)
      ) WITHOUT ROWID;
      CREATE INDEX finding_scans_scan ON finding_scans (scan_id);

      CREATE VIRTUAL TABLE findings_fts USING fts5(
        title, host, url, cves, rule_id, evidence, content = 'findings', content_rowid = 'id', tokenize = 'trigram'
      );
      CREATE TRIGGER findings_fts_insert AFTER INSERT ON findings BEGIN
        INSERT INTO findings_fts (rowid, title, host, url, cves, rule_id, evidence)
        VALUES (new.id, new.title, new.host, new.url, new.cves, new.rule_id, new.evidence);
      END;
      CREATE TRIGGER findings_fts_delete AFTER DELETE ON findings BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, title, host, url, cves, rule_id, evidence)
        VALUES ('delete', old.id, old.title, old.host, old.url, old.cves, old.rule_id, old.evidence);
      END;
      CREATE TRIGGER findings_fts_update AFTER UPDATE OF title, host, url, cves, rule_id, evidence ON findings
      WHEN old.title IS NOT new.title OR old.host IS NOT new.host OR old.url IS NOT new.url OR old.cves IS NOT new.cves
        OR old.rule_id IS NOT new.rule_id OR old.evidence IS NOT new.evidence
      BEGIN
        INSERT INTO findings_fts (findings_fts, rowid, title, host, url, cves, rule_id, evidence)
        VALUES ('delete', old.id, old.title, old.host, old.url, old.cves, old.rule_id, old.evidence);
        INSERT INTO findings_fts (rowid, title, host, url, cves, rule_id, evidence)
        VALUES (new.id, new.title, new.host, new.url, new.cves, new.rule_id, new.evidence);
      END;
    `);
  },
};
