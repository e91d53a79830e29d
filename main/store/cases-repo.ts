import type { Database, Statement } from 'better-sqlite3';
import {
  ALERT_STATUSES,
  SEVERITIES,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type Case,
  type CaseCursor,
  type CaseDetail,
  type CaseFilter,
  type CaseNote,
  type CaseRecord,
  type CaseRecordCursor,
  type CaseResolution,
  type CaseStatus,
  type Evidence,
  type EventDetail,
  type NewCase,
  type Observable,
  type ObservableType,
  type Severity,
  type AlertStatus,
  type Tlp,
  type TimelineItem,
} from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { ALERT_COLUMNS, alertColumns, alertWhere, rowToAlert, type AlertRow } from './alerts-repo.js';
import { parseStringArray } from './json.js';
import { placeholders } from './sql.js';

interface CaseRow {
  id: number;
  title: string;
  description: string;
  severity: Severity;
  status: CaseStatus;
  resolution: CaseResolution | null;
  closure_note: string | null;
  assignee: string | null;
  tags: string;
  tlp: Tlp;
  merged_into: number | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  closed_at: string | null;
  alert_count: number;
  observable_count: number;
  ioc_count: number;
}

const CASE_SELECT = `SELECT c.id, c.title, c.description, c.severity, c.status, c.resolution, c.closure_note, c.assignee, c.tags, c.tlp,
    c.merged_into, c.created_at, c.created_by, c.updated_at, c.closed_at,
    (SELECT count(*) FROM case_alerts x WHERE x.case_id = c.id) AS alert_count,
    (SELECT count(*) FROM case_observables o WHERE o.case_id = c.id) AS observable_count,
    (SELECT count(*) FROM case_observables o WHERE o.case_id = c.id AND o.ioc = 1) AS ioc_count
  FROM cases c`;

function rowToCase(r: CaseRow): Case {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    resolution: r.resolution,
    assignee: r.assignee,
    tags: parseStringArray(r.tags),
    tlp: r.tlp,
    merged_into: r.merged_into,
    alert_count: r.alert_count,
    observable_count: r.observable_count,
    ioc_count: r.ioc_count,
    created_at: r.created_at,
    created_by: r.created_by,
    updated_at: r.updated_at,
    closed_at: r.closed_at,
  };
}

interface ObservableRow {
  id: number;
  case_id: number;
  type: ObservableType;
  value: string;
  ioc: number;
  origin: 'extracted' | 'manual';
  description: string | null;
  alerts: number;
  events: number;
  records: number;
  last_seen: string | null;
  created_at: string;
  created_by: string;
}

const OBSERVABLE_SELECT = `SELECT o.id, o.case_id, o.type, o.value, o.ioc, o.origin, o.description, o.created_at, o.created_by,
    coalesce((SELECT count(*) FROM case_observable_sightings s WHERE s.observable_id = o.id AND s.source_kind = 'alert'), 0) AS alerts,
    coalesce((SELECT sum(s.events) FROM case_observable_sightings s WHERE s.observable_id = o.id AND s.source_kind = 'alert'), 0) AS events,
    (SELECT count(*) FROM case_observable_sightings s WHERE s.observable_id = o.id AND s.source_kind = 'record') AS records,
    (SELECT max(t) FROM (
       SELECT a.last_seen AS t FROM case_observable_sightings s JOIN alerts a ON a.id = s.source_id WHERE s.observable_id = o.id AND s.source_kind = 'alert'
       UNION ALL SELECT r.ts FROM case_observable_sightings s JOIN case_records r ON r.id = s.source_id WHERE s.observable_id = o.id AND s.source_kind = 'record')) AS last_seen
  FROM case_observables o`;

function rowToObservable(r: ObservableRow): Observable {
  return { ...r, ioc: r.ioc === 1 };
}

/** A note as stored (the service adds its rendered HTML). */
export type NoteRow = Omit<CaseNote, 'html'>;

/** A typed value seen in one source record, and in how many of its raw events. */
export interface Sighting {
  type: ObservableType;
  value: string;
  events: number;
}

/** One row of the merged timeline before the service words it. */
export interface TimelineRow {
  kind: TimelineItem['kind'];
  ts: string;
  title: string;
  body: string | null;
  actor: string | null;
  ref: number;
  severity: Severity | null;
  action: string | null;
  details: string | null;
}

export interface TimelineCursor {
  ts: string;
  kind: string;
  ref: number;
}

/** A record to keep with a case: as Hunt reads it, with its timeline title, its raw line's hash and what it shows. */
export interface KeptRecord {
  record: EventDetail;
  title: string;
  sha256: string;
  sightings: readonly Sighting[];
}

const CASE_RECORD_COLUMNS =
  'id, record_id, ts, event_type, sensor, source_id, src_ip, src_port, dst_ip, dst_port, proto, app_proto, flow_id, community_id, summary, title, raw, file, sha256, added_at, added_by';
type CaseRecordRow = Omit<CaseRecord, 'summary'> & { summary: string };

function caseRecordOf(r: CaseRecordRow): CaseRecord {
  return { ...r, summary: JSON.parse(r.summary) as CaseRecord['summary'] };
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Cases and everything they hold. All SQL of the cases capability lives here. */
export class CasesRepo {
  private readonly getStmt: Statement<[number], CaseRow>;
  private readonly caseOfStmt: Statement<[number], { case_id: number }>;
  private readonly touchStmt: Statement;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getStmt = db.prepare(`${CASE_SELECT} WHERE c.id = ?`);
    this.caseOfStmt = db.prepare('SELECT case_id FROM case_alerts WHERE alert_id = ?');
    this.touchStmt = db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?');
  }

  /** Runs fn in one IMMEDIATE transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  ts(): string {
    return this.now().toISOString();
  }

  touch(id: number, ts = this.ts()): void {
    this.touchStmt.run(ts, id);
  }

  // ---------- cases ----------
  create(c: NewCase, actor: string): number {
    const ts = this.ts();
    return this.tx(() => {
      const info = this.db
        .prepare(
          `INSERT INTO cases (title, description, severity, assignee, tags, tlp, created_at, created_by, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(c.title, c.description, c.severity, c.assignee, JSON.stringify(c.tags), c.tlp, ts, actor, ts);
      const id = Number(info.lastInsertRowid);
      this.audit.append({ ts, actor, action: 'case.create', target_type: 'case', target_id: String(id), details: { ...c } });
      return id;
    });
  }

  get(id: number): (Case & { description: string; closure_note: string | null }) | null {
    const r = this.getStmt.get(id);
    return r ? { ...rowToCase(r), description: r.description, closure_note: r.closure_note } : null;
  }

  exists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(id) !== undefined;
  }

  /** The figures of the detail view (aggregates over the case's alerts). */
  detailFigures(id: number): Omit<CaseDetail, keyof Case | 'description' | 'closure_note' | 'techniques'> & { technique_counts: { id: string; alerts: number }[] } {
    const one = (sql: string): number => (this.db.prepare(sql).get(id) as { n: number | null }).n ?? 0;
    const bySev = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const r of this.db
      .prepare('SELECT a.severity, count(*) AS n FROM case_alerts x JOIN alerts a ON a.id = x.alert_id WHERE x.case_id = ? GROUP BY a.severity')
      .all(id) as { severity: Severity; n: number }[])
      bySev[r.severity] = r.n;
    const byStatus = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
    for (const r of this.db
      .prepare('SELECT a.status, count(*) AS n FROM case_alerts x JOIN alerts a ON a.id = x.alert_id WHERE x.case_id = ? GROUP BY a.status')
      .all(id) as { status: AlertStatus; n: number }[])
      byStatus[r.status] = r.n;
    const span = this.db
      .prepare('SELECT min(a.first_seen) AS f, max(a.last_seen) AS l FROM case_alerts x JOIN alerts a ON a.id = x.alert_id WHERE x.case_id = ?')
      .get(id) as { f: string | null; l: string | null };
    const technique_counts = this.db
      .prepare(
        `SELECT j.value AS id, count(*) AS alerts FROM case_alerts x JOIN alerts a ON a.id = x.alert_id, json_each(a.technique_ids) j
         WHERE x.case_id = ? GROUP BY j.value ORDER BY alerts DESC, j.value LIMIT 50`,
      )
      .all(id) as { id: string; alerts: number }[];
    return {
      note_count: one('SELECT count(*) AS n FROM case_notes WHERE case_id = ?'),
      evidence_count: one('SELECT count(*) AS n FROM case_evidence WHERE case_id = ?'),
      timeline_count: one('SELECT count(*) AS n FROM case_timeline WHERE case_id = ?'),
      finding_count: one('SELECT count(*) AS n FROM case_findings WHERE case_id = ?'),
      record_count: one('SELECT count(*) AS n FROM case_records WHERE case_id = ?'),
      event_count: one('SELECT count(*) AS n FROM case_alerts x JOIN events e ON e.alert_id = x.alert_id WHERE x.case_id = ?'),
      alerts_by_severity: bySev,
      alerts_by_status: byStatus,
      technique_counts,
      first_seen: span.f,
      last_seen: span.l,
    };
  }

  list(filter: CaseFilter, limit: number, after?: CaseCursor): { items: Case[]; next: CaseCursor | null; total: number } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status?.length) {
      clauses.push(`c.status IN (${placeholders(filter.status.length)})`);
      params.push(...filter.status);
    }
    if (filter.severity?.length) {
      clauses.push(`c.severity IN (${placeholders(filter.severity.length)})`);
      params.push(...filter.severity);
    }
    if (filter.assignee) {
      clauses.push('c.assignee = ?');
      params.push(filter.assignee);
    }
    if (filter.tag) {
      clauses.push('EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)');
      params.push(filter.tag);
    }
    for (const word of (filter.text ?? '').split(/\s+/).filter(Boolean)) {
      const id = /^#?(\d+)$/.exec(word);
      clauses.push(`(c.title LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\'${id ? ' OR c.id = ?' : ''})`);
      params.push(`%${likeEscape(word)}%`, `%${likeEscape(word)}%`, ...(id ? [Number(id[1])] : []));
    }
    const where = clauses.length ? clauses.join(' AND ') : '1';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM cases c WHERE ${where}`).get(...params) as { n: number }).n;
    const page = [...params];
    let sql = `${CASE_SELECT} WHERE ${where}`;
    if (after) {
      sql += ' AND (c.updated_at, c.id) < (?, ?)';
      page.push(after.k, after.id);
    }
    sql += ' ORDER BY c.updated_at DESC, c.id DESC LIMIT ?';
    page.push(limit + 1);
    const rows = this.db.prepare<unknown[], CaseRow>(sql).all(...page);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToCase);
    const last = items[items.length - 1];
    return { items, next: more && last ? { k: last.updated_at, id: last.id } : null, total };
  }

  /** Changes fields; audits each changed field with its old and new value. Returns false when nothing changed. */
  update(id: number, patch: Record<string, unknown>, actor: string): boolean {
    return this.tx(() => {
      const before = this.get(id);
      if (!before) return false;
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        const old = (before as Record<string, unknown>)[k];
        if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = { from: old, to: v };
      }
      if (Object.keys(changes).length === 0) return false;
      const ts = this.ts();
      const cols = Object.keys(changes);
      this.db
        .prepare(`UPDATE cases SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
        .run(...cols.map((c) => (c === 'tags' ? JSON.stringify(changes[c]!.to) : changes[c]!.to)), ts, id);
      this.audit.append({ ts, actor, action: 'case.update', target_type: 'case', target_id: String(id), details: { changes } });
      return true;
    });
  }

  setStatus(id: number, status: CaseStatus, resolution: CaseResolution | null, note: string | null, actor: string, extra: Record<string, unknown> = {}): { from: CaseStatus } | null {
    return this.tx(() => {
      const before = this.get(id);
      if (!before) return null;
      const ts = this.ts();
      const closed = status === 'closed';
      this.db
        .prepare('UPDATE cases SET status = ?, resolution = ?, closure_note = ?, closed_at = ?, updated_at = ? WHERE id = ?')
        .run(status, closed ? resolution : null, closed ? note : null, closed ? ts : null, ts, id);
      this.audit.append({
        ts,
        actor,
        action: 'case.status',
        target_type: 'case',
        target_id: String(id),
        details: { from: before.status, to: status, resolution: closed ? resolution : null, note, ...extra },
      });
      return { from: before.status };
    });
  }

  // ---------- alerts ----------
  caseOf(alertId: number): number | null {
    return this.caseOfStmt.get(alertId)?.case_id ?? null;
  }

  /** Which case each listed alert is in. */
  casesOfAlerts(ids: readonly number[]): { alert_id: number; case_id: number; title: string; status: CaseStatus }[] {
    const out: { alert_id: number; case_id: number; title: string; status: CaseStatus }[] = [];
    const stmt = this.db.prepare<[number], { alert_id: number; case_id: number; title: string; status: CaseStatus }>(
      'SELECT x.alert_id, x.case_id, c.title, c.status FROM case_alerts x JOIN cases c ON c.id = x.case_id WHERE x.alert_id = ?',
    );
    for (const id of ids) {
      const r = stmt.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * Links alerts to a case in ONE transaction: new ones are added; ones already in another case are
   * moved when `move` (their sightings leave the old case) and skipped otherwise. Every linked alert
   * gets an audit entry on the alert. Returns the ids now in this case that were not before.
   */
  linkAlerts(caseId: number, ids: readonly number[], actor: string, move: boolean, jobId: string | null): { linked: number[]; added: number; moved: number; skipped: number; fromCases: Set<number> } {
    const exists = this.db.prepare<[number], { id: number }>('SELECT id FROM alerts WHERE id = ?');
    const insert = this.db.prepare('INSERT INTO case_alerts (alert_id, case_id, added_at, added_by) VALUES (?, ?, ?, ?)');
    const reassign = this.db.prepare('UPDATE case_alerts SET case_id = ?, added_at = ?, added_by = ? WHERE alert_id = ?');
    return this.tx(() => {
      const ts = this.ts();
      const linked: number[] = [];
      const fromCases = new Set<number>();
      let added = 0;
      let moved = 0;
      let skipped = 0;
      for (const id of ids) {
        if (!exists.get(id)) {
          skipped++;
          continue;
        }
        const current = this.caseOf(id);
        if (current === caseId) {
          skipped++;
          continue;
        }
        if (current !== null) {
          if (!move) {
            skipped++;
            continue;
          }
          this.dropAlertSightings(current, [id]);
          reassign.run(caseId, ts, actor, id);
          fromCases.add(current);
          moved++;
        } else {
          insert.run(id, caseId, ts, actor);
          added++;
        }
        linked.push(id);
        this.audit.append({
          ts,
          actor,
          action: 'alert.case',
          target_type: 'alert',
          target_id: String(id),
          details: { case_id: caseId, ...(current !== null ? { from_case_id: current } : {}), ...(jobId ? { job_id: jobId } : {}) },
        });
      }
      if (linked.length > 0) this.touch(caseId, ts);
      for (const c of fromCases) {
        this.pruneObservables(c);
        this.touch(c, ts);
      }
      return { linked, added, moved, skipped, fromCases };
    });
  }

  /** Removes alerts from a case (and what was seen only in them). Returns the ids removed. */
  detachAlerts(caseId: number, ids: readonly number[], actor: string): number[] {
    const del = this.db.prepare('DELETE FROM case_alerts WHERE alert_id = ? AND case_id = ?');
    return this.tx(() => {
      const ts = this.ts();
      const removed = ids.filter((id) => del.run(id, caseId).changes > 0);
      if (removed.length === 0) return removed;
      this.dropAlertSightings(caseId, removed);
      this.pruneObservables(caseId);
      for (const id of removed) this.audit.append({ ts, actor, action: 'alert.uncase', target_type: 'alert', target_id: String(id), details: { case_id: caseId } });
      this.touch(caseId, ts);
      return removed;
    });
  }

  /** Ids of every alert matching a filter, in id order (throws InvalidFilterError for a bad CIDR). */
  alertIdsMatching(filter: AlertFilter): number[] {
    const w = alertWhere(filter);
    return (this.db.prepare(`SELECT id FROM alerts WHERE ${w.sql} ORDER BY id`).all(...w.params) as { id: number }[]).map((r) => r.id);
  }

  /** The case's alert ids in id order, a chunk at a time. */
  alertIdsAfter(caseId: number, afterId: number, limit: number): number[] {
    return (
      this.db.prepare('SELECT alert_id FROM case_alerts WHERE case_id = ? AND alert_id > ? ORDER BY alert_id LIMIT ?').all(caseId, afterId, limit) as { alert_id: number }[]
    ).map((r) => r.alert_id);
  }

  /** The case's alerts, newest first (last_seen, id), keyset-paginated. */
  alertsPage(caseId: number, limit: number, after?: AlertCursor, order: 'asc' | 'desc' = 'desc'): { items: Alert[]; next: AlertCursor | null; total: number } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM case_alerts WHERE case_id = ?').get(caseId) as { n: number }).n;
    const cmp = order === 'desc' ? '<' : '>';
    const dir = order === 'desc' ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare<unknown[], AlertRow>(
        `SELECT ${alertColumns('a.')} FROM case_alerts x JOIN alerts a ON a.id = x.alert_id WHERE x.case_id = ?
         ${after ? `AND (a.last_seen, a.id) ${cmp} (?, ?)` : ''} ORDER BY a.last_seen ${dir}, a.id ${dir} LIMIT ?`,
      )
      .all(caseId, ...(after ? [after.k, after.id] : []), limit + 1);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToAlert);
    const last = items[items.length - 1];
    return { items, next: more && last ? { k: last.last_seen, id: last.id } : null, total };
  }

  /** Every alert of a case, oldest first, a page at a time. */
  *alertPages(caseId: number, pageSize = 1000): IterableIterator<Alert[]> {
    let after: AlertCursor | undefined;
    for (;;) {
      const page = this.alertsPage(caseId, pageSize, after, 'asc');
      if (page.items.length) yield page.items;
      if (!page.next) return;
      after = page.next;
    }
  }

  /** Alerts by id (for extraction), in the given order. */
  alertsByIds(ids: readonly number[]): Alert[] {
    if (ids.length === 0) return [];
    return (this.db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id IN (${placeholders(ids.length)}) ORDER BY id`).all(...ids) as AlertRow[]).map(rowToAlert);
  }

  /** Raw events of some alerts, streamed (never all in memory). */
  *eventsOf(alertIds: readonly number[]): IterableIterator<{ id: number; alert_id: number; ts: string; raw: string }> {
    const stmt = this.db.prepare<[number], { id: number; alert_id: number; ts: string; raw: string }>('SELECT id, alert_id, ts, raw FROM events WHERE alert_id = ? ORDER BY ts, id');
    for (const a of alertIds) yield* stmt.iterate(a);
  }

  eventById(id: number): { id: number; alert_id: number | null; ts: string; title: string; raw: string } | null {
    return (this.db.prepare('SELECT id, alert_id, ts, title, raw FROM events WHERE id = ?').get(id) as { id: number; alert_id: number | null; ts: string; title: string; raw: string } | undefined) ?? null;
  }

  /** Alerts currently NEW or ACKNOWLEDGED among these (for the status change an escalation makes). */
  untouchedAlerts(ids: readonly number[], statuses: readonly AlertStatus[]): number[] {
    if (ids.length === 0) return [];
    return (
      this.db
        .prepare(`SELECT id FROM alerts WHERE id IN (${placeholders(ids.length)}) AND status IN (${placeholders(statuses.length)})`)
        .all(...ids, ...statuses) as { id: number }[]
    ).map((r) => r.id);
  }

  // ---------- observables ----------
  /** Records what was seen in one source record (an alert, an evidence item), replacing earlier counts. */
  addSightings(caseId: number, kind: 'alert' | 'evidence' | 'record', sourceId: number, found: readonly Sighting[], actor: string): void {
    if (found.length === 0) return;
    const ts = this.ts();
    const upsert = this.db.prepare(
      `INSERT INTO case_observables (case_id, type, value, origin, created_at, created_by) VALUES (?, ?, ?, 'extracted', ?, ?)
       ON CONFLICT (case_id, type, value) DO NOTHING`,
    );
    const idOf = this.db.prepare<[number, string, string], { id: number }>('SELECT id FROM case_observables WHERE case_id = ? AND type = ? AND value = ?');
    const sight = this.db.prepare(
      `INSERT INTO case_observable_sightings (observable_id, source_kind, source_id, events) VALUES (?, ?, ?, ?)
       ON CONFLICT (observable_id, source_kind, source_id) DO UPDATE SET events = excluded.events`,
    );
    for (const f of found) {
      upsert.run(caseId, f.type, f.value, ts, actor);
      const id = idOf.get(caseId, f.type, f.value)!.id;
      sight.run(id, kind, sourceId, f.events);
    }
  }

  /** Forgets the sightings of these alerts in this case. */
  private dropAlertSightings(caseId: number, alertIds: readonly number[]): void {
    const stmt = this.db.prepare(
      `DELETE FROM case_observable_sightings WHERE source_kind = 'alert' AND source_id = ?
         AND observable_id IN (SELECT id FROM case_observables WHERE case_id = ?)`,
    );
    for (const id of alertIds) stmt.run(id, caseId);
  }

  dropEvidenceSightings(evidenceId: number): void {
    this.db.prepare(`DELETE FROM case_observable_sightings WHERE source_kind = 'evidence' AND source_id = ?`).run(evidenceId);
  }

  /** Extracted observables seen nowhere any more go; hand-added, IOC-flagged or described ones stay. */
  pruneObservables(caseId: number): number {
    return this.db
      .prepare(
        `DELETE FROM case_observables WHERE case_id = ? AND origin = 'extracted' AND ioc = 0 AND description IS NULL
           AND NOT EXISTS (SELECT 1 FROM case_observable_sightings s WHERE s.observable_id = case_observables.id)`,
      )
      .run(caseId).changes;
  }

  listObservables(caseId: number, opts: { type?: ObservableType; ioc?: boolean; text?: string; limit: number; offset: number }): { items: Observable[]; total: number } {
    const clauses = ['o.case_id = ?'];
    const params: unknown[] = [caseId];
    if (opts.type) {
      clauses.push('o.type = ?');
      params.push(opts.type);
    }
    if (opts.ioc !== undefined) {
      clauses.push('o.ioc = ?');
      params.push(opts.ioc ? 1 : 0);
    }
    if (opts.text) {
      clauses.push("o.value LIKE ? ESCAPE '\\'");
      params.push(`%${likeEscape(opts.text)}%`);
    }
    const where = clauses.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM case_observables o WHERE ${where}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare<unknown[], ObservableRow>(`${OBSERVABLE_SELECT} WHERE ${where} ORDER BY o.ioc DESC, alerts DESC, events DESC, records DESC, o.type, o.value LIMIT ? OFFSET ?`)
      .all(...params, opts.limit, opts.offset);
    return { items: rows.map(rowToObservable), total };
  }

  /** Every observable of a case, streamed in a stable order (for reports). */
  *iterateObservables(caseId: number): IterableIterator<Observable> {
    for (const r of this.db.prepare<[number], ObservableRow>(`${OBSERVABLE_SELECT} WHERE o.case_id = ? ORDER BY o.ioc DESC, o.type, o.value`).iterate(caseId)) {
      yield rowToObservable(r);
    }
  }

  getObservable(id: number): Observable | null {
    const r = this.db.prepare<[number], ObservableRow>(`${OBSERVABLE_SELECT} WHERE o.id = ?`).get(id);
    return r ? rowToObservable(r) : null;
  }

  findObservable(caseId: number, type: ObservableType, value: string): Observable | null {
    const r = this.db.prepare<[number, string, string], ObservableRow>(`${OBSERVABLE_SELECT} WHERE o.case_id = ? AND o.type = ? AND o.value = ?`).get(caseId, type, value);
    return r ? rowToObservable(r) : null;
  }

  /** Adds an observable by hand (or marks an extracted one as also added by hand). */
  addObservable(caseId: number, type: ObservableType, value: string, ioc: boolean, description: string | null, actor: string): number {
    return this.tx(() => {
      const ts = this.ts();
      this.db
        .prepare(
          `INSERT INTO case_observables (case_id, type, value, ioc, origin, description, created_at, created_by) VALUES (?, ?, ?, ?, 'manual', ?, ?, ?)
           ON CONFLICT (case_id, type, value) DO UPDATE SET origin = 'manual', ioc = max(ioc, excluded.ioc), description = coalesce(excluded.description, description)`,
        )
        .run(caseId, type, value, ioc ? 1 : 0, description, ts, actor);
      const id = (this.db.prepare('SELECT id FROM case_observables WHERE case_id = ? AND type = ? AND value = ?').get(caseId, type, value) as { id: number }).id;
      this.audit.append({ ts, actor, action: 'case.observable.add', target_type: 'case', target_id: String(caseId), details: { observable_id: id, type, value, ioc, description } });
      this.touch(caseId, ts);
      return id;
    });
  }

  updateObservable(id: number, patch: { ioc?: boolean; description?: string | null }, actor: string): boolean {
    return this.tx(() => {
      const before = this.getObservable(id);
      if (!before) return false;
      const ts = this.ts();
      const ioc = patch.ioc ?? before.ioc;
      const description = patch.description === undefined ? before.description : patch.description;
      this.db.prepare('UPDATE case_observables SET ioc = ?, description = ? WHERE id = ?').run(ioc ? 1 : 0, description, id);
      this.audit.append({
        ts,
        actor,
        action: 'case.observable.update',
        target_type: 'case',
        target_id: String(before.case_id),
        details: { observable_id: id, type: before.type, value: before.value, ioc: { from: before.ioc, to: ioc }, description: { from: before.description, to: description } },
      });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  removeObservable(id: number, actor: string): boolean {
    return this.tx(() => {
      const before = this.getObservable(id);
      if (!before) return false;
      const ts = this.ts();
      this.db.prepare('DELETE FROM case_observables WHERE id = ?').run(id);
      this.audit.append({ ts, actor, action: 'case.observable.remove', target_type: 'case', target_id: String(before.case_id), details: { ...before } });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  // ---------- notes ----------
  notes(caseId: number): NoteRow[] {
    return this.db.prepare('SELECT id, case_id, body, created_at, created_by, updated_at FROM case_notes WHERE case_id = ? ORDER BY id').all(caseId) as NoteRow[];
  }

  *iterateNotes(caseId: number): IterableIterator<NoteRow> {
    yield* this.db.prepare<[number], NoteRow>('SELECT id, case_id, body, created_at, created_by, updated_at FROM case_notes WHERE case_id = ? ORDER BY id').iterate(caseId);
  }

  getNote(id: number): NoteRow | null {
    return (this.db.prepare('SELECT id, case_id, body, created_at, created_by, updated_at FROM case_notes WHERE id = ?').get(id) as NoteRow | undefined) ?? null;
  }

  addNote(caseId: number, body: string, actor: string): number {
    return this.tx(() => {
      const ts = this.ts();
      const id = Number(this.db.prepare('INSERT INTO case_notes (case_id, body, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?)').run(caseId, body, ts, actor, ts).lastInsertRowid);
      this.audit.append({ ts, actor, action: 'case.note.add', target_type: 'case', target_id: String(caseId), details: { note_id: id, body } });
      this.touch(caseId, ts);
      return id;
    });
  }

  /** Edits a note; the audit entry keeps the text it replaced. */
  editNote(id: number, body: string, actor: string): boolean {
    return this.tx(() => {
      const before = this.getNote(id);
      if (!before) return false;
      const ts = this.ts();
      this.db.prepare('UPDATE case_notes SET body = ?, updated_at = ? WHERE id = ?').run(body, ts, id);
      this.audit.append({ ts, actor, action: 'case.note.edit', target_type: 'case', target_id: String(before.case_id), details: { note_id: id, from: before.body, to: body } });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  removeNote(id: number, actor: string): boolean {
    return this.tx(() => {
      const before = this.getNote(id);
      if (!before) return false;
      const ts = this.ts();
      this.db.prepare('DELETE FROM case_notes WHERE id = ?').run(id);
      this.audit.append({ ts, actor, action: 'case.note.remove', target_type: 'case', target_id: String(before.case_id), details: { note_id: id, body: before.body, created_by: before.created_by } });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  // ---------- evidence ----------
  evidence(caseId: number): Evidence[] {
    return this.db
      .prepare('SELECT id, case_id, name, media_type, description, size, sha256, added_at, added_by FROM case_evidence WHERE case_id = ? ORDER BY id')
      .all(caseId) as Evidence[];
  }

  getEvidence(id: number): (Evidence & { content: string }) | null {
    return (
      (this.db
        .prepare('SELECT id, case_id, name, media_type, description, size, sha256, added_at, added_by, content FROM case_evidence WHERE id = ?')
        .get(id) as (Evidence & { content: string }) | undefined) ?? null
    );
  }

  *iterateEvidence(caseId: number): IterableIterator<Evidence & { content: string }> {
    yield* this.db
      .prepare<[number], Evidence & { content: string }>(
        'SELECT id, case_id, name, media_type, description, size, sha256, added_at, added_by, content FROM case_evidence WHERE case_id = ? ORDER BY id',
      )
      .iterate(caseId);
  }

  addEvidence(caseId: number, e: { name: string; media_type: string; description: string | null; content: string; size: number; sha256: string }, actor: string, sightings: readonly Sighting[]): number {
    return this.tx(() => {
      const ts = this.ts();
      const id = Number(
        this.db
          .prepare('INSERT INTO case_evidence (case_id, name, media_type, description, content, size, sha256, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(caseId, e.name, e.media_type, e.description, e.content, e.size, e.sha256, ts, actor).lastInsertRowid,
      );
      this.addSightings(caseId, 'evidence', id, sightings, actor);
      this.audit.append({
        ts,
        actor,
        action: 'case.evidence.add',
        target_type: 'case',
        target_id: String(caseId),
        details: { evidence_id: id, name: e.name, size: e.size, sha256: e.sha256, media_type: e.media_type, observables: sightings.length },
      });
      this.touch(caseId, ts);
      return id;
    });
  }

  removeEvidence(id: number, actor: string): boolean {
    return this.tx(() => {
      const before = this.getEvidence(id);
      if (!before) return false;
      const ts = this.ts();
      this.dropEvidenceSightings(id);
      this.db.prepare('DELETE FROM case_evidence WHERE id = ?').run(id);
      this.pruneObservables(before.case_id);
      // the content is kept in the audit trail: evidence never disappears without a trace
      const { content, ...meta } = before;
      this.audit.append({ ts, actor, action: 'case.evidence.remove', target_type: 'case', target_id: String(before.case_id), details: { ...meta, evidence_id: id, content } });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  // ---------- kept sensor records ----------
  /** The case's kept records, oldest first, and how many it keeps. */
  /** A page of the case's kept records in time order (then by copy id), from `after` on. */
  records(caseId: number, limit: number, after?: CaseRecordCursor): { items: CaseRecord[]; next: CaseRecordCursor | null; total: number } {
    const rows = after
      ? this.db
          .prepare<[number, string, number, number], CaseRecordRow>(`SELECT ${CASE_RECORD_COLUMNS} FROM case_records WHERE case_id = ? AND (ts, id) > (?, ?) ORDER BY ts, id LIMIT ?`)
          .all(caseId, after.ts, after.id, limit + 1)
      : this.db.prepare<[number, number], CaseRecordRow>(`SELECT ${CASE_RECORD_COLUMNS} FROM case_records WHERE case_id = ? ORDER BY ts, id LIMIT ?`).all(caseId, limit + 1);
    const total = (this.db.prepare('SELECT count(*) AS n FROM case_records WHERE case_id = ?').get(caseId) as { n: number }).n;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(caseRecordOf), next: rows.length > limit && last ? { ts: last.ts, id: last.id } : null, total };
  }

  *iterateRecords(caseId: number): IterableIterator<CaseRecord> {
    for (const r of this.db.prepare<[number], CaseRecordRow>(`SELECT ${CASE_RECORD_COLUMNS} FROM case_records WHERE case_id = ? ORDER BY ts, id`).iterate(caseId)) yield caseRecordOf(r);
  }

  /**
   * Keeps copies of these records with the case, each with the observables seen in it; a record the
   * case already keeps is left as it is. One audit entry for the lot. Returns the record ids kept now
   * and those already kept.
   */
  keepRecords(caseId: number, records: readonly KeptRecord[], actor: string): { added: number[]; already: number[] } {
    const insert = this.db.prepare(
      `INSERT INTO case_records (case_id, record_id, ts, event_type, sensor, source_id, src_ip, src_port, dst_ip, dst_port, proto, app_proto, flow_id, community_id,
         summary, title, raw, file, sha256, added_at, added_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, record_id) DO NOTHING`,
    );
    return this.tx(() => {
      const ts = this.ts();
      const added: number[] = [];
      const already: number[] = [];
      for (const { record: r, title, sha256, sightings } of records) {
        const run = insert.run(caseId, r.id, r.ts, r.event_type, r.sensor, r.source_id, r.src_ip, r.src_port, r.dst_ip, r.dst_port, r.proto, r.app_proto, r.flow_id, r.community_id,
          JSON.stringify(r.summary), title, r.raw, r.file, sha256, ts, actor);
        if (run.changes === 0) {
          already.push(r.id);
          continue;
        }
        added.push(r.id);
        this.addSightings(caseId, 'record', Number(run.lastInsertRowid), sightings, actor);
      }
      if (added.length > 0) {
        this.audit.append({ ts, actor, action: 'case.records.add', target_type: 'case', target_id: String(caseId), details: { count: added.length, record_ids: added.slice(0, 1000) } });
        this.touch(caseId, ts);
      }
      return { added, already };
    });
  }

  /**
   * Lets kept records go, by record id. Each copy goes to the case's audit trail with its raw line
   * (evidence never disappears without a trace), and observables seen only in them go. Returns the
   * record ids removed.
   */
  removeRecords(caseId: number, recordIds: readonly number[], actor: string): number[] {
    const get = this.db.prepare<[number, number], CaseRecordRow>(`SELECT ${CASE_RECORD_COLUMNS} FROM case_records WHERE case_id = ? AND record_id = ?`);
    const dropSightings = this.db.prepare(`DELETE FROM case_observable_sightings WHERE source_kind = 'record' AND source_id = ?`);
    const del = this.db.prepare('DELETE FROM case_records WHERE id = ?');
    return this.tx(() => {
      const ts = this.ts();
      const gone: CaseRecordRow[] = [];
      for (const id of recordIds) {
        const row = get.get(caseId, id);
        if (!row) continue;
        dropSightings.run(row.id);
        del.run(row.id);
        gone.push(row);
      }
      if (gone.length === 0) return [];
      this.pruneObservables(caseId);
      this.audit.append({
        ts,
        actor,
        action: 'case.records.remove',
        target_type: 'case',
        target_id: String(caseId),
        details: { count: gone.length, records: gone.map((r) => ({ record_id: r.record_id, ts: r.ts, event_type: r.event_type, sha256: r.sha256, raw: r.raw })) },
      });
      this.touch(caseId, ts);
      return gone.map((r) => r.record_id);
    });
  }

  // ---------- timeline ----------
  addTimelineEntry(caseId: number, e: { ts: string; title: string; body: string | null; event_id: number | null; alert_id: number | null; raw: string | null }, actor: string): number {
    return this.tx(() => {
      const now = this.ts();
      const id = Number(
        this.db
          .prepare('INSERT INTO case_timeline (case_id, ts, title, body, event_id, alert_id, raw, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(caseId, e.ts, e.title, e.body, e.event_id, e.alert_id, e.raw, now, actor).lastInsertRowid,
      );
      this.audit.append({ ts: now, actor, action: 'case.timeline.add', target_type: 'case', target_id: String(caseId), details: { entry_id: id, ts: e.ts, title: e.title, event_id: e.event_id } });
      this.touch(caseId, now);
      return id;
    });
  }

  /** An entry of the timeline added by hand or pinned (not its raw copy). */
  timelineEntry(id: number): { id: number; case_id: number; ts: string; title: string; body: string | null; event_id: number | null; created_by: string } | null {
    return (
      (this.db.prepare('SELECT id, case_id, ts, title, body, event_id, created_by FROM case_timeline WHERE id = ?').get(id) as
        | { id: number; case_id: number; ts: string; title: string; body: string | null; event_id: number | null; created_by: string }
        | undefined) ?? null
    );
  }

  /** Edits an entry; the audit entry keeps what it said before and what it says now (the fields changed). */
  updateTimelineEntry(id: number, patch: { ts?: string; title?: string; body?: string | null }, actor: string): boolean {
    return this.tx(() => {
      const before = this.timelineEntry(id);
      if (!before) return false;
      const after = { ts: patch.ts ?? before.ts, title: patch.title ?? before.title, body: patch.body === undefined ? before.body : patch.body };
      const changed = (['ts', 'title', 'body'] as const).filter((k) => after[k] !== before[k]);
      if (changed.length === 0) return true;
      const now = this.ts();
      this.db.prepare('UPDATE case_timeline SET ts = ?, title = ?, body = ? WHERE id = ?').run(after.ts, after.title, after.body, id);
      this.audit.append({
        ts: now,
        actor,
        action: 'case.timeline.edit',
        target_type: 'case',
        target_id: String(before.case_id),
        details: { entry_id: id, from: Object.fromEntries(changed.map((k) => [k, before[k]])), to: Object.fromEntries(changed.map((k) => [k, after[k]])) },
      });
      this.touch(before.case_id, now);
      return true;
    });
  }

  removeTimelineEntry(id: number, actor: string): boolean {
    return this.tx(() => {
      const before = this.db.prepare('SELECT * FROM case_timeline WHERE id = ?').get(id) as { case_id: number } | undefined;
      if (!before) return false;
      const ts = this.ts();
      this.db.prepare('DELETE FROM case_timeline WHERE id = ?').run(id);
      this.audit.append({ ts, actor, action: 'case.timeline.remove', target_type: 'case', target_id: String(before.case_id), details: { ...before, entry_id: id } });
      this.touch(before.case_id, ts);
      return true;
    });
  }

  /**
   * The merged timeline (alerts first seen, entries and pinned events, notes, audited changes),
   * ordered by (ts, kind, ref) in either direction, keyset-paginated by that triple.
   */
  timeline(caseId: number, opts: { limit: number; order: 'asc' | 'desc'; after?: TimelineCursor; kinds?: readonly string[] }): TimelineRow[] {
    const key = String(caseId);
    const parts: string[] = [];
    const params: unknown[] = [];
    const want = (k: string) => !opts.kinds || opts.kinds.includes(k);
    if (want('alert')) {
      parts.push(`SELECT 'alert' AS kind, a.first_seen AS ts, a.title AS title, NULL AS body, NULL AS actor, a.id AS ref, a.severity AS severity, NULL AS action, NULL AS details
        FROM case_alerts x JOIN alerts a ON a.id = x.alert_id WHERE x.case_id = ?`);
      params.push(caseId);
    }
    // every part names its columns: a compound SELECT takes its names from its first part, which
    // is any of these when the kinds are filtered
    if (want('entry') || want('event')) {
      parts.push(`SELECT CASE WHEN event_id IS NULL THEN 'entry' ELSE 'event' END AS kind, ts, title, body, created_by AS actor, id AS ref, NULL AS severity, NULL AS action, raw AS details
        FROM case_timeline WHERE case_id = ?`);
      params.push(caseId);
    }
    if (want('record')) {
      parts.push(`SELECT 'record' AS kind, ts, title, NULL AS body, added_by AS actor, id AS ref, NULL AS severity, NULL AS action, NULL AS details FROM case_records WHERE case_id = ?`);
      params.push(caseId);
    }
    if (want('note')) {
      parts.push(`SELECT 'note' AS kind, created_at AS ts, 'Note' AS title, body, created_by AS actor, id AS ref, NULL AS severity, NULL AS action, NULL AS details FROM case_notes WHERE case_id = ?`);
      params.push(caseId);
    }
    if (want('status') || want('activity')) {
      parts.push(`SELECT CASE WHEN action = 'case.status' THEN 'status' ELSE 'activity' END AS kind, ts, action AS title, NULL AS body, actor, id AS ref, NULL AS severity, action, details
        FROM audit_log WHERE target_type = 'case' AND target_id = ? AND action NOT IN ('case.note.add', 'case.timeline.add')`);
      params.push(key);
    }
    if (parts.length === 0) return [];
    const dir = opts.order === 'asc' ? 'ASC' : 'DESC';
    let sql = `SELECT * FROM (${parts.join(' UNION ALL ')}) t`;
    const filters: string[] = [];
    if (opts.kinds) {
      filters.push(`kind IN (${placeholders(opts.kinds.length)})`);
      params.push(...opts.kinds);
    }
    if (opts.after) {
      filters.push(`(ts, kind, ref) ${opts.order === 'asc' ? '>' : '<'} (?, ?, ?)`);
      params.push(opts.after.ts, opts.after.kind, opts.after.ref);
    }
    if (filters.length) sql += ` WHERE ${filters.join(' AND ')}`;
    sql += ` ORDER BY ts ${dir}, kind ${dir}, ref ${dir} LIMIT ?`;
    params.push(opts.limit);
    return this.db.prepare<unknown[], TimelineRow>(sql).all(...params);
  }

  // ---------- findings ----------
  /** Links scan findings to a case (unknown ids and ones already linked are skipped); audited on the case. */
  linkFindings(caseId: number, ids: readonly number[], actor: string): number[] {
    const exists = this.db.prepare<[number], { id: number }>('SELECT id FROM findings WHERE id = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO case_findings (case_id, finding_id, added_at, added_by) VALUES (?, ?, ?, ?)');
    return this.tx(() => {
      const ts = this.ts();
      const linked = ids.filter((id) => exists.get(id) !== undefined && insert.run(caseId, id, ts, actor).changes > 0);
      if (linked.length > 0) {
        this.audit.append({ ts, actor, action: 'case.findings.add', target_type: 'case', target_id: String(caseId), details: { count: linked.length, finding_ids: linked.slice(0, 1000) } });
        this.touch(caseId, ts);
      }
      return linked;
    });
  }

  /** Unlinks findings from a case; audited on the case. Returns the ids removed. */
  unlinkFindings(caseId: number, ids: readonly number[], actor: string): number[] {
    const del = this.db.prepare('DELETE FROM case_findings WHERE case_id = ? AND finding_id = ?');
    return this.tx(() => {
      const ts = this.ts();
      const removed = ids.filter((id) => del.run(caseId, id).changes > 0);
      if (removed.length > 0) {
        this.audit.append({ ts, actor, action: 'case.findings.remove', target_type: 'case', target_id: String(caseId), details: { count: removed.length, finding_ids: removed.slice(0, 1000) } });
        this.touch(caseId, ts);
      }
      return removed;
    });
  }

  /** The case's linked findings, most severe first. */
  linkedFindings(caseId: number): { id: number; severity: Severity; host: string | null; title: string; status: string; cves: string[] }[] {
    return this.db
      .prepare<[number], { id: number; severity: Severity; host: string | null; title: string; status: string; cves: string }>(
        'SELECT f.id, f.severity, f.host, f.title, f.status, f.cves FROM case_findings x JOIN findings f ON f.id = x.finding_id WHERE x.case_id = ? ORDER BY f.severity_rank DESC, f.id',
      )
      .all(caseId)
      .map((r) => ({ ...r, cves: parseStringArray(r.cves) }));
  }

  // ---------- merge ----------
  /**
   * Moves everything of `source` into `target` (alerts, observables with their sightings and IOC
   * flags, notes, evidence, timeline entries) and closes `source` as a duplicate pointing at
   * `target`. One transaction; audited on both cases.
   */
  merge(sourceId: number, targetId: number, actor: string): { alerts: number; observables: number } {
    return this.tx(() => {
      const ts = this.ts();
      const alerts = this.db.prepare('UPDATE case_alerts SET case_id = ? WHERE case_id = ?').run(targetId, sourceId).changes;
      const srcObs = this.db.prepare('SELECT * FROM case_observables WHERE case_id = ?').all(sourceId) as {
        id: number;
        type: string;
        value: string;
        ioc: number;
        origin: string;
        description: string | null;
        created_at: string;
        created_by: string;
      }[];
      const upsert = this.db.prepare(
        `INSERT INTO case_observables (case_id, type, value, ioc, origin, description, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (case_id, type, value) DO UPDATE SET ioc = max(ioc, excluded.ioc),
           origin = CASE WHEN excluded.origin = 'manual' THEN 'manual' ELSE origin END,
           description = coalesce(description, excluded.description)`,
      );
      const idOf = this.db.prepare<[number, string, string], { id: number }>('SELECT id FROM case_observables WHERE case_id = ? AND type = ? AND value = ?');
      const moveSightings = this.db.prepare(
        `INSERT INTO case_observable_sightings (observable_id, source_kind, source_id, events)
           SELECT ?, source_kind, source_id, events FROM case_observable_sightings WHERE observable_id = ?
         ON CONFLICT (observable_id, source_kind, source_id) DO UPDATE SET events = excluded.events`,
      );
      for (const o of srcObs) {
        upsert.run(targetId, o.type, o.value, o.ioc, o.origin, o.description, o.created_at, o.created_by);
        moveSightings.run(idOf.get(targetId, o.type, o.value)!.id, o.id);
      }
      this.db.prepare('DELETE FROM case_observables WHERE case_id = ?').run(sourceId);
      for (const table of ['case_notes', 'case_evidence', 'case_timeline']) {
        this.db.prepare(`UPDATE ${table} SET case_id = ? WHERE case_id = ?`).run(targetId, sourceId);
      }
      this.db.prepare('INSERT OR IGNORE INTO case_findings SELECT ?, finding_id, added_at, added_by FROM case_findings WHERE case_id = ?').run(targetId, sourceId);
      // a record both cases keep stays once, as the target kept it
      this.db.prepare('UPDATE OR IGNORE case_records SET case_id = ? WHERE case_id = ?').run(targetId, sourceId);
      this.db.prepare(`DELETE FROM case_observable_sightings WHERE source_kind = 'record' AND source_id IN (SELECT id FROM case_records WHERE case_id = ?)`).run(sourceId);
      this.db.prepare('DELETE FROM case_records WHERE case_id = ?').run(sourceId);
      this.db.prepare('DELETE FROM case_findings WHERE case_id = ?').run(sourceId);
      const before = this.get(sourceId)!;
      this.db
        .prepare("UPDATE cases SET status = 'closed', resolution = 'duplicate', merged_into = ?, closure_note = ?, closed_at = coalesce(closed_at, ?), updated_at = ? WHERE id = ?")
        .run(targetId, `Merged into case #${targetId}`, ts, ts, sourceId);
      this.audit.append({ ts, actor, action: 'case.merge', target_type: 'case', target_id: String(targetId), details: { from_case_id: sourceId, alerts, observables: srcObs.length } });
      this.audit.append({
        ts,
        actor,
        action: 'case.status',
        target_type: 'case',
        target_id: String(sourceId),
        details: { from: before.status, to: 'closed', resolution: 'duplicate', note: `Merged into case #${targetId}`, merged_into: targetId },
      });
      this.touch(targetId, ts);
      return { alerts, observables: srcObs.length };
    });
  }

  history(caseId: number, limit: number) {
    return this.audit.forTarget('case', String(caseId), '', limit);
  }
}

