import type { Migration } from './types.js';

/**
 * The sensor record store: every record a sensor writes (all EVE event types, not only alerts),
 * kept for hunting and for an alert's evidence.
 *
 * - `records`: one row per record with the fields analysts pivot on. Addresses are compact
 *   sortable BLOB keys (0x04 + 4 bytes, 0x06 + 16 bytes), so a CIDR block is one index range;
 *   `flow_id` is the uint64 stored as the signed 64-bit integer of the same bits (exact); the
 *   per-type summary fields share the slots s1..s7 / n1..n3 (main/hunt/fields.ts says which is which).
 *   No raw text here: indexes stay lean and rows short.
 * - `record_blocks`: the records of one write, ids first_id..last_id (contiguous), with their
 *   source, time span (a zone map: retention drops whole blocks) and raw size;
 *   `record_raw`: the block's raw lines, brotli-compressed together (a record's raw is line id - first_id).
 * - `hosts`: every address records named, with first/last seen and a count.
 * - `alert_contributors`: for correlation alerts, the events that made them fire (the latest ones,
 *   bounded) and how many contributed in all.
 * - `hunt_saved_queries`: saved hunt queries, like saved alert filters.
 */
export const m0012Records: Migration = {
  version: 12,
  name: 'records',
  up(db) {
    db.exec(`
      CREATE TABLE records (
        id           INTEGER PRIMARY KEY,
        ts           INTEGER NOT NULL,
        type         TEXT NOT NULL,
        sensor       TEXT,
        src          BLOB,
        sport        INTEGER,
        dst          BLOB,
        dport        INTEGER,
        proto        TEXT,
        app_proto    TEXT,
        flow_id      INTEGER,
        community_id TEXT,
        s1 TEXT, s2 TEXT, s3 TEXT, s4 TEXT, s5 TEXT, s6 TEXT, s7 TEXT,
        n1, n2, n3
      );
      CREATE INDEX records_ts ON records (ts);
      CREATE INDEX records_type_ts ON records (type, ts);
      CREATE INDEX records_src_ts ON records (src, ts) WHERE src IS NOT NULL;
      CREATE INDEX records_dst_ts ON records (dst, ts) WHERE dst IS NOT NULL;
      CREATE INDEX records_flow ON records (flow_id) WHERE flow_id IS NOT NULL;
      CREATE INDEX records_community ON records (community_id) WHERE community_id IS NOT NULL;

      CREATE TABLE record_blocks (
        id        INTEGER PRIMARY KEY,
        last_id   INTEGER NOT NULL,
        source_id TEXT NOT NULL,
        file      TEXT,
        ts_min    INTEGER NOT NULL,
        ts_max    INTEGER NOT NULL,
        raw_bytes INTEGER NOT NULL
      );
      CREATE INDEX record_blocks_ts ON record_blocks (ts_max);

      CREATE TABLE record_raw (
        block INTEGER PRIMARY KEY,
        data  BLOB NOT NULL
      );

      CREATE TABLE hosts (
        ip         BLOB PRIMARY KEY,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        records    INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE INDEX hosts_last_seen ON hosts (last_seen);

      CREATE TABLE alert_contributors (
        alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        event_id INTEGER NOT NULL,
        PRIMARY KEY (alert_id, event_id)
      ) WITHOUT ROWID;
      CREATE TABLE alert_contributor_counts (
        alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        total    INTEGER NOT NULL
      );

      CREATE TABLE hunt_saved_queries (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        query      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
    `);
  },
};
