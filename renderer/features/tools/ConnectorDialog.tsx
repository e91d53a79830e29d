import { CircleAlert, CircleCheck, KeyRound, LoaderCircle, PlugZap, ShieldAlert, ShieldCheck } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState, type Ref } from 'react';
import type { CertificateInfo, ConnectorFieldSpec, ConnectorKindSpec, ConnectorTestResult, ConnectorView } from '../../../main/contract/connectors.js';
import { ApiError } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { formatLocalFull } from '../../lib/format.js';
import { FAILURE_TITLE, draftFromConfig, idFromName, issuesByField, newDraft, toConfig, type Draft, type TrustMode } from './model.js';
import { useTools } from './store.js';

/** What a certificate is, for "Trust this certificate?". */
export function CertificateCard({ cert, title }: { cert: CertificateInfo; title?: string }) {
  return (
    <dl className="tl-cert" data-testid="certificate">
      {title ? <p className="tl-cert-title">{title}</p> : null}
      <div>
        <dt>SHA-256</dt>
        <dd className="mono tl-fp" data-testid="certificate-fingerprint">
          {cert.fingerprint256}
        </dd>
      </div>
      <div>
        <dt>Subject</dt>
        <dd>{cert.subject}</dd>
      </div>
      <div>
        <dt>Issuer</dt>
        <dd>
          {cert.issuer}
          {cert.selfSigned ? <span className="tl-tag">self-signed</span> : null}
        </dd>
      </div>
      {cert.subjectAltName ? (
        <div>
          <dt>Names</dt>
          <dd>{cert.subjectAltName}</dd>
        </div>
      ) : null}
      <div>
        <dt>Valid</dt>
        <dd>
          {formatLocalFull(cert.validFrom)} to {formatLocalFull(cert.validTo)}
          {Date.parse(cert.validTo) < Date.now() ? <span className="tl-tag bad">expired</span> : null}
        </dd>
      </div>
    </dl>
  );
}

/** The outcome of "Test connection", with the fix where there is one. */
export function TestOutcome({ result, onTrust }: { result: ConnectorTestResult; onTrust?: (fp: string) => void }) {
  if (result.ok) {
    const details = Object.entries(result.details).filter(([, v]) => v);
    return (
      <div className="tl-outcome ok" role="status" data-testid="test-result" data-ok="true">
        <CircleCheck size={16} aria-hidden="true" />
        <div>
          <strong>
            Connected: {result.product} {result.version}
          </strong>{' '}
          in {Math.round(result.latencyMs)} ms
          {details.length ? <div className="tl-outcome-details">{details.map(([k, v]) => `${k} ${v}`).join(' · ')}</div> : null}
        </div>
      </div>
    );
  }
  const f = result.failure;
  const cert = f.certificate;
  return (
    <div className="tl-outcome bad" role="alert" data-testid="test-result" data-ok="false" data-kind={f.kind}>
      {f.kind === 'tls_untrusted' || f.kind === 'tls_mismatch' ? <ShieldAlert size={16} aria-hidden="true" /> : <CircleAlert size={16} aria-hidden="true" />}
      <div className="tl-outcome-body">
        <strong>{FAILURE_TITLE[f.kind]}</strong>
        <p>{f.message}</p>
        {f.remediation ? <p className="muted">{f.remediation}</p> : null}
        {cert ? (
          <>
            <CertificateCard cert={cert} />
            {onTrust ? (
              <div className="tl-trust-ask">
                <p>
                  Trust this certificate? Compare its SHA-256 with the one on the server (<code>openssl x509 -noout -fingerprint -sha256</code>); Vigil
                  then accepts exactly this certificate and warns if it ever changes.
                </p>
                <button type="button" className="button" onClick={() => onTrust(cert.fingerprint256)} data-testid="trust-certificate">
                  <ShieldCheck size={14} aria-hidden="true" />
                  Trust this certificate
                </button>
              </div>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

function Field({
  spec,
  value,
  error,
  onChange,
}: {
  spec: ConnectorFieldSpec;
  value: string | boolean;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const id = useId();
  const hintId = useId();
  if (spec.type === 'boolean') {
    return (
      <label className="ui-check">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {spec.label}
      </label>
    );
  }
  const describedBy = [error ? `${id}-err` : null, spec.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={id}>
        {spec.label}
        {spec.required ? <span className="ui-req"> *</span> : null}
      </label>
      {spec.type === 'enum' ? (
        <select id={id} className="ui-input" value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {spec.nullable ? <option value="">(none)</option> : null}
          {(spec.options ?? []).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={spec.name}
          className="ui-input"
          type={spec.type === 'string' ? 'text' : 'number'}
          inputMode={spec.type === 'string' ? undefined : 'numeric'}
          value={String(value)}
          min={spec.min}
          max={spec.max}
          placeholder={spec.default !== undefined && spec.default !== null ? String(spec.default) : spec.nullable ? '(none)' : undefined}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {error ? (
        <span id={`${id}-err`} className="ui-field-error">
          {error}
        </span>
      ) : null}
      {spec.hint ? (
        <span id={hintId} className="ui-field-hint">
          {spec.hint}
        </span>
      ) : null}
    </div>
  );
}

function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
  required?: boolean;
  type?: string;
  name: string;
  inputRef?: Ref<HTMLInputElement>;
  mono?: boolean;
  autoComplete?: string;
}) {
  const id = useId();
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={id}>
        {props.label}
        {props.required ? <span className="ui-req"> *</span> : null}
      </label>
      <input
        ref={props.inputRef}
        id={id}
        name={props.name}
        className={`ui-input${props.mono ? ' mono' : ''}`}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error ? (
        <span id={`${id}-err`} className="ui-field-error">
          {props.error}
        </span>
      ) : null}
      {props.hint ? (
        <span id={`${id}-hint`} className="ui-field-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

const TRUST_MODES: { mode: TrustMode; label: string }[] = [
  { mode: 'system', label: 'System CAs' },
  { mode: 'pin', label: 'Pinned certificate' },
  { mode: 'ca', label: 'CA file' },
];

function KindPicker({ kinds, onPick }: { kinds: ConnectorKindSpec[]; onPick: (k: ConnectorKindSpec) => void }) {
  return (
    <div className="tl-kinds" role="list">
      {kinds.map((k) => (
        <button key={k.kind} type="button" role="listitem" className="tl-kind" onClick={() => onPick(k)} data-testid={`kind-${k.kind}`}>
          <PlugZap size={16} aria-hidden="true" />
          <span className="tl-kind-text">
            <span className="tl-kind-label">{k.label}</span>
            <span className="tl-kind-desc">{k.description}</span>
          </span>
        </button>
      ))}
    </div>
  );
}

interface Props {
  /** The connector to edit, or null to add one. */
  editing: ConnectorView | null;
  onClose: () => void;
  onSaved: (view: ConnectorView) => void;
}

/**
 * Add or edit a connector. The form comes from the kind's schema (connectors.kinds); "Test
 * connection" checks the draft end to end; an unknown certificate is shown and can be pinned;
 * Save tests first and offers "Save anyway" when the test fails. The secret goes to the vault
 * with the save and is never shown again: editing leaves it empty to keep the saved one.
 */
export function ConnectorDialog({ editing, onClose, onSaved }: Props) {
  const kinds = useTools((s) => s.kinds);
  const connectors = useTools((s) => s.connectors);
  const taken = useMemo(() => new Set(connectors.map((c) => c.config.id)), [connectors]);
  const [spec, setSpec] = useState<ConnectorKindSpec | null>(() => (editing ? (kinds.find((k) => k.kind === editing.config.kind) ?? null) : kinds.length === 1 ? kinds[0]! : null));
  const [draft, setDraft] = useState<Draft | null>(() => (spec ? (editing ? draftFromConfig(editing.config, spec) : newDraft(spec)) : null));
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [result, setResult] = useState<ConnectorTestResult | null>(null);
  /** The draft the last test ran on (Save re-tests when the draft changed since). */
  const [testedJson, setTestedJson] = useState<string | null>(null);
  const [failedSave, setFailedSave] = useState(false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; other: string[]; message: string | null }>({ fields: {}, other: [], message: null });
  const nameRef = useRef<HTMLInputElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const formId = useId();
  // a new test result (or error) is brought into view: it is what the analyst waits for
  useEffect(() => {
    // (newer Chromium returns a promise from scrollIntoView: never hand it to React as a cleanup)
    void outcomeRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [result, errors]);

  const id = useMemo(() => (draft ? (draft.id ?? idFromName(draft.name, taken)) : ''), [draft, taken]);
  const config = useMemo(() => (draft && spec ? toConfig(draft, spec, id) : null), [draft, spec, id]);
  const json = JSON.stringify([config, draft?.secret ?? '']);

  const update = (patch: Partial<Draft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setFailedSave(false);
  };
  const setField = (name: string, v: string | boolean) => setDraft((d) => (d ? { ...d, fields: { ...d.fields, [name]: v } } : d));

  const showError = (err: unknown) => {
    const e = ApiError.from(err);
    const byField = issuesByField(e.issues ?? []);
    setErrors({ fields: byField.fields, other: byField.other, message: e.message });
  };

  const runTest = async (cfg = config, secret = draft?.secret): Promise<ConnectorTestResult | null> => {
    if (!cfg) return null;
    setBusy('test');
    setErrors({ fields: {}, other: [], message: null });
    try {
      const r = await useTools.getState().test(cfg, secret || undefined);
      setResult(r);
      setTestedJson(JSON.stringify([cfg, secret ?? '']));
      return r;
    } catch (err) {
      setResult(null);
      showError(err);
      return null;
    } finally {
      setBusy(null);
    }
  };

  const trust = (fp: string) => {
    if (!draft || !spec) return;
    const next = { ...draft, trustMode: 'pin' as const, sha256: fp };
    setDraft(next);
    void runTest(toConfig(next, spec, id), next.secret);
  };

  const save = async (anyway: boolean) => {
    if (!config || !draft) return;
    if (!anyway) {
      const tested = testedJson === json ? result : await runTest();
      if (!tested) return;
      if (!tested.ok) {
        setFailedSave(true);
        return;
      }
    }
    setBusy('save');
    try {
      const view = await useTools.getState().save(config, draft.secret || undefined, editing === null);
      onSaved(view);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  };

  const title = editing ? `Edit ${editing.config.name}` : spec ? `Add ${spec.label}` : 'Add a connector';
  if (!spec || !draft) {
    return (
      <Dialog title={title} description="Which tool do you want Vigil to talk to?" onClose={onClose} size="md" testId="connector-dialog">
        <KindPicker
          kinds={kinds}
          onPick={(k) => {
            setSpec(k);
            setDraft(newDraft(k));
          }}
        />
      </Dialog>
    );
  }

  const basic = spec.fields.filter((f) => !f.advanced);
  const advanced = spec.fields.filter((f) => f.advanced);
  const credentialHint = editing
    ? editing.has_secret
      ? 'Saved in the keychain and never shown. Leave empty to keep it.'
      : 'No secret is saved for this connector yet.'
    : spec.credential.mode === 'optional_password'
      ? 'Only if the tool asks for a login. It goes straight to the keychain and is never shown again.'
      : 'It goes straight to the keychain and is never shown again.';

  return (
    <Dialog
      title={title}
      description={spec.description}
      onClose={onClose}
      busy={busy !== null}
      initialFocus={nameRef}
      size="lg"
      testId="connector-dialog"
      footer={
        <>
          {failedSave ? <span className="ui-foot-hint">The test failed. Save anyway?</span> : null}
          <button type="button" className="button ghost" onClick={onClose} disabled={busy !== null}>
            Cancel
          </button>
          <button type="button" className="button" onClick={() => void runTest()} disabled={busy !== null} data-testid="connector-test">
            {busy === 'test' ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <PlugZap size={14} aria-hidden="true" />}
            Test connection
          </button>
          {failedSave ? (
            <button type="button" className="button" onClick={() => void save(true)} disabled={busy !== null} data-testid="connector-save-anyway">
              Save anyway
            </button>
          ) : null}
          <button type="submit" form={formId} className="button primary" disabled={busy !== null} data-testid="connector-save">
            {busy === 'save' ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <KeyRound size={14} aria-hidden="true" />}
            {editing ? 'Save' : 'Test and save'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="tl-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <div className="tl-form-grid">
          <TextField
            label="Name"
            name="name"
            required
            value={draft.name}
            inputRef={nameRef}
            placeholder="Production manager"
            error={errors.fields['name']}
            hint={editing ? undefined : `Id: ${id || '…'}`}
            onChange={(v) => update({ name: v })}
          />
          <TextField
            label="URL"
            name="url"
            required
            mono
            value={draft.url}
            placeholder={spec.urlExample}
            error={errors.fields['url']}
            onChange={(v) => update({ url: v })}
          />
          {basic.map((f) => (
            <Field key={f.name} spec={f} value={draft.fields[f.name] ?? ''} error={errors.fields[f.name]} onChange={(v) => setField(f.name, v)} />
          ))}
          <TextField
            label={spec.credential.label}
            name="secret"
            type="password"
            autoComplete="new-password"
            required={!editing && spec.credential.mode !== 'optional_password'}
            value={draft.secret}
            placeholder={editing?.has_secret ? '•••••••• (saved)' : undefined}
            error={errors.fields['secret']}
            hint={credentialHint}
            onChange={(v) => update({ secret: v })}
          />
        </div>
        <fieldset className="tl-trust">
          <legend className="ui-field-label">Certificate trust</legend>
          <div className="ui-segmented">
            {TRUST_MODES.map((t) => (
              <label key={t.mode}>
                <input type="radio" name="trust" value={t.mode} checked={draft.trustMode === t.mode} onChange={() => update({ trustMode: t.mode })} />
                <span>{t.label}</span>
              </label>
            ))}
          </div>
          {draft.trustMode === 'pin' ? (
            <TextField
              label="SHA-256 fingerprint"
              name="sha256"
              mono
              value={draft.sha256}
              placeholder="AB:CD:…"
              error={errors.fields['trust']}
              hint="Exactly this certificate is accepted; a changed one is reported, never accepted silently."
              onChange={(v) => update({ sha256: v })}
            />
          ) : draft.trustMode === 'ca' ? (
            <TextField
              label="CA certificate file (PEM)"
              name="caFile"
              mono
              value={draft.caFile}
              placeholder="/etc/wazuh/root-ca.pem"
              error={errors.fields['trust']}
              hint="Only certificates signed by this CA, for the host name in the URL."
              onChange={(v) => update({ caFile: v })}
            />
          ) : (
            <p className="ui-field-hint">
              {errors.fields['trust'] ?? 'Certificates signed by a CA this computer trusts. Wazuh’s own self-signed certificates are shown when you test, so you can pin them.'}
            </p>
          )}
        </fieldset>
        <label className="ui-check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => update({ enabled: e.target.checked })} />
          Enabled (health checks{draft.kind === 'wazuh-api' ? ', agent inventory' : ''})
        </label>
        {advanced.length ? (
          <details className="tl-advanced">
            <summary>Advanced: limits, intervals, timeouts</summary>
            <div className="tl-form-grid">
              {advanced.map((f) => (
                <Field key={f.name} spec={f} value={draft.fields[f.name] ?? ''} error={errors.fields[f.name]} onChange={(v) => setField(f.name, v)} />
              ))}
            </div>
          </details>
        ) : null}
        {errors.message ? (
          <div className="inline-error" role="alert" data-testid="connector-error">
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">
              {errors.message}
              {errors.other.length || Object.keys(errors.fields).length ? (
                <ul className="issue-list">
                  {[...errors.other, ...Object.entries(errors.fields).map(([k, v]) => `${k}: ${v}`)].map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}
        <div ref={outcomeRef}>{result ? <TestOutcome result={result} onTrust={trust} /> : null}</div>
      </form>
    </Dialog>
  );
}
