import type { Database, Statement } from 'better-sqlite3';
import {
  ConnectorConfig,
  ConnectorFailure,
  HealthStatus,
  type ConnectorHealth,
  type HealthSample,
} from '../contract/connectors.js';
import { parseObject } from './json.js';

/** Health rows kept per connector (about 16 hours at the default 30 s). */
export const HEALTH_HISTORY_KEEP = 2000;

export interface StoredConnector {
  config: ConnectorConfig;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** A saved row whose configuration no longer passes the schema (kept, reported, never used). */
export interface InvalidConnector {
  id: string;
  kind: string;
  name: string;
  problem: string;
}

interface Row {
  id: string;
  kind: string;
  name: string;
  config: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

interface HealthRow {
  checked_at: string;
  status: string;
  version: string | null;
  latency_ms: number | null;
  error: string | null;
}

/** A name or id already taken. */
export class ConnectorConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorConflictError';
  }
}

/**
 * Saved connector configurations (the contract's JSON, never a secret) and their health history.
 * Every change bumps connectors_state.config_rev in the same transaction, so other processes on
 * this data directory see it and reload.
 */
export class ConnectorsRepo {
  private readonly listStmt: Statement<[], Row>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly revStmt: Statement<[], { config_rev: number }>;
  private readonly bumpStmt: Statement;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteStmt: Statement<[string]>;
  private readonly nameTakenStmt: Statement<[string, string], { id: string }>;
  private readonly healthInsert: Statement;
  private readonly healthTrim: Statement;
  private readonly historyStmt: Statement<[string, number], HealthRow>;
  private inserts = 0;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.listStmt = db.prepare('SELECT * FROM connectors ORDER BY name COLLATE NOCASE, id');
    this.getStmt = db.prepare('SELECT * FROM connectors WHERE id = ?');
    this.revStmt = db.prepare('SELECT config_rev FROM connectors_state WHERE id = 1');
    this.bumpStmt = db.prepare('UPDATE connectors_state SET config_rev = config_rev + 1 WHERE id = 1');
    this.insertStmt = db.prepare(
      'INSERT INTO connectors (id, kind, name, enabled, config, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateStmt = db.prepare('UPDATE connectors SET kind = ?, name = ?, enabled = ?, config = ?, updated_at = ?, updated_by = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM connectors WHERE id = ?');
    this.nameTakenStmt = db.prepare('SELECT id FROM connectors WHERE name = ? COLLATE NOCASE AND id <> ?');
    this.healthInsert = db.prepare('INSERT INTO connector_health (connector_id, checked_at, status, version, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)');
    this.healthTrim = db.prepare(
      'DELETE FROM connector_health WHERE connector_id = ? AND id < (SELECT id FROM connector_health WHERE connector_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
    );
    this.historyStmt = db.prepare('SELECT checked_at, status, version, latency_ms, error FROM connector_health WHERE connector_id = ? ORDER BY id DESC LIMIT ?');
  }

  /** Changes so far (any process): a process reloads when this moves. */
  rev(): number {
    return this.revStmt.get()?.config_rev ?? 0;
  }

  /** Every saved connector; rows that no longer pass the schema come back in `invalid`. */
  list(): { connectors: StoredConnector[]; invalid: InvalidConnector[] } {
    const connectors: StoredConnector[] = [];
    const invalid: InvalidConnector[] = [];
    for (const row of this.listStmt.all()) {
      const parsed = parseRow(row);
      if ('problem' in parsed) invalid.push(parsed);
      else connectors.push(parsed);
    }
    return { connectors, invalid };
  }

  get(id: string): StoredConnector | null {
    const row = this.getStmt.get(id);
    if (!row) return null;
    const parsed = parseRow(row);
    return 'problem' in parsed ? null : parsed;
  }

  /** A connector with this id exists (valid or not). */
  exists(id: string): boolean {
    return this.getStmt.get(id) !== undefined;
  }

  private checkName(config: ConnectorConfig): void {
    const other = this.nameTakenStmt.get(config.name, config.id);
    if (other) throw new ConnectorConflictError(`the name "${config.name}" is taken by connector ${other.id}`);
  }

  insert(config: ConnectorConfig, actor: string): StoredConnector {
    const at = this.now().toISOString();
    this.db.transaction(() => {
      if (this.exists(config.id)) throw new ConnectorConflictError(`a connector with id "${config.id}" exists`);
      this.checkName(config);
      this.insertStmt.run(config.id, config.kind, config.name, config.enabled ? 1 : 0, JSON.stringify(config), at, actor, at, actor);
      this.bumpStmt.run();
    })();
    return this.get(config.id)!;
  }

  /** Replaces a configuration; false when there is no connector with that id. */
  update(config: ConnectorConfig, actor: string): StoredConnector | null {
    const at = this.now().toISOString();
    const changed = this.db.transaction(() => {
      this.checkName(config);
      const info = this.updateStmt.run(config.kind, config.name, config.enabled ? 1 : 0, JSON.stringify(config), at, actor, config.id);
      if (info.changes > 0) this.bumpStmt.run();
      return info.changes > 0;
    })();
    return changed ? this.get(config.id) : null;
  }

  /** Removes a connector with its health history and agent inventory. */
  remove(id: string): boolean {
    return this.db.transaction(() => {
      const removed = this.deleteStmt.run(id).changes > 0;
      if (removed) this.bumpStmt.run();
      return removed;
    })();
  }

  /** Records one probe; the oldest rows beyond HEALTH_HISTORY_KEEP are dropped now and then. */
  recordHealth(id: string, h: ConnectorHealth): void {
    if (!this.exists(id)) return; // removed while the probe ran
    this.healthInsert.run(id, h.checkedAt, h.status, h.version, h.latencyMs === null ? null : Math.round(h.latencyMs), h.lastError ? JSON.stringify(h.lastError.failure) : null);
    if (++this.inserts % 50 === 0) this.healthTrim.run(id, id, HEALTH_HISTORY_KEEP - 1);
  }

  /** Trims every connector's history now (tests, and once at start). */
  trimHealth(): void {
    for (const { config } of this.list().connectors) this.healthTrim.run(config.id, config.id, HEALTH_HISTORY_KEEP - 1);
  }

  /** Newest first. */
  history(id: string, limit: number): HealthSample[] {
    return this.historyStmt.all(id, limit).map((r) => {
      const status = HealthStatus.safeParse(r.status);
      const error = r.error ? ConnectorFailure.safeParse(parseObject(r.error)) : null;
      return {
        checked_at: r.checked_at,
        status: status.success ? status.data : 'down',
        version: r.version,
        latency_ms: r.latency_ms,
        error: error?.success ? error.data : null,
      };
    });
  }
}

function parseRow(row: Row): StoredConnector | InvalidConnector {
  const parsed = ConnectorConfig.safeParse(parseObject(row.config));
  if (!parsed.success || parsed.data.id !== row.id) {
    const problem = parsed.success ? `its configuration names another id (${parsed.data.id})` : parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    return { id: row.id, kind: row.kind, name: row.name, problem };
  }
  return { config: parsed.data, created_at: row.created_at, created_by: row.created_by, updated_at: row.updated_at, updated_by: row.updated_by };
}
