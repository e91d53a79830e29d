import fs from 'node:fs';
import path from 'node:path';
import { app, dialog, Menu, safeStorage, session, type BrowserWindow } from 'electron';
import { readPackageMeta } from '../core/app-meta.js';
import { createApp, type App } from '../core/app.js';
import { createLogger, type Logger } from '../core/logger.js';
import { APP_DIR_NAME } from '../core/paths.js';
import { openVault } from '../secrets/vault.js';
import { registerIpc } from './ipc.js';
import { createSourcePick, WindowGrants } from './source-pick.js';
import { createEventsExportSave, createExportSave } from './export-save.js';
import { createReportReveal, electronPdfEngine } from './print-pdf.js';
import { ElectronStoreSettingsBackend } from './settings-store.js';
import { createTray, type VigilTray } from './tray.js';
import { wireDesktopNotifications } from './notify.js';
import { UpgradeWindow } from './upgrade-window.js';
import { appPaths, createMainWindow, guardWebContents, handleAppProtocol, hardenSession, registerAppScheme } from './window.js';

export const APP_NAME = 'Vigil';
export const APP_USER_MODEL_ID = 'io.vigil.console';
/** How long quitting waits for services to flush before giving up on them. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * The data directory: VIGIL_DATA_DIR (tests, portable installs) or the OS-standard
 * `<appData>/Vigil` (~/.config/Vigil on Linux), the same place `vigil serve` uses.
 * Must run before anything reads userData (electron-store, the single-instance lock).
 */
function configureDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['VIGIL_DATA_DIR'];
  const dir = override ? path.resolve(override) : path.join(app.getPath('appData'), APP_DIR_NAME);
  if (app.getPath('userData') !== dir) {
    // setPath throws for a directory that does not exist yet.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    app.setPath('userData', dir);
  }
  return dir;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withTimeout(promise: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Starts the desktop app. Everything before `whenReady` runs synchronously (ESM entry: the
 * ready event may fire as soon as the entry module has finished evaluating).
 */
export function start(): void {
  const logger: Logger = createLogger('vigil');

  app.setName(APP_NAME);
  const dataDir = configureDataDir();
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  app.enableSandbox();
  registerAppScheme();

  // The lock lives in the data directory, so test runs with their own VIGIL_DATA_DIR do not collide.
  if (!app.requestSingleInstanceLock()) {
    logger.info('Vigil is already running; focusing it');
    app.quit();
    return;
  }

  let vigil: App | null = null;
  let window: BrowserWindow | null = null;
  let tray: VigilTray | null = null;
  let disposeIpc: (() => void) | null = null;
  let disposeNotifications: (() => void) | null = null;
  let booting: Promise<void> | null = null;
  let phase: 'running' | 'closing' | 'closed' = 'running';
  let paths: ReturnType<typeof appPaths> | null = null;

  const targetContents = () => (window && !window.isDestroyed() ? window.webContents : null);

  const openWindow = (): BrowserWindow => {
    if (window && !window.isDestroyed()) return window;
    if (!paths) throw new Error('window requested before the app was ready');
    const win = createMainWindow({ appRoot: app.getAppPath(), preloadPath: paths.preloadPath, iconPath: paths.iconPath, logger });
    win.on('closed', () => {
      if (window === win) window = null;
    });
    window = win;
    return win;
  };

  const showWindow = () => {
    if (phase !== 'running' || !vigil) return;
    const win = openWindow();
    if (win.isMinimized()) win.restore();
    if (!win.isVisible()) win.show();
    win.focus();
  };

  const boot = async () => {
    const appRoot = app.getAppPath();
    paths = appPaths(appRoot);
    const meta = readPackageMeta(appRoot);

    Menu.setApplicationMenu(
      process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null,
    );
    hardenSession(session.defaultSession, logger);
    handleAppProtocol(paths.rendererDir, logger);

    // a database upgrade (its own thread) is shown in a small window of its own until it is over
    const upgrade = new UpgradeWindow(paths.iconPath, logger);
    try {
      // followed files, simulator, LAN feed (when enabled) and live updates from any process
      // secrets: the vault's master key is wrapped by safeStorage here, and kept in the OS keychain
      // too so `vigil serve` and the CLI read the same secrets (main/secrets/vault.ts)
      vigil = await createApp({
        dataDir,
        resourcesDir: paths.resourcesDir,
        mode: 'desktop',
        appName: APP_NAME,
        appVersion: meta.version,
        electronVersion: process.versions.electron ?? null,
        settingsBackend: new ElectronStoreSettingsBackend(dataDir, logger),
        logger,
        processName: `desktop:${process.pid}`,
        run: true,
        secrets: openVault(dataDir, { logger, safeStorage }),
        pdfEngine: electronPdfEngine,
        onUpgrade: (p) => upgrade.report(p),
      });
      if (phase !== 'running') return; // quit was requested while the app was starting: shutdown() closes it
      const services = vigil.services;
      // sources.add from the window accepts only files the analyst picked in its native dialog
      const grants = new WindowGrants();
      disposeIpc = registerIpc({
        services,
        handlers: {
          ...vigil.handlers,
          'sources.pick': createSourcePick(targetContents, grants),
          'alerts.export': createExportSave(targetContents, services),
          'events.export': createEventsExportSave(targetContents, services),
          'reports.reveal': createReportReveal(() => services),
        },
        logger,
        target: targetContents,
        sourcePaths: (wc) => grants.for(wc),
      });

      openWindow();
      tray = createTray({ iconPath: paths.trayIconPath, onShow: showWindow, onQuit: () => app.quit(), logger });
      disposeNotifications = wireDesktopNotifications(services, tray, () => (window && !window.isDestroyed() ? window : null));
      logger.info('Vigil started', { version: meta.version, electron: process.versions.electron, dataDir });
    } finally {
      // after the main window opened: closing the last window quits the app (Windows, Linux)
      upgrade.close();
    }
  };

  const shutdown = async () => {
    await booting?.catch(() => undefined);
    disposeNotifications?.();
    disposeNotifications = null;
    disposeIpc?.();
    disposeIpc = null;
    tray?.destroy();
    tray = null;
    if (vigil) {
      const app = vigil;
      vigil = null;
      await withTimeout(app.close(), CLOSE_TIMEOUT_MS, () => logger.error('Vigil did not close in time; quitting anyway'));
    }
  };

  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS dock click
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, logger));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Graceful quit, once: hold the quit, close services (flushes and closes the DB), then quit.
  app.on('before-quit', (event) => {
    if (phase === 'closed') return;
    event.preventDefault();
    if (phase === 'closing') return;
    phase = 'closing';
    shutdown()
      .catch((err: unknown) => logger.error('shutdown failed', { error: errorMessage(err) }))
      .finally(() => {
        phase = 'closed';
        app.quit();
      });
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (phase !== 'running') {
      logger.warn(`${signal} again while closing; exiting now`);
      app.exit(130);
      return;
    }
    logger.info(`${signal} received; quitting`);
    app.quit();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  app
    .whenReady()
    .then(() => {
      booting = boot();
      return booting;
    })
    .catch((err: unknown) => {
      logger.error('Vigil failed to start', { error: errorMessage(err) });
      dialog.showErrorBox('Vigil could not start', `${errorMessage(err)}\n\nData directory: ${dataDir}`);
      phase = 'closed';
      void shutdown().finally(() => app.exit(1));
    });
}
