import type { Migration } from './types.js';

/**
 * Connectors to the team's tools and the Wazuh agent inventory.
 *
 * - connectors: each configured tool, its configuration as the contract's JSON (URL, user name,
 *   trust, enabled, intervals). Never a secret: passwords and API keys are in the vault
 *   (secrets.json under a keychain-held key), named after the connector id.
 * - connectors_state.config_rev: bumped by every change, so every process (desktop app, vigil
 *   serve, the CLI) notices a configuration saved by another one.
 * - connector_health: one row per health probe (status, version, latency, the failure as JSON),
 *   trimmed to the newest rows per connector: the Tools screen's history.
 * - wazuh_agents: the agent inventory of each Wazuh API connector, replaced by a background sync
 *   (pages of 500); rows carry when they were last seen so a failed sync leaves the previous ones
 *   in place. Indexed for the Agents screen's filters and for joining alerts to agents by agent
 *   id, name or address (ip_key: store/ipkey.ts).
 * - wazuh_agent_sync: when each inventory was last synced, and why not when it failed.
 */
export const m0010Connectors: Migration = {
  version: 10,
  name: 'connectors',
  up(db) {
    db.exec(`
      CREATE TABLE connectors (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        name       TEXT NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        config     TEXT NOT NULL CHECK (json_valid(config)),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX connectors_name ON connectors (name COLLATE NOCASE);

      CREATE TABLE connectors_state (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        config_rev INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO connectors_state (id, config_rev) VALUES (1, 0);

      CREATE TABLE connector_health (
        id           INTEGER PRIMARY KEY,
        connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
        checked_at   TEXT NOT NULL,
        status       TEXT NOT NULL,
        version      TEXT,
        latency_ms   INTEGER,
        error        TEXT CHECK (error IS NULL OR json_valid(error))
      );
      CREATE INDEX connector_health_by_connector ON connector_health (connector_id, id DESC);

      CREATE TABLE wazuh_agents (
        connector_id   TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
        agent_id       TEXT NOT NULL,
        name           TEXT NOT NULL,
        ip             TEXT,
        ip_key         TEXT,
        register_ip    TEXT,
        status         TEXT NOT NULL,
        os_name        TEXT,
        os_platform    TEXT,
        os_version     TEXT,
        version        TEXT,
        groups         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(groups)),
        node_name      TEXT,
        last_keepalive TEXT,
        date_add       TEXT,
        seen_at        TEXT NOT NULL,
        PRIMARY KEY (connector_id, agent_id)
      ) WITHOUT ROWID;
      CREATE INDEX wazuh_agents_name ON wazuh_agents (name COLLATE NOCASE);
      CREATE INDEX wazuh_agents_ip ON wazuh_agents (ip_key) WHERE ip_key IS NOT NULL;
      CREATE INDEX wazuh_agents_status ON wazuh_agents (connector_id, status);

      CREATE TABLE wazuh_agent_sync (
        connector_id TEXT PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
        started_at   TEXT,
        finished_at  TEXT,
        succeeded_at TEXT,
        error        TEXT,
        total        INTEGER,
        process      TEXT
      ) WITHOUT ROWID;
    `);
  },
};
