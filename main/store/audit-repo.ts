import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry } from '../contract/index.js';
import { parseObject } from './json.js';

export interface AuditRecord {
  actor: string;
  action: string;
  target_type: string;
  target_id?: string | null;
  details?: Record<string, unknown>;
  ts?: string;
}

interface AuditRow {
  id: number;
  ts: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: string;
}

/** The append-only audit log: who did what to which object, and when. */
export class AuditRepo {
  private readonly insertStmt: Statement;
  private readonly forTargetStmt: Statement<[string, string, string, number], AuditRow>;
  private readonly recentStmt: Statement<[number], AuditRow>;
  private readonly recentByActionStmt: Statement<[string, number], AuditRow>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (ts, actor, action, target_type, target_id, details) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.forTargetStmt = db.prepare(
      'SELECT * FROM audit_log WHERE target_type = ? AND target_id = ? AND action LIKE ? ORDER BY id LIMIT ?',
    );
    this.recentStmt = db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?');
    this.recentByActionStmt = db.prepare("SELECT * FROM audit_log WHERE action LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?");
  }

  append(rec: AuditRecord): number {
    const info = this.insertStmt.run(
      rec.ts ?? this.now().toISOString(),
      rec.actor,
      rec.action,
      rec.target_type,
      rec.target_id ?? null,
      JSON.stringify(rec.details ?? {}),
    );
    return Number(info.lastInsertRowid);
  }

  forTarget(targetType: string, targetId: string, actionPrefix = '', limit = 1000): AuditEntry[] {
    return this.forTargetStmt.all(targetType, targetId, `${actionPrefix}%`, limit).map(toEntry);
  }

  recent(limit = 100): AuditEntry[] {
    return this.recentStmt.all(limit).map(toEntry);
  }

  /** The newest entries whose action starts with `prefix` (e.g. "wazuh."). */
  recentByAction(prefix: string, limit = 100): AuditEntry[] {
    return this.recentByActionStmt.all(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit).map(toEntry);
  }
}

function toEntry(r: AuditRow): AuditEntry {
  return { ...r, details: parseObject(r.details) };
}
