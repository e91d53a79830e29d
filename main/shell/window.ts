import path from 'node:path';
import { app, BrowserWindow, protocol, type Session, type WebContents } from 'electron';
import type { Logger } from '../core/logger.js';
import { serveAppRequest } from './app-protocol.js';
import { APP_SCHEME, APP_START_URL, isAppUrl } from './app-url.js';
import { openExternalAllowed } from './external.js';
import { describeUrlForLog } from './external-policy.js';
import { isPermissionGranted } from './permission-policy.js';
import { devToolsAllowed } from './devtools-policy.js';

/** The dark theme's page background, so the window never flashes white before the first paint. */
export const WINDOW_BACKGROUND = '#11151d';

/** Must run before `app` is ready: makes app:// a standard, secure origin that can use fetch. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** After ready: serves `<appRoot>/dist/renderer` on app://vigil/ with the CSP and security headers. */
export function handleAppProtocol(rendererDir: string, logger: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const response = await serveAppRequest(rendererDir, request);
    if (response.status >= 400) logger.warn('app:// request refused', { status: response.status, url: describeUrlForLog(request.url) });
    return response;
  });
}

/**
 * Denies every permission request and check (camera, geolocation, web notifications, clipboard
 * read, devices, ...) except clipboard text writes from our own page (permission-policy.ts).
 */
export function hardenSession(ses: Session, logger: Logger): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const granted = isPermissionGranted(permission, details.requestingUrl, details.isMainFrame);
    if (!granted) logger.warn('permission request denied', { permission, from: describeUrlForLog(details.requestingUrl) });
    callback(granted);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame),
  );
  ses.setDevicePermissionHandler(() => false);
}

/**
 * Guards every webContents the app ever creates (the Electron security checklist): no
 * navigation away from app://vigil, no new windows, no <webview>. Allow-listed links are handed
 * to the system browser through openExternalAllowed.
 */
export function guardWebContents(contents: WebContents, logger: Logger): void {
  const refuse = (kind: string, url: string) => logger.warn(`${kind} denied`, { url: describeUrlForLog(url) });

  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    refuse('navigation', event.url);
    void openExternalAllowed(event.url, logger);
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    refuse('redirect', event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || isAppUrl(event.url)) return;
    event.preventDefault();
    refuse('frame navigation', event.url);
  });
  // New windows are never created; links with target=_blank open in the browser if allow-listed.
  contents.setWindowOpenHandler(({ url }) => {
    if (!isAppUrl(url)) void openExternalAllowed(url, logger);
    else refuse('window.open', url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event, _webPreferences, params) => {
    event.preventDefault();
    refuse('webview', params?.src ?? '');
  });
  // belt and braces for every webContents, not only the main window's webPreferences
  contents.on('devtools-opened', () => {
    if (devToolsAllowed(app.isPackaged)) return;
    contents.closeDevTools();
    refuse('devtools', contents.getURL());
  });
}

export interface MainWindowOptions {
  appRoot: string;
  preloadPath: string;
  iconPath: string;
  logger: Logger;
}

export function createMainWindow({ preloadPath, iconPath, logger }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Vigil',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: WINDOW_BACKGROUND,
    icon: iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // DevTools in development builds only; a packaged build has no way to turn them on.
      devTools: devToolsAllowed(app.isPackaged),
    },
  });

  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => {
    logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
  });
  win.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    if (isMainFrame) logger.error('window failed to load', { code, description, url: describeUrlForLog(url) });
  });

  win.loadURL(APP_START_URL).catch((err: unknown) => {
    logger.error('loading the renderer failed', { error: err instanceof Error ? err.message : String(err) });
    // Show the (empty, dark) window anyway so the analyst is not left with nothing.
    if (!win.isDestroyed() && !win.isVisible()) win.show();
  });
  return win;
}

/** Paths inside the app (the folder or the asar archive electron-builder produces). */
export function appPaths(appRoot: string) {
  return {
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    preloadPath: path.join(appRoot, 'dist', 'preload', 'index.cjs'),
    resourcesDir: path.join(appRoot, 'resources'),
    iconPath: path.join(appRoot, 'resources', 'icons', 'icon.png'),
    trayIconPath: path.join(appRoot, 'resources', 'icons', 'tray.png'),
  };
}
