import { app, BrowserWindow } from 'electron';
import type { Logger } from '../core/logger.js';
import { upgradeStatus, upgradeStatusFragment, type UpgradeStatus } from '../core/upgrade-status.js';
import type { OpenProgress } from '../store/db.js';
import { APP_ORIGIN } from './app-url.js';
import { devToolsAllowed } from './devtools-policy.js';
import { WINDOW_BACKGROUND } from './window.js';

const PAGE_URL = `${APP_ORIGIN}/upgrading.html`;
/** The page is told at most this often (a 5.8 GB backup reports ~350 steps). */
const REFRESH_MS = 250;

/**
 * The small window that says what a database upgrade is doing (store/upgrade.ts runs it in its own
 * thread, so this process is free to show it). Opened by the first progress report, so a launch
 * with nothing to upgrade never shows it; closed once the main window is open. Not closable (macOS,
 * Windows; Linux window managers close it anyway): the upgrade is one transaction, and quitting
 * waits for its end (lifecycle's shutdown awaits the boot). The page has no preload and no bridge:
 * its status travels in its address's fragment.
 */
export class UpgradeWindow {
  private win: BrowserWindow | null = null;
  private shown: string | null = null;
  private latest: UpgradeStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly iconPath: string,
    private readonly logger: Logger,
  ) {}

  /** Shows a progress report (opening the window with the first). */
  report(p: OpenProgress): void {
    if (this.closed) return;
    this.latest = upgradeStatus(p);
    if (!this.win) this.open();
    else if (!this.timer) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  private open(): void {
    const win = new BrowserWindow({
      title: 'Vigil: upgrading the database',
      width: 560,
      height: 340,
      resizable: false,
      maximizable: false,
      fullscreenable: false,
      closable: false,
      show: false,
      backgroundColor: WINDOW_BACKGROUND,
      icon: this.iconPath,
      autoHideMenuBar: true,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        devTools: devToolsAllowed(app.isPackaged),
      },
    });
    win.once('ready-to-show', () => win.show());
    this.win = win;
    this.refresh();
  }

  private refresh(): void {
    this.timer = null;
    const win = this.win;
    if (!win || win.isDestroyed() || !this.latest) return;
    const url = `${PAGE_URL}#${upgradeStatusFragment(this.latest)}`;
    if (url === this.shown) return;
    this.shown = url;
    // the taskbar (Windows, Linux launchers) and the dock (macOS) show it too; above 1 is "indeterminate"
    win.setProgressBar(this.latest.fraction ?? 2);
    // the same page with another fragment: the page is not reloaded, it hears `hashchange`
    win.loadURL(url).catch((err: unknown) => this.logger.warn('the upgrade window did not load', { error: err instanceof Error ? err.message : String(err) }));
  }

  /** Closes the window (the upgrade is over, done or failed). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const win = this.win;
    this.win = null;
    if (win && !win.isDestroyed()) {
      win.setClosable(true);
      win.destroy();
    }
  }
}
