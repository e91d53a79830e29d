import { FeedService } from '../feed/service.js';
import { openVault, type SecretStore } from '../secrets/vault.js';
import { ConnectorsService } from './connectors.js';
import { createFeedSetStatus } from './feed-handlers.js';
import { createHandlers, type Handlers } from './handlers.js';
import { PipelineHost } from './host.js';
import { OutboxWatcher } from './live.js';
import type { Services } from './services.js';

/** What a long-running Vigil process (the desktop app, `vigil serve`) runs beside its services. */
export interface Runtime {
  readonly handlers: Handlers;
  readonly host: PipelineHost;
  readonly feed: FeedService;
  readonly connectors: ConnectorsService;
  /** Stops the feed, the followed files, the simulator and the live updates; then the services can close. */
  stop(): Promise<void>;
}

/**
 * Starts the live parts in order: the pipeline host (followed files, simulator, figures), the
 * handlers over it, the LAN feed (off by default; started only when enabled), and the outbox
 * watcher that turns writes from ANY process into push events.
 */
export async function startRuntime(s: Services, processName: string, secrets?: SecretStore): Promise<Runtime> {
  const host = new PipelineHost(s, processName);
  await host.start();
  let handlers: Handlers | null = null;
  // the desktop app passes its vault (with safeStorage); plain Node opens the keychain-only one
  const vault = secrets ?? openVault(s.config.dataDir, { logger: s.logger });
  const feed = new FeedService({
    db: s.db,
    audit: s.audit,
    logger: s.logger,
    now: s.now,
    dataDir: s.config.dataDir,
    appName: s.config.appName,
    appVersion: s.config.appVersion,
    resourcesDir: s.config.resourcesDir,
    secrets: vault,
    // set_status from analyst tokens goes through the same dispatch and handler as the UI
    setStatus: createFeedSetStatus(() => handlers!, s.logger),
    processName,
  });
  const connectors = new ConnectorsService({ ...s, secrets: vault, processName });
  handlers = createHandlers(s, host, feed, connectors);
  const offFeed = feed.onChanged((p) => s.bus.emit('feed.changed', p));
  try {
    await feed.startIfEnabled();
  } catch (err) {
    // a feed that cannot bind its port must not keep the console from starting; status shows why
    s.logger.error('the LAN feed did not start', { error: err instanceof Error ? err.message : String(err) });
  }
  const watcher = new OutboxWatcher(s.pipelineRepo, s.bus, s.logger);
  watcher.start();
  await connectors.start();
  const ready = handlers;
  return {
    handlers: ready,
    host,
    feed,
    connectors,
    async stop() {
      await connectors.stop();
      watcher.stop();
      offFeed();
      await feed.stop();
      await host.stop();
    },
  };
}
