import crypto from 'node:crypto';
import { ContractError, PlaybookDoc, PlaybookStep, type PlaybookRun } from '../contract/index.js';
import type { PlaybooksRepo, RunRecord } from '../store/playbooks-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Logger } from '../core/logger.js';
import { needsApproval, prepareStep, type PreparedStep, type StepContext } from './executors.js';
import type { PlaybookPorts } from './ports.js';

export interface RunnerDeps {
  repo: PlaybooksRepo;
  audit: AuditRepo;
  logger: Logger;
  ports: PlaybookPorts;
  /** This process, as runs record their owner ("serve:1234"). */
  owner: string;
  /** Told whenever a run changes (push events). */
  onChange(run: { id: string; playbook_id: string; status: string; alert_id: number | null }): void;
  /** Alert + threat type for a run's alert. */
  alertFacts(id: number): StepContext['alert'] | null;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rejects after ms unless p settles first (a step whose executor ignores its signal still ends). */
function withTimeout<T>(p: Promise<T>, ms: number, ctrl: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctrl.abort();
      reject(new Error(`timed out after ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** The pid in an owner name ("serve:1234"), or null. */
function ownerPid(owner: string): number | null {
  const m = /:(\d+)$/.exec(owner);
  return m ? Number(m[1]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs playbooks step by step with a durable per-step log. A step is marked `started` (committed)
 * before its side effect and `done`/`failed` after it; a run left with a `started` step by a
 * process that died is marked interrupted and never executed again.
 */
export class PlaybookRunner {
  private readonly active = new Set<string>();

  constructor(private readonly d: RunnerDeps) {}

  /** Starts a run (not a dry-run) and executes it until it ends or waits for approval. */
  async start(doc: PlaybookDoc, alertId: number, mode: 'auto' | 'manual', actor: string, depth: number, id: string = crypto.randomUUID()): Promise<PlaybookRun> {
    this.create(doc, alertId, mode, actor, depth, id);
    return this.execute(id);
  }

  /** Writes a new run with its pending steps (inside the caller's transaction when there is one). */
  create(doc: PlaybookDoc, alertId: number, mode: 'auto' | 'manual' | 'dry_run', actor: string, depth: number, id: string = crypto.randomUUID()): string {
    this.d.repo.createRun({
      id,
      playbook_id: doc.id,
      playbook_name: doc.name,
      playbook_version: doc.version,
      doc: JSON.stringify(doc),
      alert_id: alertId,
      mode,
      status: mode === 'dry_run' ? 'dry_run' : 'running',
      actor,
      owner: this.d.owner,
      depth,
      steps: doc.steps.map((s) => ({ step_id: s.id, type: s.type, name: s.name ?? s.id })),
    });
    return id;
  }

  private context(run: RunRecord, doc: PlaybookDoc): StepContext {
    const alert = run.alert_id !== null ? this.d.alertFacts(run.alert_id) : null;
    if (!alert) throw new ContractError('NOT_FOUND', `alert ${run.alert_id ?? '?'} of this run does not exist`);
    return { alert, run: { id: run.id, mode: run.mode, actor: run.actor }, playbook: { id: doc.id, name: doc.name, version: doc.version } };
  }

  /** Renders every step without doing anything: the run is stored as a dry_run with each rendered request. */
  async dryRun(doc: PlaybookDoc, alertId: number, actor: string): Promise<PlaybookRun> {
    const id = this.create(doc, alertId, 'dry_run', actor, 0);
    const run = this.d.repo.runRecord(id)!;
    const ctx = this.context(run, doc);
    for (const [i, step] of doc.steps.entries()) {
      try {
        const p = await prepareStep(step, ctx, this.d.ports);
        this.d.repo.setStep(id, i, { status: 'dry_run', request: p.request, summary: `${needsApproval(step) ? '[needs approval] ' : ''}${p.summary}` });
      } catch (err) {
        this.d.repo.setStep(id, i, { status: 'failed', error: message(err) });
      }
    }
    return this.d.repo.run(id)!;
  }

  /**
   * Executes a run from its next step. Stops at a step that needs approval (the run waits), at a
   * failing step with on_failure stop, or at the end. Safe against concurrent calls for one run.
   */
  async execute(runId: string, approvedBy: string | null = null): Promise<PlaybookRun> {
    if (this.active.has(runId)) throw new ContractError('CONFLICT', 'this run is already executing');
    this.active.add(runId);
    try {
      await this.steps(runId, approvedBy);
    } finally {
      this.active.delete(runId);
    }
    return this.d.repo.run(runId)!;
  }

  private async steps(runId: string, approvedBy: string | null): Promise<void> {
    const repo = this.d.repo;
    let run = repo.runRecord(runId)!;
    const doc = PlaybookDoc.parse(JSON.parse(run.doc));
    let ctx: StepContext;
    try {
      ctx = this.context(run, doc);
    } catch (err) {
      repo.setRun(runId, { status: 'failed', error: message(err) });
      this.changed(runId);
      return;
    }
    let approved = approvedBy;
    let failedAny = false;
    for (let i = run.next_step; i < doc.steps.length; i++) {
      const step = doc.steps[i]!;
      let prepared: PreparedStep;
      try {
        prepared = await prepareStep(step, ctx, this.d.ports);
      } catch (err) {
        repo.setStep(runId, i, { status: 'failed', error: message(err), ended: true });
        if (step.on_failure === 'stop') return this.finish(runId, 'failed', `step ${step.id}: ${message(err)}`);
        failedAny = true;
        repo.setRun(runId, { next_step: i + 1 });
        continue;
      }
      if (needsApproval(step) && approved === null) {
        repo.transaction(() => {
          repo.setStep(runId, i, { status: 'waiting_approval', request: prepared.request, summary: prepared.summary });
          repo.setRun(runId, { status: 'waiting_approval', next_step: i });
        });
        this.d.audit.append({ actor: run.actor, action: 'playbook.approval_requested', target_type: 'playbook_run', target_id: runId, details: { playbook: doc.id, step: step.id, request: prepared.request } });
        this.d.ports.notify({ kind: 'approval', run_id: runId, title: `Approval needed: ${doc.name}`, body: prepared.summary });
        this.changed(runId);
        return;
      }
      // durable BEFORE the side effect: a crash from here on leaves "started", never a second execution
      repo.transaction(() => {
        repo.setStep(runId, i, { status: 'started', request: prepared.request, summary: prepared.summary, started: true, ...(approved ? { decided_by: approved } : {}) });
        repo.setRun(runId, { status: 'running', next_step: i });
        repo.addEffects(doc.id, runId, run.depth, prepared.effects);
      });
      approved = null;
      const t0 = performance.now();
      const ctrl = new AbortController();
      try {
        const response = await withTimeout(prepared.execute(ctrl.signal), step.timeout_s * 1000, ctrl);
        repo.transaction(() => {
          repo.setStep(runId, i, { status: 'done', response: response ?? null, duration_ms: performance.now() - t0, ended: true });
          repo.setRun(runId, { next_step: i + 1 });
        });
      } catch (err) {
        repo.transaction(() => {
          repo.setStep(runId, i, { status: 'failed', error: message(err), duration_ms: performance.now() - t0, ended: true });
          repo.setRun(runId, { next_step: i + 1 });
        });
        this.d.logger.warn('playbook step failed', { playbook: doc.id, run: runId, step: step.id, error: message(err) });
        if (step.on_failure === 'stop') return this.finish(runId, 'failed', `step ${step.id}: ${message(err)}`);
        failedAny = true;
      }
      run = repo.runRecord(runId)!;
    }
    this.finish(runId, failedAny ? 'failed' : 'succeeded', failedAny ? 'a step failed (on_failure: continue)' : null);
  }

  private finish(runId: string, status: 'succeeded' | 'failed' | 'rejected' | 'interrupted', error: string | null): void {
    const repo = this.d.repo;
    repo.transaction(() => {
      const run = repo.run(runId)!;
      for (const s of run.steps) if (s.status === 'pending') repo.setStep(runId, s.idx, { status: 'skipped' });
      repo.setRun(runId, { status, error });
    });
    const run = repo.runRecord(runId)!;
    this.d.audit.append({
      actor: run.actor,
      action: `playbook.run_${status}`,
      target_type: 'playbook_run',
      target_id: runId,
      details: { playbook: run.playbook_id, version: run.playbook_version, alert_id: run.alert_id, mode: run.mode, ...(error ? { error } : {}) },
    });
    this.changed(runId);
  }

  private changed(runId: string): void {
    const r = this.d.repo.runRecord(runId);
    if (r) this.d.onChange({ id: r.id, playbook_id: r.playbook_id, status: r.status, alert_id: r.alert_id });
  }

  private waiting(runId: string): { run: RunRecord; idx: number } {
    const run = this.d.repo.runRecord(runId);
    if (!run) throw new ContractError('NOT_FOUND', `run ${runId} does not exist`);
    if (run.status !== 'waiting_approval') throw new ContractError('CONFLICT', `run ${runId} is ${run.status}, not waiting for approval`);
    return { run, idx: run.next_step };
  }

  /**
   * Approves the waiting step and continues the run. `edits` changes fields of that step first
   * (an address, the agents, a message): the edited step is validated like the playbook itself.
   */
  async approve(runId: string, actor: string, edits?: Record<string, unknown>): Promise<PlaybookRun> {
    const { run, idx } = this.waiting(runId);
    if (edits && Object.keys(edits).length > 0) {
      const doc = JSON.parse(run.doc) as { steps: Record<string, unknown>[] };
      const before = doc.steps[idx]!;
      if ('type' in edits || 'id' in edits) throw new ContractError('BAD_REQUEST', 'the type and id of a step cannot be edited at approval');
      const edited = PlaybookStep.safeParse({ ...before, ...edits });
      if (!edited.success) throw new ContractError('BAD_REQUEST', 'invalid edit', edited.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      doc.steps[idx] = edited.data as unknown as Record<string, unknown>;
      this.d.repo.setRunDoc(runId, JSON.stringify(PlaybookDoc.parse(doc)));
    }
    this.d.repo.setOwner(runId, this.d.owner);
    this.d.audit.append({ actor, action: 'playbook.approved', target_type: 'playbook_run', target_id: runId, details: { playbook: run.playbook_id, step: idx, ...(edits ? { edits } : {}) } });
    return this.execute(runId, actor);
  }

  reject(runId: string, actor: string, reason: string | null): PlaybookRun {
    const { run, idx } = this.waiting(runId);
    this.d.repo.setStep(runId, idx, { status: 'rejected', decided_by: actor, ended: true, ...(reason ? { error: `rejected: ${reason}` } : {}) });
    this.d.audit.append({ actor, action: 'playbook.rejected', target_type: 'playbook_run', target_id: runId, details: { playbook: run.playbook_id, step: idx, reason } });
    this.finish(runId, 'rejected', `rejected by ${actor}${reason ? `: ${reason}` : ''}`);
    return this.d.repo.run(runId)!;
  }

  /**
   * After a crash: runs whose process is gone. A run with a step `started` (its side effect may or
   * may not have happened) is marked interrupted; one between two steps resumes; one waiting for
   * approval keeps waiting. Returns the runs to resume.
   */
  recover(): string[] {
    const resume: string[] = [];
    for (const run of this.d.repo.unfinished()) {
      if (run.owner === this.d.owner || run.status !== 'running') continue;
      const pid = ownerPid(run.owner);
      if (pid !== null && alive(pid)) continue;
      const steps = this.d.repo.run(run.id)!.steps;
      const started = steps.find((s) => s.status === 'started');
      if (started) {
        this.d.repo.setStep(run.id, started.idx, { status: 'interrupted', error: 'the process stopped during this step: it may or may not have happened; not run again', ended: true });
        this.finish(run.id, 'interrupted', `interrupted during step ${started.step_id} (${run.owner} stopped)`);
        this.d.logger.warn('playbook run interrupted', { run: run.id, playbook: run.playbook_id, step: started.step_id });
      } else {
        this.d.repo.setOwner(run.id, this.d.owner);
        resume.push(run.id);
      }
    }
    return resume;
  }
}
