import fs from 'node:fs';
import path from 'node:path';
import {
  ContractError,
  playbooksChannels,
  type AppHealth,
  type ChannelName,
  type Request,
  type Response,
} from '../contract/index.js';
import type { Services } from './services.js';
import type { SourcesService } from './sources.js';
import type { FeedService } from '../feed/service.js';
import { createFeedHandlers } from './feed-handlers.js';
import { checkCloseNote, createTriageHandlers } from './triage-handlers.js';
import { createConnectorHandlers } from './connector-handlers.js';
import type { ConnectorsService } from './connectors.js';
import { createCasesHandlers } from '../cases/handlers.js';
import { createScansHandlers } from '../scans/handlers.js';
import { FindingsService } from '../scans/findings.js';
import type { ScansService } from '../scans/service.js';
import { FindingsRepo } from '../store/findings-repo.js';
import { createReportsHandlers } from '../reports/handlers.js';
import { createHuntHandlers } from '../hunt/handlers.js';
import { createPlaybooksHandlers, type PlaybooksHandlers } from '../playbooks/handlers.js';
import type { PlaybooksService } from '../playbooks/service.js';
import { InvalidFilterError } from '../store/alerts-repo.js';
import { journalMode, quickCheck } from '../store/db.js';
import { GeoResolver } from '../pipeline/enrich/index.js';
import { priorityRule } from '../pipeline/score/index.js';
import type { SourcePathPolicy } from './source-policy.js';

/** Settings key → GeoResolver.open option. */
const GEO_OPTION = { geoCityDb: 'cityDb', geoCountryDb: 'countryDb', geoAsnDb: 'asnDb' } as const;

/** Who is calling and over which transport; filled in by the transport, never by the caller. */
export interface CallContext {
  actor: string;
  transport: 'ipc' | 'ws' | 'cli' | 'test';
  /**
   * Which console asked (a desktop window, a browser's connection), when a transport knows: a newer
   * hunt count of that console replaces its counts still waiting (hunt/reader.ts).
   */
  client?: string;
  /** Which files this caller may add as sources (core/source-policy.ts); set by the UI transports. */
  sourcePaths?: SourcePathPolicy;
}

/**
 * The CLI runs as the user on purpose and may follow any file; a UI transport (desktop window,
 * headless browser) only an existing file its policy allows, and nothing when it brought none.
 */
function checkSourcePath(file: string, ctx: CallContext): void {
  if (ctx.transport === 'cli' || ctx.transport === 'test') return;
  if (!ctx.sourcePaths) throw new ContractError('FORBIDDEN', 'sources cannot be added over this connection');
  ctx.sourcePaths.check(file);
  // from a screen, a mistyped path must not become a source that waits forever (the CLI's tail may wait)
  try {
    fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new ContractError('BAD_REQUEST', `${file}: permission denied`);
    if (code === 'ENOENT' && fs.existsSync(path.dirname(file))) throw new ContractError('BAD_REQUEST', `${file} does not exist`);
  }
}

export type Handler<C extends ChannelName> = (req: Request<C>, ctx: CallContext) => Response<C> | Promise<Response<C>>;

/** One handler for every contract channel: a channel without one does not compile. */
export type Handlers = { [C in ChannelName]: Handler<C> };

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * @param host the sources of this process (desktop app, `vigil serve`); null where none runs
 *   (one-shot CLI commands), and then the sources and simulator channels answer CONFLICT.
 * @param connectors the connectors service; null where none was built (connectors.* and wazuh.*
 *   then answer CONFLICT).
 * @param playbooks the playbooks service; null where none was built (playbooks.* answer CONFLICT).
 */
export function createHandlers(
  s: Services,
  host: SourcesService | null = null,
  feed: FeedService | null = null,
  connectors: ConnectorsService | null = null,
  scans: { scans: ScansService; findings: FindingsService } | null = null,
  playbooks: PlaybooksService | null = null,
): Handlers {
  const needHost = (): SourcesService => {
    if (!host) throw new ContractError('CONFLICT', 'no live pipeline runs in this process');
    return host;
  };
  const noFeed = () => {
    throw new ContractError('CONFLICT', 'the LAN feed is managed by the desktop app, vigil serve or vigil feed');
  };
  const feedHandlers = feed
    ? createFeedHandlers({ feed })
    : { 'feed.status': noFeed, 'feed.configure': noFeed, 'feed.tokens.list': noFeed, 'feed.tokens.create': noFeed, 'feed.tokens.revoke': noFeed };
  const noPlaybooks = () => {
    throw new ContractError('CONFLICT', 'playbooks are not available in this process');
  };
  const playbooksHandlers: PlaybooksHandlers = playbooks
    ? createPlaybooksHandlers(playbooks)
    : (Object.fromEntries(Object.keys(playbooksChannels).map((k) => [k, noPlaybooks])) as unknown as PlaybooksHandlers);
  const c = s.console;
  return {
    'app.info': () => ({
      name: s.config.appName,
      version: s.config.appVersion,
      data_dir: s.config.dataDir,
      db_path: s.dbPath,
      schema_version: s.schemaVersion,
      mode: s.config.mode,
      platform: `${process.platform}-${process.arch}`,
      node_version: process.versions.node,
      electron_version: s.config.electronVersion,
      attributions: s.attributions,
    }),

    'app.health': (): AppHealth => {
      const checks: AppHealth['checks'] = [];
      let alerts = 0;
      try {
        const integrity = quickCheck(s.db);
        checks.push({ name: 'database', ok: integrity === 'ok', detail: integrity === 'ok' ? 'quick_check passed' : integrity });
        alerts = s.alerts.count();
      } catch (err) {
        checks.push({ name: 'database', ok: false, detail: err instanceof Error ? err.message : String(err) });
      }
      try {
        fs.accessSync(s.config.dataDir, fs.constants.W_OK);
        checks.push({ name: 'data directory', ok: true, detail: `${s.config.dataDir} is writable` });
      } catch {
        checks.push({ name: 'data directory', ok: false, detail: `${s.config.dataDir} is not writable` });
      }
      const mem = process.memoryUsage();
      return {
        ok: checks.every((c) => c.ok),
        uptime_s: Math.round((s.now().getTime() - s.startedAt.getTime()) / 1000),
        checks,
        db: {
          size_bytes: fileSize(s.dbPath),
          wal_bytes: fileSize(`${s.dbPath}-wal`),
          alerts,
          journal_mode: journalMode(s.db),
        },
        memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
      };
    },

    'settings.get': () => s.settings.get(),
    'settings.set': async (req, ctx) => {
      // the source folders decide which files a browser may make Vigil read: the command line only
      if (req.patch.sourceDirs !== undefined && (ctx.transport === 'ipc' || ctx.transport === 'ws')) {
        throw new ContractError('FORBIDDEN', 'sourceDirs can be changed only on the command line: vigil settings set sourceDirs DIR[,DIR...]');
      }
      const relative = (req.patch.sourceDirs ?? []).filter((d) => !path.isAbsolute(d));
      if (relative.length > 0) throw new ContractError('BAD_REQUEST', 'invalid settings', relative.map((d) => `sourceDirs: ${d} is not an absolute path`));
      // a geo file must open as an mmdb of the right kind before it is saved
      for (const key of ['geoCityDb', 'geoCountryDb', 'geoAsnDb'] as const) {
        const file = req.patch[key];
        if (!file) continue;
        try {
          await GeoResolver.open({ [GEO_OPTION[key]]: file });
        } catch (err) {
          throw new ContractError('BAD_REQUEST', 'invalid settings', [`${key}: ${err instanceof Error ? err.message : String(err)}`]);
        }
      }
      return s.settings.set(req.patch, ctx.actor);
    },

    'alerts.list': (req) => {
      try {
        return s.alerts.list(req.filter, req.limit, req.after, req.sort);
      } catch (err) {
        if (err instanceof InvalidFilterError) throw new ContractError('BAD_REQUEST', err.message);
        throw err;
      }
    },

    ...createTriageHandlers(s),

    'alerts.get': (req) => {
      const detail = s.alerts.detail(req.id);
      if (!detail) throw new ContractError('NOT_FOUND', `alert ${req.id} does not exist`);
      const a = detail.alert;
      const rule = priorityRule({ severity: a.severity, risk: a.risk_score, threat_type: detail.threat_type, technique_ids: a.technique_ids });
      // an alert raised before the current rules keeps the priority it got then, and says so
      const reason = rule.priority === a.priority ? rule.name : `set by earlier rules (today's would give ${rule.priority}: ${rule.name})`;
      return { ...detail, techniques: c.techniques(a.technique_ids), priority_reason: reason };
    },

    'pipeline.status': () => s.pipelineRepo.status(),

    'quarantine.list': (req) => s.pipelineRepo.listQuarantine(req.limit, req.before_id, req.source_id),

    'dashboard.summary': (req) => c.summary(req.from, req.to),
    'dashboard.trend': (req) => c.trend(req.from, req.to, req.buckets),
    'dashboard.top': (req) => c.top(req.from, req.to, req.field, req.limit),
    'dashboard.attack': (req) => c.attackCells(req.from, req.to),
    'attack.matrix': () => c.matrix(),
    'alerts.count': (req) => ({ total: c.count(req.filter) }),
    'alerts.bulkSetStatus': (req, ctx) => {
      const note = req.note && req.note.length > 0 ? req.note : null;
      checkCloseNote(s, req.status, note, 'alerts');
      return c.startBulkStatus(req.target, req.status, note, ctx.actor);
    },
    'alerts.assign': (req, ctx) => {
      const updated = c.assign(req.ids, req.assignee, ctx.actor);
      if (updated > 0) s.bus.emit('alerts.changed', { reason: 'updated', ids: req.ids.slice(0, 500), total: updated });
      return { updated };
    },
    'alerts.tag': (req, ctx) => {
      const updated = c.tag(req.ids, req.add, req.remove, ctx.actor);
      if (updated > 0) s.bus.emit('alerts.changed', { reason: 'updated', ids: req.ids.slice(0, 500), total: updated });
      return { updated };
    },
    'alerts.tags': () => c.knownTags(),
    'alerts.related': (req) => c.related(req.id, req.limit),
    'savedFilters.list': () => c.listSavedFilters(),
    'savedFilters.save': (req, ctx) => c.saveFilter(req.name, req.filter, ctx.actor),
    'savedFilters.remove': (req) => ({ removed: c.removeSavedFilter(req.id) }),
    'sources.list': () => (host ? host.listSources() : s.pipelineRepo.listSources().map((x) => ({ ...x, live: null }))),
    'sources.add': (req, ctx) => {
      checkSourcePath(req.path, ctx);
      return needHost().addSource(req.path, req.format, req.start_at, ctx.actor, req.assume_tz);
    },
    // the desktop shell answers this one itself with the native file dialog (shell/source-pick.ts)
    'sources.pick': () => {
      throw new ContractError('CONFLICT', 'choosing a file needs the desktop app; in a browser, type the path of a file under a source folder');
    },
    'sources.setEnabled': (req, ctx) => needHost().setSourceEnabled(req.id, req.enabled, ctx.actor),
    'sources.remove': async (req, ctx) => ({ removed: await needHost().removeSource(req.id, ctx.actor) }),
    'sources.setAssumeTz': (req, ctx) => needHost().setSourceAssumeTz(req.id, req.assume_tz, ctx.actor),
    'simulator.status': () => needHost().simulatorStatus(),
    'simulator.start': (req, ctx) => needHost().startSimulator(req.scenario, req.rate, req.duration_s, ctx.actor),
    'simulator.stop': () => needHost().stopSimulator(),

    ...feedHandlers,
    ...createConnectorHandlers(connectors),
    ...createCasesHandlers(s.cases, (ids) => s.huntReader.read('getMany', ids)),
    ...createScansHandlers(scans?.scans ?? null, scans?.findings ?? new FindingsService(new FindingsRepo(s.db, s.audit), s.audit, s.now)),
    ...createReportsHandlers(s.reports),
    ...createHuntHandlers(s.hunt, s.huntReader, s.console, s.now),
    ...playbooksHandlers,
  };
}
