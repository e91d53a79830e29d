import { Bell, BellOff, Moon, ShieldCheck, Sun } from 'lucide-react';
import { useConnection } from '../stores/connection.js';
import { useNotifications } from '../stores/notifications.js';
import { useSettings } from '../stores/settings.js';

function ConnectionIndicator() {
  const { transport, status } = useConnection();
  let label: string;
  let tone: 'ok' | 'warn' | 'bad' | 'idle';
  if (status === 'open') {
    label = transport === 'ipc' ? 'Desktop' : 'Connected';
    tone = 'ok';
  } else if (status === 'connecting') {
    label = 'Connecting…';
    tone = 'idle';
  } else if (status === 'reconnecting') {
    label = 'Reconnecting…';
    tone = 'warn';
  } else {
    label = 'Access denied';
    tone = 'bad';
  }
  const title =
    transport === 'ipc' ? 'Desktop app: calls go over IPC' : 'Headless mode: calls go over a WebSocket to vigil serve';
  return (
    <span className={`conn conn-${tone}`} data-testid="connection-status" data-status={status} title={title}>
      <span className="conn-dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      {label}
    </span>
  );
}

function ThemeToggle() {
  const theme = useSettings((s) => s.theme);
  const setTheme = useSettings((s) => s.setTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => void setTheme(next)}
    >
      {theme === 'dark' ? <Sun size={16} aria-hidden="true" /> : <Moon size={16} aria-hidden="true" />}
    </button>
  );
}

/** Do-not-disturb: silences the new-P1/P2 toasts (persisted in settings.doNotDisturb). */
function DndToggle() {
  const dnd = useSettings((s) => s.settings?.doNotDisturb ?? false);
  const loaded = useSettings((s) => s.settings !== null);
  const missed = useNotifications((s) => s.missed);
  const label = dnd ? 'Turn off do not disturb' : 'Turn on do not disturb';
  const title = dnd
    ? `Do not disturb is on${missed > 0 ? ` (${missed} P1/P2 alert${missed === 1 ? '' : 's'} not notified)` : ''}: click to show new P1/P2 alerts again`
    : 'Notifications on for new P1/P2 alerts: click to silence them';
  return (
    <button
      type="button"
      className={`icon-button dnd-toggle${dnd ? ' on' : ''}`}
      aria-label={label}
      title={title}
      disabled={!loaded}
      data-testid="dnd-toggle"
      onClick={() => void useNotifications.getState().setDnd(!dnd)}
    >
      {dnd ? <BellOff size={16} aria-hidden="true" /> : <Bell size={16} aria-hidden="true" />}
      {dnd && missed > 0 ? <span className="dnd-missed num" aria-hidden="true">{missed > 99 ? '99+' : missed}</span> : null}
    </button>
  );
}

export function Header() {
  return (
    <header className="app-header">
      <a className="brand" href="#/dashboard" aria-label="Vigil home">
        <ShieldCheck size={18} className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Vigil</span>
      </a>
      <div className="header-spacer" />
      <ConnectionIndicator />
      <DndToggle />
      <ThemeToggle />
    </header>
  );
}
