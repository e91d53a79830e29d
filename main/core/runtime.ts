import { FeedService } from '../feed/service.js';
import { openVault, type SecretStore } from '../secrets/vault.js';
import { createFeedSetStatus } from './feed-handlers.js';
import { createHandlers, type Handlers } from './handlers.js';
import { LivePipeline } from './live-pipeline.js';
import { OutboxWatcher } from './live.js';
import { AlertNotices } from './notices.js';
import type { Services } from './services.js';
import { SourcesService } from './sources.js';

/** What a long-running Vigil process (the desktop app, `vigil serve`) runs beside its services. */
export interface Runtime {
  readonly handlers: Handlers;
  readonly pipeline: LivePipeline;
  readonly sources: SourcesService;
  readonly feed: FeedService;
  /** Stops the feed, the followed files, the simulator and the live updates; then the services can close. */
  stop(): Promise<void>;
}

/**
 * Starts the live parts in order: the pipeline host (followed files, simulator, figures), the
 * handlers over it, the LAN feed (off by default; started only when enabled), and the outbox
 * watcher that turns writes from ANY process into push events.
 */
export async function startRuntime(s: Services, processName: string, secrets?: SecretStore): Promise<Runtime> {
  const pipeline = new LivePipeline(s, processName);
  await pipeline.start();
  const sources = new SourcesService(s, pipeline, processName);
  sources.start();
  const notices = new AlertNotices(s);
  notices.start();
  let handlers: Handlers | null = null;
  const feed = new FeedService({
    db: s.db,
    audit: s.audit,
    logger: s.logger,
    now: s.now,
    dataDir: s.config.dataDir,
    appName: s.config.appName,
    appVersion: s.config.appVersion,
    resourcesDir: s.config.resourcesDir,
    // the desktop app passes its vault (with safeStorage); plain Node opens the keychain-only one
    secrets: secrets ?? openVault(s.config.dataDir, { logger: s.logger }),
    // set_status from analyst tokens goes through the same dispatch and handler as the UI
    setStatus: createFeedSetStatus(() => handlers!, s.logger),
    processName,
  });
  handlers = createHandlers(s, sources, feed);
  const offFeed = feed.onChanged((p) => s.bus.emit('feed.changed', p));
  try {
    await feed.startIfEnabled();
  } catch (err) {
    // a feed that cannot bind its port must not keep the console from starting; status shows why
    s.logger.error('the LAN feed did not start', { error: err instanceof Error ? err.message : String(err) });
  }
  const watcher = new OutboxWatcher(s.pipelineRepo, s.bus, s.logger);
  watcher.start();
  const ready = handlers;
  return {
    handlers: ready,
    pipeline,
    sources,
    feed,
    async stop() {
      watcher.stop();
      offFeed();
      await feed.stop();
      notices.stop();
      await sources.stop();
      pipeline.stop();
    },
  };
}
