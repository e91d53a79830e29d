import crypto from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { AlertStatus, HistoryEntry } from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { placeholders } from './sql.js';

/** How long a change can be undone; older rows of the undo log are pruned. */
export const UNDO_KEEP_MS = 24 * 3_600_000;
/** Alerts restored per transaction by an undo (short transactions: other writers never wait long). */
const UNDO_CHUNK = 1000;
/** Actors that are not people: never offered as assignees. */
const NOT_ANALYSTS: ReadonlySet<string> = new Set(['cli', 'system', 'headless', 'pipeline']);

interface ChangeRow {
  alert_id: number;
  from_status: AlertStatus;
  to_status: AlertStatus;
  ts: string;
}

/** One note as exports carry it. */
export interface AlertNote {
  ts: string;
  actor: string;
  note: string;
}

/** Undo of status changes, standalone notes, notes for exports, and the analysts the console knows. */
export class TriageRepo {
  private readonly changeRowsStmt: Statement<[string], ChangeRow>;
  private readonly statusStmt: Statement<[number], { status: AlertStatus }>;
  private readonly restoreStmt: Statement;
  private readonly undoneStmt: Statement<[string, string, number]>;
  private readonly outboxStmt: Statement<[number, string, string]>;
  private readonly existsStmt: Statement<[number], { id: number }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.changeRowsStmt = db.prepare('SELECT alert_id, from_status, to_status, ts FROM status_changes WHERE change_id = ? AND undone_at IS NULL ORDER BY alert_id');
    this.statusStmt = db.prepare('SELECT status FROM alerts WHERE id = ?');
    // the acknowledgement / resolution times the undone change set are taken back too (MTTA/MTTR)
    this.restoreStmt = db.prepare(
      `UPDATE alerts SET status = @status, updated_at = @ts,
         acknowledged_at = CASE WHEN @status = 'NEW' AND acknowledged_at = @changed_at THEN NULL ELSE acknowledged_at END,
         resolved_at = CASE WHEN @status NOT IN ('RESOLVED','FALSE_POSITIVE') AND resolved_at = @changed_at THEN NULL ELSE resolved_at END
       WHERE id = @id`,
    );
    this.undoneStmt = db.prepare('UPDATE status_changes SET undone_at = ? WHERE change_id = ? AND alert_id = ?');
    this.outboxStmt = db.prepare('INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, ?, ?)');
    this.existsStmt = db.prepare('SELECT id FROM alerts WHERE id = ?');
  }

  /** Whether a change is in the undo log (known, not yet undone, not pruned). */
  hasChange(changeId: string): boolean {
    return this.db.prepare('SELECT 1 FROM status_changes WHERE change_id = ? AND undone_at IS NULL LIMIT 1').get(changeId) !== undefined;
  }

  /**
   * Puts back the statuses a change replaced, only on alerts that still have the status the
   * change set; each restored alert gets an "undo" history entry. Null when the change is unknown
   * (never made, already undone, or older than a day).
   */
  undo(changeId: string, actor: string): { restored: number[]; skipped: number } | null {
    const rows = this.changeRowsStmt.all(changeId);
    if (rows.length === 0) return null;
    const undoId = crypto.randomUUID();
    const restored: number[] = [];
    let skipped = 0;
    for (let i = 0; i < rows.length; i += UNDO_CHUNK) {
      const chunk = rows.slice(i, i + UNDO_CHUNK);
      this.db.transaction(() => {
        const ts = this.now().toISOString();
        for (const r of chunk) {
          const cur = this.statusStmt.get(r.alert_id);
          this.undoneStmt.run(ts, changeId, r.alert_id);
          if (!cur || cur.status !== r.to_status) {
            skipped++;
            continue;
          }
          this.restoreStmt.run({ status: r.from_status, ts, changed_at: r.ts, id: r.alert_id });
          this.outboxStmt.run(r.alert_id, 'status', ts);
          this.audit.append({
            ts,
            actor,
            action: 'alert.status',
            target_type: 'alert',
            target_id: String(r.alert_id),
            details: { from: r.to_status, to: r.from_status, note: null, change_id: undoId, undo_of: changeId },
          });
          restored.push(r.alert_id);
        }
      }).immediate();
    }
    return { restored, skipped };
  }

  /** Drops undo-log rows older than UNDO_KEEP_MS. */
  pruneChanges(): number {
    const cutoff = new Date(this.now().getTime() - UNDO_KEEP_MS).toISOString();
    return this.db.prepare('DELETE FROM status_changes WHERE ts < ?').run(cutoff).changes;
  }

  /** A note on an alert without a status change; null when the alert does not exist. */
  addNote(id: number, actor: string, note: string): HistoryEntry | null {
    return this.db.transaction((): HistoryEntry | null => {
      if (!this.existsStmt.get(id)) return null;
      const ts = this.now().toISOString();
      this.audit.append({ ts, actor, action: 'alert.note', target_type: 'alert', target_id: String(id), details: { note } });
      return { kind: 'note', ts, actor, note };
    }).immediate();
  }

  /** Every note of these alerts (standalone, and those given with a status change), oldest first. */
  notesFor(ids: readonly number[]): Map<number, AlertNote[]> {
    const out = new Map<number, AlertNote[]>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT target_id, ts, actor, json_extract(details, '$.note') AS note FROM audit_log
         WHERE target_type = 'alert' AND target_id IN (${placeholders(ids.length)})
           AND action IN ('alert.note', 'alert.status') AND json_type(details, '$.note') = 'text'
         ORDER BY id`,
      )
      .all(...ids.map(String)) as { target_id: string; ts: string; actor: string; note: string }[];
    for (const r of rows) {
      const id = Number(r.target_id);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push({ ts: r.ts, actor: r.actor, note: r.note });
    }
    return out;
  }

  /**
   * Who alerts can be assigned to: the configured analyst, everyone who acted on alerts and
   * every current assignee. Distinct values are read by skipping along the indexes, one step
   * per name, so a million audit rows cost no more than a few.
   */
  analysts(configured: string): string[] {
    const distinct = (table: string, col: string, where: string) =>
      (
        this.db
          .prepare(
            `WITH RECURSIVE v(x) AS (
               SELECT (SELECT min(${col}) FROM ${table} WHERE ${where})
               UNION ALL
               SELECT (SELECT min(${col}) FROM ${table} WHERE ${where} AND ${col} > v.x) FROM v WHERE v.x IS NOT NULL
             ) SELECT x FROM v WHERE x IS NOT NULL LIMIT 500`,
          )
          .all() as { x: string }[]
      ).map((r) => r.x);
    const names = new Set<string>([configured]);
    for (const n of [...distinct('audit_log', 'actor', "actor <> ''"), ...distinct('alerts', 'assignee', 'assignee IS NOT NULL')]) {
      if (!NOT_ANALYSTS.has(n) && !n.includes(':')) names.add(n);
    }
    return [...names].sort((a, b) => a.localeCompare(b));
  }
}
