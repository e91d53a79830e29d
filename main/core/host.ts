import fs from 'node:fs';
import path from 'node:path';
import { ContractError, type LiveSource, type SimulatorStatus, type AlertNotice, type SourceLease } from '../contract/index.js';
import { buildStages, createPipeline } from '../pipeline/stages.js';
import type { Settings } from '../contract/index.js';
import { FileFollower, fileSourceId, simulate } from '../pipeline/runner.js';
import { startHousekeeping } from '../pipeline/housekeeping.js';
import { SCENARIOS, type ScenarioName } from '../pipeline/sources/simulator.js';
import { followableProblem } from '../pipeline/sources/file-input.js';
import { describeHolder, LeaseLostError, leaseClaim, SourceLeaseHandle } from '../pipeline/sources/lease.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { LeaseClaim } from '../store/pipeline-repo.js';
import type { Services } from './services.js';

/** A followed file: its follower while this process holds the source's lease, else who holds it. */
interface Followed {
  abort: AbortController;
  done: Promise<void>;
  lease: SourceLeaseHandle;
  follower: FileFollower | null;
  heldBy: SourceLease | null;
}

/** How this process is named to others that find its leases ("desktop:1234" → "Vigil desktop app"). */
function processLabel(processName: string): string {
  const kind = processName.split(':')[0];
  if (kind === 'desktop') return 'Vigil desktop app';
  if (kind === 'serve') return 'vigil serve';
  return processName;
}

/** Settings that change the enrich/detect stages (applied by rebuilding them). */
const STAGE_KEYS: readonly (keyof Settings)[] = [
  'bruteForceFailures',
  'portScanPorts',
  'floodEventsPerSecond',
  'sprayingUsers',
  'correlationWindowSeconds',
  'geoCityDb',
  'geoCountryDb',
  'geoAsnDb',
];

/** How often grouped P1/P2 notices may be sent. */
const NOTICE_INTERVAL_MS = 5000;
const NOTICE_MAX_ITEMS = 5;

/**
 * The live pipeline of a long-running process (the desktop app, `vigil serve`): followed files,
 * the simulator, published figures and grouped notifications. Built by the composition root and
 * started explicitly; nothing runs before start().
 */
export class PipelineHost {
  private pipeline: Pipeline | null = null;
  private readonly followed = new Map<string, Followed>();
  private stopHousekeeping: (() => void) | null = null;
  private sim: { abort: AbortController; status: SimulatorStatus } | null = null;
  private lastSim: SimulatorStatus | null = null;
  private readonly offs: (() => void)[] = [];
  private pendingNotice: AlertNotice['items'] = [];
  private pendingMore = 0;
  private noticeTimer: NodeJS.Timeout | null = null;
  private lastNoticeAt = 0;
  private rebuilding: Promise<void> = Promise.resolve();
  private readonly claim: LeaseClaim;

  constructor(
    private readonly s: Services,
    private readonly processName: string,
  ) {
    this.claim = leaseClaim(processLabel(processName));
  }

  async start(): Promise<void> {
    if (this.pipeline) return;
    const { pipeline } = await createPipeline(this.s.db, this.s.settings.get(), this.s.config.resourcesDir, (m) => this.s.logger.warn(m), this.s.now);
    this.pipeline = pipeline;
    this.stopHousekeeping = startHousekeeping(pipeline, this.s.pipelineRepo, {
      processName: this.processName,
      settings: () => this.s.settings.get(),
      onMetrics: (m) => this.s.bus.emit('pipeline.metrics', m),
      log: (m) => this.s.logger.warn(m),
    });
    let applied = this.s.settings.get();
    this.offs.push(
      this.s.bus.on('settings.changed', (st) => {
        pipeline.configure({ minAlertSeverity: st.minAlertSeverity, groupWindowMs: st.groupWindowMinutes * 60_000 });
        if (STAGE_KEYS.some((k) => st[k] !== applied[k])) {
          applied = st;
          // new thresholds or geo files: rebuild the stages and swap them in between two batches
          this.rebuilding = buildStages(st, this.s.config.resourcesDir, (m) => this.s.logger.warn(m))
            .then((built) => {
              if (this.pipeline === pipeline) pipeline.setStages(built.stages);
            })
            .catch((err: unknown) => this.s.logger.error('could not apply the new pipeline settings', { error: err instanceof Error ? err.message : String(err) }));
        }
      }),
      this.s.bus.on('alerts.changed', (p) => {
        if (p.reason === 'created') this.collectNotices(p.ids, p.total);
      }),
    );
    for (const src of this.s.pipelineRepo.listSources()) {
      if (src.kind === 'file' && src.enabled && src.path) this.follow(src.path, src.format === 'wazuh' ? 'wazuh' : 'eve', 'beginning');
    }
  }

  /** Resolves once changed pipeline settings are in effect. */
  settled(): Promise<void> {
    return this.rebuilding;
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.sim?.abort.abort();
    const waits = [...this.followed.values()].map((f) => {
      f.abort.abort();
      return f.done;
    });
    this.followed.clear();
    await Promise.allSettled(waits);
    this.stopHousekeeping?.();
    this.pipeline = null;
  }

  private need(): Pipeline {
    if (!this.pipeline) throw new ContractError('CONFLICT', 'the pipeline is not running in this process');
    return this.pipeline;
  }

  /**
   * Follows a file while this process holds its source's lease: waits while another process
   * (a `vigil tail`, another Vigil) reads it, takes over when that one stops or dies, and goes
   * back to waiting if the lease is ever taken from it.
   */
  private follow(file: string, format: 'eve' | 'wazuh', startAt: 'beginning' | 'end'): void {
    const pipeline = this.need();
    const abs = path.resolve(file);
    const id = fileSourceId('file', abs);
    if (this.followed.has(id)) return;
    const f: Followed = { abort: new AbortController(), done: Promise.resolve(), lease: new SourceLeaseHandle(this.s.pipelineRepo, id, this.claim), follower: null, heldBy: null };
    f.done = this.followLoop(f, pipeline, abs, format, startAt).catch((err: unknown) => {
      this.s.pipelineRepo.setSourceError(id, err instanceof Error ? err.message : String(err));
      this.s.logger.error('file source stopped', { source: id, error: err instanceof Error ? err.message : String(err) });
    });
    this.followed.set(id, f);
  }

  private async followLoop(f: Followed, pipeline: Pipeline, file: string, format: 'eve' | 'wazuh', startAt: 'beginning' | 'end'): Promise<void> {
    const outer = f.abort.signal;
    try {
      while (!outer.aborted) {
        const got = await f.lease.acquire({ wait: true, what: file, signal: outer, onWait: (h) => (f.heldBy = h) });
        if (!got) return;
        f.heldBy = null;
        const lost = new AbortController();
        f.lease.startRenewing(() => lost.abort());
        try {
          // constructed under the lease: it reads the cursor the previous holder committed
          f.follower = new FileFollower(pipeline, this.s.pipelineRepo, file, format, { startAt, lease: f.lease });
          await f.follower.run(AbortSignal.any([outer, lost.signal]));
        } catch (err) {
          if (!(err instanceof LeaseLostError)) throw err;
          this.s.logger.warn('lost a followed file to another process', { source: f.lease.sourceId, error: err.message });
        } finally {
          f.lease.stopRenewing();
          f.follower = null;
        }
      }
    } finally {
      f.lease.release();
    }
  }

  // ---------- sources ----------
  listSources(): LiveSource[] {
    const m = this.pipeline?.metrics.snapshot();
    return this.s.pipelineRepo.listSources().map((src) => {
      const f = this.followed.get(src.id);
      const st = f?.follower?.status();
      let live: LiveSource['live'] = null;
      if (src.kind === 'file') {
        if (st) live = { state: st.state, bytes_behind: st.bytesBehind, note: st.note ?? null, events_per_s: m?.events_per_s ?? 0 };
        else if (f) live = { state: 'waiting', bytes_behind: 0, note: f.heldBy ? `held by ${describeHolder(f.heldBy)}` : 'starting', events_per_s: 0 };
        else live = { state: src.enabled ? 'waiting' : 'paused', bytes_behind: 0, note: src.enabled ? 'not followed by this process' : null, events_per_s: 0 };
      }
      return { ...src, live } satisfies LiveSource;
    });
  }

  private one(id: string): LiveSource {
    const found = this.listSources().find((x) => x.id === id);
    if (!found) throw new ContractError('NOT_FOUND', `no source ${id}`);
    return found;
  }

  addSource(file: string, format: 'eve' | 'wazuh', startAt: 'beginning' | 'end', actor: string, assumeTz: string | null = null): LiveSource {
    if (!path.isAbsolute(file)) throw new ContractError('BAD_REQUEST', `give the full path of the file (${file} is relative)`);
    const abs = path.resolve(file);
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(abs);
    } catch {
      if (!fs.existsSync(path.dirname(abs))) throw new ContractError('BAD_REQUEST', `the folder ${path.dirname(abs)} does not exist`);
    }
    if (st && !st.isFile()) throw new ContractError('BAD_REQUEST', `${abs} is not a regular file`);
    const problem = st ? followableProblem(abs, format) : null;
    if (problem) throw new ContractError('BAD_REQUEST', `${abs}: ${problem}`);
    const id = fileSourceId('file', abs);
    if (this.s.pipelineRepo.getSource(id)) throw new ContractError('CONFLICT', `${abs} is already a source`);
    this.s.pipelineRepo.ensureSource(id, 'file', format, abs);
    if (assumeTz !== null) this.s.pipelineRepo.setSourceAssumeTz(id, assumeTz);
    this.s.audit.append({ actor, action: 'source.add', target_type: 'source', target_id: id, details: { format, start_at: startAt, assume_tz: assumeTz } });
    this.follow(abs, format, startAt);
    return this.one(id);
  }

  async setSourceEnabled(id: string, enabled: boolean, actor: string): Promise<LiveSource> {
    const src = this.s.pipelineRepo.getSource(id);
    if (!src) throw new ContractError('NOT_FOUND', `no source ${id}`);
    if (src.kind !== 'file' || !src.path) throw new ContractError('BAD_REQUEST', 'only followed files can be paused');
    this.s.pipelineRepo.setSourceEnabled(id, enabled);
    this.s.audit.append({ actor, action: enabled ? 'source.resume' : 'source.pause', target_type: 'source', target_id: id });
    const f = this.followed.get(id);
    if (!enabled && f) {
      f.abort.abort();
      this.followed.delete(id);
      await f.done;
    }
    if (enabled && !f) this.follow(src.path, src.format === 'wazuh' ? 'wazuh' : 'eve', 'beginning');
    return this.one(id);
  }

  /** Sets the time zone for the source's timestamps without a UTC offset; a followed file applies it from its next batch. */
  setSourceAssumeTz(id: string, assumeTz: string | null, actor: string): LiveSource {
    const src = this.s.pipelineRepo.getSource(id);
    if (!src) throw new ContractError('NOT_FOUND', `no source ${id}`);
    this.s.pipelineRepo.setSourceAssumeTz(id, assumeTz);
    this.followed.get(id)?.follower?.setZone(assumeTz);
    this.s.audit.append({ actor, action: 'source.settings', target_type: 'source', target_id: id, details: { from: src.assume_tz, assume_tz: assumeTz } });
    return this.one(id);
  }

  async removeSource(id: string, actor: string): Promise<boolean> {
    const f = this.followed.get(id);
    if (f) {
      f.abort.abort();
      this.followed.delete(id);
      await f.done;
    }
    const removed = this.s.pipelineRepo.removeSource(id);
    if (removed) this.s.audit.append({ actor, action: 'source.remove', target_type: 'source', target_id: id });
    return removed;
  }

  // ---------- simulator ----------
  simulatorStatus(): SimulatorStatus {
    const scenarios = Object.entries(SCENARIOS).map(([name, description]) => ({ name, description }));
    const base = this.sim?.status ?? this.lastSim;
    return base
      ? { ...base, scenarios }
      : { running: false, scenario: null, rate: null, duration_s: null, started_at: null, records: 0, alerts_created: 0, last_error: null, scenarios };
  }

  startSimulator(scenario: ScenarioName, rate: number, durationS: number, actor: string): SimulatorStatus {
    const pipeline = this.need();
    if (this.sim) throw new ContractError('CONFLICT', 'the simulator is already running; stop it first');
    const abort = new AbortController();
    const status: SimulatorStatus = {
      running: true,
      scenario,
      rate,
      duration_s: durationS,
      started_at: this.s.now().toISOString(),
      records: 0,
      alerts_created: 0,
      last_error: null,
      scenarios: [],
    };
    this.sim = { abort, status };
    this.s.audit.append({ actor, action: 'simulator.start', target_type: 'simulator', target_id: scenario, details: { rate, duration_s: durationS } });
    const publish = () => this.s.bus.emit('simulator.status', this.simulatorStatus());
    let lastPublish = 0;
    void simulate(pipeline, this.s.pipelineRepo, {
      scenario,
      rate,
      durationS,
      signal: abort.signal,
      onBatch: (o) => {
        status.records += o.read;
        status.alerts_created += o.alerts_created;
        const t = Date.now();
        if (t - lastPublish > 500) {
          lastPublish = t;
          publish();
        }
      },
    })
      .catch((err: unknown) => {
        status.last_error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        status.running = false;
        this.lastSim = status;
        this.sim = null;
        publish();
      });
    publish();
    return this.simulatorStatus();
  }

  stopSimulator(): SimulatorStatus {
    this.sim?.abort.abort();
    return this.simulatorStatus();
  }

  // ---------- notifications ----------
  private collectNotices(ids: readonly number[], _total: number): void {
    if (this.s.settings.get().doNotDisturb) return;
    for (const id of ids) {
      const a = this.s.alerts.get(id);
      if (!a || (a.priority !== 'P1' && a.priority !== 'P2')) continue;
      if (this.pendingNotice.length < NOTICE_MAX_ITEMS) this.pendingNotice.push({ id: a.id, title: a.title, priority: a.priority, severity: a.severity, src_ip: a.src_ip });
      else this.pendingMore++;
    }
    if (this.pendingNotice.length === 0 || this.noticeTimer) return;
    const wait = Math.max(0, this.lastNoticeAt + NOTICE_INTERVAL_MS - Date.now());
    this.noticeTimer = setTimeout(() => this.flushNotices(), wait);
    this.noticeTimer.unref();
  }

  private flushNotices(): void {
    this.noticeTimer = null;
    if (this.pendingNotice.length === 0 || this.s.settings.get().doNotDisturb) {
      this.pendingNotice = [];
      this.pendingMore = 0;
      return;
    }
    // as the alerts are now (a group may have been raised since it was collected), P1 first, then the newest
    const items = this.pendingNotice
      .map((n) => {
        const a = this.s.alerts.get(n.id);
        return a ? { id: a.id, title: a.title, priority: a.priority, severity: a.severity, src_ip: a.src_ip } : n;
      })
      .sort((a, b) => a.priority.localeCompare(b.priority) || b.id - a.id);
    this.s.bus.emit('alerts.notice', { items, more: this.pendingMore });
    this.lastNoticeAt = Date.now();
    this.pendingNotice = [];
    this.pendingMore = 0;
  }
}
