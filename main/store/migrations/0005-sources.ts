import type { Migration } from './types.js';

/**
 * Source fidelity: who is reading a source right now (a lease, so two processes never ingest the
 * same source twice), what a one-shot import already read (so importing the same file again adds
 * nothing), how many records of each kind a source skipped (flow, dns, http, ... in an eve.json),
 * and the time zone to assume for timestamps written without a UTC offset.
 *
 * Leases and import memory are keyed by source id only; what identifies a file and where reading
 * stopped are opaque JSON documents, so another kind of source can keep its own shapes there.
 */
export const m0005Sources: Migration = {
  version: 5,
  name: 'sources',
  up(db) {
    db.exec(`
      -- IANA time zone (e.g. Europe/Paris) for timestamps that carry no UTC offset; NULL = refuse them.
      ALTER TABLE sources ADD COLUMN assume_tz TEXT;

      -- One reader per source. A holder renews expires_at while it reads; a lease past expires_at,
      -- or held by a process that no longer exists on this host, may be taken over.
      CREATE TABLE source_leases (
        source_id   TEXT PRIMARY KEY,
        instance    TEXT NOT NULL,
        host        TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        process     TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        renewed_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
      ) WITHOUT ROWID;

      -- What an import read: the identity of the file it read and where it stopped, committed in
      -- the same transaction as the rows of each batch.
      CREATE TABLE source_imports (
        source_id  TEXT PRIMARY KEY,
        identity   TEXT NOT NULL CHECK (json_valid(identity)),
        cursor     TEXT NOT NULL CHECK (json_valid(cursor)),
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Records a source read and did not turn into events, by type (EVE event_type).
      CREATE TABLE source_record_types (
        source_id TEXT NOT NULL,
        type      TEXT NOT NULL,
        count     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, type)
      ) WITHOUT ROWID;
    `);
  },
};
