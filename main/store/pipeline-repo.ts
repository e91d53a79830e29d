import type { Database, Statement } from 'better-sqlite3';
import type { PipelineMetrics, PipelineStatus, QuarantineItem, SourceStatus, Suppression } from '../contract/index.js';
import { parseObject } from './json.js';

interface SourceRow {
  id: string;
  kind: SourceStatus['kind'];
  format: SourceStatus['format'];
  path: string | null;
  enabled: number;
  cursor_dev: number | null;
  cursor_ino: number | null;
  cursor_offset: number;
  lines_read: number;
  events: number;
  skipped: number;
  quarantined: number;
  alerts_created: number;
  alerts_updated: number;
  suppressed: number;
  last_event_at: string | null;
  last_error: string | null;
  updated_at: string;
}

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

export interface OutboxEntry {
  seq: number;
  alert_id: number;
  kind: 'new' | 'updated' | 'status';
  ts: string;
}

function toSource(r: SourceRow): SourceStatus {
  return {
    id: r.id,
    kind: r.kind,
    format: r.format,
    path: r.path,
    enabled: r.enabled === 1,
    cursor: { dev: r.cursor_dev, ino: r.cursor_ino, offset: r.cursor_offset },
    lines_read: r.lines_read,
    events: r.events,
    skipped: r.skipped,
    quarantined: r.quarantined,
    alerts_created: r.alerts_created,
    alerts_updated: r.alerts_updated,
    suppressed: r.suppressed,
    last_event_at: r.last_event_at,
    last_error: r.last_error,
    updated_at: r.updated_at,
  };
}

function toSuppression(r: SuppressionRow): Suppression {
  return { ...r, match: parseObject(r.match) as Suppression['match'], enabled: r.enabled === 1 };
}

/** Raw events of an alert that is in a case are evidence: retention leaves them alone. */
const NOT_HELD = 'NOT EXISTS (SELECT 1 FROM case_alerts c WHERE c.alert_id = events.alert_id)';

/** Sources and cursors, quarantine, suppressions, retention, runtime figures and the alert outbox. */
export class PipelineRepo {
  private readonly getSourceStmt: Statement<[string], SourceRow>;
  private readonly outboxStmt: Statement<[number, number], OutboxEntry>;
  private readonly outboxMaxStmt: Statement<[], { seq: number | null }>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getSourceStmt = db.prepare('SELECT * FROM sources WHERE id = ?');
    this.outboxStmt = db.prepare('SELECT seq, alert_id, kind, ts FROM alert_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.outboxMaxStmt = db.prepare('SELECT max(seq) AS seq FROM alert_outbox');
  }

  /** Creates the source row if it does not exist yet; returns it. */
  ensureSource(id: string, kind: SourceStatus['kind'], format: SourceStatus['format'], path: string | null): SourceStatus {
    const ts = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO sources (id, kind, format, path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING`,
      )
      .run(id, kind, format, path, ts, ts);
    return toSource(this.getSourceStmt.get(id)!);
  }

  getSource(id: string): SourceStatus | null {
    const r = this.getSourceStmt.get(id);
    return r ? toSource(r) : null;
  }

  listSources(): SourceStatus[] {
    return (this.db.prepare('SELECT * FROM sources ORDER BY created_at, id').all() as SourceRow[]).map(toSource);
  }

  setSourceEnabled(id: string, enabled: boolean): boolean {
    return this.db.prepare('UPDATE sources SET enabled = ?, updated_at = ? WHERE id = ?').run(enabled ? 1 : 0, this.now().toISOString(), id).changes > 0;
  }

  setSourceError(id: string, error: string | null): void {
    this.db.prepare('UPDATE sources SET last_error = ?, updated_at = ? WHERE id = ?').run(error, this.now().toISOString(), id);
  }

  removeSource(id: string): boolean {
    return this.db.prepare('DELETE FROM sources WHERE id = ?').run(id).changes > 0;
  }

  listQuarantine(limit: number, beforeId?: number, sourceId?: string): { items: QuarantineItem[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (beforeId !== undefined) {
      where.push('id < ?');
      params.push(beforeId);
    }
    if (sourceId !== undefined) {
      where.push('source_id = ?');
      params.push(sourceId);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const items = this.db.prepare(`SELECT * FROM quarantine ${w} ORDER BY id DESC LIMIT ?`).all(...params, limit) as QuarantineItem[];
    const totalWhere = sourceId !== undefined ? 'WHERE source_id = ?' : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM quarantine ${totalWhere}`).get(...(sourceId !== undefined ? [sourceId] : [])) as { n: number }).n;
    return { items, total };
  }

  listSuppressions(): Suppression[] {
    return (this.db.prepare('SELECT * FROM suppressions ORDER BY id DESC').all() as SuppressionRow[]).map(toSuppression);
  }

  createSuppression(match: Record<string, unknown>, reason: string, actor: string, expiresAt: string | null): Suppression {
    const info = this.db
      .prepare('INSERT INTO suppressions (created_at, created_by, expires_at, reason, match) VALUES (?, ?, ?, ?, ?)')
      .run(this.now().toISOString(), actor, expiresAt, reason, JSON.stringify(match));
    return toSuppression(this.db.prepare('SELECT * FROM suppressions WHERE id = ?').get(Number(info.lastInsertRowid)) as SuppressionRow);
  }

  removeSuppression(id: number): boolean {
    return this.db.prepare('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0;
  }

  /** Publishes this process's figures for `vigil status` and other processes. */
  publishMetrics(process: string, metrics: PipelineMetrics): void {
    this.db
      .prepare('INSERT INTO runtime_metrics (process, updated_at, metrics) VALUES (?, ?, ?) ON CONFLICT(process) DO UPDATE SET updated_at = excluded.updated_at, metrics = excluded.metrics')
      .run(process, this.now().toISOString(), JSON.stringify(metrics));
  }

  clearMetrics(process: string): void {
    this.db.prepare('DELETE FROM runtime_metrics WHERE process = ?').run(process);
  }

  status(staleAfterMs = 15_000): PipelineStatus {
    const now = this.now().getTime();
    const minuteAgo = new Date(now - 60_000).toISOString();
    const fresh = new Date(now - staleAfterMs).toISOString();
    const one = (sql: string, ...p: unknown[]) => (this.db.prepare(sql).get(...p) as { n: number | null }).n ?? 0;
    const processes = (this.db.prepare('SELECT process, updated_at, metrics FROM runtime_metrics WHERE updated_at >= ? ORDER BY process').all(fresh) as {
      process: string;
      updated_at: string;
      metrics: string;
    }[]).map((r) => ({ process: r.process, updated_at: r.updated_at, metrics: JSON.parse(r.metrics) as PipelineMetrics }));
    const bounds = this.db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events').get() as { lo: number | null; hi: number | null };
    return {
      sources: this.listSources(),
      processes,
      events_last_min: one('SELECT count(*) AS n FROM events WHERE received_at >= ?', minuteAgo),
      alerts_last_min: one('SELECT count(*) AS n FROM alert_outbox WHERE kind = ? AND ts >= ?', 'new', minuteAgo),
      quarantine_total: one('SELECT count(*) AS n FROM quarantine'),
      alerts_total: one('SELECT count(*) AS n FROM alerts'),
      events_retained: bounds.hi === null ? 0 : one('SELECT count(*) AS n FROM events'),
    };
  }

  /**
   * Deletes raw events older than maxAgeDays (events of alerts in a case are held: they are the
   * case's evidence), then the oldest beyond maxRows, at most `batch` rows
   * per call so writers are never blocked for long. Returns how many rows went.
   */
  pruneEvents(maxAgeDays: number, maxRows: number, batch = 5000): number {
    const cutoff = new Date(this.now().getTime() - maxAgeDays * 86_400_000).toISOString();
    let removed = this.db
      .prepare(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ? AND ${NOT_HELD} ORDER BY id LIMIT ?)`)
      .run(cutoff, batch).changes;
    if (removed < batch) {
      const hi = (this.db.prepare('SELECT max(id) AS hi FROM events').get() as { hi: number | null }).hi;
      if (hi !== null) {
        removed += this.db
          .prepare(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= ? AND ${NOT_HELD} ORDER BY id LIMIT ?)`)
          .run(hi - maxRows, batch - removed).changes;
      }
    }
    return removed;
  }

  outboxSince(seq: number, limit: number): OutboxEntry[] {
    return this.outboxStmt.all(seq, limit);
  }

  outboxHead(): number {
    return this.outboxMaxStmt.get()!.seq ?? 0;
  }
}
