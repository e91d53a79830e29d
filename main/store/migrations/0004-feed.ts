import type { Migration } from './types.js';

/**
 * The LAN alert feed: per-teammate tokens (only a SHA-256 hash of each is kept), the feed's
 * non-secret configuration (one JSON row), a revision counter other processes poll to notice
 * token changes at once, and the figures each running feed server publishes.
 */
export const m0004Feed: Migration = {
  version: 4,
  name: 'feed',
  up(db) {
    db.exec(`
      CREATE TABLE feed_tokens (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('viewer', 'analyst')),
        -- hex SHA-256 of the token; the token itself is shown once and never stored
        hash           TEXT NOT NULL UNIQUE,
        prefix         TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        created_by     TEXT NOT NULL,
        expires_at     TEXT,
        revoked_at     TEXT,
        revoked_by     TEXT,
        last_used_at   TEXT,
        last_used_addr TEXT
      );
      -- one active token per name
      CREATE UNIQUE INDEX feed_tokens_active_name ON feed_tokens (name) WHERE revoked_at IS NULL;

      CREATE TABLE feed_config (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        config     TEXT NOT NULL CHECK (json_valid(config)),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );

      -- Bumped in the same transaction as every token or config change, so a feed server in any
      -- process notices a revocation with one tiny read.
      CREATE TABLE feed_state (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        tokens_rev INTEGER NOT NULL DEFAULT 0,
        config_rev INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO feed_state (id) VALUES (1);

      -- Status a running feed server publishes every few seconds (for \`vigil feed status\`).
      CREATE TABLE feed_runtime (
        process    TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (json_valid(status))
      ) WITHOUT ROWID;
    `);
  },
};
