import type { Database, Statement } from 'better-sqlite3';
import type { Suppression } from '../contract/index.js';
import { parseObject } from './json.js';

interface SuppressionRow {
  id: number;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  reason: string;
  match: string;
  hits: number;
  last_hit_at: string | null;
  enabled: number;
}

/** The fields of an alert a rule's dropped events are compared with ("events like this alert"). */
export interface AlertKey {
  rule_id: string | null;
  src_ip: string | null;
  dst_ip: string | null;
}

/** Suppression rules: what the pipeline drops, who decided it, until when, and what it hid. */
/** An active rule as the pipeline compiles it. */
export interface ActiveSuppressionRow {
  id: number;
  expires_at: string | null;
  match: string;
}

export class SuppressionsRepo {
  private readonly getStmt: Statement<[number], SuppressionRow>;
  private readonly activeStmt: Statement<[string], ActiveSuppressionRow>;
  private readonly hitStmt: Statement<[number, string, number]>;
  private readonly hiddenStmt: Statement<[number, string | null, string | null, string | null], { n: number; last: string | null }>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getStmt = db.prepare('SELECT * FROM suppressions WHERE id = ?');
    this.activeStmt = db.prepare('SELECT id, expires_at, match FROM suppressions WHERE enabled = 1 AND (expires_at IS NULL OR expires_at > ?) ORDER BY id');
    this.hitStmt = db.prepare('UPDATE suppressions SET hits = hits + ?, last_hit_at = ? WHERE id = ?');
    // the partial index events_suppressed (suppressed_by, ts) holds only dropped events
    this.hiddenStmt = db.prepare(
      `SELECT count(*) AS n, max(ts) AS last FROM events
       WHERE suppressed_by = ? AND rule_id IS ? AND src_ip IS ? AND dst_ip IS ?`,
    );
  }

  private toSuppression(r: SuppressionRow, nowIso = this.now().toISOString()): Suppression {
    const state = r.enabled !== 1 ? 'disabled' : r.expires_at !== null && r.expires_at <= nowIso ? 'expired' : 'active';
    return { ...r, match: parseObject(r.match) as Suppression['match'], enabled: r.enabled === 1, state };
  }

  /** The enabled rules not expired at `nowIso`, oldest first (the pipeline's match order). */
  active(nowIso: string): ActiveSuppressionRow[] {
    return this.activeStmt.all(nowIso);
  }

  /** Counts events a rule hid (the pipeline, in its batch's transaction). */
  countHits(id: number, hits: number, ts: string): void {
    this.hitStmt.run(hits, ts, id);
  }

  /** Every rule, newest first. */
  list(): Suppression[] {
    const nowIso = this.now().toISOString();
    return (this.db.prepare('SELECT * FROM suppressions ORDER BY id DESC').all() as SuppressionRow[]).map((r) => this.toSuppression(r, nowIso));
  }

  get(id: number): Suppression | null {
    const r = this.getStmt.get(id);
    return r ? this.toSuppression(r) : null;
  }

  create(match: Record<string, unknown>, reason: string, actor: string, expiresAt: string | null): Suppression {
    const info = this.db
      .prepare('INSERT INTO suppressions (created_at, created_by, expires_at, reason, match) VALUES (?, ?, ?, ?, ?)')
      .run(this.now().toISOString(), actor, expiresAt, reason, JSON.stringify(match));
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Ends a rule now (its expiry becomes now, unless it is already over). Null when it does not exist. */
  expire(id: number): { before: Suppression; after: Suppression } | null {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return null;
      if (before.state === 'active') this.db.prepare('UPDATE suppressions SET expires_at = ? WHERE id = ?').run(this.now().toISOString(), id);
      return { before, after: this.get(id)! };
    }).immediate();
  }

  /** Deletes a rule; returns it as it was (for the audit log), or null when it did not exist. */
  remove(id: number): Suppression | null {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (before) this.db.prepare('DELETE FROM suppressions WHERE id = ?').run(id);
      return before;
    }).immediate();
  }

  /** How many events like an alert (same rule, source and destination) a rule dropped, and the last one's time. */
  hiddenLike(suppressionId: number, key: AlertKey): { hidden: number; last_hidden_at: string | null } {
    const r = this.hiddenStmt.get(suppressionId, key.rule_id, key.src_ip, key.dst_ip)!;
    return { hidden: r.n, last_hidden_at: r.last };
  }
}
