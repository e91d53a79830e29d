import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE_NAME, closeDatabase, openDatabase, type Database, type OpenProgress } from '../store/db.js';
import { upgradeLog } from './upgrade-log.js';
import { upgradeInWorker } from '../store/upgrade.js';
import { Checkpointer } from '../store/checkpointer.js';
import { AuditRepo } from '../store/audit-repo.js';
import { DashboardRepo } from '../store/dashboard-repo.js';
import { AlertsRepo } from '../store/alerts-repo.js';
import { PipelineRepo } from '../store/pipeline-repo.js';
import { SuppressionsRepo } from '../store/suppressions-repo.js';
import { TriageRepo } from '../store/triage-repo.js';
import { AttackTable, attackTablePath } from '../pipeline/detect/attack.js';
import { ConsoleService } from './console.js';
import { CasesRepo } from '../store/cases-repo.js';
import { FindingsRepo } from '../store/findings-repo.js';
import { CasesService } from '../cases/service.js';
import { ReportsRepo } from '../store/reports-repo.js';
import { ReportsService } from '../reports/service.js';
import { RecordsRepo } from '../store/records-repo.js';
import { HuntService } from '../hunt/service.js';
import { HuntReader } from '../hunt/reader.js';
import { defaultPdfEngine, type PdfEngine } from '../reports/pdf.js';
import { EventBus } from './events.js';
import { SettingsService, type SettingsBackend } from './settings.js';
import { silentLogger, type Logger } from './logger.js';
import { fixNotice, prepareDataDir } from './data-dir.js';

export interface ServiceConfig {
  dataDir: string;
  /** Folder holding bundled data (ATT&CK table, licences, icons). */
  resourcesDir: string;
  mode: 'desktop' | 'headless';
  appName: string;
  appVersion: string;
  electronVersion: string | null;
  settingsBackend: SettingsBackend;
  logger?: Logger;
  now?: () => Date;
  /** How reports become PDF: Electron's printToPDF in the desktop app; default a Chromium on the machine. */
  pdfEngine?: () => PdfEngine;
  /** Told what an upgrade of the database is doing, as it goes (the desktop app shows it in a window). */
  onUpgrade?: (p: OpenProgress) => void;
  /**
   * Checkpoint the database's log in a thread of its own (store/checkpointer.ts): for processes
   * that write a lot for a long time (the running app, `vigil ingest`, `vigil tail`). Default off.
   */
  checkpointer?: boolean;
}

/** Everything the handlers and transports use, built once in createServices. */
export interface Services {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly startedAt: Date;
  readonly db: Database;
  readonly dbPath: string;
  readonly schemaVersion: number;
  readonly bus: EventBus;
  readonly audit: AuditRepo;
  readonly alerts: AlertsRepo;
  readonly settings: SettingsService;
  readonly pipelineRepo: PipelineRepo;
  readonly suppressions: SuppressionsRepo;
  readonly triage: TriageRepo;
  readonly console: ConsoleService;
  readonly cases: CasesService;
  readonly casesRepo: CasesRepo;
  readonly reports: ReportsService;
  /** Hunting over the sensor record store (events.*, hosts.*, hunt.*). */
  readonly hunt: HuntService;
  /** The hunt's reads, answered off the main thread (hunt/reader.ts). */
  readonly huntReader: HuntReader;
  /** The log's checkpoints, run off the main thread; null unless the config asked for it. */
  readonly checkpointer: Checkpointer | null;
  readonly records: RecordsRepo;
  /** The bundled ATT&CK table, or null when resources/ lacks it (reported in app.health). */
  readonly attack: AttackTable | null;
  readonly attributions: { name: string; notice: string }[];
  /** Flushes and closes everything; safe to call twice. */
  close(): Promise<void>;
}

function readAttributions(resourcesDir: string): { name: string; notice: string }[] {
  const file = path.join(resourcesDir, 'ATTRIBUTIONS.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; notice: string }[];
  } catch {
    return [];
  }
}

/** The composition root: nothing in Vigil starts on import; it starts here. */
export async function createServices(config: ServiceConfig): Promise<Services> {
  const logger = config.logger ?? silentLogger;
  const now = config.now ?? (() => new Date());
  // private before anything is written into it; an older, looser one is fixed, and said so once
  const fixed = prepareDataDir(config.dataDir);
  if (fixed.length) logger.warn(fixNotice(fixed));
  const dbPath = path.join(config.dataDir, DB_FILE_NAME);
  const log = upgradeLog(logger);
  const onProgress = (p: OpenProgress) => {
    log(p);
    config.onUpgrade?.(p);
  };
  // an upgrade runs in its own thread, so that this one stays free (a window can say what is going on)
  const upgraded = await upgradeInWorker(dbPath, {
    onProgress,
    onFallback: (why) => logger.warn('the database upgrade thread did not run: upgrading on the main thread', { error: why }),
  });
  const opened = await openDatabase(dbPath, { onProgress });
  const from = upgraded?.from ?? opened.from;
  if (from > 0 && opened.to > from) {
    const backup = upgraded?.backupPath ?? opened.backupPath;
    logger.info('database upgraded', { from, to: opened.to, backup, thread: upgraded ? 'upgrade' : 'main' });
  }
  const db = opened.db;
  const bus = new EventBus();
  const audit = new AuditRepo(db, now);
  const alerts = new AlertsRepo(db, audit, now);
  const settings = new SettingsService(config.settingsBackend, db, audit, bus, now);
  const pipelineRepo = new PipelineRepo(db, now);
  const suppressions = new SuppressionsRepo(db, now);
  const triage = new TriageRepo(db, audit, now);
  let attack: AttackTable | null = null;
  try {
    attack = AttackTable.load(attackTablePath(config.resourcesDir));
  } catch (err) {
    logger.warn('ATT&CK table unavailable', { error: err instanceof Error ? err.message : String(err) });
  }
  const consoleService = new ConsoleService(new DashboardRepo(db), alerts, audit, pipelineRepo, attack, bus, logger, now, triage);
  const casesRepo = new CasesRepo(db, audit, now);
  const cases = new CasesService(casesRepo, alerts, audit, attack, bus, logger);
  const reportsService = new ReportsService({
    reports: new ReportsRepo(db),
    cases,
    casesRepo,
    findings: new FindingsRepo(db, audit),
    audit,
    attack,
    bus,
    logger,
    now,
    schemaVersion: opened.to,
    generator: { name: config.appName, version: config.appVersion },
    reportsDir: path.join(config.dataDir, 'reports'),
    pdfEngine: config.pdfEngine ?? defaultPdfEngine,
  });
  const records = new RecordsRepo(db);
  const hunt = new HuntService(records, now);
  const huntReader = new HuntReader(dbPath, hunt, now, (why) => logger.warn('hunt reader stopped: hunts are answered on the main thread', { error: why }));
  const checkpointer = config.checkpointer
    ? new Checkpointer(db, dbPath, (why) => logger.warn('the checkpoint thread stopped: the database checkpoints on its own writes again', { error: why }))
    : null;
  let closed = false;
  return {
    config,
    logger,
    now,
    startedAt: now(),
    db,
    dbPath,
    schemaVersion: opened.to,
    bus,
    audit,
    alerts,
    settings,
    pipelineRepo,
    suppressions,
    triage,
    console: consoleService,
    cases,
    casesRepo,
    reports: reportsService,
    hunt,
    huntReader,
    checkpointer,
    records,
    attack,
    attributions: readAttributions(config.resourcesDir),
    async close() {
      if (closed) return;
      closed = true;
      await huntReader.close();
      // its connection closes first: the last checkpoint (closeDatabase) then truncates the log
      await checkpointer?.stop();
      closeDatabase(db);
    },
  };
}
