import type { Migration } from './types.js';

/**
 * Sources become drivers (file tail, import, simulator, indexer poll, ...):
 *
 * - `sources` keeps its cursor as one opaque JSON document (a followed file's {dev, ino, offset},
 *   an indexer's {v, sort: [epoch ms, _id]}), committed with the rows it produced, and no longer
 *   lists the kinds and formats it accepts (the code validates them; a new driver needs no
 *   migration). Existing file cursors are carried over as {dev, ino, offset}.
 * - a record can name its own id in its source (an indexer hit's _id): events and quarantine keep
 *   it, and `source_records` remembers the ids a source stored (with the record's time, so old ids
 *   can be forgotten once they cannot come back), so a page read again after a restart or a crash
 *   stores nothing twice. Written in the same transaction as the rows.
 * - a lease says how its holder's reader is doing (running, caught up, backing off with the last
 *   error and when it retries), so `vigil status` in another process can show it.
 */
export const m0011SourceDrivers: Migration = {
  version: 11,
  name: 'source-drivers',
  up(db) {
    db.exec(`
      CREATE TABLE sources_v11 (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        format        TEXT NOT NULL,
        path          TEXT,
        enabled       INTEGER NOT NULL DEFAULT 1,
        cursor        TEXT CHECK (cursor IS NULL OR json_valid(cursor)),
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
        updated_at    TEXT NOT NULL,
        assume_tz     TEXT
      ) WITHOUT ROWID;

      INSERT INTO sources_v11 (id, kind, format, path, enabled, cursor, lines_read, events, skipped, quarantined,
                               alerts_created, alerts_updated, suppressed, last_event_at, last_error, created_at, updated_at, assume_tz)
      SELECT id, kind, format, path, enabled,
             CASE WHEN cursor_dev IS NOT NULL AND cursor_ino IS NOT NULL
                  THEN json_object('dev', cursor_dev, 'ino', cursor_ino, 'offset', cursor_offset) END,
             lines_read, events, skipped, quarantined, alerts_created, alerts_updated, suppressed, last_event_at, last_error,
             created_at, updated_at, assume_tz
      FROM sources;

      DROP TABLE sources;
      ALTER TABLE sources_v11 RENAME TO sources;

      ALTER TABLE events ADD COLUMN record_id TEXT;
      ALTER TABLE quarantine ADD COLUMN record_id TEXT;

      -- ids of the records a source stored (ts: the record's own time, epoch ms)
      CREATE TABLE source_records (
        source_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        ts        INTEGER NOT NULL,
        PRIMARY KEY (source_id, record_id)
      ) WITHOUT ROWID;
      CREATE INDEX source_records_ts ON source_records (source_id, ts);

      ALTER TABLE source_leases ADD COLUMN state TEXT NOT NULL DEFAULT 'running';
      ALTER TABLE source_leases ADD COLUMN note TEXT;
      ALTER TABLE source_leases ADD COLUMN last_error TEXT;
      ALTER TABLE source_leases ADD COLUMN retry_at TEXT;
    `);
  },
};
