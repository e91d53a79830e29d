import { Moon, ShieldCheck, Sun } from 'lucide-react';
import { useConnection } from '../stores/connection.js';
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

export function Header() {
  return (
    <header className="app-header">
      <a className="brand" href="#/alerts" aria-label="Vigil home">
        <ShieldCheck size={18} className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Vigil</span>
      </a>
      <div className="header-spacer" />
      <ConnectionIndicator />
      <ThemeToggle />
    </header>
  );
}
