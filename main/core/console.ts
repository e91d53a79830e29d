import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import {
  ContractError,
  PRIORITIES,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type AlertSort,
  type AlertStatus,
  type AttackMatrix,
  type BulkTarget,
  type DashboardSummary,
  type DashboardTop,
  type DashboardTrend,
  type ExportFormat,
  type JobProgress,
  type RelatedAlerts,
  type SavedFilter,
  type TechniqueInfo,
} from '../contract/index.js';
import { AlertFilter as AlertFilterSchema } from '../contract/index.js';
import { alertWhere, InvalidFilterError, type AlertsRepo } from '../store/alerts-repo.js';
import type { DashboardRepo, TopRow } from '../store/dashboard-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { PipelineRepo } from '../store/pipeline-repo.js';
import type { TriageRepo } from '../store/triage-repo.js';
import type { AttackTable } from '../pipeline/detect/attack.js';
import type { EventBus } from './events.js';
import { EXPORT_MIME, exportFileName, writeAlertsExport } from './export.js';
import type { Logger } from './logger.js';

/** Rows per transaction in a bulk job: short enough that other writers never wait long. */
const BULK_CHUNK = 1000;
/** Alerts per page of an export. */
const EXPORT_PAGE = 500;
/** How long a prepared download stays valid. */
export const EXPORT_TICKET_MS = 60_000;

/**
 * What an export job writes (alerts.export, events.export): the job runs it with progress and a
 * stop, and audits it under its kind.
 */
export interface ExportWork {
  kind: 'alerts.export' | 'events.export';
  /** What one row is, in progress messages ("alert", "record"). */
  noun: string;
  /** Rows expected (the progress bar's end). */
  total: number;
  file_name: string;
  mime: string;
  actor: string;
  /** The audit entry's details besides the job id and what was written. */
  details: Record<string, unknown>;
  /** Writes the rows; checks `cancelled()` between pages and reports each page with `progress`. */
  write(out: ExportSink, cancelled: () => boolean, progress: (done: number) => void): Promise<{ written: number; complete: boolean }>;
}

/** Where an export's bytes go: a file, or an HTTP response. */
export interface ExportSink {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** A prepared export, taken by its download. */
export interface PreparedExport {
  file_name: string;
  mime: string;
  /** Streams the export into `out`; `closed()` says the reader went away (the export stops). */
  run(out: ExportSink, closed: () => boolean): Promise<{ complete: boolean }>;
}

function iso(t: string): string {
  return new Date(t).toISOString();
}

/** Vigil's own correlation rules, named without the address of one of their alerts. */
const CORRELATION_RULE_NAMES: Record<string, string> = {
  'vigil:brute_force': 'Brute force (correlation)',
  'vigil:password_spraying': 'Password spraying (correlation)',
  'vigil:port_scan': 'Port scan (correlation)',
  'vigil:flood': 'Flood (correlation)',
};

/** A rule's name in "Top rules": its title, or for a correlation rule what it detects. */
function ruleLabel(ruleId: string, title: string | undefined): string {
  return CORRELATION_RULE_NAMES[ruleId] ?? (ruleId.startsWith('vigil:') ? ruleId : (title ?? ruleId));
}

/** Runs a read of a filter; a filter that cannot be applied is the caller's BAD_REQUEST. */
function ofFilter<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof InvalidFilterError) throw new ContractError('BAD_REQUEST', err.message);
    throw err;
  }
}

function where(filter: AlertFilter) {
  return ofFilter(() => alertWhere(filter));
}

/**
 * Read models for the dashboard and the triage actions that touch many alerts at once. Every
 * figure is computed from SQLite; bulk changes run as jobs in small transactions with progress
 * events, so "resolve everything matching" has no page cap and never freezes the app.
 */
export class ConsoleService {
  private readonly jobs = new Map<string, { cancelled: boolean }>();
  private readonly pendingExports = new Map<string, ExportWork & { expires: number }>();

  constructor(
    private readonly dashboard: DashboardRepo,
    private readonly alerts: AlertsRepo,
    private readonly audit: AuditRepo,
    private readonly pipeline: PipelineRepo,
    private readonly attack: AttackTable | null,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly now: () => Date,
    private readonly triage: TriageRepo,
  ) {}

  // ---------- dashboard ----------
  summary(from: string, to: string): DashboardSummary {
    const f = iso(from);
    const t = iso(to);
    const open_by_priority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<(typeof PRIORITIES)[number], number>;
    // open alerts active in the range (seen in it), like the neighbouring "alerts in range"
    const rows = this.dashboard.openByPriority(f, t);
    for (const r of rows) open_by_priority[r.priority] = r.n;
    const inRange = this.dashboard.inRange(f, t);
    const times = this.dashboard.responseTimes(f, t);
    const lastMin = this.dashboard.eventsSince(new Date(this.now().getTime() - 60_000).toISOString());
    return {
      open_by_priority,
      open_total: rows.reduce((a, r) => a + r.n, 0),
      alerts_in_range: inRange.n,
      events_in_range: inRange.ev,
      events_per_s: Math.round((lastMin / 60) * 10) / 10,
      mtta_s: times.mtta === null ? null : Math.round(Math.max(0, times.mtta)),
      mttr_s: times.mttr === null ? null : Math.round(Math.max(0, times.mttr)),
      quarantine_total: this.dashboard.quarantineTotal(),
      sources: this.pipeline.listSources(),
      newest_alert_seen: this.dashboard.newestAlertSeen(),
    };
  }

  /** New alerts per bucket (by first_seen), stacked by severity. */
  trend(from: string, to: string, buckets: number): DashboardTrend {
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (!(t > f)) throw new ContractError('BAD_REQUEST', '"to" must be after "from"');
    const bucketS = Math.max(1, Math.ceil((t - f) / 1000 / buckets));
    const n = Math.ceil((t - f) / 1000 / bucketS);
    const points = Array.from({ length: n }, (_, i) => ({
      t: new Date(f + i * bucketS * 1000).toISOString(),
      info: 0,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
    }));
    const rows = this.dashboard.trend(new Date(f).toISOString(), new Date(t).toISOString(), bucketS);
    for (const r of rows) {
      const p = points[r.b];
      if (p) p[r.severity] += r.n;
    }
    return { bucket_s: bucketS, points };
  }

  top(from: string, to: string, field: DashboardTop['field'], limit: number): DashboardTop {
    const f = iso(from);
    const t = iso(to);
    const rows: TopRow[] = field === 'technique' ? this.dashboard.topTechniques(f, t, limit) : this.dashboard.top(field, f, t, limit);
    return {
      field,
      items: rows.map((r) => ({
        key: r.key,
        label: field === 'technique' ? (this.attack?.technique(r.key)?.name ?? r.key) : field === 'rule' ? ruleLabel(r.key, r.label) : (r.label ?? r.key),
        alerts: r.alerts,
        events: r.events,
      })),
    };
  }

  /** Alerts per technique, rolled up to parent techniques for the matrix. */
  attackCells(from: string, to: string): { cells: { technique_id: string; alerts: number }[] } {
    const rows = this.dashboard.attackCells(iso(from), iso(to));
    return { cells: rows.map((r) => ({ technique_id: r.tid, alerts: r.n })) };
  }

  matrix(): AttackMatrix {
    if (!this.attack) return { version: 'unavailable', tactics: [] };
    const parents = this.attack.techniques().filter((t) => !t.id.includes('.'));
    return {
      version: 'ATT&CK Enterprise v18.1',
      tactics: this.attack.tactics().map((tac) => ({
        id: tac.id,
        shortname: tac.shortname,
        name: tac.name,
        techniques: parents.filter((t) => t.tactics.some((x) => x.id === tac.id)).map((t) => ({ id: t.id, name: t.name })).sort((a, b) => a.name.localeCompare(b.name)),
      })),
    };
  }

  techniques(ids: readonly string[]): TechniqueInfo[] {
    if (!this.attack) return [];
    const out: TechniqueInfo[] = [];
    for (const id of ids) {
      const t = this.attack.technique(id);
      if (t) out.push({ id: t.id, name: t.name, tactics: t.tactics.map((x) => ({ id: x.id, name: x.name })), url: t.url, summary: t.summary });
    }
    return out;
  }

  // ---------- triage ----------
  count(filter: AlertFilter): number {
    return ofFilter(() => this.alerts.countMatching(filter));
  }

  /**
   * Starts a bulk status change; progress arrives as jobs.progress events. The job id is also
   * the change's id in the undo log (alerts.undoStatus). A cancelled job stops between two
   * chunks: what was done stays done, and the last event says how much.
   */
  startBulkStatus(target: BulkTarget, status: AlertStatus, note: string | null, actor: string): { job_id: string; total: number } {
    const job_id = crypto.randomUUID();
    const ids: number[] =
      'ids' in target
        ? [...new Set(target.ids)]
        : this.alerts.idsWhere(where(AlertFilterSchema.parse(target.filter)));
    const total = ids.length;
    const state = { cancelled: false };
    this.jobs.set(job_id, state);
    const emit = (done: number, s: JobProgress['state'], message: string | null) =>
      this.bus.emit('jobs.progress', { job_id, kind: 'alerts.status', done, total, state: s, message });
    this.audit.append({
      actor,
      action: 'alerts.bulk_status',
      target_type: 'alerts',
      target_id: null,
      details: { job_id, status, note, total, target: 'ids' in target ? { ids: total } : { filter: target.filter } },
    });
    this.triage.pruneChanges();
    let done = 0;
    let changed = 0;
    const step = () => {
      try {
        if (state.cancelled) {
          this.jobs.delete(job_id);
          this.audit.append({ actor, action: 'alerts.bulk_status_cancelled', target_type: 'alerts', target_id: null, details: { job_id, done, changed, total } });
          emit(done, 'cancelled', `Stopped after ${done} of ${total}: ${changed} alert(s) set to ${status}, the rest left as they were`);
          this.bus.emit('alerts.changed', { reason: 'bulk', ids: ids.slice(0, Math.min(done, 500)), total: done });
          return;
        }
        const chunk = ids.slice(done, done + BULK_CHUNK);
        if (chunk.length > 0) changed += this.alerts.setStatusMany(chunk, status, actor, note, job_id);
        done += chunk.length;
        if (done < total) {
          emit(done, 'running', null);
          setImmediate(step);
          return;
        }
        this.jobs.delete(job_id);
        emit(done, 'done', `${changed} alert(s) set to ${status}${changed < done ? ` (${done - changed} already were)` : ''}`);
        this.bus.emit('alerts.changed', { reason: 'bulk', ids: ids.slice(0, 500), total });
      } catch (err) {
        this.jobs.delete(job_id);
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error('bulk status job failed', { job_id, error: message });
        emit(done, 'failed', message);
      }
    };
    emit(0, 'running', null);
    setImmediate(step);
    return { job_id, total };
  }

  /**
   * Asks a running job to stop; false when it is not running (finished, unknown). An export whose
   * download has not started yet is withdrawn: its ticket is gone, and it ends as cancelled.
   */
  cancelJob(jobId: string): boolean {
    const pending = this.pendingExports.get(jobId);
    if (pending) {
      this.pendingExports.delete(jobId);
      this.bus.emit('jobs.progress', { job_id: jobId, kind: pending.kind, done: 0, total: pending.total, state: 'cancelled', message: null });
      return true;
    }
    const job = this.jobs.get(jobId);
    if (!job || job.cancelled) return false;
    job.cancelled = true;
    return true;
  }

  // ---------- export ----------
  /** Every alert matching a filter in the given order, page by page (the event loop breathes between pages). */
  private async *exportPages(filter: AlertFilter, sort: AlertSort): AsyncGenerator<Alert[]> {
    let after: AlertCursor | undefined;
    for (;;) {
      const page = this.listPage(filter, EXPORT_PAGE, after, sort);
      if (page.items.length) yield page.items;
      if (!page.next) return;
      after = page.next;
      await new Promise((r) => setImmediate(r));
    }
  }

  private listPage(filter: AlertFilter, limit: number, after: AlertCursor | undefined, sort: AlertSort) {
    try {
      return this.alerts.list(filter, limit, after, sort);
    } catch (err) {
      if (err instanceof InvalidFilterError) throw new ContractError('BAD_REQUEST', err.message);
      throw err;
    }
  }

  /** An alerts export: every alert matching the filter, in the order given. */
  private alertsWork(filter: AlertFilter, format: ExportFormat, sort: AlertSort, actor: string, fileName: string): ExportWork {
    return {
      kind: 'alerts.export',
      noun: 'alert',
      total: this.count(filter),
      file_name: fileName,
      mime: EXPORT_MIME[format],
      actor,
      details: { format, filter },
      write: (out, cancelled, progress) =>
        writeAlertsExport({ format, pages: this.exportPages(filter, sort), notes: (ids) => this.triage.notesFor(ids), out, cancelled, progress }),
    };
  }

  /**
   * Registers an export to be streamed to one download (headless): the job id is a one-time
   * ticket, valid for EXPORT_TICKET_MS, handed out only over an authenticated connection.
   */
  prepareExport(filter: AlertFilter, format: ExportFormat, sort: AlertSort, actor: string): { job_id: string; total: number; file_name: string } {
    return this.prepareWork(this.alertsWork(filter, format, sort, actor, exportFileName(format, this.now())));
  }

  /** Registers any export work for one download (see prepareExport). */
  prepareWork(work: ExportWork): { job_id: string; total: number; file_name: string } {
    for (const [id, p] of this.pendingExports) if (p.expires < this.now().getTime()) this.pendingExports.delete(id);
    const job_id = crypto.randomUUID();
    this.pendingExports.set(job_id, { ...work, expires: this.now().getTime() + EXPORT_TICKET_MS });
    return { job_id, total: work.total, file_name: work.file_name };
  }

  /** Takes a prepared export (once): what the download needs to run it, or null. */
  takeExport(ticket: string): PreparedExport | null {
    const p = this.pendingExports.get(ticket);
    if (!p) return null;
    this.pendingExports.delete(ticket);
    if (p.expires < this.now().getTime()) return null;
    return {
      file_name: p.file_name,
      mime: p.mime,
      run: (out, closed) => this.runExport(ticket, p, out, closed),
    };
  }

  /** Desktop: writes an export to a file the analyst chose (a `.part` file renamed when complete). */
  exportToFile(filter: AlertFilter, format: ExportFormat, sort: AlertSort, file: string, actor: string): { job_id: string; total: number; file_name: string } {
    return this.workToFile(this.alertsWork(filter, format, sort, actor, path.basename(file)), file);
  }

  /** Desktop: runs any export work into `file` (see exportToFile). */
  workToFile(work: ExportWork, file: string): { job_id: string; total: number; file_name: string } {
    const job_id = crypto.randomUUID();
    const part = `${file}.part`;
    const stream = fs.createWriteStream(part, { mode: 0o600 });
    const out: ExportSink = {
      write: (text) => (stream.write(text) ? Promise.resolve() : once(stream, 'drain').then(() => undefined)),
      end: () => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
    };
    void this.runExport(job_id, work, out, () => false).then(
      (r) => (r.complete ? fs.promises.rename(part, file) : fs.promises.rm(part, { force: true })),
      () => fs.promises.rm(part, { force: true }),
    );
    return { job_id, total: work.total, file_name: work.file_name };
  }

  /** Runs an export as a job (progress, cancel); never throws: a failure is the job's last event. */
  private async runExport(job_id: string, p: ExportWork, out: ExportSink, closed: () => boolean): Promise<{ complete: boolean }> {
    const state = { cancelled: false };
    this.jobs.set(job_id, state);
    const emit = (done: number, s: JobProgress['state'], message: string | null) => this.bus.emit('jobs.progress', { job_id, kind: p.kind, done, total: p.total, state: s, message });
    emit(0, 'running', null);
    let last = 0;
    try {
      const r = await p.write(
        out,
        () => state.cancelled || closed(),
        (done) => {
          last = done;
          emit(done, 'running', null);
        },
      );
      await out.end();
      this.audit.append({
        actor: p.actor,
        action: p.kind,
        target_type: p.kind === 'alerts.export' ? 'alerts' : 'records',
        target_id: null,
        details: { job_id, ...p.details, written: r.written, complete: r.complete },
      });
      if (r.complete) emit(r.written, 'done', `${r.written} ${p.noun}(s) exported to ${p.file_name}`);
      else emit(r.written, 'cancelled', `Export stopped after ${r.written} of ${p.total} ${p.noun}(s); the file is incomplete`);
      return { complete: r.complete };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.error('export failed', { job_id, kind: p.kind, error: message });
      emit(last, 'failed', message);
      await out.end().catch(() => undefined);
      return { complete: false };
    } finally {
      this.jobs.delete(job_id);
    }
  }

  assign(ids: readonly number[], assignee: string | null, actor: string): number {
    return this.alerts.assign(ids, assignee, actor);
  }

  tag(ids: readonly number[], add: readonly string[], remove: readonly string[], actor: string): number {
    return this.alerts.tag(ids, add, remove, actor);
  }

  knownTags(): { tag: string; alerts: number }[] {
    return this.alerts.knownTags();
  }

  related(id: number, limit: number): RelatedAlerts {
    const a = this.alerts.get(id);
    if (!a) throw new ContractError('NOT_FOUND', `alert ${id} does not exist`);
    return this.alerts.related(a, limit);
  }

  // ---------- saved filters ----------
  listSavedFilters(): SavedFilter[] {
    return this.dashboard.savedFilters().flatMap((r) => {
      const f = AlertFilterSchema.safeParse(JSON.parse(r.filter));
      return f.success ? [{ id: r.id, name: r.name, filter: f.data, created_at: r.created_at }] : [];
    });
  }

  saveFilter(name: string, filter: AlertFilter, actor: string): SavedFilter {
    this.dashboard.saveFilter(name, JSON.stringify(filter), this.now().toISOString(), actor);
    return this.listSavedFilters().find((f) => f.name === name)!;
  }

  removeSavedFilter(id: number): boolean {
    return this.dashboard.removeSavedFilter(id);
  }
}
