import type { Database, Statement } from 'better-sqlite3';
import {
  SEVERITIES,
  severityRank,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type AlertStatus,
  type AlertsListResponse,
  type StatusChange,
} from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { parseStringArray } from './json.js';

interface AlertRow {
  id: number;
  source: string;
  severity: Alert['severity'];
  priority: Alert['priority'];
  status: AlertStatus;
  title: string;
  rule_id: string | null;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  proto: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  risk_score: number;
  technique_ids: string;
  tags: string;
  assignee: string | null;
}

const ALERT_COLUMNS =
  'id, source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto, ' +
  'first_seen, last_seen, count, risk_score, technique_ids, tags, assignee';

export function rowToAlert(r: AlertRow): Alert {
  return { ...r, technique_ids: parseStringArray(r.technique_ids), tags: parseStringArray(r.tags) };
}

/** A new alert as the pipeline (or a test) writes it; id and timestamps are assigned here. */
export type NewAlert = Omit<Alert, 'id' | 'status' | 'assignee' | 'tags' | 'technique_ids'> &
  Partial<Pick<Alert, 'status' | 'assignee' | 'tags' | 'technique_ids'>>;

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

/** Builds the WHERE clause for a filter; shared by listing, counting and bulk updates. */
export function alertWhere(filter: AlertFilter): SqlWhere {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.severity && filter.severity.length > 0) {
    clauses.push(`severity IN (${filter.severity.map(() => '?').join(',')})`);
    params.push(...filter.severity);
  }
  if (filter.min_severity) {
    const allowed = SEVERITIES.filter((s) => severityRank(s) >= severityRank(filter.min_severity!));
    clauses.push(`severity IN (${allowed.map(() => '?').join(',')})`);
    params.push(...allowed);
  }
  if (filter.status && filter.status.length > 0) {
    clauses.push(`status IN (${filter.status.map(() => '?').join(',')})`);
    params.push(...filter.status);
  }
  if (filter.from) {
    clauses.push('last_seen >= ?');
    params.push(new Date(filter.from).toISOString());
  }
  if (filter.to) {
    clauses.push('last_seen < ?');
    params.push(new Date(filter.to).toISOString());
  }
  if (filter.text) {
    const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(
      "(title LIKE ? ESCAPE '\\' OR rule_id LIKE ? ESCAPE '\\' OR src_ip LIKE ? ESCAPE '\\' OR dst_ip LIKE ? ESCAPE '\\')",
    );
    params.push(like, like, like, like);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

export class AlertsRepo {
  private readonly getStmt: Statement<[number], AlertRow>;
  private readonly insertStmt: Statement;
  private readonly setStatusStmt: Statement;
  private readonly countStmt: Statement<[], { n: number }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getStmt = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto,
         first_seen, last_seen, count, risk_score, technique_ids, tags, assignee, created_at, updated_at)
       VALUES (@source, @severity, @priority, @status, @title, @rule_id, @src_ip, @src_port, @dst_ip, @dst_port, @proto,
         @first_seen, @last_seen, @count, @risk_score, @technique_ids, @tags, @assignee, @created_at, @created_at)`,
    );
    this.setStatusStmt = db.prepare('UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM alerts');
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  get(id: number): Alert | null {
    const row = this.getStmt.get(id);
    return row ? rowToAlert(row) : null;
  }

  /** One page, newest first, keyset-paginated by (last_seen, id). */
  list(filter: AlertFilter, limit: number, after?: AlertCursor): AlertsListResponse {
    const where = alertWhere(filter);
    let sql = `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${where.sql}`;
    const params = [...where.params];
    if (after) {
      sql += ' AND (last_seen, id) < (?, ?)';
      params.push(after.last_seen, after.id);
    }
    sql += ' ORDER BY last_seen DESC, id DESC LIMIT ?';
    params.push(limit + 1);
    const rows = this.db.prepare<unknown[], AlertRow>(sql).all(...params);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToAlert);
    const last = items[items.length - 1];
    return { items, next: more && last ? { last_seen: last.last_seen, id: last.id } : null };
  }

  insertMany(alerts: readonly NewAlert[]): number[] {
    const created = this.now().toISOString();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const a of alerts) {
        const info = this.insertStmt.run({
          ...a,
          status: a.status ?? 'NEW',
          assignee: a.assignee ?? null,
          technique_ids: JSON.stringify(a.technique_ids ?? []),
          tags: JSON.stringify(a.tags ?? []),
          created_at: created,
        });
        ids.push(Number(info.lastInsertRowid));
      }
    })();
    return ids;
  }

  /**
   * Changes an alert's status and records who, when, from, to and the note in the audit log,
   * in one transaction. Returns null when the alert does not exist.
   */
  setStatus(id: number, status: AlertStatus, actor: string, note: string | null): { alert: Alert; from: AlertStatus } | null {
    return this.db.transaction(() => {
      const before = this.getStmt.get(id);
      if (!before) return null;
      const ts = this.now().toISOString();
      this.setStatusStmt.run(status, ts, id);
      this.audit.append({
        ts,
        actor,
        action: 'alert.status',
        target_type: 'alert',
        target_id: String(id),
        details: { from: before.status, to: status, note },
      });
      return { alert: rowToAlert({ ...before, status }), from: before.status };
    }).immediate();
  }

  history(id: number): StatusChange[] {
    return this.audit.forTarget('alert', String(id), 'alert.status').map((e) => ({
      ts: e.ts,
      actor: e.actor,
      from: e.details['from'] as AlertStatus,
      to: e.details['to'] as AlertStatus,
      note: typeof e.details['note'] === 'string' ? e.details['note'] : null,
    }));
  }
}
