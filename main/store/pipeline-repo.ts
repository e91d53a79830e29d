import type { Database, Statement } from 'better-sqlite3';
import type { PipelineMetrics, PipelineStatus, QuarantineItem, SourceLease, SourceStatus } from '../contract/index.js';
import { parseObject } from './json.js';
import { compactSearchIndex } from './search-index.js';

interface SourceRow {
  id: string;
  kind: SourceStatus['kind'];
  format: SourceStatus['format'];
  path: string | null;
  enabled: number;
  cursor: string | null;
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
  assume_tz: string | null;
}

interface LeaseRow extends SourceLease {
  source_id: string;
}

/** The process asking for a lease. */
export type LeaseClaim = Pick<SourceLease, 'instance' | 'host' | 'pid' | 'process'>;

export type LeaseTake = { ok: true; lease: SourceLease; tookOver: SourceLease | null } | { ok: false; holder: SourceLease };

/** What an import remembers of a source: opaque documents its reader wrote and reads back. */
export interface ImportMemory {
  identity: Record<string, unknown>;
  cursor: Record<string, unknown>;
  updated_at: string;
}

export interface OutboxEntry {
  seq: number;
  alert_id: number;
  kind: 'new' | 'updated' | 'status';
  ts: string;
}

function toSource(r: SourceRow, types: Record<string, number> = {}, lease: SourceLease | null = null): SourceStatus {
  return {
    id: r.id,
    kind: r.kind,
    format: r.format,
    path: r.path,
    enabled: r.enabled === 1,
    cursor: parseCursor(r.cursor),
    lines_read: r.lines_read,
    events: r.events,
    skipped: r.skipped,
    skipped_types: types,
    quarantined: r.quarantined,
    alerts_created: r.alerts_created,
    alerts_updated: r.alerts_updated,
    suppressed: r.suppressed,
    last_event_at: r.last_event_at,
    last_error: r.last_error,
    updated_at: r.updated_at,
    assume_tz: r.assume_tz,
    lease,
  };
}

/** A cursor column: the JSON document its driver wrote, or null (none, or unreadable). */
function parseCursor(text: string | null): SourceStatus['cursor'] {
  if (text === null) return null;
  try {
    return JSON.parse(text) as SourceStatus['cursor'];
  } catch {
    return null;
  }
}

function toLease(r: LeaseRow): SourceLease {
  return {
    instance: r.instance,
    host: r.host,
    pid: r.pid,
    process: r.process,
    acquired_at: r.acquired_at,
    renewed_at: r.renewed_at,
    expires_at: r.expires_at,
    state: r.state,
    note: r.note,
    last_error: r.last_error,
    retry_at: r.retry_at,
  };
}

/** What a lease holder says about its reader (published for other processes, e.g. vigil status). */
export type LeaseState = Pick<SourceLease, 'state' | 'note' | 'last_error' | 'retry_at'>;

/** Raw events of an alert that is in a case are evidence: retention leaves them alone. */
const NOT_HELD = 'NOT EXISTS (SELECT 1 FROM case_alerts c WHERE c.alert_id = events.alert_id)';

/** Sources and cursors, quarantine, retention, runtime figures and the alert outbox. */
export class PipelineRepo {
  private readonly getSourceStmt: Statement<[string], SourceRow>;
  private readonly assumeTzStmt: Statement<[string], { assume_tz: string | null }>;
  private readonly outboxStmt: Statement<[number, number], OutboxEntry>;
  private readonly outboxMaxStmt: Statement<[], { seq: number | null }>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.getSourceStmt = db.prepare('SELECT * FROM sources WHERE id = ?');
    this.assumeTzStmt = db.prepare('SELECT assume_tz FROM sources WHERE id = ?');
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
    return this.getSource(id)!;
  }

  /** A source's committed cursor (what its driver wrote), or null. */
  getCursor(id: string): SourceStatus['cursor'] {
    const r = this.db.prepare('SELECT cursor FROM sources WHERE id = ?').get(id) as { cursor: string | null } | undefined;
    return r ? parseCursor(r.cursor) : null;
  }

  /** A source's time zone for timestamps without a UTC offset (one cheap lookup: read for every batch). */
  sourceAssumeTz(id: string): string | null {
    return this.assumeTzStmt.get(id)?.assume_tz ?? null;
  }

  getSource(id: string): SourceStatus | null {
    const r = this.getSourceStmt.get(id);
    if (!r) return null;
    const types: Record<string, number> = {};
    for (const t of this.db.prepare('SELECT type, count FROM source_record_types WHERE source_id = ? ORDER BY count DESC, type').all(id) as { type: string; count: number }[]) {
      types[t.type] = t.count;
    }
    return toSource(r, types, this.getLease(id));
  }

  listSources(): SourceStatus[] {
    const types = new Map<string, Record<string, number>>();
    for (const t of this.db.prepare('SELECT source_id, type, count FROM source_record_types ORDER BY count DESC, type').all() as { source_id: string; type: string; count: number }[]) {
      let m = types.get(t.source_id);
      if (!m) types.set(t.source_id, (m = {}));
      m[t.type] = t.count;
    }
    const leases = new Map(
      (this.db.prepare('SELECT * FROM source_leases WHERE expires_at >= ?').all(this.now().toISOString()) as LeaseRow[]).map((l) => [l.source_id, toLease(l)]),
    );
    return (this.db.prepare('SELECT * FROM sources ORDER BY created_at, id').all() as SourceRow[]).map((r) =>
      toSource(r, types.get(r.id), leases.get(r.id) ?? null),
    );
  }

  /** Sets the time zone assumed for the source's timestamps without a UTC offset (null: refuse them). */
  setSourceAssumeTz(id: string, tz: string | null): boolean {
    return this.db.prepare('UPDATE sources SET assume_tz = ?, updated_at = ? WHERE id = ?').run(tz, this.now().toISOString(), id).changes > 0;
  }

  /** Sets the format of a source (a followed file whose format was detected). */
  setSourceFormat(id: string, format: SourceStatus['format']): void {
    this.db.prepare('UPDATE sources SET format = ?, updated_at = ? WHERE id = ?').run(format, this.now().toISOString(), id);
  }

  // ---------- leases: one reader per source ----------

  /** The unexpired lease on a source, or null. */
  getLease(sourceId: string): SourceLease | null {
    const r = this.db.prepare('SELECT * FROM source_leases WHERE source_id = ? AND expires_at >= ?').get(sourceId, this.now().toISOString()) as LeaseRow | undefined;
    return r ? toLease(r) : null;
  }

  /**
   * Takes the lease on a source for `claim` for ttlMs, in one IMMEDIATE transaction: when it is
   * free, expired, already ours, or `canTakeOver` says its holder is gone. Otherwise returns who
   * holds it.
   */
  takeLease(sourceId: string, claim: LeaseClaim, ttlMs: number, canTakeOver: (holder: SourceLease) => boolean): LeaseTake {
    return this.db
      .transaction((): LeaseTake => {
        const now = this.now();
        const nowIso = now.toISOString();
        const cur = this.db.prepare('SELECT * FROM source_leases WHERE source_id = ?').get(sourceId) as LeaseRow | undefined;
        const held = cur ? toLease(cur) : null;
        const mine = held !== null && held.instance === claim.instance;
        if (held && !mine && held.expires_at >= nowIso && !canTakeOver(held)) return { ok: false, holder: held };
        const lease: SourceLease = {
          ...claim,
          acquired_at: mine ? held.acquired_at : nowIso,
          renewed_at: nowIso,
          expires_at: new Date(now.getTime() + ttlMs).toISOString(),
          ...(mine ? { state: held.state, note: held.note, last_error: held.last_error, retry_at: held.retry_at } : { state: 'starting', note: null, last_error: null, retry_at: null }),
        };
        this.db
          .prepare(
            `INSERT INTO source_leases (source_id, instance, host, pid, process, acquired_at, renewed_at, expires_at, state, note, last_error, retry_at)
             VALUES (@source_id, @instance, @host, @pid, @process, @acquired_at, @renewed_at, @expires_at, @state, @note, @last_error, @retry_at)
             ON CONFLICT (source_id) DO UPDATE SET instance = excluded.instance, host = excluded.host, pid = excluded.pid,
               process = excluded.process, acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at,
               state = excluded.state, note = excluded.note, last_error = excluded.last_error, retry_at = excluded.retry_at`,
          )
          .run({ source_id: sourceId, ...lease });
        return { ok: true, lease, tookOver: held && !mine ? held : null };
      })
      .immediate();
  }

  /** Extends our lease; false when it is no longer ours (taken over after it expired). */
  renewLease(sourceId: string, instance: string, ttlMs: number): boolean {
    const now = this.now();
    return (
      this.db
        .prepare('UPDATE source_leases SET renewed_at = ?, expires_at = ? WHERE source_id = ? AND instance = ?')
        .run(now.toISOString(), new Date(now.getTime() + ttlMs).toISOString(), sourceId, instance).changes > 0
    );
  }

  /** Publishes how our reader is doing on our lease; false when the lease is no longer ours. */
  setLeaseState(sourceId: string, instance: string, st: LeaseState): boolean {
    return (
      this.db
        .prepare('UPDATE source_leases SET state = ?, note = ?, last_error = ?, retry_at = ? WHERE source_id = ? AND instance = ?')
        .run(st.state, st.note, st.last_error, st.retry_at, sourceId, instance).changes > 0
    );
  }

  releaseLease(sourceId: string, instance: string): void {
    this.db.prepare('DELETE FROM source_leases WHERE source_id = ? AND instance = ?').run(sourceId, instance);
  }

  // ---------- import memory ----------

  getImportMemory(sourceId: string): ImportMemory | null {
    const r = this.db.prepare('SELECT identity, cursor, updated_at FROM source_imports WHERE source_id = ?').get(sourceId) as
      | { identity: string; cursor: string; updated_at: string }
      | undefined;
    return r ? { identity: parseObject(r.identity), cursor: parseObject(r.cursor), updated_at: r.updated_at } : null;
  }

  /** Remembers what an import read; call it inside the batch's transaction (ProcessOptions.inTransaction). */
  saveImportMemory(sourceId: string, identity: Record<string, unknown>, cursor: Record<string, unknown>): void {
    this.db
      .prepare(
        `INSERT INTO source_imports (source_id, identity, cursor, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (source_id) DO UPDATE SET identity = excluded.identity, cursor = excluded.cursor, updated_at = excluded.updated_at`,
      )
      .run(sourceId, JSON.stringify(identity), JSON.stringify(cursor), this.now().toISOString());
  }

  forgetImport(sourceId: string): void {
    this.db.prepare('DELETE FROM source_imports WHERE source_id = ?').run(sourceId);
  }

  setSourceEnabled(id: string, enabled: boolean): boolean {
    return this.db.prepare('UPDATE sources SET enabled = ?, updated_at = ? WHERE id = ?').run(enabled ? 1 : 0, this.now().toISOString(), id).changes > 0;
  }

  setSourceError(id: string, error: string | null): void {
    this.db.prepare('UPDATE sources SET last_error = ?, updated_at = ? WHERE id = ?').run(error, this.now().toISOString(), id);
  }

  /** Removes a source with its counters, per-type counts, import memory and stored record ids (a lease stays with its holder). */
  removeSource(id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM source_record_types WHERE source_id = ?').run(id);
      this.db.prepare('DELETE FROM source_imports WHERE source_id = ?').run(id);
      this.db.prepare('DELETE FROM source_records WHERE source_id = ?').run(id);
      return this.db.prepare('DELETE FROM sources WHERE id = ?').run(id).changes > 0;
    })();
  }

  listQuarantine(limit: number, beforeId?: number, sourceId?: string): { items: QuarantineItem[]; total: number } {
    return { items: this.quarantinePage(limit, beforeId, sourceId), total: this.quarantineTotal(sourceId) };
  }

  /** Newest first, keyset-paginated by id: the next page starts before the last id of this one. */
  quarantinePage(limit: number, beforeId?: number, sourceId?: string): QuarantineItem[] {
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
    return this.db.prepare(`SELECT * FROM quarantine ${w} ORDER BY id DESC LIMIT ?`).all(...params, limit) as QuarantineItem[];
  }

  quarantineTotal(sourceId?: string): number {
    const totalWhere = sourceId !== undefined ? 'WHERE source_id = ?' : '';
    return (this.db.prepare(`SELECT count(*) AS n FROM quarantine ${totalWhere}`).get(...(sourceId !== undefined ? [sourceId] : [])) as { n: number }).n;
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

  /** One bounded step of the alerts' full-text index compaction (see search-index.ts). */
  compactSearchIndex(): ReturnType<typeof compactSearchIndex> {
    return compactSearchIndex(this.db);
  }

  outboxSince(seq: number, limit: number): OutboxEntry[] {
    return this.outboxStmt.all(seq, limit);
  }

  outboxHead(): number {
    return this.outboxMaxStmt.get()!.seq ?? 0;
  }
}
