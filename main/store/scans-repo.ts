import type { Database, Statement } from 'better-sqlite3';
import type { FindingSource, ScanLogLine, ScanStatus } from '../contract/index.js';
import { parseObject } from './json.js';
import { placeholders } from './sql.js';

/** A scan as stored: the service turns it into the contract's view (elapsed, estimate, stall). */
export interface ScanRecord {
  id: number;
  tool: FindingSource;
  connector_id: string;
  target: string;
  options: Record<string, unknown>;
  /** The tool's ids and the poller's phase ({phase, spider, ascan, scan, ...}). */
  tool_state: Record<string, unknown>;
  status: ScanStatus;
  progress: number | null;
  progress_mark: string | null;
  progress_at: string;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  /** Where a resumed import goes on (committed with the findings it wrote). */
  import_cursor: unknown;
  imported: number;
  rejected: number;
  failures: number;
  next_poll_at: string | null;
  created_by: string;
  updated_at: string;
}

type ScanRow = Omit<ScanRecord, 'options' | 'tool_state' | 'import_cursor'> & { options: string; tool_state: string; import_cursor: string | null };

function toRecord(r: ScanRow): ScanRecord {
  return { ...r, options: parseObject(r.options), tool_state: parseObject(r.tool_state), import_cursor: r.import_cursor === null ? null : (JSON.parse(r.import_cursor) as unknown) };
}

export interface NewScan {
  tool: FindingSource;
  connector_id: string;
  target: string;
  options: Record<string, unknown>;
  tool_state: Record<string, unknown>;
  created_by: string;
}

/** What a poll changes on a scan (only the given fields). */
export type ScanPatch = Partial<Pick<ScanRecord, 'tool_state' | 'status' | 'progress' | 'progress_mark' | 'progress_at' | 'ended_at' | 'error' | 'import_cursor' | 'failures' | 'next_poll_at' | 'imported' | 'rejected'>>;

const LOG_KEEP = 500;

/** Scans and their log lines. */
export class ScansRepo {
  private readonly getStmt: Statement<[number], ScanRow>;
  private readonly logStmt: Statement<[number, string, string, string]>;
  private readonly trimLogStmt: Statement<[number, number, number]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {
    this.getStmt = db.prepare('SELECT * FROM scans WHERE id = ?');
    this.logStmt = db.prepare('INSERT INTO scan_log (scan_id, ts, level, message) VALUES (?, ?, ?, ?)');
    this.trimLogStmt = db.prepare('DELETE FROM scan_log WHERE scan_id = ? AND id <= (SELECT id FROM scan_log WHERE scan_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)');
  }

  /** Runs fn in one IMMEDIATE transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  create(s: NewScan): ScanRecord {
    const ts = this.now().toISOString();
    const info = this.db
      .prepare(
        `INSERT INTO scans (tool, connector_id, target, options, tool_state, status, progress, progress_at, started_at, created_by, updated_at, next_poll_at)
         VALUES (?, ?, ?, ?, ?, 'running', 0, ?, ?, ?, ?, ?)`,
      )
      .run(s.tool, s.connector_id, s.target, JSON.stringify(s.options), JSON.stringify(s.tool_state), ts, ts, s.created_by, ts, ts);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ScanRecord | null {
    const r = this.getStmt.get(id);
    return r ? toRecord(r) : null;
  }

  list(opts: { status?: readonly ScanStatus[]; tool?: FindingSource; limit: number }): ScanRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.status?.length) {
      where.push(`status IN (${placeholders(opts.status.length)})`);
      args.push(...opts.status);
    }
    if (opts.tool) {
      where.push('tool = ?');
      args.push(opts.tool);
    }
    const sql = `SELECT * FROM scans ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], ScanRow>(sql)
      .all(...args, opts.limit)
      .map(toRecord);
  }

  /** Scans the poller follows (running or importing), oldest first. */
  active(): ScanRecord[] {
    return this.db
      .prepare<[], ScanRow>("SELECT * FROM scans WHERE status IN ('running', 'importing') ORDER BY id")
      .all()
      .map(toRecord);
  }

  update(id: number, patch: ScanPatch): ScanRecord {
    const cols: string[] = [];
    const args: (string | number | null)[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      cols.push(`${k} = ?`);
      args.push(k === 'tool_state' || k === 'import_cursor' ? (v === null ? null : JSON.stringify(v)) : (v as string | number | null));
    }
    cols.push('updated_at = ?');
    args.push(this.now().toISOString());
    this.db.prepare(`UPDATE scans SET ${cols.join(', ')} WHERE id = ?`).run(...args, id);
    return this.get(id)!;
  }

  /** Adds imported / rejected counts (in the import step's transaction). */
  addCounts(id: number, imported: number, rejected: number): void {
    this.db.prepare('UPDATE scans SET imported = imported + ?, rejected = rejected + ? WHERE id = ?').run(imported, rejected, id);
  }

  log(id: number, level: ScanLogLine['level'], message: string): void {
    this.logStmt.run(id, this.now().toISOString(), level, message.slice(0, 4000));
    this.trimLogStmt.run(id, id, LOG_KEEP);
  }

  logLines(id: number, limit = LOG_KEEP): ScanLogLine[] {
    return this.db
      .prepare<[number, number], ScanLogLine>('SELECT ts, level, message FROM (SELECT id, ts, level, message FROM scan_log WHERE scan_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id')
      .all(id, limit);
  }

  /** The finished scan of the same connector and target before this one (for the diff). */
  previousRun(scan: ScanRecord): ScanRecord | null {
    const r = this.db
      .prepare<[string, string, number], ScanRow>("SELECT * FROM scans WHERE connector_id = ? AND target = ? AND id < ? AND status = 'finished' ORDER BY id DESC LIMIT 1")
      .get(scan.connector_id, scan.target, scan.id);
    return r ? toRecord(r) : null;
  }
}
