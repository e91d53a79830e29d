import '../../components/charts/charts.css';
import '../dashboard/dashboard.css';
import '../sources/sources.css';
import './feed.css';
import { CircleAlert } from 'lucide-react';
import { useEffect, useId } from 'react';
import { useFeed } from '../../stores/feed.js';
import { ClientsPanel } from './ClientsPanel.js';
import { SettingsPanel } from './SettingsPanel.js';
import { StatusPanel } from './StatusPanel.js';
import { TokensPanel } from './TokensPanel.js';
import { useConfigure } from './useConfigure.js';

function FeedSwitch({ onToggle, busy }: { onToggle: (on: boolean) => void; busy: boolean }) {
  const status = useFeed((s) => s.status);
  const labelId = useId();
  const descId = useId();
  const enabled = status?.config.enabled ?? false;
  const running = status?.running ?? false;
  let state: string;
  let tone: 'on' | 'off' | 'bad' | 'idle';
  if (!status) {
    state = 'Loading…';
    tone = 'idle';
  } else if (running) {
    state = 'Sharing';
    tone = 'on';
  } else if (enabled) {
    state = 'Not running';
    tone = 'bad';
  } else {
    state = 'Off';
    tone = 'off';
  }
  return (
    <div className={`feed-switch-box tone-${tone}`}>
      <span className="feed-switch-text">
        <span id={labelId} className="feed-switch-label">
          LAN feed
        </span>
        <span id={descId} className="feed-switch-state" data-testid="feed-state" data-running={running ? 'true' : 'false'}>
          <span className="feed-state-dot" aria-hidden="true" />
          {state}
        </span>
      </span>
      <button
        type="button"
        role="switch"
        className="feed-switch"
        aria-checked={enabled}
        aria-labelledby={labelId}
        aria-describedby={descId}
        disabled={!status || busy}
        onClick={() => onToggle(!enabled)}
        data-testid="feed-switch"
      >
        <span className="feed-switch-knob" aria-hidden="true" />
      </button>
    </div>
  );
}

export function FeedScreen() {
  useEffect(() => useFeed.getState().startPolling(), []);
  const flow = useConfigure();

  return (
    <div className="screen feed-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Feed</h1>
          <p className="screen-lede">Share your live alert stream with teammates on the LAN: other Vigils, scripts and their dashboards.</p>
        </div>
        <div className="header-spacer" />
        <FeedSwitch onToggle={flow.setEnabled} busy={flow.busy} />
      </div>
      {flow.switchError ? (
        <div className="inline-error" role="alert" data-testid="feed-switch-error">
          <CircleAlert size={14} aria-hidden="true" />
          <span>{flow.switchError}</span>
        </div>
      ) : null}
      <StatusPanel onEnable={() => flow.setEnabled(true)} onRetry={flow.retry} busy={flow.busy} />
      <ClientsPanel />
      <TokensPanel />
      <SettingsPanel onSave={flow.saveDraft} busy={flow.busy} />
      {flow.dialog}
    </div>
  );
}
