import { CircleAlert, KeyRound, Settings2 } from 'lucide-react';
import { useId, useState, type ReactNode } from 'react';
import type { FeedDialect } from '../../../main/contract/feed.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { useFeed } from '../../stores/feed.js';
import { draftDirty, useFeedDraft } from './draft.js';
import { DIALECT_ORDER, DIALECTS, describeHost, isLoopback, TLS_INFO, TLS_MODES, TOKENLESS, type FieldKey } from './model.js';
import { BusyIcon } from './useConfigure.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Quick picks for the bind address: loopback, every interface, and addresses this page knows. */
function hostChoices(current: string, listeningUrl: string | null): Array<{ host: string; label: string }> {
  const out = [
    { host: '127.0.0.1', label: 'This machine only' },
    { host: '0.0.0.0', label: 'Every interface (IPv4)' },
    { host: '::', label: 'Every interface (IPv4 + IPv6)' },
  ];
  const known = new Set(out.map((c) => c.host));
  const add = (h: string | null | undefined, label: string) => {
    if (!h || known.has(h) || isLoopback(h) || !IPV4.test(h)) return;
    known.add(h);
    out.push({ host: h, label });
  };
  // Headless: the address this browser reached Vigil on is an address of that machine.
  add(window.location.hostname, 'The address this page uses');
  if (listeningUrl) {
    try {
      add(new URL(listeningUrl).hostname, 'LAN address in use');
    } catch {
      // not a URL
    }
  }
  if (!known.has(current) && IPV4.test(current)) out.push({ host: current, label: 'Saved address' });
  return out;
}

function Field({
  label,
  error,
  hint,
  children,
  className,
}: {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  /** Receives the ids to put on the control: its id and aria-describedby. */
  children: (ids: { id: string; describedBy: string | undefined; invalid: true | undefined }) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = useId();
  const errId = useId();
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`ui-field${className ? ` ${className}` : ''}`}>
      <label className="ui-field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, describedBy, invalid: error ? true : undefined })}
      {error ? (
        <span id={errId} className="ui-field-error">
          {error}
        </span>
      ) : null}
      {hint ? (
        <span id={hintId} className="ui-field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

type InputKey = 'port' | 'ipsPort' | 'maxClients' | 'maxPerAddress' | 'maxPerToken' | 'jwtMaxLifetimeHours' | 'roleClaim' | 'jwtAudience';

/** A one-line setting of the draft: a whole number (numeric) or a name. */
function DraftInput({
  label,
  field,
  error,
  hint,
  placeholder,
  numeric = false,
  maxLength,
  className = 'feed-narrow',
  testId,
}: {
  label: string;
  field: InputKey;
  error: string | undefined;
  hint?: string;
  placeholder?: string;
  numeric?: boolean;
  maxLength?: number;
  className?: string;
  testId?: string;
}) {
  const value = useFeedDraft((s) => s.draft![field]);
  const edit = useFeedDraft((s) => s.edit);
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={numeric ? 'ui-input num' : 'ui-input mono'}
          inputMode={numeric ? 'numeric' : undefined}
          value={value}
          placeholder={placeholder}
          maxLength={maxLength}
          onChange={(e) => edit({ [field]: e.target.value })}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          data-testid={testId}
        />
      )}
    </Field>
  );
}

function DialectRow({ d }: { d: FeedDialect }) {
  const dd = useFeedDraft((s) => s.draft!.dialects[d]);
  const errors = useFeedDraft((s) => s.fieldErrors);
  const edit = useFeedDraft((s) => s.editDialect);
  const [limit, setLimit] = useState(false);
  const info = DIALECTS[d];
  const tokenless = TOKENLESS.includes(d);
  const checkId = useId();
  const descId = useId();
  const allowKey: FieldKey = `dialects.${d}.allow`;
  const showAllow = dd.enabled && (tokenless || limit || dd.allow.trim() !== '');
  return (
    <li className={`feed-dialect${dd.enabled ? ' on' : ''}`} data-testid="feed-dialect" data-dialect={d}>
      <div className="feed-dialect-head">
        <input
          id={checkId}
          type="checkbox"
          checked={dd.enabled}
          disabled={d === 'native' && dd.enabled}
          onChange={(e) => edit(d, { enabled: e.target.checked })}
          aria-describedby={descId}
        />
        <label htmlFor={checkId} className="feed-dialect-label">
          {info.label}
        </label>
        {d === 'native' ? <span className="feed-pill">always on</span> : null}
        {tokenless ? <span className="feed-pill warn">no token</span> : null}
        <code className="feed-dialect-path">{info.paths[0]!.replace('?token=', '')}</code>
      </div>
      <p id={descId} className="feed-dialect-desc">
        {info.description}
        <span className="feed-dialect-auth">{info.auth}.</span>
      </p>
      {showAllow ? (
        <Field
          label={tokenless ? 'Allowed addresses (required)' : 'Allowed addresses'}
          error={errors[allowKey]}
          hint={
            tokenless
              ? 'One address or CIDR block per line: the teammates’ dashboard hosts. Every program on them gets alerts, so avoid 127.0.0.1 unless intended.'
              : d === 'ips'
                ? 'One address or CIDR block per line; empty lets any address try a token. Listed hosts may open /ws without one (the shipped IPS client sends none).'
                : 'One address or CIDR block per line; empty lets any address try a token.'
          }
          className="feed-dialect-allow"
        >
          {({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              className="ui-textarea mono"
              rows={2}
              value={dd.allow}
              placeholder={'10.0.0.7\n10.0.1.0/24'}
              spellCheck={false}
              onChange={(e) => edit(d, { allow: e.target.value })}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              data-testid={`feed-allow-${d}`}
            />
          )}
        </Field>
      ) : dd.enabled && !tokenless ? (
        <button type="button" className="link-button feed-dialect-more" onClick={() => setLimit(true)}>
          {d === 'ips' ? 'List addresses (its shipped client on /ws needs one)…' : 'Limit to some addresses…'}
        </button>
      ) : null}
      {d === 'ips' && dd.enabled ? (
        <DraftInput
          numeric
          label="Extra port"
          field="ipsPort"
          error={errors['dialects.ips.port']}
          hint="Also serve /ws on this port: the stock IPS client connects to :3001/ws. Empty for none."
          placeholder="3001"
          className="feed-dialect-port"
        />
      ) : null}
    </li>
  );
}

function JwtSection() {
  const draft = useFeedDraft((s) => s.draft!);
  const errors = useFeedDraft((s) => s.fieldErrors);
  const edit = useFeedDraft((s) => s.edit);
  const secretSet = useFeed((s) => s.status?.jwt_secret_set ?? false);
  const checkId = useId();
  return (
    <fieldset className="feed-section">
      <legend className="subhead">JWT</legend>
      <div className="ui-check">
        <input id={checkId} type="checkbox" checked={draft.jwtEnabled} onChange={(e) => edit({ jwtEnabled: e.target.checked })} />
        <label htmlFor={checkId}>
          Accept HS256 JWTs as well as tokens
          <span className="ui-field-hint feed-block">For dashboards that log their users in (BlueWall). Only HS256; exp is required, nbf is honoured.</span>
        </label>
      </div>
      {draft.jwtEnabled ? (
        <div className="feed-jwt">
          <div className="feed-row">
            <DraftInput label="Role claim" field="roleClaim" error={errors['jwt.role_claim']} maxLength={64} />
            <Field
              label="Role map"
              error={errors['jwt.role_map']}
              hint="One “claim value = viewer | analyst” per line; other roles are refused (4003)."
              className="feed-grow"
            >
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  className="ui-textarea mono"
                  rows={4}
                  value={draft.roleMap}
                  spellCheck={false}
                  onChange={(e) => edit({ roleMap: e.target.value })}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                />
              )}
            </Field>
          </div>
          <div className="feed-row">
            <DraftInput numeric label="Max lifetime (hours)" field="jwtMaxLifetimeHours" error={errors['jwt.max_lifetime_hours']} hint="Longer-lived JWTs are refused." />
            <DraftInput label="Audience" field="jwtAudience" error={errors['jwt.audience']} hint="When set, a JWT’s aud must name it." placeholder="any" maxLength={256} className="feed-grow" />
          </div>
          <div className="feed-secret-state" data-testid="feed-jwt-secret-state">
            <KeyRound size={13} aria-hidden="true" />
            {secretSet ? (
              draft.clearJwtSecret ? (
                <span>The secret will be removed from the OS keychain when you save.</span>
              ) : (
                <span>A secret is stored in the OS keychain. It is never shown again.</span>
              )
            ) : (
              <span className="warn-text">No secret is set: JWTs are refused until you set one.</span>
            )}
            {secretSet ? (
              <button
                type="button"
                className="link-button"
                onClick={() => edit({ clearJwtSecret: !draft.clearJwtSecret, jwtSecret: '' })}
                aria-pressed={draft.clearJwtSecret}
              >
                {draft.clearJwtSecret ? 'Keep it' : 'Remove it'}
              </button>
            ) : null}
          </div>
          <Field
            label={secretSet ? 'Replace the secret' : 'Secret'}
            error={errors.jwt_secret}
            hint="At least 32 characters; the dashboard’s backend signs with the same secret. Write-only: it goes straight to the OS keychain."
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className="ui-input mono"
                type="password"
                autoComplete="new-password"
                value={draft.jwtSecret}
                disabled={draft.clearJwtSecret}
                maxLength={4096}
                onChange={(e) => edit({ jwtSecret: e.target.value })}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                data-testid="feed-jwt-secret"
              />
            )}
          </Field>
        </div>
      ) : null}
    </fieldset>
  );
}

export function SettingsPanel({ onSave, busy }: { onSave: () => void; busy: boolean }) {
  const status = useFeed((s) => s.status);
  const draft = useFeedDraft((s) => s.draft);
  const base = useFeedDraft((s) => s.base);
  const errors = useFeedDraft((s) => s.fieldErrors);
  const formError = useFeedDraft((s) => s.formError);
  const stale = useFeedDraft((s) => s.stale);
  const edit = useFeedDraft((s) => s.edit);
  const dirty = useFeedDraft(draftDirty);
  const tlsHintId = useId();

  if (!status || !draft || !base) {
    return (
      <Panel title="Settings" icon={<Settings2 size={15} />} className="panel-feed-settings" testId="panel-feed-settings">
        <PanelSkeleton rows={6} />
      </Panel>
    );
  }

  const host = draft.host.trim();
  const choices = hostChoices(base.host, status.listening?.url ?? null);
  const running = status.running;

  return (
    <Panel
      title="Settings"
      subtitle={dirty ? <span className="feed-dirty">Unsaved changes</span> : null}
      icon={<Settings2 size={15} />}
      className="panel-feed-settings"
      testId="panel-feed-settings"
    >
      <form
        className="feed-settings"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSave();
        }}
      >
        {stale ? (
          <div className="ui-callout" role="status">
            <CircleAlert size={14} aria-hidden="true" />
            <span>
              The saved settings changed elsewhere (the CLI or another window).{' '}
              <button type="button" className="link-button" onClick={() => useFeedDraft.getState().reset()}>
                Load them
              </button>{' '}
              to discard your edits.
            </span>
          </div>
        ) : null}

        <div className="feed-settings-cols">
          <div className="feed-settings-col">
            <fieldset className="feed-section">
              <legend className="subhead">Listen</legend>
              <Field
                label="Address"
                error={errors.host}
                hint={host ? `${describeHost(host)[0]!.toUpperCase()}${describeHost(host).slice(1)}${isLoopback(host) ? ': teammates cannot reach it' : ''}.` : undefined}
              >
                {({ id, describedBy, invalid }) => (
                  <>
                    <input
                      id={id}
                      className="ui-input mono"
                      value={draft.host}
                      spellCheck={false}
                      autoComplete="off"
                      onChange={(e) => edit({ host: e.target.value })}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                      data-testid="feed-host"
                    />
                    <div className="feed-chips" role="group" aria-label="Common addresses">
                      {choices.map((c) => (
                        <button
                          key={c.host}
                          type="button"
                          className={`feed-chip${host === c.host ? ' on' : ''}`}
                          aria-pressed={host === c.host}
                          onClick={() => edit({ host: c.host })}
                          title={c.label}
                        >
                          <span className="mono">{c.host}</span>
                          <span className="feed-chip-label">{c.label}</span>
                        </button>
                      ))}
                    </div>
                  </>
                )}
              </Field>
              <div className="feed-row">
                <DraftInput numeric label="Port" field="port" error={errors.port} testId="feed-port" />
                <DraftInput numeric label="Max connections" field="maxClients" error={errors.max_clients} />
              </div>
              <div className="feed-row">
                <DraftInput numeric label="Per address" field="maxPerAddress" error={errors.max_per_address} hint="A new one closes that address’s oldest." />
                <DraftInput numeric label="Per token" field="maxPerToken" error={errors.max_per_token} hint="The same for one token or JWT user." />
              </div>
            </fieldset>

            <fieldset className="feed-section">
              <legend className="subhead">TLS</legend>
              <div className="ui-segmented feed-tls-modes" data-testid="feed-tls-mode">
                {TLS_MODES.map((m) => (
                  <label key={m}>
                    <input type="radio" name="tls-mode" value={m} checked={draft.tlsMode === m} onChange={() => edit({ tlsMode: m })} aria-describedby={tlsHintId} />
                    <span>{TLS_INFO[m].label}</span>
                  </label>
                ))}
              </div>
              <p id={tlsHintId} className={`ui-field-hint${draft.tlsMode === 'off' && !isLoopback(host || base.host) ? ' warn-text' : ''}`}>
                {TLS_INFO[draft.tlsMode].hint}.
                {draft.tlsMode === 'self-signed' ? ' Generated into the data directory the first time the feed starts with TLS, then reused.' : ''}
              </p>
              {errors.tls ? <p className="ui-field-error">{errors.tls}</p> : null}
              {draft.tlsMode === 'custom' ? (
                <div className="feed-row">
                  <Field label="Certificate (PEM)" error={errors['tls.cert_path']} className="feed-grow">
                    {({ id, describedBy, invalid }) => (
                      <input
                        id={id}
                        className="ui-input mono"
                        value={draft.certPath}
                        placeholder="/etc/vigil/feed.crt"
                        spellCheck={false}
                        onChange={(e) => edit({ certPath: e.target.value })}
                        aria-describedby={describedBy}
                        aria-invalid={invalid}
                      />
                    )}
                  </Field>
                  <Field label="Private key (PEM)" error={errors['tls.key_path']} className="feed-grow">
                    {({ id, describedBy, invalid }) => (
                      <input
                        id={id}
                        className="ui-input mono"
                        value={draft.keyPath}
                        placeholder="/etc/vigil/feed.key"
                        spellCheck={false}
                        onChange={(e) => edit({ keyPath: e.target.value })}
                        aria-describedby={describedBy}
                        aria-invalid={invalid}
                      />
                    )}
                  </Field>
                </div>
              ) : null}
            </fieldset>

            <JwtSection />
          </div>
          <div className="feed-settings-col">
            <fieldset className="feed-section">
              <legend className="subhead">Dialects</legend>
              <p className="ui-field-hint">Each client type has its own path; enable only those your teammates use.</p>
              <ul className="feed-dialects">
                {DIALECT_ORDER.map((d) => (
                  <DialectRow key={d} d={d} />
                ))}
              </ul>
            </fieldset>
          </div>
        </div>

        {formError ? (
          <div className="inline-error" role="alert" data-testid="feed-settings-error">
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">
              {formError.message}
              {formError.issues.length ? (
                <ul className="issue-list">
                  {formError.issues.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}

        <div className={`feed-save-bar${dirty ? ' dirty' : ''}`}>
          <span className="faint">{running ? 'Saving restarts the feed: connected clients reconnect.' : 'Applied the next time the feed starts.'}</span>
          <button type="button" className="button ghost" disabled={!dirty || busy} onClick={() => useFeedDraft.getState().reset()}>
            Discard
          </button>
          <button type="submit" className="button primary" disabled={!dirty || busy} data-testid="feed-save">
            {busy ? <BusyIcon /> : null}
            Save changes
          </button>
        </div>
      </form>
    </Panel>
  );
}
