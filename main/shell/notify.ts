import { Notification, type BrowserWindow } from 'electron';
import type { AlertNotice } from '../contract/index.js';
import type { Services } from '../core/services.js';
import type { VigilTray } from './tray.js';

function focusWindow(w: BrowserWindow | null): void {
  if (!w) return;
  if (w.isMinimized()) w.restore();
  w.show();
  w.focus();
}

/**
 * Desktop side of the grouped P1/P2 notices: a native notification for P1 alerts and an unread
 * count on the tray icon, cleared when the window gets focus. Do-not-disturb silences both (the
 * notices themselves are not produced while it is on).
 */
export function wireDesktopNotifications(services: Services, tray: VigilTray, window: () => BrowserWindow | null): () => void {
  let unread = 0;
  const off = services.bus.on('alerts.notice', (n: AlertNotice) => {
    if (services.settings.get().doNotDisturb) return;
    const win = window();
    if (win?.isFocused()) return;
    unread += n.items.length + n.more;
    tray.setUnread(unread);
    const p1 = n.items.filter((i) => i.priority === 'P1');
    if (p1.length > 0 && Notification.isSupported()) {
      const first = p1[0]!;
      const extra = p1.length - 1 + n.more;
      const note = new Notification({
        title: p1.length === 1 ? `P1 alert: ${first.title}` : `${p1.length} P1 alerts`,
        body: `${first.title}${first.src_ip ? ` from ${first.src_ip}` : ''}${extra > 0 ? ` and ${extra} more` : ''}`,
        silent: false,
      });
      note.on('click', () => focusWindow(window()));
      note.show();
    }
  });
  // playbooks: a run waiting for approval, or a notify step (shown even while focused: the analyst asked for it)
  const offPlaybooks = services.bus.on('playbooks.notice', (n) => {
    if (!Notification.isSupported()) return;
    if (n.kind === 'notify' && services.settings.get().doNotDisturb) return;
    const note = new Notification({ title: n.title, body: n.body, silent: n.kind === 'notify' });
    note.on('click', () => focusWindow(window()));
    note.show();
  });
  const clear = () => {
    unread = 0;
    tray.setUnread(0);
  };
  const win = window();
  win?.on('focus', clear);
  return () => {
    off();
    offPlaybooks();
    win?.off('focus', clear);
  };
}
