import type { Database, Statement } from 'better-sqlite3';
import type { Alert } from '../contract/alerts.js';
import {
  DEFAULT_FEED_CONFIG,
  FeedConfig,
  FeedProcess,
  type FeedRole,
  type FeedToken,
} from '../contract/feed.js';
import { alertColumns, rowToAlert, type AlertRow } from './alerts-repo.js';
import { placeholders } from './sql.js';

/** An active token with that name exists already. */
export class FeedTokenNameTakenError extends Error {
  constructor(name: string) {
    super(`an active feed token named "${name}" exists already; revoke it first or pick another name`);
    this.name = 'FeedTokenNameTakenError';
  }
}

interface TokenRow {
  id: number;
  name: string;
  role: FeedRole;
  hash: string;
  prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
  last_used_addr: string | null;
}

/** What authentication needs to know about a token found by its hash. */
export interface TokenRecord {
  id: number;
  name: string;
  role: FeedRole;
  hash: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** An alert as the feed renders it: the contract's Alert plus what the dialects need. */
export interface FeedAlert extends Alert {
  threat_type: string;
  confidence: number;
  /** alert_details.enrichment as stored (JSON text); parsed only by dialects that use it. */
  enrichment: string | null;
}

/** One outbox row joined with the current state of its alert (null when the alert is gone). */
export interface FeedOutboxRow {
  seq: number;
  kind: 'new' | 'updated' | 'status';
  ts: string;
  alert: FeedAlert | null;
}

type JoinedRow = Omit<AlertRow, 'id'> & {
  seq: number;
  kind: FeedOutboxRow['kind'];
  outbox_ts: string;
  id: number | null;
  threat_type: string | null;
  confidence: number | null;
  enrichment: string | null;
};

type AlertJoinRow = Omit<JoinedRow, 'seq' | 'kind' | 'outbox_ts' | 'id'> & { id: number };

const FEED_ALERT_COLUMNS = `${alertColumns('a.')}, a.threat_type, d.confidence, d.enrichment`;

function toFeedAlert(r: AlertJoinRow): FeedAlert {
  const { threat_type, confidence, enrichment, ...alert } = r;
  return { ...rowToAlert(alert), threat_type: threat_type ?? 'unknown', confidence: confidence ?? 0, enrichment };
}

function toToken(r: TokenRow, nowIso: string): FeedToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    created_at: r.created_at,
    created_by: r.created_by,
    expires_at: r.expires_at,
    revoked_at: r.revoked_at,
    last_used_at: r.last_used_at,
    last_used_addr: r.last_used_addr,
    active: r.revoked_at === null && (r.expires_at === null || r.expires_at > nowIso),
  };
}

export interface FeedAlertStats {
  alerts: number;
  critical: number;
  high: number;
  occurrences: number;
}

/** Feed tokens, configuration, runtime figures, and the outbox as the feed reads it. */
export class FeedRepo {
  private readonly eventsStmt: Statement<[number, number], JoinedRow>;
  private readonly headStmt: Statement<[], { seq: number | null }>;
  private readonly stateStmt: Statement<[], { tokens_rev: number; config_rev: number }>;
  private readonly byHashStmt: Statement<[string], TokenRecord>;
  private readonly touchStmt: Statement<[string, string, number]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.eventsStmt = db.prepare(
      `SELECT o.seq, o.kind, o.ts AS outbox_ts, ${FEED_ALERT_COLUMNS}
       FROM alert_outbox o
       LEFT JOIN alerts a ON a.id = o.alert_id
       LEFT JOIN alert_details d ON d.alert_id = o.alert_id
       WHERE o.seq > ? ORDER BY o.seq LIMIT ?`,
    );
    this.headStmt = db.prepare('SELECT max(seq) AS seq FROM alert_outbox');
    this.stateStmt = db.prepare('SELECT tokens_rev, config_rev FROM feed_state WHERE id = 1');
    this.byHashStmt = db.prepare('SELECT id, name, role, hash, expires_at, revoked_at FROM feed_tokens WHERE hash = ?');
    this.touchStmt = db.prepare('UPDATE feed_tokens SET last_used_at = ?, last_used_addr = ? WHERE id = ?');
  }

  // ---------- outbox ----------

  /** Outbox rows after `seq`, each joined with its alert's current state: ONE query. */
  readEvents(afterSeq: number, limit: number): FeedOutboxRow[] {
    const rows = this.eventsStmt.all(afterSeq, limit);
    const out: FeedOutboxRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const { seq, kind, outbox_ts, id, ...rest } = r;
      out[i] = { seq, kind, ts: outbox_ts, alert: id === null ? null : toFeedAlert({ ...rest, id }) };
    }
    return out;
  }

  headSeq(): number {
    return this.headStmt.get()!.seq ?? 0;
  }

  /** The most recent alerts, newest first, optionally only some severities. */
  recentAlerts(limit: number, severities?: readonly Alert['severity'][]): FeedAlert[] {
    const where = severities && severities.length ? `WHERE a.severity IN (${placeholders(severities.length)})` : '';
    return this.db
      .prepare<unknown[], AlertJoinRow>(
        `SELECT ${FEED_ALERT_COLUMNS} FROM alerts a LEFT JOIN alert_details d ON d.alert_id = a.id ${where}
         ORDER BY a.last_seen DESC, a.id DESC LIMIT ?`,
      )
      .all(...(severities ?? []), limit)
      .map(toFeedAlert);
  }

  /** One alert as the feed renders it, or null when it does not exist (a playbook's feed notice). */
  alertById(id: number): FeedAlert | null {
    const r = this.db.prepare<[number], AlertJoinRow>(`SELECT ${FEED_ALERT_COLUMNS} FROM alerts a LEFT JOIN alert_details d ON d.alert_id = a.id WHERE a.id = ?`).get(id);
    return r ? toFeedAlert(r) : null;
  }

  alertStats(): FeedAlertStats {
    const r = this.db
      .prepare(
        `SELECT count(*) AS alerts, coalesce(sum(severity = 'critical'), 0) AS critical,
           coalesce(sum(severity = 'high'), 0) AS high, coalesce(sum(count), 0) AS occurrences FROM alerts`,
      )
      .get() as FeedAlertStats;
    return r;
  }

  /** Live figures of running pipelines (runtime_metrics), for the native `metrics` frame. */
  pipelineFigures(maxAgeMs = 30_000): { process: string; events_per_s: number; alerts_per_min: number; queue_depth: number }[] {
    const since = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const rows = this.db.prepare('SELECT process, metrics FROM runtime_metrics WHERE updated_at >= ? ORDER BY process').all(since) as {
      process: string;
      metrics: string;
    }[];
    return rows.map((r) => {
      let m: Record<string, unknown> = {};
      try {
        m = JSON.parse(r.metrics) as Record<string, unknown>;
      } catch {
        // a half-written row reads as zeros
      }
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
      return { process: r.process, events_per_s: num(m['events_per_s']), alerts_per_min: num(m['alerts_per_min']), queue_depth: num(m['queue_depth']) };
    });
  }

  // ---------- state, config ----------

  /**
   * `tokens_rev` is the credentials revision: every token change AND every change of the JWT secret
   * (which itself lives in the OS keychain, never here) moves it, so each running feed re-checks
   * its sessions within a fraction of a second.
   */
  state(): { tokens_rev: number; config_rev: number } {
    return this.stateStmt.get() ?? { tokens_rev: 0, config_rev: 0 };
  }

  /** Moves the credentials revision (the JWT secret was set, rotated or cleared). */
  bumpCredentials(): void {
    this.db.prepare('UPDATE feed_state SET tokens_rev = tokens_rev + 1 WHERE id = 1').run();
  }

  /** The stored configuration; defaults when none was saved or it no longer validates. */
  getConfig(): { config: FeedConfig; updated_at: string | null; updated_by: string | null; invalid: string | null } {
    const row = this.db.prepare('SELECT config, updated_at, updated_by FROM feed_config WHERE id = 1').get() as
      | { config: string; updated_at: string; updated_by: string }
      | undefined;
    if (!row) return { config: DEFAULT_FEED_CONFIG, updated_at: null, updated_by: null, invalid: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.config);
    } catch {
      parsed = null;
    }
    const r = FeedConfig.safeParse(parsed);
    if (!r.success) {
      return { config: DEFAULT_FEED_CONFIG, updated_at: row.updated_at, updated_by: row.updated_by, invalid: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    }
    return { config: r.data, updated_at: row.updated_at, updated_by: row.updated_by, invalid: null };
  }

  setConfig(config: FeedConfig, actor: string): void {
    const ts = this.now().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO feed_config (id, config, updated_at, updated_by) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(JSON.stringify(config), ts, actor);
      this.db.prepare('UPDATE feed_state SET config_rev = config_rev + 1 WHERE id = 1').run();
    }).immediate();
  }

  // ---------- tokens ----------

  createToken(t: { name: string; role: FeedRole; hash: string; prefix: string; createdBy: string; expiresAt: string | null }): FeedToken {
    const ts = this.now().toISOString();
    return this.db.transaction(() => {
      // an expired token no longer holds its name
      this.db
        .prepare("UPDATE feed_tokens SET revoked_at = ?, revoked_by = 'expired' WHERE name = ? AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?")
        .run(ts, t.name, ts);
      let id: number;
      try {
        id = Number(
          this.db
            .prepare('INSERT INTO feed_tokens (name, role, hash, prefix, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(t.name, t.role, t.hash, t.prefix, ts, t.createdBy, t.expiresAt).lastInsertRowid,
        );
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String((err as Error).message).includes('name')) {
          throw new FeedTokenNameTakenError(t.name);
        }
        throw err;
      }
      this.db.prepare('UPDATE feed_state SET tokens_rev = tokens_rev + 1 WHERE id = 1').run();
      return toToken(this.db.prepare('SELECT * FROM feed_tokens WHERE id = ?').get(id) as TokenRow, ts);
    }).immediate();
  }

  listTokens(includeRevoked: boolean): FeedToken[] {
    const nowIso = this.now().toISOString();
    const rows = this.db
      .prepare(`SELECT * FROM feed_tokens ${includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY name, id`)
      .all() as TokenRow[];
    return rows.map((r) => toToken(r, nowIso));
  }

  getToken(id: number): FeedToken | null {
    const r = this.db.prepare('SELECT * FROM feed_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return r ? toToken(r, this.now().toISOString()) : null;
  }

  /** The active (not revoked) token with that name, if any. */
  findActiveByName(name: string): FeedToken | null {
    const r = this.db.prepare('SELECT * FROM feed_tokens WHERE name = ? AND revoked_at IS NULL').get(name) as TokenRow | undefined;
    return r ? toToken(r, this.now().toISOString()) : null;
  }

  findByHash(hash: string): TokenRecord | null {
    return this.byHashStmt.get(hash) ?? null;
  }

  /** Marks a token revoked; false when it does not exist or was revoked already. */
  revokeToken(id: number, actor: string): boolean {
    const ts = this.now().toISOString();
    return this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE feed_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(ts, actor, id).changes;
      if (changed) this.db.prepare('UPDATE feed_state SET tokens_rev = tokens_rev + 1 WHERE id = 1').run();
      return changed > 0;
    }).immediate();
  }

  /** Ids of tokens that may still be used (neither revoked nor expired). */
  activeTokenIds(): Set<number> {
    const nowIso = this.now().toISOString();
    const rows = this.db.prepare('SELECT id FROM feed_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').all(nowIso) as { id: number }[];
    return new Set(rows.map((r) => r.id));
  }

  recordUse(id: number, at: string, address: string): void {
    this.touchStmt.run(at, address, id);
  }

  // ---------- runtime figures ----------

  /** Publishes one feed server's figures and clients; rows of processes silent for an hour go. */
  publishRuntime(process: string, status: Omit<FeedProcess, 'process' | 'updated_at'>): void {
    const now = this.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO feed_runtime (process, updated_at, status) VALUES (?, ?, ?)
           ON CONFLICT (process) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status`,
        )
        .run(process, now.toISOString(), JSON.stringify(status));
      this.db.prepare('DELETE FROM feed_runtime WHERE updated_at < ?').run(new Date(now.getTime() - 3_600_000).toISOString());
    })();
  }

  removeRuntime(process: string): void {
    this.db.prepare('DELETE FROM feed_runtime WHERE process = ?').run(process);
  }

  /** Feed servers that published within maxAgeMs (others are gone or hung). */
  listRuntime(maxAgeMs = 15_000): FeedProcess[] {
    const since = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const rows = this.db.prepare('SELECT process, updated_at, status FROM feed_runtime WHERE updated_at >= ? ORDER BY process').all(since) as {
      process: string;
      updated_at: string;
      status: string;
    }[];
    const out: FeedProcess[] = [];
    for (const r of rows) {
      try {
        const parsed = FeedProcess.safeParse({ process: r.process, updated_at: r.updated_at, ...(JSON.parse(r.status) as object) });
        if (parsed.success) out.push(parsed.data);
      } catch {
        // skip a row that does not parse
      }
    }
    return out;
  }
}
