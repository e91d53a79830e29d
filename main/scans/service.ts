import { ContractError } from '../contract/errors.js';
import type { FindingsSummary, Scan, ScanChoices, ScanDetail, ScanDiff, ScanOptions, ScanStartRequest, ScanStatus } from '../contract/index.js';
import { failureOf, type Connector } from '../connectors/types.js';
import type { Logger } from '../core/logger.js';
import type { FindingsRepo } from '../store/findings-repo.js';
import type { ScanRecord, ScansRepo } from '../store/scans-repo.js';
import { scanToolFor, type ScanTool, type ToolState } from './tools.js';

/**
 * One poller per data directory: the desktop app, `vigil serve` and `vigil scan --wait` may run at
 * once on the same database, and two pollers would each step (and import) every scan. The
 * holder renews it on every pass; `confirm()` inside an import's transaction throws when the
 * lease was lost, so a stalled holder's page rolls back instead of being counted twice.
 */
export interface PollerLease {
  /** Takes or renews the lease; false while another live process holds it. */
  acquire(): boolean;
  /** Throws when the lease is no longer ours. */
  confirm(): void;
  /** Who holds it, for messages ("vigil serve (pid 123) since 10:03:12"); null when nobody does. */
  holder(): string | null;
  release(): void;
}

export interface ScansServiceDeps {
  repo: ScansRepo;
  findings: FindingsRepo;
  /** The live connector of an enabled configuration, or null. */
  connector(id: string): Promise<Connector | null>;
  logger: Logger;
  now: () => Date;
  /** Time between two polls of a running scan (default 5 s). */
  pollMs?: number;
  /** No progress for this long flags a scan stalled (default 15 minutes; a scan can set its own). */
  stallMinutes?: number;
  /** Longest wait between two polls after failures (default 10 minutes). */
  maxBackoffMs?: number;
  /** Called after an import step or a status change wrote findings (the exposure index listens). */
  onFindingsChanged?: () => void;
  /** Called after a scan changed (push events). */
  onScanChanged?: (scan: Scan) => void;
  /** Without one, this process polls whatever else runs (tests, a single process). */
  lease?: PollerLease;
}

const messageOf = (err: unknown) => failureOf(err).message;

/**
 * Scans started from the console: started on the tool, followed by a poller that runs in the app
 * (one step per scan per tick, with backoff after failures; it picks up the running scans of
 * the database when it starts, so a restart resumes them), flagged stalled when their progress
 * has not moved for the stall limit, and imported into findings when the tool is done.
 *
 * An import goes a page at a time; each page's findings and the import cursor are written in ONE
 * transaction, and findings are keyed by their identity, so a crash mid-import resumes at the
 * last committed page and neither loses nor duplicates a finding.
 */
export class ScansService {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly locks = new Map<number, Promise<unknown>>();
  private readonly pollMs: number;
  private readonly stallMs: number;
  private stopped = false;

  constructor(private readonly deps: ScansServiceDeps) {
    this.pollMs = deps.pollMs ?? 5000;
    this.stallMs = (deps.stallMinutes ?? 15) * 60_000;
  }

  // ---- the poller --------------------------------------------------------------------------

  /** Polls every running scan now and then every `pollMs`. */
  run(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.pollMs / 2)));
    this.timer.unref();
    void this.tick();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled([...this.locks.values()]);
    this.deps.lease?.release();
  }

  /** This process may step scans now (it holds the poller lease, or there is none). */
  private polling(): boolean {
    return !this.deps.lease || this.deps.lease.acquire();
  }

  /** Steps the scan now if this process is the poller; else the poller does it on its next pass. */
  private async stepIfPoller(id: number, what: string): Promise<void> {
    if (this.polling()) return this.step(id);
    this.deps.repo.log(id, 'info', `${what}: ${this.deps.lease?.holder() ?? 'another process'} polls the scans and will carry it out`);
  }

  /** One pass over the running scans that are due; never throws (each scan's failure is its own). */
  tick(): Promise<void> {
    if (!this.ticking) {
      const pass = this.pass();
      this.ticking = pass;
      void pass.finally(() => {
        if (this.ticking === pass) this.ticking = null;
      });
    }
    return this.ticking;
  }

  private async pass(): Promise<void> {
    try {
      if (!this.polling()) return;
      const now = this.deps.now().getTime();
      for (const scan of this.deps.repo.active()) {
        if (this.stopped) return;
        if (scan.next_poll_at && Date.parse(scan.next_poll_at) > now) continue;
        await this.exclusive(scan.id, () => this.step(scan.id));
      }
    } catch (err) {
      this.deps.logger.warn('the scan poller failed a pass', { error: messageOf(err) });
    }
  }

  /** Runs fn alone for this scan (the poller, a stop and an import never interleave). */
  private exclusive<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return next;
  }

  private async toolFor(scan: Pick<ScanRecord, 'connector_id'>): Promise<ScanTool> {
    const c = await this.deps.connector(scan.connector_id);
    if (!c) throw new ContractError('NOT_FOUND', `no enabled connector "${scan.connector_id}"`);
    return scanToolFor(c);
  }

  /** One poll (or import) step of one scan; a failure is recorded on the scan and retried later. */
  private async step(id: number): Promise<void> {
    const scan = this.deps.repo.get(id);
    if (!scan || (scan.status !== 'running' && scan.status !== 'importing')) return;
    try {
      if (scan.status === 'importing') await this.importAll(scan);
      else await this.pollScan(scan);
    } catch (err) {
      const failures = scan.failures + 1;
      const wait = Math.min(this.pollMs * 2 ** Math.min(failures, 16), this.deps.maxBackoffMs ?? 600_000);
      const message = messageOf(err);
      const when = new Date(this.deps.now().getTime() + wait).toISOString();
      this.deps.repo.transaction(() => {
        this.deps.repo.update(id, { failures, error: message, next_poll_at: when });
        this.deps.repo.log(id, 'error', `${message} (attempt ${failures}; next try at ${when})`);
      });
      this.changed(id);
    }
  }

  private async pollScan(scan: ScanRecord): Promise<void> {
    const tool = await this.toolFor(scan);
    const options = scan.options as ScanOptions;
    const state = scan.tool_state as ToolState;
    const out = await tool.poll(scan.target, options, state, undefined);
    const now = this.deps.now();
    const moved = out.mark !== scan.progress_mark;
    const progressAt = moved ? now.toISOString() : scan.progress_at;
    const nextState: ToolState = { ...state, ...out.state, note: out.note, ...(out.toolError ? { toolError: out.toolError } : {}) };
    const stalledSince = this.stalledSince({ ...scan, progress_at: progressAt, tool_state: nextState }, now.getTime());
    if (stalledSince && !state.stallLogged) nextState.stallLogged = true;
    if (moved) delete nextState.stallLogged;
    this.deps.repo.transaction(() => {
      this.deps.repo.update(scan.id, {
        tool_state: nextState,
        progress: out.progress,
        progress_mark: out.mark,
        progress_at: progressAt,
        failures: 0,
        error: out.toolError ?? null,
        next_poll_at: new Date(now.getTime() + this.pollMs).toISOString(),
        ...(out.next === 'import' ? { status: 'importing' as const, import_cursor: null, imported: 0, rejected: 0 } : {}),
      });
      if (out.note !== state.note || scan.failures > 0) this.deps.repo.log(scan.id, 'info', out.note);
      if (stalledSince && !state.stallLogged) this.deps.repo.log(scan.id, 'warn', `no progress since ${stalledSince} (${out.note})`);
      if (out.toolError) this.deps.repo.log(scan.id, 'error', out.toolError);
      if (out.next === 'import') this.deps.repo.log(scan.id, 'info', 'the tool is done; importing the results');
    });
    if (out.next === 'import') await this.importAll(this.deps.repo.get(scan.id)!);
    else this.changed(scan.id);
  }

  /** Imports from the committed cursor to the end, a page per transaction; then ends the scan. */
  private async importAll(scan: ScanRecord): Promise<void> {
    const tool = await this.toolFor(scan);
    try {
      await this.importSteps(scan, tool);
    } finally {
      tool.close?.();
    }
  }

  private async importSteps(scan: ScanRecord, tool: ScanTool): Promise<void> {
    const state = scan.tool_state as ToolState;
    let cursor = scan.import_cursor;
    for (;;) {
      if (this.stopped) return;
      const step = await tool.importStep(scan.target, state, cursor, undefined);
      const seenAt = this.deps.now().toISOString();
      const origin = { scanId: scan.id, connectorId: scan.connector_id, target: scan.target, seenAt };
      this.deps.repo.transaction(() => {
        // a poller that stalled past its lease rolls the page back: the new holder imports it
        this.deps.lease?.confirm();
        const r = this.deps.findings.upsert(step.findings, origin);
        this.deps.repo.addCounts(scan.id, step.counted ?? step.findings.length, step.rejected.length);
        if (step.done && step.note) this.deps.repo.log(scan.id, 'info', step.note);
        this.deps.repo.update(scan.id, { import_cursor: step.cursor ?? null, failures: 0, error: null });
        const first = step.rejected[0];
        if (first) this.deps.repo.log(scan.id, 'warn', `${step.rejected.length} record${step.rejected.length === 1 ? '' : 's'} could not be read as findings, e.g.: ${first.reason}`);
        if (r.reopened.length) this.deps.repo.log(scan.id, 'info', `${r.reopened.length} fixed finding${r.reopened.length === 1 ? '' : 's'} found again: reopened`);
        if (step.done) this.finish(scan, state, origin);
      });
      this.deps.onFindingsChanged?.();
      if (step.done) break;
      cursor = step.cursor;
    }
    this.changed(scan.id);
  }

  /** Ends an imported scan (in the last import step's transaction). */
  private finish(scan: ScanRecord, state: ToolState, origin: { scanId: number; connectorId: string; target: string; seenAt: string }): void {
    const status: ScanStatus = state.stopRequested ? 'stopped' : state.toolError ? 'failed' : 'finished';
    // only a complete run says what is gone: a stopped or failed one saw part of the target
    const fixed = status === 'finished' ? this.deps.findings.markFixed(origin) : [];
    const done = this.deps.repo.update(scan.id, {
      status,
      progress: status === 'finished' ? 100 : scan.progress,
      ended_at: origin.seenAt,
      next_poll_at: null,
      import_cursor: null,
      ...(state.toolError ? { error: String(state.toolError) } : {}),
    });
    this.deps.repo.log(scan.id, status === 'failed' ? 'error' : 'info', `${status}: ${done.imported} findings imported${done.rejected ? `, ${done.rejected} not readable` : ''}${fixed.length ? `, ${fixed.length} no longer found (fixed)` : ''}`);
  }

  private changed(id: number): void {
    if (!this.deps.onScanChanged) return;
    const s = this.deps.repo.get(id);
    if (s) this.deps.onScanChanged(this.view(s));
  }

  // ---- calls -------------------------------------------------------------------------------

  async start(req: ScanStartRequest, actor: string): Promise<Scan> {
    const connector = await this.deps.connector(req.connector_id);
    if (!connector) throw new ContractError('NOT_FOUND', `no enabled connector "${req.connector_id}"`);
    const tool = (() => {
      try {
        return scanToolFor(connector);
      } catch (err) {
        throw new ContractError('BAD_REQUEST', messageOf(err));
      }
    })();
    if (req.options.tool !== connector.kind) throw new ContractError('BAD_REQUEST', `options for ${req.options.tool} given to ${connector.describe().name} (${connector.kind})`);
    let started: { state: ToolState; note: string };
    try {
      started = await tool.start(req.target, req.options, undefined);
    } catch (err) {
      const f = failureOf(err);
      throw new ContractError(f.kind === 'invalid_config' ? 'BAD_REQUEST' : 'CONFLICT', `${connector.describe().name} did not start the scan: ${f.message}`);
    }
    const tool_state: ToolState = { ...started.state, note: started.note, stallMinutes: req.stall_minutes ?? this.stallMs / 60_000 };
    const scan = this.deps.repo.transaction(() => {
      const s = this.deps.repo.create({ tool: connector.kind as Scan['tool'], connector_id: req.connector_id, target: req.target, options: req.options, tool_state, created_by: actor });
      this.deps.repo.log(s.id, 'info', `started by ${actor}: ${started.note}`);
      return s;
    });
    const view = this.view(scan);
    this.deps.onScanChanged?.(view);
    return view;
  }

  async stopScan(id: number, actor: string): Promise<Scan> {
    return this.exclusive(id, async () => {
      const scan = this.need(id);
      if (scan.status !== 'running') throw new ContractError('CONFLICT', `scan ${id} is ${scan.status}; only a running scan can be stopped`);
      const tool = await this.toolFor(scan);
      let note: string;
      try {
        note = await tool.stop(scan.tool_state as ToolState, undefined);
      } catch (err) {
        throw new ContractError('CONFLICT', `the scan could not be stopped: ${messageOf(err)}`);
      }
      this.deps.repo.transaction(() => {
        this.deps.repo.update(id, { tool_state: { ...scan.tool_state, stopRequested: true }, next_poll_at: this.deps.now().toISOString() });
        this.deps.repo.log(id, 'info', `stopped by ${actor}: ${note}`);
      });
      await this.stepIfPoller(id, 'the stop');
      return this.view(this.need(id));
    });
  }

  /** Imports again what the tool holds for a scan that is over (or finishes an interrupted import). */
  async importNow(id: number, actor: string): Promise<Scan> {
    return this.exclusive(id, async () => {
      const scan = this.need(id);
      if (scan.status === 'running') throw new ContractError('CONFLICT', `scan ${id} is still running; its results are imported when it ends`);
      if (scan.status !== 'importing') {
        this.deps.repo.transaction(() => {
          // findings are keyed by identity: a new import counts what the tool holds now, not on top of the last one
          this.deps.repo.update(id, { status: 'importing', import_cursor: null, imported: 0, rejected: 0, failures: 0, error: null, ended_at: null });
          this.deps.repo.log(id, 'info', `import requested by ${actor}`);
        });
      }
      await this.stepIfPoller(id, 'the import');
      return this.view(this.need(id));
    });
  }

  /** Resumes a stopped or failed (interrupted) scan on the tool; the poller follows it again. */
  async resume(id: number, actor: string): Promise<Scan> {
    return this.exclusive(id, async () => {
      const scan = this.need(id);
      if (scan.status !== 'stopped' && scan.status !== 'failed') throw new ContractError('CONFLICT', `scan ${id} is ${scan.status}; only a stopped or failed scan can be resumed`);
      const tool = await this.toolFor(scan);
      if (!tool.resume) throw new ContractError('BAD_REQUEST', `${scan.tool} scans cannot be resumed; start a new one`);
      let resumed: { state: ToolState; note: string };
      try {
        resumed = await tool.resume(scan.tool_state as ToolState, undefined);
      } catch (err) {
        throw new ContractError('CONFLICT', `the scan could not be resumed: ${messageOf(err)}`);
      }
      const now = this.deps.now().toISOString();
      const tool_state: ToolState = { ...resumed.state, note: resumed.note };
      for (const k of ['stopRequested', 'toolError', 'stallLogged']) delete tool_state[k];
      this.deps.repo.transaction(() => {
        this.deps.repo.update(id, { status: 'running', tool_state, ended_at: null, error: null, failures: 0, progress_at: now, next_poll_at: now, import_cursor: null });
        this.deps.repo.log(id, 'info', `resumed by ${actor}: ${resumed.note}`);
      });
      this.changed(id);
      return this.view(this.need(id));
    });
  }

  /** What the connector's scanner offers for a new scan, listed from the server. */
  async choices(connectorId: string): Promise<ScanChoices> {
    const connector = await this.deps.connector(connectorId);
    if (!connector) throw new ContractError('NOT_FOUND', `no enabled connector "${connectorId}"`);
    let tool: ScanTool;
    try {
      tool = scanToolFor(connector);
    } catch (err) {
      throw new ContractError('BAD_REQUEST', messageOf(err));
    }
    if (!tool.choices) return { tool: connector.kind as Scan['tool'], scan_configs: [], port_lists: [], scanners: [], alive_tests: [], defaults: { scan_config: null, port_list: null, scanner: null } };
    try {
      return await tool.choices(undefined);
    } catch (err) {
      throw new ContractError('CONFLICT', `${connector.describe().name} did not list its options: ${messageOf(err)}`);
    }
  }

  /** This run against the previous finished run of the same connector and target. */
  diff(id: number, limit: number): ScanDiff {
    const scan = this.need(id);
    const prev = this.deps.repo.previousRun(scan);
    if (!prev) {
      const all = this.deps.findings.list({ scan_id: id }, limit, 0);
      return { scan_id: id, previous_id: null, new: all, still: { items: [], total: 0 }, gone: { items: [], total: 0 } };
    }
    return { scan_id: id, previous_id: prev.id, ...this.deps.findings.diff(id, prev.id, limit) };
  }

  /** Open findings by severity and the scans' health (the dashboard tile). */
  summary(): FindingsSummary {
    const now = this.deps.now().getTime();
    const running = this.deps.repo.active().filter((s) => s.status === 'running');
    const failed = this.deps.repo.list({ status: ['failed'], limit: 1000 }).filter((s) => s.ended_at && now - Date.parse(s.ended_at) < 86_400_000);
    return {
      open: this.deps.findings.openBySeverity(),
      scans: {
        running: running.length,
        stalled: running.filter((s) => this.stalledSince(s, now) !== null).length,
        failed_24h: failed.length,
        erroring: running.filter((s) => s.failures > 0).length,
      },
    };
  }

  list(opts: { status?: ScanStatus[]; tool?: Scan['tool']; limit: number }): Scan[] {
    return this.deps.repo.list(opts).map((s) => this.view(s));
  }

  detail(id: number): ScanDetail {
    return { scan: this.view(this.need(id)), log: this.deps.repo.logLines(id) };
  }

  private need(id: number): ScanRecord {
    const s = this.deps.repo.get(id);
    if (!s) throw new ContractError('NOT_FOUND', `no scan ${id}`);
    return s;
  }

  private stallLimitMs(s: ScanRecord): number {
    const m = Number(s.tool_state.stallMinutes);
    return Number.isFinite(m) && m > 0 ? m * 60_000 : this.stallMs;
  }

  private stalledSince(s: ScanRecord, now: number): string | null {
    if (s.status !== 'running') return null;
    return now - Date.parse(s.progress_at) >= this.stallLimitMs(s) ? s.progress_at : null;
  }

  /** The contract's view: elapsed time, an estimate from the progress so far, the stall flag. */
  view(s: ScanRecord): Scan {
    const now = this.deps.now().getTime();
    const started = Date.parse(s.started_at);
    const end = s.ended_at ? Date.parse(s.ended_at) : now;
    const elapsed = Math.max(0, end - started);
    const stalledSince = this.stalledSince(s, now);
    const p = s.progress;
    const eta = s.status === 'running' && !stalledSince && p !== null && p > 0 && p < 100 ? Math.round((elapsed * (100 - p)) / p) : null;
    const ids: Record<string, string> = {};
    for (const k of ['spider', 'ascan', 'scan', 'task', 'report', 'gvm_target']) if (typeof s.tool_state[k] === 'string') ids[k] = s.tool_state[k];
    return {
      id: s.id,
      tool: s.tool,
      connector_id: s.connector_id,
      target: s.target,
      options: s.options,
      status: s.status,
      phase: s.status === 'importing' ? 'import' : String(s.tool_state.phase ?? ''),
      progress: p,
      progress_note: typeof s.tool_state.note === 'string' ? s.tool_state.note : null,
      started_at: s.started_at,
      ended_at: s.ended_at,
      elapsed_ms: elapsed,
      eta_ms: eta,
      progress_at: s.progress_at,
      stalled_since: stalledSince,
      stall_minutes: Math.round(this.stallLimitMs(s) / 60_000),
      error: s.error,
      imported: s.imported,
      rejected: s.rejected,
      tool_ids: ids,
      created_by: s.created_by,
    };
  }
}
