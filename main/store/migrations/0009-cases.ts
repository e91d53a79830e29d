import type { Migration } from './types.js';

/**
 * Cases and reports: a case gathers the alerts, observables, notes, evidence and timeline of one
 * incident; every report written is recorded with the directory it went to.
 *
 * - An alert belongs to at most one case (case_alerts is keyed by alert_id): escalating it again
 *   is a move, and says so.
 * - Observables are typed and unique per case; where they were seen is kept per alert
 *   (case_observable_sightings) so "seen in N alerts / N events" stays right after a detach or a
 *   merge. A hand-added observable has origin 'manual'.
 * - case_findings is ready for scan findings (a later migration adds the findings table); nothing
 *   links to it yet.
 * - Timeline entries are added by hand or pin a raw event (a copy of it is kept, so the entry
 *   survives the event's retention).
 */
export const m0009Cases: Migration = {
  version: 9,
  name: 'cases',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        id          INTEGER PRIMARY KEY,
        title       TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        severity    TEXT NOT NULL CHECK (severity IN ('info','low','medium','high','critical')),
        severity_rank INTEGER NOT NULL GENERATED ALWAYS AS (
                        CASE severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2
                                      WHEN 'high' THEN 3 ELSE 4 END) VIRTUAL,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','closed')),
        resolution  TEXT CHECK (resolution IN ('true_positive','false_positive','benign','duplicate')),
        closure_note TEXT,
        assignee    TEXT,
        tags        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
        tlp         TEXT NOT NULL DEFAULT 'amber' CHECK (tlp IN ('clear','green','amber','amber+strict','red')),
        merged_into INTEGER REFERENCES cases (id),
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        closed_at   TEXT,
        CHECK ((status = 'closed') = (resolution IS NOT NULL))
      );
      CREATE INDEX cases_updated ON cases (updated_at DESC, id DESC);
      CREATE INDEX cases_status_updated ON cases (status, updated_at DESC, id DESC);

      CREATE TABLE case_alerts (
        alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
      );
      CREATE INDEX case_alerts_case ON case_alerts (case_id, alert_id);

      CREATE TABLE case_observables (
        id          INTEGER PRIMARY KEY,
        case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        type        TEXT NOT NULL CHECK (type IN ('ipv4','ipv6','domain','url','md5','sha1','sha256','user','host')),
        value       TEXT NOT NULL,
        ioc         INTEGER NOT NULL DEFAULT 0 CHECK (ioc IN (0, 1)),
        origin      TEXT NOT NULL CHECK (origin IN ('extracted','manual')),
        description TEXT,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        UNIQUE (case_id, type, value)
      );

      -- Where an observable was seen: in an alert (its fields and raw events) or in attached evidence;
      -- later record kinds (flows, DNS, ...) add their own source_kind.
      CREATE TABLE case_observable_sightings (
        observable_id INTEGER NOT NULL REFERENCES case_observables (id) ON DELETE CASCADE,
        source_kind   TEXT NOT NULL CHECK (source_kind IN ('alert','evidence')),
        source_id     INTEGER NOT NULL,
        events        INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (observable_id, source_kind, source_id)
      ) WITHOUT ROWID;
      CREATE INDEX case_observable_sightings_source ON case_observable_sightings (source_kind, source_id);

      CREATE TABLE case_notes (
        id         INTEGER PRIMARY KEY,
        case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        body       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX case_notes_case ON case_notes (case_id, id);

      -- Text the analyst attaches (a log excerpt, an e-mail header, a script); hashed when attached.
      CREATE TABLE case_evidence (
        id          INTEGER PRIMARY KEY,
        case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        media_type  TEXT NOT NULL DEFAULT 'text/plain',
        description TEXT,
        content     TEXT NOT NULL,
        size        INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        added_at    TEXT NOT NULL,
        added_by    TEXT NOT NULL
      );
      CREATE INDEX case_evidence_case ON case_evidence (case_id, id);

      CREATE TABLE case_timeline (
        id         INTEGER PRIMARY KEY,
        case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        ts         TEXT NOT NULL,
        title      TEXT NOT NULL,
        body       TEXT,
        event_id   INTEGER,
        alert_id   INTEGER,
        raw        TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX case_timeline_case ON case_timeline (case_id, ts);

      CREATE TABLE case_findings (
        case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        finding_id INTEGER NOT NULL,
        added_at   TEXT NOT NULL,
        added_by   TEXT NOT NULL,
        PRIMARY KEY (case_id, finding_id)
      ) WITHOUT ROWID;

      CREATE TABLE reports (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('case','alerts','findings')),
        title       TEXT NOT NULL,
        params      TEXT NOT NULL CHECK (json_valid(params)),
        formats     TEXT NOT NULL CHECK (json_valid(formats)),
        dir         TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running','done','failed')),
        error       TEXT,
        files       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(files)),
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        finished_at TEXT
      );
    `);
  },
};
