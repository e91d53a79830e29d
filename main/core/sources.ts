import fs from 'node:fs';
import path from 'node:path';
import { ContractError, type EventFormat, type LiveSource, type SimulatorStatus, type SourceLive, type SourceStatus } from '../contract/index.js';
import type { WazuhIndexerConfig } from '../contract/connectors.js';
import { fileSourceId } from '../pipeline/runner.js';
import { followableProblem } from '../pipeline/sources/file-input.js';
import { FileTailDriver } from '../pipeline/sources/file-tail.js';
import { IndexerDriver, indexerSourceId, type AlertPuller } from '../pipeline/sources/indexer.js';
import { leaseClaim, type LeaseOptions } from '../pipeline/sources/lease.js';
import { SCENARIOS, type ScenarioName } from '../pipeline/sources/simulator.js';
import { SimulatorDriver, simulatorSourceId } from '../pipeline/sources/simulator-driver.js';
import { SourceSupervisor, type Backoff, type SourceRun } from '../pipeline/sources/supervisor.js';
import { NormalizeWorker } from '../pipeline/sources/normalize-worker.js';
import type { LivePipeline } from './live-pipeline.js';
import type { Services } from './services.js';

/** How this process is named to others that find its leases ("desktop:1234" → "Vigil desktop app"). */
export function processLabel(processName: string): string {
  const kind = processName.split(':')[0];
  if (kind === 'desktop') return 'Vigil desktop app';
  if (kind === 'serve') return 'vigil serve';
  return processName;
}

/** Tuning for tests: how fast failed sources retry, how long leases last, how often files and indexers are polled. */
export interface SourcesOptions {
  backoff?: Partial<Backoff>;
  lease?: LeaseOptions;
  pollMs?: number;
  /** Indexers: how long to wait after catching up (default: the connector's poll interval), overlap and settle times. */
  indexerPollMs?: number;
  indexerOverlapMs?: number;
  indexerSettleMs?: number;
}

/**
 * The Wazuh indexer connectors whose alerts become sources (the connectors service): each enabled
 * one gets an indexer driver; `onChange` says when the set or a configuration changed.
 */
export interface IndexerConnectors {
  enabledIndexers(): WazuhIndexerConfig[];
  indexerClientFor(connectorId: string): AlertPuller;
  onChange(listener: () => void): () => void;
}

function liveOf(run: SourceRun, eventsPerS: number): SourceLive {
  return { state: run.state, since: run.since, note: run.note, last_error: run.last_error, retry_at: run.retry_at, behind: run.behind, events_per_s: eventsPerS };
}

/** Sources whose reader runs for as long as the process does, paused when disabled. */
const FOLLOWED_KINDS: readonly SourceStatus['kind'][] = ['file', 'indexer'];

/**
 * The sources of a long-running process (the desktop app, `vigil serve`): the configured
 * followed files, the simulator, all run by one supervisor, with their state published
 * (`sources.state` push events, `sources.list`) and their changes audited.
 */
export class SourcesService {
  readonly supervisor: SourceSupervisor;
  private sim: { status: SimulatorStatus } | null = null;
  private lastSim: SimulatorStatus | null = null;
  /** Indexer sources running, with the configuration each was started with (a change restarts it). */
  private readonly indexers = new Map<string, string>();
  private offIndexers: (() => void) | null = null;
  private syncing: Promise<void> = Promise.resolve();
  /** Normalizes the sources' batches on the second core (started by the first batch). */
  private readonly worker = new NormalizeWorker();

  constructor(
    private readonly s: Services,
    private readonly live: LivePipeline,
    processName: string,
    private readonly opts: SourcesOptions = {},
  ) {
    this.supervisor = new SourceSupervisor({
      pipeline: () => live.get(),
      repo: s.pipelineRepo,
      claim: leaseClaim(processLabel(processName)),
      now: s.now,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.lease ? { lease: opts.lease } : {}),
      onState: (id, run) => this.published(id, run),
      log: (level, message, fields) => s.logger[level](message, fields),
      worker: this.worker,
    });
  }

  /** Follows every configured file (disabled ones start paused). */
  start(): void {
    for (const src of this.s.pipelineRepo.listSources()) {
      if (src.kind === 'file' && src.path && src.format !== 'mixed') this.follow(src.path, src.format, 'beginning', !src.enabled);
    }
  }

  async stop(): Promise<void> {
    this.offIndexers?.();
    this.offIndexers = null;
    await this.syncing;
    await this.supervisor.stopAll();
    await this.worker.close();
  }

  /**
   * Reads the alerts of every enabled Wazuh indexer connector, as sources `indexer:<connector id>`
   * (kept when the connector goes: re-enabling it resumes from the committed cursor), and follows
   * the connectors' changes: a new or changed one is (re)started, a disabled or deleted one stopped.
   */
  useIndexers(connectors: IndexerConnectors): void {
    this.offIndexers?.();
    const sync = () => {
      this.syncing = this.syncing.then(() => this.syncIndexers(connectors)).catch((err: unknown) => {
        this.s.logger.error('could not apply the indexer connectors', { error: err instanceof Error ? err.message : String(err) });
      });
    };
    this.offIndexers = connectors.onChange(sync);
    sync();
  }

  /** Resolves once the last change of the indexer connectors is applied. */
  indexersSettled(): Promise<void> {
    return this.syncing;
  }

  private async syncIndexers(connectors: IndexerConnectors): Promise<void> {
    const wanted = new Map(connectors.enabledIndexers().map((c) => [indexerSourceId(c.id), c]));
    for (const [id, applied] of this.indexers) {
      const c = wanted.get(id);
      if (c && JSON.stringify(c) === applied) continue;
      this.indexers.delete(id);
      await this.supervisor.stop(id);
    }
    for (const [id, c] of wanted) {
      if (this.indexers.has(id)) continue;
      const row = this.s.pipelineRepo.ensureSource(id, 'indexer', 'wazuh', null);
      this.indexers.set(id, JSON.stringify(c));
      const o = this.opts;
      this.supervisor.start({
        id,
        paused: !row.enabled,
        // under the lease: the driver starts from the cursor committed last, with the connector's current client
        create: () =>
          new IndexerDriver(this.s.pipelineRepo, {
            sourceId: id,
            client: connectors.indexerClientFor(c.id),
            pollMs: o.indexerPollMs ?? c.pollIntervalSeconds * 1000,
            ...(o.indexerOverlapMs !== undefined ? { overlapMs: o.indexerOverlapMs } : {}),
            ...(o.indexerSettleMs !== undefined ? { settleMs: o.indexerSettleMs } : {}),
          }),
      });
    }
  }

  private published(id: string, run: SourceRun | null): void {
    this.s.bus.emit('sources.state', { id, live: run ? liveOf(run, this.eventsPerS()) : null });
  }

  private eventsPerS(): number {
    return this.live.running ? this.live.get().metrics.snapshot().events_per_s : 0;
  }

  /** Follows a file under its source's lease (waiting while another process reads it). */
  private follow(file: string, format: EventFormat, startAt: 'beginning' | 'end', paused = false): void {
    const abs = path.resolve(file);
    const id = fileSourceId('file', abs);
    if (this.supervisor.has(id)) return;
    this.supervisor.start({
      id,
      paused,
      // built under the lease: it reads the cursor the previous holder committed
      create: () => new FileTailDriver(this.s.pipelineRepo, { file: abs, format, startAt, ...(this.opts.pollMs ? { pollMs: this.opts.pollMs } : {}) }),
    });
  }

  // ---------- sources ----------
  listSources(): LiveSource[] {
    const eps = this.eventsPerS();
    return this.s.pipelineRepo.listSources().map((src) => {
      const run = this.supervisor.get(src.id);
      let live: SourceLive | null = run ? liveOf(run, eps) : null;
      if (!live && FOLLOWED_KINDS.includes(src.kind)) {
        const since = src.updated_at;
        const note = src.kind === 'indexer' ? 'its connector is not enabled' : 'not read by this process';
        live = src.enabled
          ? { state: 'waiting', since, note, last_error: null, retry_at: null, behind: null, events_per_s: 0 }
          : { state: 'paused', since, note: null, last_error: null, retry_at: null, behind: null, events_per_s: 0 };
      }
      return { ...src, live } satisfies LiveSource;
    });
  }

  private one(id: string): LiveSource {
    const found = this.listSources().find((x) => x.id === id);
    if (!found) throw new ContractError('NOT_FOUND', `no source ${id}`);
    return found;
  }

  addSource(file: string, format: EventFormat, startAt: 'beginning' | 'end', actor: string, assumeTz: string | null = null): LiveSource {
    this.live.get();
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
    if (!FOLLOWED_KINDS.includes(src.kind)) throw new ContractError('BAD_REQUEST', 'only followed sources can be paused');
    this.s.pipelineRepo.setSourceEnabled(id, enabled);
    this.s.audit.append({ actor, action: enabled ? 'source.resume' : 'source.pause', target_type: 'source', target_id: id });
    // a file not followed yet starts paused; an indexer whose connector is off stays off until it is on
    if (!this.supervisor.has(id) && src.kind === 'file' && src.path && src.format !== 'mixed') this.follow(src.path, src.format, 'beginning', true);
    if (enabled) this.supervisor.resume(id);
    else await this.supervisor.pause(id);
    return this.one(id);
  }

  /** Sets the time zone for the source's timestamps without a UTC offset; a running reader applies it from its next batch. */
  setSourceAssumeTz(id: string, assumeTz: string | null, actor: string): LiveSource {
    const src = this.s.pipelineRepo.getSource(id);
    if (!src) throw new ContractError('NOT_FOUND', `no source ${id}`);
    this.s.pipelineRepo.setSourceAssumeTz(id, assumeTz);
    this.s.audit.append({ actor, action: 'source.settings', target_type: 'source', target_id: id, details: { from: src.assume_tz, assume_tz: assumeTz } });
    return this.one(id);
  }

  async removeSource(id: string, actor: string): Promise<boolean> {
    if (this.indexers.has(id)) {
      // its cursor and stored ids are what keeps an alert from being stored twice
      throw new ContractError('CONFLICT', `${id} reads an enabled Wazuh indexer connector: disable or delete the connector first`);
    }
    await this.supervisor.stop(id);
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
    this.live.get();
    if (this.sim) throw new ContractError('CONFLICT', 'the simulator is already running; stop it first');
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
    const sim = { status };
    this.sim = sim;
    this.s.audit.append({ actor, action: 'simulator.start', target_type: 'simulator', target_id: scenario, details: { rate, duration_s: durationS } });
    const publish = () => this.s.bus.emit('simulator.status', this.simulatorStatus());
    let lastPublish = 0;
    const driver = new SimulatorDriver({ scenario, rate, durationS });
    this.s.pipelineRepo.ensureSource(driver.sourceId, 'simulator', 'mixed', null);
    this.supervisor.start({
      id: driver.sourceId,
      exclusive: false,
      retry: false,
      create: () => driver,
      onBatch: (o) => {
        status.records += o.read;
        status.alerts_created += o.alerts_created;
        const t = Date.now();
        if (t - lastPublish > 500) {
          lastPublish = t;
          publish();
        }
      },
    });
    void this.supervisor
      .done(driver.sourceId)
      .catch((err: unknown) => {
        status.last_error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        status.running = false;
        this.lastSim = status;
        if (this.sim === sim) this.sim = null;
        publish();
      });
    publish();
    return this.simulatorStatus();
  }

  stopSimulator(): SimulatorStatus {
    const scenario = this.sim?.status.scenario;
    if (scenario) void this.supervisor.stop(simulatorSourceId(scenario as ScenarioName));
    return this.simulatorStatus();
  }
}
