import type { Migration } from './types.js';

/**
 * Sensor records kept with a case (a DNS answer, an HTTP request, a flow found while hunting): a
 * copy of the record as the Hunt screen shows it, with its raw line and that line's SHA-256 taken
 * when it was kept. The record store prunes by age and size; the case keeps its copy, so evidence
 * found in a hunt outlives the record. record_id is the record's id in the store when it was kept
 * (no reference: the record may since have gone); a record is kept once per case.
 *
 * Observables seen in a kept record are sightings of source_kind 'record' (source_id: the copy's id),
 * as migration 0007 left room for: case_observable_sightings is rebuilt with the wider CHECK.
 */
export const m0023CaseRecords: Migration = {
  version: 23,
  name: 'case-records',
  up(db) {
    db.exec(`
      CREATE TABLE case_records (
        id           INTEGER PRIMARY KEY,
        case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        record_id    INTEGER NOT NULL,
        ts           TEXT NOT NULL,
        event_type   TEXT NOT NULL,
        sensor       TEXT,
        source_id    TEXT NOT NULL,
        src_ip       TEXT,
        src_port     INTEGER,
        dst_ip       TEXT,
        dst_port     INTEGER,
        proto        TEXT,
        app_proto    TEXT,
        flow_id      TEXT,
        community_id TEXT,
        summary      TEXT NOT NULL CHECK (json_valid(summary)),
        title        TEXT NOT NULL,
        raw          TEXT NOT NULL,
        file         TEXT,
        sha256       TEXT NOT NULL,
        added_at     TEXT NOT NULL,
        added_by     TEXT NOT NULL,
        UNIQUE (case_id, record_id)
      );
      CREATE INDEX case_records_case_ts ON case_records (case_id, ts);

      CREATE TABLE case_observable_sightings_new (
        observable_id INTEGER NOT NULL REFERENCES case_observables (id) ON DELETE CASCADE,
        source_kind   TEXT NOT NULL CHECK (source_kind IN ('alert','evidence','record')),
        source_id     INTEGER NOT NULL,
        events        INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (observable_id, source_kind, source_id)
      ) WITHOUT ROWID;
      INSERT INTO case_observable_sightings_new SELECT observable_id, source_kind, source_id, events FROM case_observable_sightings;
      DROP TABLE case_observable_sightings;
      ALTER TABLE case_observable_sightings_new RENAME TO case_observable_sightings;
      CREATE INDEX case_observable_sightings_source ON case_observable_sightings (source_kind, source_id);
    `);
  },
};
