import path from 'node:path';
import { FeedService } from '../feed/service.js';
import { openVault, type SecretStore } from '../secrets/vault.js';
import { ConnectorsService } from './connectors.js';
import { createFeedSetStatus } from './feed-handlers.js';
import { createHandlers, type Handlers } from './handlers.js';
import { LivePipeline } from './live-pipeline.js';
import { OutboxWatcher } from './live.js';
import { AlertNotices } from './notices.js';
import { createServices, type ServiceConfig, type Services } from './services.js';
import { SourcesService, type IndexerConnectors, type SourcesOptions } from './sources.js';
import { FindingsService } from '../scans/findings.js';
import { ScansService } from '../scans/service.js';
import { FindingsRepo } from '../store/findings-repo.js';
import { ScansRepo } from '../store/scans-repo.js';
import { PlaybooksService } from '../playbooks/service.js';
import type { ScanStarter } from '../playbooks/ports.js';
import { PlaybooksRepo } from '../store/playbooks-repo.js';
import { createPlaybookPorts } from './playbook-ports.js';
import { scanStarter } from './scan-starter.js';
import { scanPollerLease } from './scan-lease.js';

export interface AppConfig extends ServiceConfig {
  /** How this process is named in published figures and leases: "desktop:1234", "serve:1234", "tail:1234". */
  processName: string;
  /**
   * Run the background work of a long-running process (the desktop app, `vigil serve`): the live
   * pipeline with every configured source under the supervisor, figures and retention, P1/P2
   * notices, the LAN feed when enabled, and push events for writes of any process. Off (the
   * default) for one-shot commands: nothing runs in the background.
   */
  run?: boolean;
  /** The vault (the desktop app passes the one its safeStorage also wraps); default: the keychain-only one of the data directory. */
  secrets?: SecretStore;
  /** 'live': a feed that may serve (`vigil feed serve`) even without `run`; default: live when `run`, else passive. */
  feed?: 'live' | 'passive';
  /**
   * The Wazuh indexer connectors whose alerts become sources: with `run`, each enabled one is read
   * by an indexer driver under the supervisor. Default: this app's connectors service; null: none.
   */
  indexers?: IndexerConnectors | null;
  /** Tuning of the sources (tests). */
  sources?: SourcesOptions;
  /** Tuning of the scan poller (tests): poll interval, stall limit. */
  scans?: { pollMs?: number; stallMinutes?: number };
  /** Starts scans for the playbooks' start_scan step (tests); by default the scans service. */
  scanStarter?: ScanStarter | null;
  /** Tuning of the playbooks (tests): trigger poll interval, webhook retry backoff. */
  playbooks?: { pollMs?: number; webhookBackoffMs?: (attempt: number) => number };
}

/** Everything a Vigil process uses, built in one place. */
export interface App {
  readonly services: Services;
  readonly vault: SecretStore;
  readonly feed: FeedService;
  /**
   * The team's tools: configurations, secrets in the vault, health probes and the Wazuh agent
   * sync. Built always (one-shot commands answer connectors.* channels); probing and syncing run
   * only with `run`.
   */
  readonly connectors: ConnectorsService;
  /** Scans started from the console (polled only with `run`) and the findings they import. */
  readonly scans: ScansService;
  readonly findings: FindingsService;
  /** Playbooks: documents, runs, approvals; triggers are evaluated only with `run`. */
  readonly playbooks: PlaybooksService;
  /** Every contract channel, over these services. */
  readonly handlers: Handlers;
  /** The live pipeline and the sources it runs; null when the app does not run (one-shot commands). */
  readonly pipeline: LivePipeline | null;
  readonly sources: SourcesService | null;
  /** Stops what runs (feed, sources, live updates), then closes the services; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The composition root: the desktop shell, `vigil serve` and every CLI command build their process
 * here. Nothing in Vigil starts on import; it starts here, and only what `config` asks for.
 */
export async function createApp(config: AppConfig): Promise<App> {
  // a running app writes for a long time: its log is checkpointed off the main thread
  const s = await createServices({ ...config, checkpointer: config.checkpointer ?? config.run ?? false });
  const run = config.run ?? false;
  const vault = config.secrets ?? openVault(config.dataDir, { logger: s.logger });
  let handlers: Handlers | null = null;
  const feed = new FeedService({
    db: s.db,
    audit: s.audit,
    logger: s.logger,
    now: s.now,
    dataDir: config.dataDir,
    appName: config.appName,
    appVersion: config.appVersion,
    resourcesDir: config.resourcesDir,
    secrets: vault,
    // set_status from analyst tokens goes through the same dispatch and handler as the UI
    setStatus: createFeedSetStatus(() => handlers!, s.logger),
    processName: config.processName,
    passive: (config.feed ?? (run ? 'live' : 'passive')) === 'passive',
  });
  const connectors = new ConnectorsService({ ...s, secrets: vault, processName: config.processName });
  const stops: (() => Promise<void> | void)[] = [() => connectors.stop(), () => playbooks.stop()];
  const findingsRepo = new FindingsRepo(s.db, s.audit);
  const findings = new FindingsService(findingsRepo, s.audit, s.now, () => pipeline?.exposure?.invalidate());
  const scans = new ScansService({
    repo: new ScansRepo(s.db, s.now),
    findings: findingsRepo,
    connector: (id) => connectors.liveConnector(id),
    logger: s.logger,
    now: s.now,
    // the score's exposure term sees new findings and status changes at once
    onFindingsChanged: () => pipeline?.exposure?.invalidate(),
    onScanChanged: (scan) => s.bus.emit('scans.changed', scan),
    lease: scanPollerLease(s.pipelineRepo, config.processName),
    ...config.scans,
  });
  stops.push(() => scans.close());
  const ports = createPlaybookPorts(s, vault, connectors, config.scanStarter === undefined ? scanStarter(scans, connectors) : config.scanStarter, feed);
  if (config.playbooks?.webhookBackoffMs) ports.webhookBackoffMs = config.playbooks.webhookBackoffMs;
  const playbooks = new PlaybooksService({
    repo: new PlaybooksRepo(s.db, s.now),
    pipelineRepo: s.pipelineRepo,
    audit: s.audit,
    logger: s.logger,
    ports,
    owner: config.processName,
    now: s.now,
    onRunChange: (r) => s.bus.emit('playbooks.run', r),
  });
  let pipeline: LivePipeline | null = null;
  let sources: SourcesService | null = null;
  try {
    if (run) {
      pipeline = new LivePipeline(s, config.processName);
      await pipeline.start();
      const live = pipeline;
      stops.push(() => live.stop());
      sources = new SourcesService(s, pipeline, config.processName, config.sources);
      const started = sources;
      stops.push(() => started.stop());
      sources.start();
      await connectors.start();
      scans.run();
      const indexers = config.indexers === undefined ? connectors : config.indexers;
      if (indexers) sources.useIndexers(indexers);
      // the shipped playbooks, disabled, the first time; then triggers are evaluated after each write batch
      playbooks.seed(path.join(config.resourcesDir, 'playbooks'), 'system');
      playbooks.start(config.playbooks?.pollMs);
      // the console opens alerts: their evidence is read by the hunt reader's thread
      s.huntReader.warm();
      const notices = new AlertNotices(s);
      notices.start();
      stops.push(() => notices.stop());
    }
    handlers = createHandlers(s, sources, feed, connectors, { scans, findings }, playbooks);
    if (run) {
      stops.push(feed.onChanged((p) => s.bus.emit('feed.changed', p)));
      try {
        await feed.startIfEnabled();
      } catch (err) {
        // a feed that cannot bind its port must not keep the console from starting; status shows why
        s.logger.error('the LAN feed did not start', { error: err instanceof Error ? err.message : String(err) });
      }
      // writes from ANY process (a vigil tail, an import) become push events here
      const watcher = new OutboxWatcher(s.pipelineRepo, s.bus, s.logger);
      watcher.start();
      stops.push(() => watcher.stop());
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    await s.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    services: s,
    vault,
    feed,
    connectors,
    scans,
    findings,
    playbooks,
    handlers,
    pipeline,
    sources,
    close() {
      closing ??= (async () => {
        for (const stop of stops.splice(0).reverse()) await stop();
        await feed.stop();
        await s.close();
      })();
      return closing;
    },
  };
}
