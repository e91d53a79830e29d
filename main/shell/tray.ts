import { app, Menu, nativeImage, Tray } from 'electron';
import type { Logger } from '../core/logger.js';

export interface VigilTray {
  /** Shows how many alerts the analyst has not seen yet (tooltip, macOS title, badge). */
  setUnread(count: number): void;
  destroy(): void;
}

export interface TrayOptions {
  /** resources/icons/tray.png; tray@2x.png next to it is picked up on HiDPI screens. */
  iconPath: string;
  onShow: () => void;
  onQuit: () => void;
  logger: Logger;
}

export function tooltipFor(unread: number): string {
  if (unread <= 0) return 'Vigil';
  return `Vigil: ${unread} unread alert${unread === 1 ? '' : 's'}`;
}

/** Creates the tray icon; returns a no-op tray where the desktop has no tray area. */
export function createTray({ iconPath, onShow, onQuit, logger }: TrayOptions): VigilTray {
  let tray: Tray;
  try {
    const image = nativeImage.createFromPath(iconPath);
    if (image.isEmpty()) logger.warn('tray icon not found or unreadable', { iconPath });
    tray = new Tray(image);
  } catch (err) {
    logger.warn('tray not available', { error: err instanceof Error ? err.message : String(err) });
    return { setUnread() {}, destroy() {} };
  }
  tray.setToolTip(tooltipFor(0));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Vigil', click: onShow },
      { type: 'separator' },
      { label: 'Quit', click: onQuit },
    ]),
  );
  tray.on('click', onShow);

  let unread = 0;
  return {
    setUnread(count: number) {
      const next = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
      if (next === unread || tray.isDestroyed()) return;
      unread = next;
      tray.setToolTip(tooltipFor(unread));
      if (process.platform === 'darwin') tray.setTitle(unread > 0 ? String(unread) : '');
      app.setBadgeCount(unread);
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
