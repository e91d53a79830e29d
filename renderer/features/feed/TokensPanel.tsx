import { Ban, CircleAlert, KeyRound, Plus, TriangleAlert } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { FeedRole, FeedToken, FeedTokenCreated } from '../../../main/contract/feed.js';
import { ApiError, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useFeed } from '../../stores/feed.js';
import { toastSuccess } from '../../stores/toasts.js';
import { formatRelative } from '../dashboard/format.js';
import { CopyButton } from './CopyButton.js';
import { DIALECTS, EXPIRY_OPTIONS, ROLE_INFO, ROLES, TOKEN_NAME, TOKEN_STATE_LABEL, tokenState } from './model.js';
import { BusyIcon } from './useConfigure.js';
import { LoadFailed } from '../../components/LoadFailed.js';

function formatUntil(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now) / 1000);
  if (s <= 0) return 'expired';
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${Math.max(1, m)} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.floor(h / 24)} d`;
}

function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

// ---------- create ----------

function CreatedView({ created, onCopied }: { created: FeedTokenCreated; onCopied: () => void }) {
  const listening = useFeed((s) => s.status?.listening ?? null);
  const bluewall = useFeed((s) => s.status?.config.dialects.bluewall.enabled ?? false);
  const secretRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    secretRef.current?.focus();
    secretRef.current?.select();
  }, []);
  const nativeUrl = listening?.url ?? null;
  return (
    <div className="feed-created" data-testid="feed-token-created">
      <div className="feed-once" role="note">
        <TriangleAlert size={16} aria-hidden="true" />
        <p>
          <strong>Copy this token now: it is shown only once.</strong> Vigil keeps only a hash of it. If it is lost, revoke it and create another.
        </p>
      </div>
      <label className="ui-field">
        <span className="ui-field-label">
          Token for {created.token.name} ({ROLE_INFO[created.token.role].label.toLowerCase()})
        </span>
        <span className="feed-secret-row">
          <input
            ref={secretRef}
            className="ui-input mono feed-secret"
            type="text"
            readOnly
            value={created.secret}
            spellCheck={false}
            autoComplete="off"
            data-testid="feed-token-secret"
            onFocus={(e) => e.currentTarget.select()}
          />
          <CopyButton text={created.secret} label="Copy token" onCopied={onCopied} testId="feed-token-copy">
            Copy
          </CopyButton>
        </span>
      </label>
      <div className="feed-usage">
        <h3 className="subhead">How teammates use it</h3>
        <ul>
          <li>
            Scripts and other Vigils: header <code>Authorization: Bearer {created.token.prefix}…</code>
            {nativeUrl ? (
              <>
                {' '}
                on <code>{nativeUrl}</code>
              </>
            ) : null}
          </li>
          <li>
            Browsers and dashboards: <code>?token=…</code> in the URL{bluewall ? ` (${DIALECTS.bluewall.label}, ${DIALECTS.ips.label})` : ''}, or the subprotocol{' '}
            <code>vigil.token.…</code>
          </li>
          {listening?.tls ? <li>The feed uses TLS: they should pin the certificate fingerprint shown under Status.</li> : null}
        </ul>
      </div>
    </div>
  );
}

function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<FeedRole>('viewer');
  const [expiry, setExpiry] = useState('never');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; issues: string[] } | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<FeedTokenCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const formId = useId();
  const nameHint = useId();
  const nameErrId = useId();

  const submit = async () => {
    const n = name.trim();
    if (!TOKEN_NAME.test(n)) {
      setNameError(n ? 'Use 1 to 64 letters, digits, spaces, dots, dashes, underscores or @, starting with a letter or digit.' : 'Name the teammate or device that uses this token.');
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setNameError(null);
    const hours = EXPIRY_OPTIONS.find((o) => o.value === expiry)?.hours ?? null;
    try {
      const out = await useFeed.getState().createToken({ name: n, role, ...(hours ? { expires_in_hours: hours } : {}) });
      setCreated(out);
    } catch (err) {
      const e = ApiError.from(err);
      if (e.code === 'CONFLICT') setNameError(e.message);
      else setError({ message: e.message, issues: e.issues ?? [] });
      nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog
        title="Token created"
        description="Give it to the teammate over a channel you trust."
        onClose={onClose}
        busy={!copied}
        size="md"
        testId="feed-token-dialog"
        footer={
          <>
            <span className="ui-foot-hint">{copied ? 'Copied to the clipboard.' : 'Not copied yet.'}</span>
            <button type="button" className="button primary" onClick={onClose} data-testid="feed-token-done">
              Done
            </button>
          </>
        }
      >
        <CreatedView created={created} onCopied={() => setCopied(true)} />
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Create a feed token"
      description="One token per teammate or device: you see when each was last used and can revoke it alone."
      onClose={onClose}
      busy={busy}
      initialFocus={nameRef}
      size="md"
      testId="feed-token-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={busy}>
            {busy ? <BusyIcon /> : <KeyRound size={14} aria-hidden="true" />}
            Create token
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="feed-token-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="ui-field">
          <span className="ui-field-label">Name</span>
          <input
            ref={nameRef}
            className="ui-input"
            type="text"
            name="name"
            value={name}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            placeholder="alice-laptop"
            onChange={(e) => {
              setName(e.target.value);
              setNameError(null);
            }}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${nameErrId} ${nameHint}` : nameHint}
          />
          {nameError ? (
            <span id={nameErrId} className="ui-field-error" role="alert">
              {nameError}
            </span>
          ) : null}
          <span id={nameHint} className="ui-field-hint">
            Who or what connects with it; shown in the connected clients and the audit log.
          </span>
        </label>
        <fieldset className="choice-group">
          <legend>Role</legend>
          {ROLES.map((r) => (
            <label key={r} className={`choice${role === r ? ' on' : ''}`}>
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <span className="choice-text">
                <span className="choice-label">{ROLE_INFO[r].label}</span>
                <span className="choice-hint">{ROLE_INFO[r].hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="feed-fieldset-plain">
          <legend className="ui-field-label">Expires</legend>
          <div className="ui-segmented">
            {EXPIRY_OPTIONS.map((o) => (
              <label key={o.value}>
                <input type="radio" name="expiry" value={o.value} checked={expiry === o.value} onChange={() => setExpiry(o.value)} />
                <span>{o.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {error ? (
          <div className="inline-error" role="alert">
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">
              {error.message}
              {error.issues.length ? (
                <ul className="issue-list">
                  {error.issues.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}
      </form>
    </Dialog>
  );
}

// ---------- revoke ----------

function RevokeDialog({ token, onClose }: { token: FeedToken; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const busy = useFeed((s) => !!s.revoking[token.id]);
  const open = useFeed((s) => s.status?.clients.filter((c) => c.token_name === token.name).length ?? 0);
  const [error, setError] = useState<string | null>(null);
  const revoke = async () => {
    setError(null);
    try {
      const out = await useFeed.getState().revokeToken(token.id);
      toastSuccess(`Revoked ${token.name}${out.closed ? `: ${formatCount(out.closed)} connection${out.closed === 1 ? '' : 's'} closed` : ''}`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog
      title={`Revoke “${token.name}”?`}
      description="The token is refused from now on, here and in any other Vigil process on this data directory. This cannot be undone."
      onClose={onClose}
      busy={busy}
      initialFocus={cancelRef}
      size="sm"
      testId="feed-revoke-dialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void revoke()} disabled={busy}>
            {busy ? <BusyIcon /> : <Ban size={14} aria-hidden="true" />}
            Revoke token
          </button>
        </>
      }
    >
      <p className="ui-callout">
        <TriangleAlert size={14} aria-hidden="true" />
        <span>
          {open > 0 ? (
            <>
              <strong>
                {formatCount(open)} open connection{open === 1 ? '' : 's'}
              </strong>{' '}
              using it {open === 1 ? 'is' : 'are'} closed at once (close code 4001).
            </>
          ) : (
            'No connection is using it right now.'
          )}{' '}
          To let the teammate back in, create a new token.
        </span>
      </p>
      {error ? (
        <div className="inline-error" role="alert">
          <CircleAlert size={14} aria-hidden="true" />
          <span>{error}</span>
        </div>
      ) : null}
    </Dialog>
  );
}

// ---------- table ----------

function TokenRow({ t, now, onRevoke }: { t: FeedToken; now: number; onRevoke: (t: FeedToken) => void }) {
  const state = tokenState(t);
  return (
    <tr data-testid="feed-token-row" data-token-id={t.id} data-state={state} className={state !== 'active' ? 'feed-token-inactive' : undefined}>
      <td>
        <div className="feed-token-ident">
          <span className="feed-token-name">{t.name}</span>
          <span className="feed-token-prefix mono" title="The first characters of the token">
            {t.prefix}…
          </span>
        </div>
      </td>
      <td>
        <span className={`feed-role role-${t.role}`}>{t.role}</span>
      </td>
      <td className="nowrap" title={`${formatLocalFull(t.created_at)} · ${utcTitle(t.created_at)} · by ${t.created_by}`}>
        {formatRelative(t.created_at, now)}
      </td>
      <td className="nowrap" title={t.expires_at ? `${formatLocalFull(t.expires_at)} · ${utcTitle(t.expires_at)}` : 'Valid until revoked'}>
        {t.expires_at ? (
          <>
            {formatLocalTime(t.expires_at)}
            <span className="faint"> · {formatUntil(t.expires_at, now)}</span>
          </>
        ) : (
          <span className="faint">never</span>
        )}
      </td>
      <td className="nowrap" title={t.last_used_at ? `${formatLocalFull(t.last_used_at)} · ${utcTitle(t.last_used_at)}` : 'Not used yet'} data-testid="feed-token-last-used">
        {t.last_used_at ? (
          <>
            {formatRelative(t.last_used_at, now)}
            {t.last_used_addr ? <span className="faint mono"> · {t.last_used_addr}</span> : null}
          </>
        ) : (
          <span className="faint">never</span>
        )}
      </td>
      <td>
        <span
          className={`feed-token-state state-${state}`}
          data-testid="feed-token-state"
          title={t.revoked_at ? `Revoked ${formatLocalFull(t.revoked_at)}` : undefined}
        >
          <span className="feed-conn-dot" aria-hidden="true" />
          {TOKEN_STATE_LABEL[state]}
          {t.revoked_at ? <span className="faint"> {formatRelative(t.revoked_at, now)}</span> : null}
        </span>
      </td>
      <td className="src-actions">
        {state !== 'revoked' ? (
          <button type="button" className="button small" aria-label={`Revoke ${t.name}`} onClick={() => onRevoke(t)}>
            <Ban size={12} aria-hidden="true" />
            Revoke
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function TokensPanel() {
  const tokens = useFeed((s) => s.tokens);
  const state = useFeed((s) => s.tokensState);
  const error = useFeed((s) => s.tokensError);
  const includeRevoked = useFeed((s) => s.includeRevoked);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<FeedToken | null>(null);
  const now = useNow(15_000);
  const active = tokens.filter((t) => t.active).length;

  let body;
  if (state === 'idle' || (state === 'loading' && tokens.length === 0)) body = <PanelSkeleton rows={3} />;
  else if (state === 'error')
    body = (
      <LoadFailed title="Could not load the tokens" message={error ?? ''} headingLevel={3} iconSize={24} onRetry={() => void useFeed.getState().loadTokens()} />
    );
  else if (tokens.length === 0)
    body = (
      <EmptyState
        icon={<KeyRound size={24} />}
        title={includeRevoked ? 'No tokens yet' : 'No active tokens'}
        headingLevel={3}
        actions={
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            <Plus size={14} aria-hidden="true" />
            Create token
          </button>
        }
      >
        <p>
          Teammates need a token to receive alerts (Aegis and ThreatStream use an address allow-list instead). A viewer reads; an analyst may also change
          alert statuses. Each token is shown once.
        </p>
      </EmptyState>
    );
  else
    body = (
      <div className="table-wrap">
        <table className="data-table feed-tokens-table">
          <caption className="visually-hidden">Feed tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <TokenRow key={t.id} t={t} now={now} onRevoke={setRevoking} />
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <Panel
      title="Tokens"
      subtitle={tokens.length ? `${formatCount(active)} active` : null}
      icon={<KeyRound size={15} />}
      className="panel-feed-tokens"
      testId="panel-feed-tokens"
      actions={
        <>
          <label className="ui-check feed-check-inline">
            <input type="checkbox" checked={includeRevoked} onChange={(e) => useFeed.getState().setIncludeRevoked(e.target.checked)} />
            Show revoked
          </label>
          <button type="button" className="button small primary" onClick={() => setCreating(true)} data-testid="feed-create-token">
            <Plus size={13} aria-hidden="true" />
            Create token
          </button>
        </>
      }
    >
      {error && state === 'ready' ? (
        <p className="form-error" role="status">
          Refresh failed: {error}
        </p>
      ) : null}
      {body}
      {creating ? <CreateTokenDialog onClose={() => setCreating(false)} /> : null}
      {revoking ? <RevokeDialog token={revoking} onClose={() => setRevoking(null)} /> : null}
    </Panel>
  );
}
