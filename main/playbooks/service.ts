import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  ContractError,
  type PlaybookDoc,
  type PlaybookFormat,
  type PlaybookRun,
  type PlaybookSummary,
  type PlaybookView,
  type RecommendedAction,
  type ValidationResult,
} from '../contract/index.js';
import type { PlaybooksRepo, StoredPlaybook } from '../store/playbooks-repo.js';
import type { PipelineRepo } from '../store/pipeline-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Logger } from '../core/logger.js';
import { parsePlaybook } from './loader.js';
import { compileTrigger, type CompiledTrigger, type TriggerFacts, type TriggerKind } from './trigger.js';
import { prepareStep, unavailable, type StepContext } from './executors.js';
import { PlaybookRunner } from './runner.js';
import type { PlaybookPorts } from './ports.js';

/** How long what a run acted on keeps that playbook from firing again on it. */
export const LOOP_WINDOW_MS = 30 * 60_000;
/** Longest chain of playbooks triggered by other playbooks' actions. */
export const MAX_DEPTH = 3;
const CURSOR_KEY = 'trigger_cursor';
const PAUSED_KEY = 'paused';

export interface PlaybooksServiceDeps {
  repo: PlaybooksRepo;
  pipelineRepo: PipelineRepo;
  audit: AuditRepo;
  logger: Logger;
  ports: PlaybookPorts;
  owner: string;
  now: () => Date;
  onRunChange(run: { id: string; playbook_id: string; status: string; alert_id: number | null }): void;
}

export interface EvaluationFigures {
  alerts: number;
  matched: number;
  started: number;
  skipped_paused: number;
  skipped_rate: number;
  skipped_loop: number;
}

/**
 * Local playbooks: stored documents, validation, dry-runs, manual and automatic runs, approvals,
 * recommended actions, and the guard rails (rate limit, kill switch, loop protection).
 */
export class PlaybooksService {
  readonly runner: PlaybookRunner;
  private triggers: CompiledTrigger[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<unknown>>();
  /** Playbooks over their rate limit: skipped without a query until then (at most a minute). */
  private readonly limitedUntil = new Map<string, number>();

  constructor(private readonly d: PlaybooksServiceDeps) {
    this.runner = new PlaybookRunner({
      repo: d.repo,
      audit: d.audit,
      logger: d.logger,
      ports: d.ports,
      owner: d.owner,
      onChange: (r) => d.onRunChange(r),
      alertFacts: (id) => this.facts(id),
    });
  }

  private facts(id: number): StepContext['alert'] | null {
    const f = this.d.repo.triggerFacts([id])[0];
    return f ? { ...f.alert, threat_type: f.threat_type } : null;
  }

  // ---- documents ----------------------------------------------------------------------------

  validate(source: string, format?: PlaybookFormat): ValidationResult & { format: PlaybookFormat } {
    const r = parsePlaybook(source, format);
    if (!r.ok) return { ok: false, errors: r.errors, doc: null, format: r.format };
    const errors: string[] = [];
    try {
      compileTrigger(r.doc);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
    for (const s of r.doc.steps) {
      const why = unavailable(s, this.d.ports);
      if (why) errors.push(why);
    }
    return { ok: errors.length === 0, errors, doc: r.doc, format: r.format };
  }

  private docOf(p: StoredPlaybook): PlaybookDoc {
    const r = parsePlaybook(p.source, p.format);
    if (!r.ok) throw new ContractError('CONFLICT', `playbook ${p.id} no longer validates: ${r.errors.join('; ')}`);
    return { ...r.doc, enabled: p.enabled };
  }

  private tryDoc(p: StoredPlaybook): PlaybookDoc | null {
    try {
      return this.docOf(p);
    } catch {
      return null;
    }
  }

  private summary(p: StoredPlaybook): PlaybookSummary {
    const doc = this.tryDoc(p);
    return {
      id: p.id,
      name: p.name,
      version: p.version,
      description: doc?.description ?? '',
      enabled: p.enabled,
      automatic: Boolean(doc?.trigger.alert),
      step_types: doc?.steps.map((s) => s.type) ?? [],
      updated_at: p.updated_at,
      updated_by: p.updated_by,
      runs_last_hour: this.d.repo.runsSince(p.id, new Date(this.d.now().getTime() - 3_600_000).toISOString()),
      last_run_at: this.d.repo.lastRunAt(p.id),
    };
  }

  private view(p: StoredPlaybook): PlaybookView {
    return { ...this.summary(p), format: p.format, source: p.source, doc: this.tryDoc(p) };
  }

  private must(id: string): StoredPlaybook {
    const p = this.d.repo.get(id);
    if (!p) throw new ContractError('NOT_FOUND', `playbook ${id} does not exist`);
    return p;
  }

  list(): { paused: boolean; playbooks: PlaybookSummary[] } {
    return { paused: this.paused(), playbooks: this.d.repo.list().map((p) => this.summary(p)) };
  }

  get(id: string): PlaybookView {
    return this.view(this.must(id));
  }

  /** Saves (creates or replaces) a playbook from its document; an invalid one is refused with every problem listed. */
  save(source: string, format: PlaybookFormat | undefined, actor: string): PlaybookView {
    const v = this.validate(source, format);
    if (!v.ok || !v.doc) throw new ContractError('BAD_REQUEST', 'invalid playbook', v.errors);
    const doc = v.doc as PlaybookDoc;
    const before = this.d.repo.get(doc.id);
    if (before && before.version > doc.version) throw new ContractError('CONFLICT', `playbook ${doc.id} is at version ${before.version}: raise the version (${doc.version}) to replace it`);
    const saved = this.d.repo.save({ id: doc.id, name: doc.name, version: doc.version, enabled: doc.enabled, format: v.format, source, updated_by: actor });
    this.d.audit.append({ actor, action: before ? 'playbook.update' : 'playbook.create', target_type: 'playbook', target_id: doc.id, details: { version: doc.version, enabled: doc.enabled } });
    this.triggers = null;
    return this.view(saved);
  }

  setEnabled(id: string, enabled: boolean, actor: string): PlaybookView {
    const p = this.must(id);
    if (enabled) {
      const v = this.validate(p.source, p.format);
      if (!v.ok) throw new ContractError('BAD_REQUEST', 'this playbook cannot be enabled', v.errors);
    }
    const saved = this.d.repo.save({ ...p, enabled, updated_by: actor });
    this.d.audit.append({ actor, action: enabled ? 'playbook.enable' : 'playbook.disable', target_type: 'playbook', target_id: id, details: {} });
    this.triggers = null;
    return this.view(saved);
  }

  remove(id: string, actor: string): boolean {
    const removed = this.d.repo.remove(id);
    if (removed) this.d.audit.append({ actor, action: 'playbook.remove', target_type: 'playbook', target_id: id, details: {} });
    this.triggers = null;
    return removed;
  }

  /** A playbook as a file: its source as written (same format), or converted. */
  exportSource(id: string, format?: PlaybookFormat): string {
    const p = this.must(id);
    if (!format || format === p.format) return p.source;
    const doc = this.docOf(p);
    return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
  }

  /**
   * Imports the seed playbooks of a folder, disabled, once each: one the analyst removed stays
   * removed (the ids seeded are remembered).
   */
  seed(dir: string, actor: string): string[] {
    let files: string[];
    try {
      files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    } catch {
      return [];
    }
    const added: string[] = [];
    for (const f of files) {
      const source = fs.readFileSync(path.join(dir, f), 'utf8');
      const r = parsePlaybook(source);
      if (!r.ok) {
        this.d.logger.warn('seed playbook does not validate', { file: f, errors: r.errors });
        continue;
      }
      const key = `seeded:${r.doc.id}`;
      if (this.d.repo.state(key) !== null || this.d.repo.get(r.doc.id)) continue;
      this.d.repo.setState(key, String(r.doc.version));
      this.d.repo.save({ id: r.doc.id, name: r.doc.name, version: r.doc.version, enabled: false, format: r.format, source, updated_by: actor });
      added.push(r.doc.id);
    }
    if (added.length) this.triggers = null;
    return added;
  }

  // ---- kill switch --------------------------------------------------------------------------

  paused(): boolean {
    return this.d.repo.state(PAUSED_KEY) === '1';
  }

  setPaused(paused: boolean, actor: string): boolean {
    this.d.repo.setState(PAUSED_KEY, paused ? '1' : '0');
    this.d.audit.append({ actor, action: paused ? 'playbooks.pause' : 'playbooks.resume', target_type: 'playbooks', target_id: null, details: {} });
    return paused;
  }

  // ---- runs ---------------------------------------------------------------------------------

  private docFor(id: string): PlaybookDoc {
    return this.docOf(this.must(id));
  }

  async dryRun(id: string, alertId: number | undefined, last: number | undefined, actor: string): Promise<PlaybookRun[]> {
    const doc = this.docFor(id);
    let ids: number[];
    if (alertId !== undefined) {
      if (!this.facts(alertId)) throw new ContractError('NOT_FOUND', `alert ${alertId} does not exist`);
      ids = [alertId];
    } else {
      const trig = compileTrigger(doc);
      if (!trig) throw new ContractError('BAD_REQUEST', `${id} has no alert trigger: choose an alert (--alert ID)`);
      ids = this.d.repo.recentFacts(5000).filter((f) => trig.matches(f)).slice(0, last ?? 1).map((f) => f.alert.id);
      if (ids.length === 0) throw new ContractError('NOT_FOUND', `none of the last 5000 alerts matches ${id}`);
    }
    const out: PlaybookRun[] = [];
    for (const a of ids) out.push(await this.runner.dryRun(doc, a, actor));
    return out;
  }

  /** A run started by an analyst: no trigger needed, rate limit and kill switch do not apply. */
  async runManual(id: string, alertId: number, actor: string): Promise<PlaybookRun> {
    const doc = this.docFor(id);
    if (!doc.trigger.manual) throw new ContractError('BAD_REQUEST', `${id} cannot be started by hand (trigger.manual is false)`);
    if (!this.facts(alertId)) throw new ContractError('NOT_FOUND', `alert ${alertId} does not exist`);
    const v = this.validate(this.must(id).source, this.must(id).format);
    if (!v.ok) throw new ContractError('BAD_REQUEST', 'this playbook cannot run here', v.errors);
    return this.runner.start(doc, alertId, 'manual', actor, 0);
  }

  runs(filter: { playbook_id?: string | undefined; alert_id?: number | undefined; case_id?: number | undefined; status?: PlaybookRun['status'] | undefined }, limit: number): PlaybookRun[] {
    return this.d.repo.runs(filter, limit);
  }

  run(id: string): PlaybookRun {
    const r = this.d.repo.run(id);
    if (!r) throw new ContractError('NOT_FOUND', `run ${id} does not exist`);
    return r;
  }

  /** The playbooks whose alert trigger matches this alert, with what they would do (rendered). */
  async recommended(alertId: number): Promise<RecommendedAction[]> {
    const facts = this.facts(alertId);
    if (!facts) throw new ContractError('NOT_FOUND', `alert ${alertId} does not exist`);
    const out: RecommendedAction[] = [];
    for (const p of this.d.repo.list()) {
      const doc = this.tryDoc(p);
      if (!doc) continue;
      const trig = compileTrigger(doc);
      if (!trig || !trig.matches({ alert: facts, threat_type: facts.threat_type })) continue;
      const ctx: StepContext = { alert: facts, run: { id: 'preview', mode: 'manual', actor: 'preview' }, playbook: { id: doc.id, name: doc.name, version: doc.version } };
      const steps: string[] = [];
      for (const s of doc.steps) {
        try {
          steps.push((await prepareStep(s, ctx, this.d.ports)).summary);
        } catch (err) {
          steps.push(`${s.name ?? s.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const main = doc.steps.findIndex((s) => s.type !== 'approval');
      out.push({ playbook_id: doc.id, playbook_name: doc.name, label: `${steps[main < 0 ? 0 : main]} (playbook: ${doc.name})`, steps });
    }
    return out;
  }

  // ---- automatic runs -----------------------------------------------------------------------

  private compiled(): CompiledTrigger[] {
    if (this.triggers) return this.triggers;
    const out: CompiledTrigger[] = [];
    for (const p of this.d.repo.list()) {
      if (!p.enabled) continue;
      try {
        const t = compileTrigger(this.docOf(p));
        if (t) out.push(t);
      } catch (err) {
        this.d.logger.warn('playbook trigger skipped', { playbook: p.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    this.triggers = out;
    return out;
  }

  /** Pure matching (for the bench): which compiled triggers match which alerts. */
  matchBatch(facts: readonly TriggerFacts[], kind: TriggerKind): { trigger: CompiledTrigger; facts: TriggerFacts }[] {
    const hits: { trigger: CompiledTrigger; facts: TriggerFacts }[] = [];
    const triggers = this.compiled();
    for (const f of facts) for (const t of triggers) if (t.on.has(kind) && t.matches(f)) hits.push({ trigger: t, facts: f });
    return hits;
  }

  /**
   * Evaluates the triggers over what the alert outbox holds past the stored cursor, one batch at a
   * time. Runs are created and the cursor advanced in ONE transaction, so a crash neither loses a
   * trigger nor fires one twice. Returns the figures; the created runs execute in the background.
   */
  evaluate(batch = 2000): EvaluationFigures {
    const fig: EvaluationFigures = { alerts: 0, matched: 0, started: 0, skipped_paused: 0, skipped_rate: 0, skipped_loop: 0 };
    const repo = this.d.repo;
    for (;;) {
      const cursorText = repo.state(CURSOR_KEY);
      const cursor = cursorText === null ? this.d.pipelineRepo.outboxHead() : Number(cursorText);
      if (cursorText === null) repo.setState(CURSOR_KEY, String(cursor));
      const rows = this.d.pipelineRepo.outboxSince(cursor, batch);
      if (rows.length === 0) return fig;
      const byKind = { created: new Set<number>(), updated: new Set<number>() };
      for (const r of rows) {
        if (r.kind === 'new') byKind.created.add(r.alert_id);
        else if (r.kind === 'updated') byKind.updated.add(r.alert_id);
      }
      const toRun: string[] = [];
      const triggers = this.compiled();
      const paused = this.paused();
      repo.transaction(() => {
        if (triggers.length > 0) {
          for (const kind of ['created', 'updated'] as const) {
            const ids = [...byKind[kind]];
            if (ids.length === 0) continue;
            const facts = repo.triggerFactsLean(ids);
            fig.alerts += facts.length;
            for (const hit of this.matchBatch(facts, kind)) {
              fig.matched++;
              const id = this.admit(hit.trigger.playbook, hit.facts, fig, paused);
              if (id) toRun.push(id);
            }
          }
        }
        repo.setState(CURSOR_KEY, String(rows[rows.length - 1]!.seq));
      });
      for (const id of toRun) this.background(this.runner.execute(id));
      if (rows.length < batch) return fig;
    }
  }

  /** Guard rails for one automatic trigger; creates the run (inside evaluate's transaction) or says why not. */
  private admit(doc: PlaybookDoc, f: TriggerFacts, fig: EvaluationFigures, paused: boolean): string | null {
    const repo = this.d.repo;
    if (paused) {
      fig.skipped_paused++;
      return null;
    }
    const now = this.d.now().getTime();
    // a grouped alert that grows fires nothing more once its playbook considered it
    if ((this.limitedUntil.get(doc.id) ?? 0) <= now && repo.claimed(doc.id, f.alert.id)) return null;
    const since = new Date(now - doc.rate_limit.per_minutes * 60_000).toISOString();
    if ((this.limitedUntil.get(doc.id) ?? 0) > now || repo.runsSince(doc.id, since) >= doc.rate_limit.max_runs) {
      fig.skipped_rate++;
      // said once per window, not once per alert (a flood would flood the audit log too)
      if ((this.limitedUntil.get(doc.id) ?? 0) <= now) {
        this.limitedUntil.set(doc.id, now + Math.min(doc.rate_limit.per_minutes * 60_000, 60_000));
        this.d.audit.append({ actor: 'playbooks', action: 'playbook.rate_limited', target_type: 'playbook', target_id: doc.id, details: { first_alert_id: f.alert.id, max_runs: doc.rate_limit.max_runs, per_minutes: doc.rate_limit.per_minutes } });
      }
      return null;
    }
    const keys = [f.alert.src_ip ? `ip:${f.alert.src_ip}` : null, f.alert.host ? `host:${f.alert.host}` : null].filter((k): k is string => k !== null);
    const effects = repo.effectsOn(keys, new Date(now - LOOP_WINDOW_MS).toISOString());
    const own = effects.find((e) => e.playbook_id === doc.id);
    const depth = effects.length ? Math.max(...effects.map((e) => e.depth)) + 1 : 0;
    if (own || depth > MAX_DEPTH) {
      fig.skipped_loop++;
      this.d.audit.append({
        actor: 'playbooks',
        action: 'playbook.loop_stopped',
        target_type: 'playbook',
        target_id: doc.id,
        details: { alert_id: f.alert.id, keys, reason: own ? 'the alert is about what this playbook acted on' : `chain deeper than ${MAX_DEPTH}` },
      });
      return null;
    }
    const id = crypto.randomUUID();
    if (!repo.claimTrigger(doc.id, f.alert.id, id)) return null;
    this.runner.create(doc, f.alert.id, 'auto', `playbook:${doc.id}`, depth, id);
    fig.started++;
    return id;
  }

  private background(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => this.d.logger.error('playbook run failed', { error: err instanceof Error ? err.message : String(err) }));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Recovers runs of processes that died, then evaluates triggers every pollMs (long-running processes). */
  start(pollMs = 250): void {
    if (this.timer) return;
    for (const id of this.runner.recover()) this.background(this.runner.execute(id));
    this.timer = setInterval(() => {
      try {
        this.evaluate();
      } catch (err) {
        this.d.logger.warn('playbook trigger evaluation failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }, pollMs);
    this.timer.unref();
  }

  /** Stops evaluating and waits for the runs in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.pending]);
  }

  /** Resolves when the background runs started so far have ended (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
