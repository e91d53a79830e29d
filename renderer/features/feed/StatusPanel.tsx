import { CircleAlert, Fingerprint, Lock, LockOpen, Power, RadioTower, RefreshCw, TriangleAlert } from 'lucide-react';
import type { FeedStatus } from '../../../main/contract/feed.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount } from '../../lib/format.js';
import { useFeed } from '../../stores/feed.js';
import { formatRelative } from '../dashboard/format.js';
import { CopyButton } from './CopyButton.js';
import { useFeedDraft } from './draft.js';
import { DIALECTS, describeHost, draftHost, metricsUrl, teammateUrls, TLS_INFO } from './model.js';
import { BusyIcon } from './useConfigure.js';
import { LoadFailed } from '../../components/LoadFailed.js';

function hostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "port 8000 is in use" → "Port 8000 is in use." */
function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

function FeedOff({ onEnable, busy }: { onEnable: () => void; busy: boolean }) {
  const config = useFeed((s) => s.status!.config);
  const draft = useFeedDraft((s) => s.draft);
  const host = draftHost(draft, config);
  const port = draft?.port.trim() || String(config.port);
  return (
    <div className="feed-off" data-testid="feed-off">
      <EmptyState
        icon={<RadioTower size={26} />}
        title="The feed is off"
        actions={
          <button type="button" className="button primary" onClick={onEnable} disabled={busy} data-testid="feed-turn-on">
            {busy ? <BusyIcon /> : <Power size={14} aria-hidden="true" />}
            Turn on the feed
          </button>
        }
      >
        <p>
          Turned on, Vigil streams every alert it stores to teammates over WebSocket as it happens: other Vigils and scripts on the native protocol, and
          the Aegis, ThreatStream, BlueWall and IPS dashboards on their own paths. Each teammate connects with a token you create below, and you can
          revoke it at any time.
        </p>
        <p className="feed-off-where">
          It will listen on <span className="mono">{hostPort(host, port)}</span> ({describeHost(host)}) with TLS {config.tls.mode === 'off' ? 'off' : config.tls.mode}.
          Change that under Settings.
        </p>
      </EmptyState>
    </div>
  );
}

function NotRunning({ status, onRetry, busy }: { status: FeedStatus; onRetry: () => void; busy: boolean }) {
  return (
    <Panel title="Status" icon={<RadioTower size={15} />} className="panel-feed-status" testId="panel-feed-status">
      <div className="feed-down" role="alert" data-testid="feed-last-error">
        <TriangleAlert size={18} aria-hidden="true" />
        <div className="feed-down-body">
          <h3>The feed is on but not running</h3>
          <p>{status.last_error ? sentence(status.last_error) : 'It is starting, or it stopped for an unknown reason.'}</p>
          <p className="muted">Pick another port or address under Settings and save, or fix the cause and try again.</p>
        </div>
        <button type="button" className="button" onClick={onRetry} disabled={busy}>
          {busy ? <BusyIcon /> : <RefreshCw size={14} aria-hidden="true" />}
          Try again
        </button>
      </div>
    </Panel>
  );
}

function Running({ status }: { status: FeedStatus }) {
  const listening = status.listening!;
  const urls = teammateUrls(listening, status.config);
  const metrics = metricsUrl(listening);
  const tlsMode = status.config.tls.mode;
  return (
    <Panel
      title="Status"
      subtitle={
        <span className="feed-running">
          <span className="live-dot" aria-hidden="true" /> Listening on <span className="mono">{hostPort(listening.host, listening.port)}</span> ·{' '}
          {describeHost(listening.host)}
        </span>
      }
      icon={<RadioTower size={15} />}
      className="panel-feed-status"
      testId="panel-feed-status"
    >
      <div className="feed-status-grid">
        <section className="feed-urls" aria-labelledby="feed-urls-h">
          <h3 id="feed-urls-h" className="subhead">
            Teammates connect to
          </h3>
          <ul className="feed-url-list">
            {urls.map((u) => (
              <li key={u.url} className="feed-url" data-testid="feed-url" data-dialect={u.dialect}>
                <span className="feed-url-dialect">{u.label}</span>
                <code className="feed-url-text" title={u.url}>
                  {u.url}
                  {u.url.endsWith('?token=') ? <span className="feed-url-placeholder">&lt;token&gt;</span> : null}
                </code>
                <CopyButton text={u.url} label={`Copy the ${u.label} URL`} />
                <span className="feed-url-auth">{DIALECTS[u.dialect].auth}</span>
              </li>
            ))}
          </ul>
          {metrics ? (
            <p className="feed-metrics faint">
              Metrics for monitoring (with a token): <span className="mono">GET {metrics}</span>
            </p>
          ) : null}
        </section>
        <section className="feed-security" aria-labelledby="feed-sec-h">
          <h3 id="feed-sec-h" className="subhead">
            Security
          </h3>
          <dl className="feed-facts">
            <div>
              <dt>TLS</dt>
              <dd>
                {listening.tls ? <Lock size={13} aria-hidden="true" className="ok-icon" /> : <LockOpen size={13} aria-hidden="true" className="warn-icon" />}
                {listening.tls ? `${TLS_INFO[tlsMode].label} (wss://)` : 'Off: clear text (ws://)'}
              </dd>
            </div>
            <div>
              <dt>JWT</dt>
              <dd>
                {status.config.jwt.enabled
                  ? status.jwt_secret_set
                    ? `HS256 accepted (claim “${status.config.jwt.role_claim}”)`
                    : 'On, but no secret is set: JWTs are refused'
                  : 'Not accepted: tokens only'}
              </dd>
            </div>
          </dl>
          {listening.fingerprint256 ? (
            <div className="feed-fingerprint" data-testid="feed-fingerprint">
              <div className="feed-fingerprint-head">
                <Fingerprint size={14} aria-hidden="true" />
                <span>Certificate SHA-256 fingerprint</span>
                <CopyButton text={listening.fingerprint256} label="Copy the certificate fingerprint">
                  Copy
                </CopyButton>
              </div>
              <code className="feed-fingerprint-value">{listening.fingerprint256}</code>
              <p className="faint">Teammates pin this value: a connection whose certificate has another fingerprint is not the feed.</p>
            </div>
          ) : tlsMode === 'off' ? (
            <p className="feed-hint">Alerts and tokens cross the network unencrypted. Turn TLS on under Settings before sharing beyond this machine.</p>
          ) : null}
        </section>
      </div>
      {status.last_error ? (
        <p className="inline-error" role="alert">
          <CircleAlert size={14} aria-hidden="true" />
          <span>{sentence(status.last_error)}</span>
        </p>
      ) : null}
      {status.processes.length > 0 ? <OtherProcesses status={status} /> : null}
    </Panel>
  );
}

function OtherProcesses({ status }: { status: FeedStatus }) {
  return (
    <div className="feed-processes">
      <h3 className="subhead">Also serving this data directory</h3>
      <ul>
        {status.processes.map((p) => (
          <li key={p.process}>
            <span className="mono">{p.process}</span> at <span className="mono">{p.listening.url}</span> · {formatCount(p.totals.connections_active)}{' '}
            connected · updated {formatRelative(p.updated_at)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function StatusPanel({ onEnable, onRetry, busy }: { onEnable: () => void; onRetry: () => void; busy: boolean }) {
  const status = useFeed((s) => s.status);
  const state = useFeed((s) => s.statusState);
  const error = useFeed((s) => s.statusError);

  if (!status) {
    if (state === 'error') {
      return (
        <LoadFailed title="Could not load the feed status" message={error ?? ''} iconSize={26} onRetry={() => void useFeed.getState().load()} />
      );
    }
    return (
      <Panel title="Status" icon={<RadioTower size={15} />} className="panel-feed-status" testId="panel-feed-status" busy>
        <PanelSkeleton rows={3} />
      </Panel>
    );
  }
  if (!status.config.enabled) return <FeedOff onEnable={onEnable} busy={busy} />;
  if (!status.running || !status.listening) return <NotRunning status={status} onRetry={onRetry} busy={busy} />;
  return <Running status={status} />;
}
