import crypto from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import {
  SEVERITIES,
  alertHost,
  severityRank,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type AlertSort,
  type AlertStatus,
  type AlertsListResponse,
  type AlertDetail,
  type AlertEvent,
  type StatusChange,
} from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { alertTimeline } from './history.js';
import { parseObject, parseStringArray } from './json.js';
import { ipKey, ipKeyRange } from './ipkey.js';

/** An alerts row as stored (JSON arrays still text). */
export interface AlertRow {
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
  agent_id: string | null;
  agent_name: string | null;
  user: string | null;
  host: string | null;
  sensor: string | null;
}

const COLUMNS = [
  'id', 'source', 'severity', 'priority', 'status', 'title', 'rule_id', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto',
  'first_seen', 'last_seen', 'count', 'risk_score', 'technique_ids', 'tags', 'assignee', 'agent_id', 'agent_name', 'user', 'host', 'sensor',
] as const;

/** The columns an Alert is read from, optionally qualified with a table alias ("a."). */
export function alertColumns(prefix = ''): string {
  return COLUMNS.map((c) => `${prefix}${c}`).join(', ');
}

export const ALERT_COLUMNS = alertColumns();

/** Sort fields → SQL expressions (severity and priority sort by rank, P1 highest). */
const SORT_COLUMNS: Record<AlertSort['field'], string> = {
  last_seen: 'last_seen',
  first_seen: 'first_seen',
  risk_score: 'risk_score',
  count: 'count',
  severity: 'severity_rank',
  priority: "(CASE priority WHEN 'P1' THEN 4 WHEN 'P2' THEN 3 WHEN 'P3' THEN 2 ELSE 1 END)",
};

export function rowToAlert(r: AlertRow): Alert {
  const { agent_id, agent_name, ...rest } = r;
  return {
    ...rest,
    technique_ids: parseStringArray(r.technique_ids),
    tags: parseStringArray(r.tags),
    agent: agent_id === null && agent_name === null ? null : { id: agent_id, name: agent_name },
  };
}

/** A new alert as the pipeline (or a test) writes it; id and timestamps are assigned here. */
export type NewAlert = Omit<Alert, 'id' | 'status' | 'assignee' | 'tags' | 'technique_ids' | 'agent' | 'user' | 'host' | 'sensor'> &
  Partial<Pick<Alert, 'status' | 'assignee' | 'tags' | 'technique_ids' | 'agent' | 'user' | 'host' | 'sensor'>>;

/** A filter that parses but cannot be applied (e.g. a malformed CIDR block). */
export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

/**
 * Free text → an FTS5 query: every word must occur (AND), each as a prefix; punctuation inside a
 * word (10.0.0.5, T1110.001) becomes a phrase of its tokens. FTS syntax in the input is inert.
 */
export function ftsQuery(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  return terms.length ? terms.map((w) => `"${w}"*`).join(' ') : null;
}

/** The full-text "ips" column: addresses plus the agent and sensor names, so a search finds a host. */
export function ftsHosts(src: string | null, dst: string | null, agentName: string | null, sensor: string | null): string {
  return [src, dst, agentName, sensor].filter(Boolean).join(' ');
}

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
  if (filter.priority && filter.priority.length > 0) {
    clauses.push(`priority IN (${filter.priority.map(() => '?').join(',')})`);
    params.push(...filter.priority);
  }
  if (filter.source && filter.source.length > 0) {
    clauses.push(`source IN (${filter.source.map(() => '?').join(',')})`);
    params.push(...filter.source);
  }
  for (const [field, spec] of [['src_ip_key', filter.src_ip], ['dst_ip_key', filter.dst_ip]] as const) {
    if (spec === undefined) continue;
    const range = ipKeyRange(spec);
    if (!range) throw new InvalidFilterError(`${field.slice(0, 6)}: "${spec}" is not an IP address or CIDR block`);
    if (range.lo === range.hi) {
      clauses.push(`${field} = ?`);
      params.push(range.lo);
    } else {
      clauses.push(`${field} BETWEEN ? AND ?`);
      params.push(range.lo, range.hi);
    }
  }
  if (filter.technique) {
    const t = filter.technique.toUpperCase();
    clauses.push('EXISTS (SELECT 1 FROM json_each(alerts.technique_ids) WHERE value = ? OR value LIKE ?)');
    params.push(t, t.includes('.') ? t : `${t}.%`);
  }
  if (filter.assignee) {
    clauses.push('assignee = ?');
    params.push(filter.assignee);
  }
  if (filter.country) {
    clauses.push('src_country = ?');
    params.push(filter.country.toUpperCase());
  }
  if (filter.host) {
    // host holds the agent's name whenever there is one, so it stands for agent_name too; every
    // term is indexed, so SQLite answers the OR as a union of index lookups
    const key = ipKey(filter.host);
    clauses.push(`(host = ? OR agent_id = ? OR sensor = ?${key ? ' OR src_ip_key = ? OR dst_ip_key = ?' : ''})`);
    params.push(filter.host, filter.host, filter.host);
    if (key) params.push(key, key);
  }
  if (filter.rule_id) {
    clauses.push('rule_id = ?');
    params.push(filter.rule_id);
  }
  if (filter.text) {
    const match = ftsQuery(filter.text);
    if (match) {
      clauses.push('id IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?)');
      params.push(match);
    }
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

export class AlertsRepo {
  private readonly getStmt: Statement<[number], AlertRow>;
  private readonly insertStmt: Statement;
  private readonly setStatusStmt: Statement;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly changeStmt: Statement<[string, number, AlertStatus, AlertStatus, string, string]>;
  private readonly ftsStmt: Statement;
  private readonly outboxStmt: Statement;
  private readonly detailStmt: Statement<[number], { threat_type: string; confidence: number; detection: string; score_terms: string; enrichment: string }>;
  private readonly eventsStmt: Statement<[number, number], AlertEvent>;
  private readonly eventCountStmt: Statement<[number], { n: number }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getStmt = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto,
         first_seen, last_seen, count, risk_score, technique_ids, tags, assignee, created_at, updated_at, src_ip_key, dst_ip_key,
         agent_id, agent_name, user, host, sensor)
       VALUES (@source, @severity, @priority, @status, @title, @rule_id, @src_ip, @src_port, @dst_ip, @dst_port, @proto,
         @first_seen, @last_seen, @count, @risk_score, @technique_ids, @tags, @assignee, @created_at, @created_at, @src_ip_key, @dst_ip_key,
         @agent_id, @agent_name, @user, @host, @sensor)`,
    );
    this.ftsStmt = db.prepare('INSERT INTO alerts_fts (rowid, title, rule_id, ips, raw) VALUES (?, ?, ?, ?, ?)');
    this.outboxStmt = db.prepare('INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, ?, ?)');
    this.detailStmt = db.prepare(
      `SELECT a.threat_type, coalesce(d.confidence, 0) AS confidence, coalesce(d.detection, '{}') AS detection,
         coalesce(d.score_terms, '[]') AS score_terms, coalesce(d.enrichment, '{}') AS enrichment
       FROM alerts a LEFT JOIN alert_details d ON d.alert_id = a.id WHERE a.id = ?`,
    );
    this.eventsStmt = db.prepare(
      `SELECT id, ts, severity, title, src_ip, src_port, dst_ip, dst_port, risk_score, file, line, offset, raw
       FROM events WHERE alert_id = ? ORDER BY ts, id LIMIT ?`,
    );
    this.eventCountStmt = db.prepare('SELECT count(*) AS n FROM events WHERE alert_id = ?');
    // the first move out of NEW is the acknowledgement; the first close is the resolution
    this.setStatusStmt = db.prepare(
      `UPDATE alerts SET status = @status, updated_at = @ts,
         acknowledged_at = coalesce(acknowledged_at, CASE WHEN @status <> 'NEW' THEN @ts END),
         resolved_at = CASE WHEN @status IN ('RESOLVED','FALSE_POSITIVE') THEN coalesce(resolved_at, @ts) ELSE resolved_at END
       WHERE id = @id`,
    );
    this.countStmt = db.prepare('SELECT count(*) AS n FROM alerts');
    this.changeStmt = db.prepare(
      'INSERT OR REPLACE INTO status_changes (change_id, alert_id, from_status, to_status, ts, actor) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  get(id: number): Alert | null {
    const row = this.getStmt.get(id);
    return row ? rowToAlert(row) : null;
  }

  /** One page in the requested order (default newest first), keyset-paginated by (sort key, id). */
  list(filter: AlertFilter, limit: number, after?: AlertCursor, sort: AlertSort = { field: 'last_seen', dir: 'desc' }): AlertsListResponse {
    const where = alertWhere(filter);
    const col = SORT_COLUMNS[sort.field];
    const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
    let sql = `SELECT ${ALERT_COLUMNS}, ${col} AS sort_key FROM alerts WHERE ${where.sql}`;
    const params = [...where.params];
    if (after) {
      sql += ` AND (${col}, id) ${sort.dir === 'asc' ? '>' : '<'} (?, ?)`;
      params.push(after.k, after.id);
    }
    sql += ` ORDER BY ${col} ${dir}, id ${dir} LIMIT ?`;
    params.push(limit + 1);
    const rows = this.db.prepare<unknown[], AlertRow & { sort_key: string | number }>(sql).all(...params);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(({ sort_key: _k, ...r }) => rowToAlert(r)),
      next: more && last ? { k: last.sort_key, id: last.id } : null,
    };
  }

  insertMany(alerts: readonly NewAlert[]): number[] {
    const created = this.now().toISOString();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const a of alerts) {
        const { agent, ...fields } = a;
        const info = this.insertStmt.run({
          ...fields,
          agent_id: agent?.id ?? null,
          agent_name: agent?.name ?? null,
          user: a.user ?? null,
          host: a.host ?? alertHost({ agent: agent ?? null, dst_ip: a.dst_ip, src_ip: a.src_ip }),
          sensor: a.sensor ?? null,
          status: a.status ?? 'NEW',
          assignee: a.assignee ?? null,
          technique_ids: JSON.stringify(a.technique_ids ?? []),
          tags: JSON.stringify(a.tags ?? []),
          created_at: created,
          src_ip_key: ipKey(a.src_ip),
          dst_ip_key: ipKey(a.dst_ip),
        });
        const id = Number(info.lastInsertRowid);
        this.ftsStmt.run(id, a.title, a.rule_id ?? '', ftsHosts(a.src_ip, a.dst_ip, agent?.name ?? null, a.sensor ?? null), '');
        this.outboxStmt.run(id, 'new', created);
        ids.push(id);
      }
    })();
    return ids;
  }

  /**
   * Changes an alert's status and records who, when, from, to and the note in the audit log,
   * in one transaction, with the change in the undo log (status_changes) under `changeId`.
   * Returns null when the alert does not exist.
   */
  setStatus(id: number, status: AlertStatus, actor: string, note: string | null, changeId: string = crypto.randomUUID()): { alert: Alert; from: AlertStatus; change_id: string } | null {
    return this.db.transaction(() => {
      const before = this.getStmt.get(id);
      if (!before) return null;
      const ts = this.now().toISOString();
      this.setStatusStmt.run({ status, ts, id });
      this.outboxStmt.run(id, 'status', ts);
      this.audit.append({
        ts,
        actor,
        action: 'alert.status',
        target_type: 'alert',
        target_id: String(id),
        details: { from: before.status, to: status, note, change_id: changeId },
      });
      if (before.status !== status) this.changeStmt.run(changeId, id, before.status, status, ts, actor);
      return { alert: rowToAlert({ ...before, status }), from: before.status, change_id: changeId };
    }).immediate();
  }

  /**
   * Sets many alerts to one status in ONE transaction, with a history entry for each alert that
   * changed (tagged with the bulk job's id, which is also the change's id in the undo log).
   * Returns how many changed.
   */
  setStatusMany(ids: readonly number[], status: AlertStatus, actor: string, note: string | null, jobId: string): number {
    const getStatus = this.db.prepare<[number], { status: AlertStatus }>('SELECT status FROM alerts WHERE id = ?');
    return this.db.transaction(() => {
      const ts = this.now().toISOString();
      let changed = 0;
      for (const id of ids) {
        const before = getStatus.get(id);
        if (!before || before.status === status) continue;
        this.setStatusStmt.run({ status, ts, id });
        this.outboxStmt.run(id, 'status', ts);
        this.audit.append({ ts, actor, action: 'alert.status', target_type: 'alert', target_id: String(id), details: { from: before.status, to: status, note, job_id: jobId } });
        this.changeStmt.run(jobId, id, before.status, status, ts, actor);
        changed++;
      }
      return changed;
    }).immediate();
  }

  /** Assigns (or unassigns, with null) alerts; audited per alert. */
  assign(ids: readonly number[], assignee: string | null, actor: string): number {
    const stmt = this.db.prepare('UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ? AND assignee IS NOT ?');
    return this.db.transaction(() => {
      const ts = this.now().toISOString();
      let n = 0;
      for (const id of ids) {
        if (stmt.run(assignee, ts, id, assignee).changes === 0) continue;
        this.outboxStmt.run(id, 'updated', ts);
        this.audit.append({ ts, actor, action: 'alert.assign', target_type: 'alert', target_id: String(id), details: { assignee } });
        n++;
      }
      return n;
    }).immediate();
  }

  /** Everything the alert detail screen and `vigil alerts show` need. */
  detail(id: number, maxEvents = 200): Omit<AlertDetail, 'techniques' | 'priority_reason'> | null {
    const alert = this.get(id);
    const extra = this.detailStmt.get(id);
    if (!alert || !extra) return null;
    const terms = (() => {
      try {
        const v: unknown = JSON.parse(extra.score_terms);
        return Array.isArray(v) ? (v as AlertDetail['score_terms']) : [];
      } catch {
        return [];
      }
    })();
    return {
      alert,
      history: alertTimeline(this.audit, id),
      threat_type: extra.threat_type,
      confidence: extra.confidence,
      score_terms: terms,
      detection: parseObject(extra.detection),
      enrichment: parseObject(extra.enrichment),
      events: this.eventsStmt.all(id, maxEvents),
      events_total: this.eventCountStmt.get(id)!.n,
    };
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
