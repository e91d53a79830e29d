/**
 * Read models of the dashboard (counts by priority, the trend, the top lists, the ATT&CK cells)
 * and the saved alert filters. Times are ISO strings, compared as the alerts table stores them.
 */
import type { Database } from 'better-sqlite3';
import type { PRIORITIES, SEVERITIES } from '../contract/index.js';

/** One row of a "Top ..." list: its key, alerts and events, and for rules the newest title. */
export interface TopRow {
  key: string;
  alerts: number;
  events: number;
  label?: string;
}

/** The alerts' columns a "Top ..." list can group by (techniques have a list of their own). */
const TOP_COLUMNS = { src_ip: 'src_ip', dst_ip: 'dst_ip', rule: 'rule_id', country: 'src_country' } as const;
export type TopColumn = keyof typeof TOP_COLUMNS;

export interface SavedFilterRow {
  id: number;
  name: string;
  filter: string;
  created_at: string;
}

export class DashboardRepo {
  constructor(private readonly db: Database) {}

  /** Open alerts seen in [from, to), by priority. */
  openByPriority(from: string, to: string): { priority: (typeof PRIORITIES)[number]; n: number }[] {
    return this.db
      .prepare(
        "SELECT priority, count(*) AS n FROM alerts WHERE status IN ('NEW','ACKNOWLEDGED','INVESTIGATING') AND last_seen >= ? AND first_seen < ? GROUP BY priority",
      )
      .all(from, to) as { priority: (typeof PRIORITIES)[number]; n: number }[];
  }

  /** Alerts seen in [from, to) and the events they gathered. */
  inRange(from: string, to: string): { n: number; ev: number } {
    return this.db.prepare('SELECT count(*) AS n, coalesce(sum(count), 0) AS ev FROM alerts WHERE last_seen >= ? AND first_seen < ?').get(from, to) as { n: number; ev: number };
  }

  /** When the most recently seen alert was last seen (the alerts_seen index's first entry), or null. */
  newestAlertSeen(): string | null {
    return (this.db.prepare('SELECT last_seen FROM alerts ORDER BY last_seen DESC LIMIT 1').pluck().get() as string | undefined) ?? null;
  }

  /** Mean seconds to acknowledge and to resolve, of the alerts created in [from, to). */
  responseTimes(from: string, to: string): { mtta: number | null; mttr: number | null } {
    return this.db
      .prepare(
        `SELECT avg((julianday(acknowledged_at) - julianday(created_at)) * 86400.0) AS mtta,
                avg((julianday(resolved_at) - julianday(created_at)) * 86400.0) AS mttr
         FROM alerts WHERE created_at >= ? AND created_at < ?`,
      )
      .get(from, to) as { mtta: number | null; mttr: number | null };
  }

  /** Events received since a time. */
  eventsSince(since: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events WHERE received_at >= ?').get(since) as { n: number }).n;
  }

  quarantineTotal(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
  }

  /** New alerts (by first_seen) in [from, to) per bucket of `bucketS` seconds, by severity. */
  trend(from: string, to: string, bucketS: number): { b: number; severity: (typeof SEVERITIES)[number]; n: number }[] {
    return this.db
      .prepare(
        `SELECT CAST((julianday(first_seen) - julianday(?)) * 86400.0 / ? AS INTEGER) AS b, severity, count(*) AS n
         FROM alerts WHERE last_seen >= ? AND first_seen >= ? AND first_seen < ? GROUP BY b, severity`,
      )
      .all(from, bucketS, from, from, to) as { b: number; severity: (typeof SEVERITIES)[number]; n: number }[];
  }

  /** ATT&CK techniques of the alerts seen in [from, to), most alerts first. */
  topTechniques(from: string, to: string, limit: number): TopRow[] {
    return this.db
      .prepare(
        `SELECT j.value AS key, count(*) AS alerts, sum(a.count) AS events FROM alerts a, json_each(a.technique_ids) j
         WHERE a.last_seen >= ? AND a.first_seen < ? GROUP BY j.value ORDER BY alerts DESC LIMIT ?`,
      )
      .all(from, to, limit) as TopRow[];
  }

  /** Alerts seen in [from, to) by one column, most events first (rules with their newest title). */
  top(field: TopColumn, from: string, to: string, limit: number): TopRow[] {
    const col = TOP_COLUMNS[field];
    const label = field === 'rule' ? ', max(title) AS label' : '';
    return this.db
      .prepare(
        `SELECT ${col} AS key, count(*) AS alerts, sum(count) AS events${label} FROM alerts
         WHERE last_seen >= ? AND first_seen < ? AND ${col} IS NOT NULL AND ${col} <> '' GROUP BY ${col} ORDER BY events DESC, alerts DESC LIMIT ?`,
      )
      .all(from, to, limit) as TopRow[];
  }

  /** Alerts per technique seen in [from, to), sub-techniques counted under their parent. */
  attackCells(from: string, to: string): { tid: string; n: number }[] {
    return this.db
      .prepare(
        `SELECT CASE WHEN instr(j.value, '.') > 0 THEN substr(j.value, 1, instr(j.value, '.') - 1) ELSE j.value END AS tid, count(DISTINCT a.id) AS n
         FROM alerts a, json_each(a.technique_ids) j WHERE a.last_seen >= ? AND a.first_seen < ? GROUP BY tid`,
      )
      .all(from, to) as { tid: string; n: number }[];
  }

  // ---------- saved filters ----------

  savedFilters(): SavedFilterRow[] {
    return this.db.prepare('SELECT id, name, filter, created_at FROM saved_filters ORDER BY name').all() as SavedFilterRow[];
  }

  /** Saves a filter by name (a name saved again is replaced). */
  saveFilter(name: string, filterJson: string, ts: string, actor: string): void {
    this.db
      .prepare(
        `INSERT INTO saved_filters (name, filter, created_at, created_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET filter = excluded.filter, created_at = excluded.created_at, created_by = excluded.created_by`,
      )
      .run(name, filterJson, ts, actor);
  }

  removeSavedFilter(id: number): boolean {
    return this.db.prepare('DELETE FROM saved_filters WHERE id = ?').run(id).changes > 0;
  }
}
