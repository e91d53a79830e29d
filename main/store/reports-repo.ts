import type { Database } from 'better-sqlite3';
import {
  ALERT_STATUSES,
  PRIORITIES,
  SEVERITIES,
  type AlertFilter,
  type AlertStatus,
  type ManifestFile,
  type Priority,
  type ReportFormat,
  type ReportQuery,
  type ReportRecord,
  type Severity,
} from '../contract/index.js';
import { ALERT_COLUMNS, alertWhere, rowToAlert, type AlertRow } from './alerts-repo.js';
import type { Alert } from '../contract/index.js';

export interface AlertsSummaryFigures {
  alerts: number;
  events: number;
  by_severity: Record<Severity, number>;
  by_status: Record<AlertStatus, number>;
  by_priority: Record<Priority, number>;
  /** Mean seconds from creation to first acknowledgement / resolution (alerts that have one). */
  mtta_s: number | null;
  mttr_s: number | null;
  acknowledged: number;
  resolved: number;
  in_cases: number;
  sources: number;
  first_seen: string | null;
  last_seen: string | null;
}

export interface TopRow {
  key: string;
  label: string;
  alerts: number;
  events: number;
}

export interface EventRow {
  id: number;
  alert_id: number;
  ts: string;
  source: string;
  severity: string;
  title: string;
  src_ip: string | null;
  dst_ip: string | null;
  file: string | null;
  line: number | null;
  raw: string;
}

interface ReportRow {
  id: number;
  kind: ReportRecord['kind'];
  title: string;
  params: string;
  formats: string;
  dir: string;
  state: ReportRecord['state'];
  error: string | null;
  files: string;
  created_at: string;
  created_by: string;
  finished_at: string | null;
}

function toRecord(r: ReportRow): ReportRecord {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    query: JSON.parse(r.params) as ReportQuery,
    formats: JSON.parse(r.formats) as ReportFormat[],
    dir: r.dir,
    state: r.state,
    error: r.error,
    files: JSON.parse(r.files) as ManifestFile[],
    created_at: r.created_at,
    created_by: r.created_by,
    finished_at: r.finished_at,
  };
}

/**
 * Read models of the reports (aggregates over a filtered set of alerts, streamed rows) and the
 * record of reports written. Aggregates use the same WHERE clause as the rows, so every figure of
 * a summary adds up to the rows of its alerts.csv.
 */
export class ReportsRepo {
  constructor(private readonly db: Database) {}

  /** Highest row ids now: with the query, what the report can be rebuilt from. */
  dataAsOf(): { alert_id: number; event_id: number; audit_id: number } {
    const max = (t: string) => (this.db.prepare(`SELECT coalesce(max(id), 0) AS n FROM ${t}`).get() as { n: number }).n;
    return { alert_id: max('alerts'), event_id: max('events'), audit_id: max('audit_log') };
  }

  summary(filter: AlertFilter): AlertsSummaryFigures {
    const w = alertWhere(filter);
    const row = this.db
      .prepare(
        `SELECT count(*) AS alerts, coalesce(sum(count), 0) AS events, count(acknowledged_at) AS acknowledged, count(resolved_at) AS resolved,
           avg(CASE WHEN acknowledged_at IS NOT NULL THEN (julianday(acknowledged_at) - julianday(created_at)) * 86400.0 END) AS mtta,
           avg(CASE WHEN resolved_at IS NOT NULL THEN (julianday(resolved_at) - julianday(created_at)) * 86400.0 END) AS mttr,
           count(DISTINCT src_ip) AS sources, min(first_seen) AS first_seen, max(last_seen) AS last_seen
         FROM alerts WHERE ${w.sql}`,
      )
      .get(...w.params) as {
      alerts: number;
      events: number;
      acknowledged: number;
      resolved: number;
      mtta: number | null;
      mttr: number | null;
      sources: number;
      first_seen: string | null;
      last_seen: string | null;
    };
    const group = <K extends string>(col: string, keys: readonly K[]): Record<K, number> => {
      const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
      for (const r of this.db.prepare(`SELECT ${col} AS k, count(*) AS n FROM alerts WHERE ${w.sql} GROUP BY ${col}`).all(...w.params) as { k: K; n: number }[]) out[r.k] = r.n;
      return out;
    };
    const inCases = (this.db.prepare(`SELECT count(*) AS n FROM alerts WHERE ${w.sql} AND id IN (SELECT alert_id FROM case_alerts)`).get(...w.params) as { n: number }).n;
    const secs = (v: number | null) => (v === null ? null : Math.round(Math.max(0, v)));
    return {
      alerts: row.alerts,
      events: row.events,
      by_severity: group('severity', SEVERITIES),
      by_status: group('status', ALERT_STATUSES),
      by_priority: group('priority', PRIORITIES),
      mtta_s: secs(row.mtta),
      mttr_s: secs(row.mttr),
      acknowledged: row.acknowledged,
      resolved: row.resolved,
      in_cases: inCases,
      sources: row.sources,
      first_seen: row.first_seen,
      last_seen: row.last_seen,
    };
  }

  /** New alerts per bucket (by first_seen) within [from, to), by severity. */
  trend(filter: AlertFilter, from: string, to: string, buckets: number): { bucket_s: number; points: ({ t: string } & Record<Severity, number>)[] } {
    const f = Date.parse(from);
    const t = Date.parse(to);
    const bucketS = Math.max(1, Math.ceil((t - f) / 1000 / buckets));
    const n = Math.max(1, Math.ceil((t - f) / 1000 / bucketS));
    const points = Array.from({ length: n }, (_, i) => ({ t: new Date(f + i * bucketS * 1000).toISOString(), info: 0, low: 0, medium: 0, high: 0, critical: 0 }));
    const w = alertWhere(filter);
    const rows = this.db
      .prepare(
        `SELECT CAST((julianday(first_seen) - julianday(?)) * 86400.0 / ? AS INTEGER) AS b, severity, count(*) AS n
         FROM alerts WHERE ${w.sql} GROUP BY b, severity`,
      )
      .all(new Date(f).toISOString(), bucketS, ...w.params) as { b: number; severity: Severity; n: number }[];
    for (const r of rows) {
      const p = points[Math.min(Math.max(r.b, 0), n - 1)];
      if (p) p[r.severity] += r.n;
    }
    return { bucket_s: bucketS, points };
  }

  /** Top values of a column among the filtered alerts, by events then alerts. */
  top(filter: AlertFilter, field: 'src_ip' | 'dst_ip' | 'rule' | 'country' | 'source', limit: number): TopRow[] {
    const w = alertWhere(filter);
    const col = { src_ip: 'src_ip', dst_ip: 'dst_ip', rule: 'rule_id', country: 'src_country', source: 'source' }[field];
    const label = field === 'rule' ? 'max(title)' : col;
    return this.db
      .prepare(
        `SELECT ${col} AS key, ${label} AS label, count(*) AS alerts, sum(count) AS events FROM alerts
         WHERE ${w.sql} AND ${col} IS NOT NULL AND ${col} <> '' GROUP BY ${col} ORDER BY events DESC, alerts DESC, key LIMIT ?`,
      )
      .all(...w.params, limit) as TopRow[];
  }

  /** Alerts per ATT&CK technique (as recorded: sub-techniques kept). */
  techniques(filter: AlertFilter): { id: string; alerts: number; events: number }[] {
    const w = alertWhere(filter);
    return this.db
      .prepare(
        `SELECT j.value AS id, count(*) AS alerts, sum(alerts.count) AS events FROM alerts, json_each(alerts.technique_ids) j
         WHERE ${w.sql} GROUP BY j.value ORDER BY alerts DESC, j.value`,
      )
      .all(...w.params) as { id: string; alerts: number; events: number }[];
  }

  /** The highest-risk alerts (for the summary's table; every alert is in the CSV). */
  topAlerts(filter: AlertFilter, limit: number): Alert[] {
    const w = alertWhere(filter);
    return (this.db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${w.sql} ORDER BY risk_score DESC, last_seen DESC, id DESC LIMIT ?`).all(...w.params, limit) as AlertRow[]).map(rowToAlert);
  }

  /** Every filtered alert in id order, a page at a time (bounded memory). */
  *iterateAlerts(filter: AlertFilter, pageSize = 1000): IterableIterator<Alert[]> {
    const w = alertWhere(filter);
    const stmt = this.db.prepare<unknown[], AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${w.sql} AND id > ? ORDER BY id LIMIT ?`);
    let after = 0;
    for (;;) {
      const rows = stmt.all(...w.params, after, pageSize);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.id;
      yield rows.map(rowToAlert);
    }
  }

  /** Cases opened in a time range, by status. */
  casesOpened(from: string, to: string): { status: string; n: number }[] {
    return this.db.prepare('SELECT status, count(*) AS n FROM cases WHERE created_at >= ? AND created_at < ? GROUP BY status').all(from, to) as { status: string; n: number }[];
  }

  // ---------- a case's rows ----------
  caseEventCount(caseId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM case_alerts x JOIN events e ON e.alert_id = x.alert_id WHERE x.case_id = ?').get(caseId) as { n: number }).n;
  }

  /** The raw events of a case's alerts, in (alert, time) order, a page at a time. */
  *iterateCaseEvents(caseId: number, pageSize = 1000): IterableIterator<EventRow[]> {
    const stmt = this.db.prepare<[number, number, number, number], EventRow>(
      `SELECT e.id, e.alert_id, e.ts, e.source, e.severity, e.title, e.src_ip, e.dst_ip, e.file, e.line, e.raw
       FROM case_alerts x JOIN events e ON e.alert_id = x.alert_id
       WHERE x.case_id = ? AND (e.alert_id, e.id) > (?, ?) ORDER BY e.alert_id, e.id LIMIT ?`,
    );
    let after: [number, number] = [0, 0];
    for (;;) {
      const rows = stmt.all(caseId, after[0], after[1], pageSize);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      after = [last.alert_id, last.id];
      yield rows;
    }
  }

  /** The first `perAlert` events of each alert of a case, at most `max` in all (the printed excerpt). */
  caseEventExcerpt(caseId: number, perAlert: number, max: number): EventRow[] {
    return this.db
      .prepare(
        `SELECT id, alert_id, ts, source, severity, title, src_ip, dst_ip, file, line, raw FROM (
           SELECT e.*, row_number() OVER (PARTITION BY e.alert_id ORDER BY e.ts, e.id) AS rn
           FROM case_alerts x JOIN events e ON e.alert_id = x.alert_id WHERE x.case_id = ?
         ) WHERE rn <= ? ORDER BY ts, id LIMIT ?`,
      )
      .all(caseId, perAlert, max) as EventRow[];
  }

  // ---------- the record of reports ----------
  create(r: { kind: ReportRecord['kind']; title: string; query: ReportQuery; formats: readonly ReportFormat[]; dir: string; created_at: string; created_by: string }): number {
    return Number(
      this.db
        .prepare("INSERT INTO reports (kind, title, params, formats, dir, state, created_at, created_by) VALUES (?, ?, ?, ?, ?, 'running', ?, ?)")
        .run(r.kind, r.title, JSON.stringify(r.query), JSON.stringify(r.formats), r.dir, r.created_at, r.created_by).lastInsertRowid,
    );
  }

  finish(id: number, state: 'done' | 'failed', files: readonly ManifestFile[], error: string | null, ts: string): void {
    this.db.prepare('UPDATE reports SET state = ?, files = ?, error = ?, finished_at = ? WHERE id = ?').run(state, JSON.stringify(files), error, ts, id);
  }

  get(id: number): ReportRecord | null {
    const r = this.db.prepare<[number], ReportRow>('SELECT * FROM reports WHERE id = ?').get(id);
    return r ? toRecord(r) : null;
  }

  list(limit: number, caseId?: number): ReportRecord[] {
    const rows = caseId
      ? this.db.prepare<[number, number], ReportRow>("SELECT * FROM reports WHERE kind = 'case' AND json_extract(params, '$.case_id') = ? ORDER BY id DESC LIMIT ?").all(caseId, limit)
      : this.db.prepare<[number], ReportRow>('SELECT * FROM reports ORDER BY id DESC LIMIT ?').all(limit);
    return rows.map(toRecord);
  }
}
