import type { Database, Statement } from 'better-sqlite3';
import { parseStringArray } from './json.js';
import { ALERT_COLUMNS, rowToAlert, type AlertRow } from './alerts-repo.js';
import type { Alert, PlaybookFormat, PlaybookRun, RunStatus, RunStep, StepStatus } from '../contract/index.js';
import { StatementCache, placeholders } from './sql.js';

export interface StoredPlaybook {
  id: string;
  name: string;
  version: number;
  enabled: boolean;
  format: PlaybookFormat;
  source: string;
  updated_at: string;
  updated_by: string;
}

interface PlaybookRow extends Omit<StoredPlaybook, 'enabled'> {
  enabled: number;
}

interface RunRow {
  id: string;
  playbook_id: string;
  playbook_name: string;
  playbook_version: number;
  doc: string;
  alert_id: number | null;
  mode: PlaybookRun['mode'];
  status: RunStatus;
  actor: string;
  owner: string;
  depth: number;
  next_step: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface StepRow {
  run_id: string;
  idx: number;
  step_id: string;
  type: string;
  name: string;
  status: StepStatus;
  request: string | null;
  summary: string;
  response: string | null;
  error: string | null;
  duration_ms: number | null;
  started_at: string | null;
  ended_at: string | null;
  decided_by: string | null;
}

/** The alert fields playbook triggers test (what triggerFactsLean reads). */
export interface TriggerRow {
  alert: Pick<Alert, 'id' | 'source' | 'severity' | 'priority' | 'rule_id' | 'src_ip' | 'host' | 'count' | 'technique_ids'>;
  threat_type: string;
  /** src_ip's key as stored (store/ipkey.ts): CIDR conditions compare it without re-parsing the address. */
  src_key: string | null;
}

/** A run as the runner needs it: the document it runs (frozen at its start) and where it stands. */
export interface RunRecord extends Omit<PlaybookRun, 'steps'> {
  doc: string;
  /** The process running it ("serve:1234"): a run whose process is gone is recovered. */
  owner: string;
  next_step: number;
}

export interface NewRun {
  id: string;
  playbook_id: string;
  playbook_name: string;
  playbook_version: number;
  doc: string;
  alert_id: number | null;
  mode: PlaybookRun['mode'];
  status: RunStatus;
  actor: string;
  owner: string;
  depth: number;
  steps: { step_id: string; type: string; name: string }[];
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown));

function toStep(r: StepRow): RunStep {
  return {
    idx: r.idx,
    step_id: r.step_id,
    type: r.type,
    name: r.name,
    status: r.status,
    request: parse(r.request),
    summary: r.summary,
    response: parse(r.response),
    error: r.error,
    duration_ms: r.duration_ms,
    started_at: r.started_at,
    ended_at: r.ended_at,
    decided_by: r.decided_by,
  };
}

/** Playbooks, their runs with the per-step log, trigger bookkeeping and the kill switch. */
export class PlaybooksRepo {
  private readonly stmts: StatementCache;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmts = new StatementCache(db);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // ---- playbooks ----------------------------------------------------------------------------

  list(): StoredPlaybook[] {
    return this.db
      .prepare<[], PlaybookRow>('SELECT * FROM playbooks ORDER BY name, id')
      .all()
      .map((r) => ({ ...r, enabled: r.enabled === 1 }));
  }

  get(id: string): StoredPlaybook | null {
    const r = this.db.prepare<[string], PlaybookRow>('SELECT * FROM playbooks WHERE id = ?').get(id);
    return r ? { ...r, enabled: r.enabled === 1 } : null;
  }

  save(p: Omit<StoredPlaybook, 'updated_at'>): StoredPlaybook {
    const row = { ...p, enabled: p.enabled ? 1 : 0, updated_at: this.iso() };
    this.db
      .prepare(
        `INSERT INTO playbooks (id, name, version, enabled, format, source, updated_at, updated_by)
         VALUES (@id, @name, @version, @enabled, @format, @source, @updated_at, @updated_by)
         ON CONFLICT (id) DO UPDATE SET name = @name, version = @version, enabled = @enabled, format = @format,
           source = @source, updated_at = @updated_at, updated_by = @updated_by`,
      )
      .run(row);
    return this.get(p.id)!;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM playbooks WHERE id = ?').run(id).changes > 0;
  }

  // ---- state: trigger cursor, kill switch ---------------------------------------------------

  state(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM playbook_state WHERE key = ?').get(key)?.value ?? null;
  }

  setState(key: string, value: string): void {
    this.db.prepare('INSERT INTO playbook_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Runs fn in one write transaction (IMMEDIATE: two processes never both claim a trigger). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // ---- runs ---------------------------------------------------------------------------------

  createRun(r: NewRun): void {
    const now = this.iso();
    this.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO playbook_runs (id, playbook_id, playbook_name, playbook_version, doc, alert_id, mode, status, actor, owner, depth, created_at, updated_at)
           VALUES (@id, @playbook_id, @playbook_name, @playbook_version, @doc, @alert_id, @mode, @status, @actor, @owner, @depth, @now, @now)`,
        )
        .run({ ...r, now });
      const step = this.db.prepare('INSERT INTO playbook_run_steps (run_id, idx, step_id, type, name, status) VALUES (?, ?, ?, ?, ?, ?)');
      r.steps.forEach((s, i) => step.run(r.id, i, s.step_id, s.type, s.name, 'pending'));
    });
  }

  /** Hands a run to another process (the one resuming or approving it). */
  setOwner(id: string, owner: string): void {
    this.db.prepare('UPDATE playbook_runs SET owner = ? WHERE id = ?').run(owner, id);
  }

  /** Claims an automatic trigger: false when this playbook already fired for this alert. */
  claimTrigger(playbookId: string, alertId: number, runId: string): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO playbook_triggers (playbook_id, alert_id, run_id) VALUES (?, ?, ?)').run(playbookId, alertId, runId).changes > 0;
  }

  claimed(playbookId: string, alertId: number): boolean {
    return this.stmts.get<[string, number], { x: number }>('SELECT 1 AS x FROM playbook_triggers WHERE playbook_id = ? AND alert_id = ?').get(playbookId, alertId) !== undefined;
  }

  runsSince(playbookId: string, since: string): number {
    return this.db
      .prepare<[string, string], { n: number }>("SELECT count(*) AS n FROM playbook_runs WHERE playbook_id = ? AND created_at >= ? AND mode != 'dry_run'")
      .get(playbookId, since)!.n;
  }

  lastRunAt(playbookId: string): string | null {
    return this.db.prepare<[string], { t: string | null }>("SELECT max(created_at) AS t FROM playbook_runs WHERE playbook_id = ? AND mode != 'dry_run'").get(playbookId)!.t;
  }

  runRecord(id: string): RunRecord | null {
    const r = this.db.prepare<[string], RunRow>('SELECT * FROM playbook_runs WHERE id = ?').get(id);
    return r ? { ...r } : null;
  }

  run(id: string): PlaybookRun | null {
    const r = this.runRecord(id);
    return r ? this.withSteps(r) : null;
  }

  private withSteps(r: RunRecord): PlaybookRun {
    const steps = this.db.prepare<[string], StepRow>('SELECT * FROM playbook_run_steps WHERE run_id = ? ORDER BY idx').all(r.id).map(toStep);
    return {
      id: r.id,
      playbook_id: r.playbook_id,
      playbook_name: r.playbook_name,
      playbook_version: r.playbook_version,
      alert_id: r.alert_id,
      mode: r.mode,
      status: r.status,
      actor: r.actor,
      depth: r.depth,
      created_at: r.created_at,
      updated_at: r.updated_at,
      error: r.error,
      steps,
    };
  }

  runs(filter: { playbook_id?: string | undefined; alert_id?: number | undefined; case_id?: number | undefined; status?: RunStatus | undefined }, limit: number): PlaybookRun[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number) => {
      where.push(sql);
      args.push(v);
    };
    if (filter.playbook_id) add('playbook_id = ?', filter.playbook_id);
    if (filter.alert_id) add('alert_id = ?', filter.alert_id);
    if (filter.case_id) {
      // on an alert of the case, or its escalate_case step opened or used the case (the escalation job may still be adding the alert)
      where.push(
        `(alert_id IN (SELECT alert_id FROM case_alerts WHERE case_id = ?)
          OR id IN (SELECT run_id FROM playbook_run_steps WHERE type = 'escalate_case' AND json_valid(response) AND json_extract(response, '$.case_id') = ?))`,
      );
      args.push(filter.case_id, filter.case_id);
    }
    if (filter.status) add('status = ?', filter.status);
    const sql = `SELECT * FROM playbook_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], RunRow>(sql)
      .all(...args, limit)
      .map((r) => this.withSteps(r));
  }

  /** Runs that were going when a process stopped. */
  unfinished(): RunRecord[] {
    return this.db.prepare<[], RunRow>("SELECT * FROM playbook_runs WHERE status IN ('running', 'waiting_approval') ORDER BY created_at").all();
  }

  setRun(id: string, patch: { status?: RunStatus; next_step?: number; error?: string | null }): void {
    const cur = this.runRecord(id);
    if (!cur) return;
    this.db
      .prepare('UPDATE playbook_runs SET status = ?, next_step = ?, error = ?, updated_at = ? WHERE id = ?')
      .run(patch.status ?? cur.status, patch.next_step ?? cur.next_step, patch.error === undefined ? cur.error : patch.error, this.iso(), id);
  }

  /** Replaces a run's frozen document (an analyst edited a step at approval). */
  setRunDoc(id: string, doc: string): void {
    this.db.prepare('UPDATE playbook_runs SET doc = ?, updated_at = ? WHERE id = ?').run(doc, this.iso(), id);
  }

  step(runId: string, idx: number): RunStep | null {
    const r = this.db.prepare<[string, number], StepRow>('SELECT * FROM playbook_run_steps WHERE run_id = ? AND idx = ?').get(runId, idx);
    return r ? toStep(r) : null;
  }

  setStep(
    runId: string,
    idx: number,
    patch: {
      status: StepStatus;
      request?: unknown;
      summary?: string;
      response?: unknown;
      error?: string | null;
      duration_ms?: number | null;
      started?: boolean;
      ended?: boolean;
      decided_by?: string;
    },
  ): void {
    const now = this.iso();
    const sets = ['status = @status'];
    if (patch.request !== undefined) sets.push('request = @request');
    if (patch.summary !== undefined) sets.push('summary = @summary');
    if (patch.response !== undefined) sets.push('response = @response');
    if (patch.error !== undefined) sets.push('error = @error');
    if (patch.duration_ms !== undefined) sets.push('duration_ms = @duration_ms');
    if (patch.started) sets.push('started_at = @now');
    if (patch.ended) sets.push('ended_at = @now');
    if (patch.decided_by !== undefined) sets.push('decided_by = @decided_by');
    this.db.prepare(`UPDATE playbook_run_steps SET ${sets.join(', ')} WHERE run_id = @run_id AND idx = @idx`).run({
      status: patch.status,
      request: json(patch.request),
      summary: patch.summary ?? '',
      response: json(patch.response),
      error: patch.error ?? null,
      duration_ms: patch.duration_ms ?? null,
      decided_by: patch.decided_by ?? null,
      now,
      run_id: runId,
      idx,
    });
  }

  // ---- what triggers look at ---------------------------------------------------------------

  /** These alerts with their threat type, in one query per 500 (ids unknown are left out). */
  triggerFacts(ids: readonly number[]): { alert: Alert; threat_type: string }[] {
    const out: { alert: Alert; threat_type: string }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      for (const r of this.factsStmt(chunk.length).all(...chunk)) out.push({ alert: rowToAlert(r), threat_type: r.threat_type });
    }
    return out;
  }

  /**
   * Only what triggers test, for many alerts (the per-batch evaluation): no JSON but the technique
   * list, no columns a trigger never reads.
   */
  triggerFactsLean(ids: readonly number[]): TriggerRow[] {
    const out: TriggerRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      for (const r of this.leanStmt(chunk.length).all(...chunk)) {
        const { threat_type, technique_ids, src_ip_key, ...alert } = r;
        out.push({ alert: { ...alert, technique_ids: technique_ids === '[]' ? [] : parseStringArray(technique_ids) }, threat_type, src_key: src_ip_key });
      }
    }
    return out;
  }

  private factsStmt(n: number): Statement<number[], AlertRow & { threat_type: string }> {
    return this.stmts.get(`SELECT ${ALERT_COLUMNS}, threat_type FROM alerts WHERE id IN (${placeholders(n)})`);
  }

  private leanStmt(n: number): Statement<number[], Omit<TriggerRow['alert'], 'technique_ids'> & { technique_ids: string; threat_type: string; src_ip_key: string | null }> {
    return this.stmts.get(`SELECT id, source, severity, priority, rule_id, src_ip, host, count, technique_ids, threat_type, src_ip_key FROM alerts WHERE id IN (${placeholders(n)})`);
  }

  /** The newest alerts (for "dry-run against the last N matching"), newest first. */
  recentFacts(limit: number): { alert: Alert; threat_type: string }[] {
    return this.db
      .prepare<[number], AlertRow & { threat_type: string }>(`SELECT ${ALERT_COLUMNS}, threat_type FROM alerts ORDER BY id DESC LIMIT ?`)
      .all(limit)
      .map((r) => ({ alert: rowToAlert(r), threat_type: r.threat_type }));
  }

  // ---- loop protection ----------------------------------------------------------------------

  addEffects(playbookId: string, runId: string, depth: number, keys: readonly string[]): void {
    const ins = this.db.prepare('INSERT INTO playbook_effects (playbook_id, key, run_id, depth, ts) VALUES (?, ?, ?, ?, ?)');
    const now = this.iso();
    for (const k of keys) ins.run(playbookId, k, runId, depth, now);
  }

  /** Effects on any of these keys since `since`: which playbooks acted on them, and the deepest chain. */
  effectsOn(keys: readonly string[], since: string): { playbook_id: string; depth: number }[] {
    if (keys.length === 0) return [];
    return this.db
      .prepare<(string | number)[], { playbook_id: string; depth: number }>(
        `SELECT playbook_id, max(depth) AS depth FROM playbook_effects WHERE ts >= ? AND key IN (${placeholders(keys.length)}) GROUP BY playbook_id`,
      )
      .all(since, ...keys);
  }

  pruneEffects(before: string): void {
    this.db.prepare('DELETE FROM playbook_effects WHERE ts < ?').run(before);
  }
}
