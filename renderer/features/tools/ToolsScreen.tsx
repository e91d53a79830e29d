import '../../components/charts/charts.css';
import '../dashboard/dashboard.css';
import '../sources/sources.css';
import './tools.css';
import { Activity, KeyRound, LoaderCircle, Pencil, Plug, PlugZap, Plus, RefreshCw, Server, ShieldAlert, ShieldCheck, Trash, TriangleAlert } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { ConnectorTestResult, ConnectorView, HealthSample } from '../../../main/contract/connectors.js';
import { agentsHref } from '../../app/router.js';
import { errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatAgo, formatCount, formatLocalFull, utcTitle } from '../../lib/format.js';
import { useNow } from '../../lib/useNow.js';
import { toastError, toastSuccess } from '../../stores/toasts.js';
import { CertificateCard, ConnectorDialog, TestOutcome } from './ConnectorDialog.js';
import { FAILURE_TITLE, HEALTH_LABEL, healthKey, healthTone, trustText, uptimeText } from './model.js';
import { useTools } from './store.js';

/** The last checks as a strip, oldest left: colour and a label per check (title), never colour alone. */
function HistoryStrip({ samples }: { samples: HealthSample[] }) {
  if (samples.length === 0) return <span className="faint text-sm">No checks recorded yet.</span>;
  const ordered = samples.slice().reverse();
  const up = uptimeText(samples);
  return (
    <div className="tl-history">
      <ol className="tl-strip" aria-label="Recent health checks, oldest first" data-testid="health-history">
        {ordered.map((s) => (
          <li
            key={s.checked_at}
            className={`tl-tick tone-${healthTone(s.status)}`}
            title={`${formatLocalFull(s.checked_at)}: ${HEALTH_LABEL[s.status]}${s.latency_ms !== null ? `, ${Math.round(s.latency_ms)} ms` : ''}${s.error ? `: ${s.error.message}` : ''}`}
          >
            <span className="visually-hidden">{HEALTH_LABEL[s.status]}</span>
          </li>
        ))}
      </ol>
      {up ? <span className="tl-uptime faint">{up}</span> : null}
    </div>
  );
}

function RemoveDialog({ view, onClose }: { view: ConnectorView; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    try {
      await useTools.getState().remove(view.config.id);
      toastSuccess(`Removed ${view.config.name}`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Remove “${view.config.name}”?`}
      description="Vigil stops talking to this tool."
      onClose={onClose}
      busy={busy}
      initialFocus={cancelRef}
      size="sm"
      testId="remove-connector-dialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void remove()} disabled={busy} data-testid="remove-connector-confirm">
            {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <Trash size={14} aria-hidden="true" />}
            Remove connector
          </button>
        </>
      }
    >
      <p className="ui-callout">
        <TriangleAlert size={14} aria-hidden="true" />
        <span>
          Its {view.config.kind === 'wazuh-api' || view.config.kind === 'wazuh-indexer' ? 'password' : 'secret'} is deleted from the keychain, with its health
          history{view.config.kind === 'wazuh-api' ? ' and its agent inventory' : ''}. Alerts already stored stay.
        </span>
      </p>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

/** A pinned certificate that changed: the old and the new one, and "trust the new one". */
function TrustChangeDialog({ view, onClose }: { view: ConnectorView; onClose: () => void }) {
  const failure = view.health?.lastError?.failure;
  const cert = failure?.certificate;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  if (!cert) return null;
  const pinned = view.config.trust.mode === 'pin' ? view.config.trust.sha256 : null;
  const trust = async () => {
    setBusy(true);
    try {
      await useTools.getState().trust(view.config.id, cert.fingerprint256);
      toastSuccess(`${view.config.name} now trusts the new certificate`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`${view.config.name}: the certificate changed`}
      description="A renewed certificate after an upgrade is normal; one nobody renewed may be someone in the middle. Check with the server's administrator before you trust it."
      onClose={onClose}
      busy={busy}
      initialFocus={cancelRef}
      size="md"
      testId="trust-change-dialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Keep refusing it
          </button>
          <button type="button" className="button danger" onClick={() => void trust()} disabled={busy} data-testid="trust-new-certificate">
            <ShieldCheck size={14} aria-hidden="true" />
            Trust the new certificate
          </button>
        </>
      }
    >
      {pinned ? (
        <p className="tl-pinned">
          Pinned until now: <span className="mono">{pinned}</span>
        </p>
      ) : null}
      <CertificateCard cert={cert} title="Presented now" />
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

function ConnectorCard({ view, now, onEdit, onRemove, onTrust }: { view: ConnectorView; now: number; onEdit: () => void; onRemove: () => void; onTrust: () => void }) {
  const kinds = useTools((s) => s.kinds);
  const samples = useTools((s) => s.history[view.config.id]);
  const checking = useTools((s) => !!s.checking[view.config.id]);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectorTestResult | null>(null);
  const [toggling, setToggling] = useState(false);
  const c = view.config;
  const key = healthKey(view);
  const h = view.health;
  const label = kinds.find((k) => k.kind === c.kind)?.label ?? c.kind;
  useEffect(() => {
    void useTools.getState().loadHistory(c.id);
  }, [c.id]);
  const failure = h?.lastError?.failure ?? null;
  const certChanged = key === 'untrusted_certificate' && !!failure?.certificate;

  const test = async () => {
    setTesting(true);
    try {
      setResult(await useTools.getState().test(c as unknown as Record<string, unknown>, undefined));
    } catch (err) {
      toastError(`Test of ${c.name} failed: ${errorMessage(err)}`);
    } finally {
      setTesting(false);
    }
  };
  const toggle = async () => {
    setToggling(true);
    try {
      await useTools.getState().setEnabled(c.id, !c.enabled);
    } catch (err) {
      toastError(errorMessage(err));
    } finally {
      setToggling(false);
    }
  };

  return (
    <article className={`tl-card tone-${healthTone(key)}`} data-testid="connector-card" data-connector-id={c.id} data-health={key} aria-labelledby={`tl-${c.id}`}>
      <header className="tl-card-head">
        <span className={`tl-status tone-${healthTone(key)}`} data-testid="connector-health">
          <span className="tl-dot" aria-hidden="true" />
          {view.probing && !h ? HEALTH_LABEL.unknown : HEALTH_LABEL[key]}
        </span>
        <h3 id={`tl-${c.id}`} className="tl-name">
          {c.name}
        </h3>
        <span className="tl-kind-badge">{label}</span>
        <div className="header-spacer" />
        <label className="ui-check tl-enabled">
          <input type="checkbox" checked={c.enabled} disabled={toggling} onChange={() => void toggle()} aria-label={`${c.name} enabled`} data-testid="connector-enabled" />
          Enabled
        </label>
        <button type="button" className="button small" onClick={() => void test()} disabled={testing} data-testid="connector-card-test">
          {testing ? <LoaderCircle size={12} className="spin" aria-hidden="true" /> : <PlugZap size={12} aria-hidden="true" />}
          Test
        </button>
        <button type="button" className="button small" onClick={onEdit} aria-label={`Edit ${c.name}`}>
          <Pencil size={12} aria-hidden="true" />
          Edit
        </button>
        <button type="button" className="icon-button small danger-hover" onClick={onRemove} aria-label={`Remove ${c.name}`} title="Remove">
          <Trash size={14} aria-hidden="true" />
        </button>
      </header>
      <dl className="tl-facts">
        <div>
          <dt>URL</dt>
          <dd className="mono">{c.url}</dd>
        </div>
        {'username' in c && c.username ? (
          <div>
            <dt>User</dt>
            <dd className="mono">{c.username}</dd>
          </div>
        ) : null}
        <div>
          <dt>Trust</dt>
          <dd title={c.trust.mode === 'pin' ? c.trust.sha256 : undefined}>{trustText(c)}</dd>
        </div>
        <div>
          <dt>Secret</dt>
          <dd>
            {view.has_secret ? (
              <span className="tl-secret">
                <KeyRound size={12} aria-hidden="true" /> in the keychain
              </span>
            ) : (
              <span className="faint">none saved</span>
            )}
          </dd>
        </div>
      </dl>
      {c.enabled ? (
        <div className="tl-health">
          <div className="tl-health-line">
            {h ? (
              <>
                {h.version ? <span>version {h.version}</span> : null}
                {h.latencyMs !== null ? <span>{Math.round(h.latencyMs)} ms</span> : null}
                <span className="faint" title={`${formatLocalFull(h.checkedAt)} · ${utcTitle(h.checkedAt)}`}>
                  checked {formatAgo(h.checkedAt, now)}
                </span>
              </>
            ) : (
              <span className="faint">{view.probing ? 'First check running…' : 'Not checked yet.'}</span>
            )}
            <button type="button" className="link-button" onClick={() => void useTools.getState().checkNow(c.id).catch((err: unknown) => toastError(errorMessage(err)))} disabled={checking}>
              <RefreshCw size={12} aria-hidden="true" className={checking ? 'spin' : undefined} /> Check now
            </button>
            {c.kind === 'wazuh-api' ? (
              <a className="link-button" href={agentsHref({ connector: c.id })}>
                <Server size={12} aria-hidden="true" /> Agents
              </a>
            ) : null}
          </div>
          {failure && key !== 'ok' ? (
            <div className="tl-problem" role={key === 'degraded' ? undefined : 'alert'} data-testid="connector-problem">
              {certChanged ? <ShieldAlert size={14} aria-hidden="true" /> : <TriangleAlert size={14} aria-hidden="true" />}
              <div>
                <strong>{FAILURE_TITLE[failure.kind]}</strong> {failure.message}
                {failure.remediation ? <div className="muted">{failure.remediation}</div> : null}
                {certChanged ? (
                  <button type="button" className="button small" onClick={onTrust} data-testid="review-certificate">
                    <ShieldCheck size={12} aria-hidden="true" /> Review the new certificate…
                  </button>
                ) : null}
              </div>
            </div>
          ) : null}
          <HistoryStrip samples={samples ?? []} />
        </div>
      ) : (
        <p className="faint text-sm tl-disabled-note">Disabled: no health checks{c.kind === 'wazuh-api' ? ' and no agent sync' : ''}. Its agent inventory is kept.</p>
      )}
      {result ? (
        <div className="tl-card-test">
          <TestOutcome result={result} />
          <button type="button" className="link-button" onClick={() => setResult(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </article>
  );
}

export function ToolsScreen() {
  const connectors = useTools((s) => s.connectors);
  const status = useTools((s) => s.status);
  const error = useTools((s) => s.error);
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit'; view: ConnectorView } | null>(null);
  const [removing, setRemoving] = useState<ConnectorView | null>(null);
  const [trusting, setTrusting] = useState<ConnectorView | null>(null);
  const now = useNow(5000);
  useEffect(() => useTools.getState().startLive(), []);

  const counts = connectors.reduce<Record<string, number>>((m, v) => {
    const k = healthKey(v);
    m[k] = (m[k] ?? 0) + 1;
    return m;
  }, {});
  let body;
  if (status === 'idle' || (status === 'loading' && connectors.length === 0)) body = <PanelSkeleton rows={4} />;
  else if (status === 'error') body = <LoadFailed title="Could not load the connectors" message={error ?? ''} headingLevel={3} onRetry={() => void useTools.getState().load()} />;
  else if (connectors.length === 0)
    body = (
      <EmptyState
        icon={<Plug size={26} />}
        title="No tools connected yet"
        headingLevel={3}
        actions={
          <button type="button" className="button primary" onClick={() => setDialog({ kind: 'add' })}>
            <Plus size={14} aria-hidden="true" />
            Add a connector
          </button>
        }
      >
        <p>
          Connect your Wazuh manager to see its agents, restart them and run active responses from Vigil; add its indexer to read alerts from it. Passwords
          go to the OS keychain, never to disk in the clear.
        </p>
      </EmptyState>
    );
  else
    body = (
      <div className="tl-cards">
        {connectors.map((v) => (
          <ConnectorCard
            key={v.config.id}
            view={v}
            now={now}
            onEdit={() => setDialog({ kind: 'edit', view: v })}
            onRemove={() => setRemoving(v)}
            onTrust={() => setTrusting(v)}
          />
        ))}
      </div>
    );

  const summary = Object.entries(counts)
    .map(([k, n]) => `${formatCount(n)} ${HEALTH_LABEL[k as keyof typeof HEALTH_LABEL].toLowerCase().replace('…', '')}`)
    .join(' · ');
  return (
    <div className="screen tools-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Tools</h1>
          <p className="screen-lede">The security tools Vigil talks to: connection, certificate trust, credentials (in the OS keychain) and health.</p>
        </div>
        <div className="header-spacer" />
        <button type="button" className="button primary" onClick={() => setDialog({ kind: 'add' })} data-testid="add-connector" disabled={status !== 'ready'}>
          <Plus size={14} aria-hidden="true" />
          Add connector
        </button>
      </div>
      <Panel
        title="Connectors"
        subtitle={connectors.length ? summary : null}
        icon={<Activity size={15} />}
        className="panel-tools"
        testId="panel-tools"
        actions={
          error && status === 'ready' ? (
            <span className="live-status warn" role="status">
              <TriangleAlert size={13} aria-hidden="true" /> Refresh failed: {error}
            </span>
          ) : null
        }
      >
        {body}
      </Panel>
      {dialog ? (
        <ConnectorDialog
          editing={dialog.kind === 'edit' ? dialog.view : null}
          onClose={() => setDialog(null)}
          onSaved={(v) => {
            setDialog(null);
            toastSuccess(`${dialog.kind === 'edit' ? 'Saved' : 'Added'} ${v.config.name}`);
          }}
        />
      ) : null}
      {removing ? <RemoveDialog view={removing} onClose={() => setRemoving(null)} /> : null}
      {trusting ? <TrustChangeDialog view={trusting} onClose={() => setTrusting(null)} /> : null}
    </div>
  );
}
