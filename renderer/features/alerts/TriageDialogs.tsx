import { CircleAlert, CircleCheck, Info, LoaderCircle } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import type { Alert, AlertStatus } from '../../../main/contract/alerts.js';
import { Dialog } from '../../components/Dialog.js';
import { EscalateDialog } from '../../components/EscalateDialog.js';
import { StatusBadge } from '../../components/badges.js';
import { api, ApiError, errorMessage } from '../../api/index.js';
import { STATUS_LABEL } from '../../lib/domain.js';
import { formatCount } from '../../lib/format.js';
import { jobPercent, useJobs } from '../../stores/jobs.js';
import { useSettings } from '../../stores/settings.js';
import { useAlerts } from '../../stores/alerts.js';
import {
  advanceCursor,
  CLOSING_STATUSES,
  noteRequired,
  STATUS_ACTION,
  useTriage,
  type BulkTarget,
  type SuppressMatch,
} from '../../stores/triage.js';
import { HelpDialog } from './HelpDialog.js';
import { SaveFilterDialog } from './SavedFilters.js';

/** Ctrl/Cmd+Enter submits a form from its textarea. */
function submitOnModEnter(e: KeyboardEvent<HTMLTextAreaElement>) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}

function NoteField({
  required,
  value,
  onChange,
  error,
  placeholder,
  textRef,
}: {
  required: boolean;
  value: string;
  onChange(v: string): void;
  error: string | null;
  placeholder: string;
  textRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const id = useId();
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={id}>
        Note <span className="ui-req">{required ? '(required)' : '(optional)'}</span>
      </label>
      <textarea
        ref={textRef}
        id={id}
        className="ui-textarea"
        value={value}
        maxLength={4000}
        placeholder={placeholder}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-err` : `${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={submitOnModEnter}
      />
      {error ? (
        <span id={`${id}-err`} className="ui-field-error" role="alert">
          {error}
        </span>
      ) : (
        <span id={`${id}-hint`} className="ui-field-hint">
          Saved in the alert’s history with your name. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> confirms.
        </span>
      )}
    </div>
  );
}

const NOTE_PLACEHOLDER: Record<AlertStatus, string> = {
  NEW: 'Why it is reopened…',
  ACKNOWLEDGED: 'First look: what you see, what you will check…',
  INVESTIGATING: 'What you are checking…',
  SUPPRESSED: 'Why it can be ignored…',
  RESOLVED: 'What was done, e.g. “blocked 203.0.113.7 at the edge, ticket INC-1234”',
  FALSE_POSITIVE: 'Why it is benign, e.g. “authorised vulnerability scan from the QA subnet”',
};

function StatusNoteDialog({ alert, status, advance }: { alert: Alert; status: AlertStatus; advance: boolean }) {
  const required = noteRequired(status);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = useTriage((s) => s.closeDialog);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (required && !note.trim()) {
      setError(`A note is required to set an alert to ${STATUS_LABEL[status]} (setting “Require a note on close”).`);
      return;
    }
    close();
    void useTriage.getState().setStatus(alert, status, note);
    // after the dialog gave focus back to the row
    if (advance) setTimeout(advanceCursor, 0);
  };

  const formId = useId();
  return (
    <Dialog
      title={`${STATUS_ACTION[status]} alert #${alert.id}`}
      description={alert.title}
      onClose={close}
      initialFocus={textRef}
      testId="status-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary">
            {STATUS_ACTION[status]}
          </button>
        </>
      }
    >
      <form id={formId} className="ui-form" onSubmit={submit} noValidate>
        <p className="tri-status-change">
          <StatusBadge status={alert.status} />
          <span className="faint" aria-hidden="true">
            →
          </span>
          <span className="visually-hidden">to</span>
          <StatusBadge status={status} />
        </p>
        <NoteField
          required={required}
          value={note}
          onChange={(v) => (setNote(v), setError(null))}
          error={error}
          placeholder={NOTE_PLACEHOLDER[status]}
          textRef={textRef}
        />
      </form>
    </Dialog>
  );
}

export function JobProgressBar({ jobId, total, label }: { jobId: string; total: number; label: string }) {
  const p = useJobs((s) => s.jobs[jobId]);
  const done = p?.done ?? 0;
  const max = p?.total ?? total;
  const state = p?.state ?? 'running';
  const pct = jobPercent({ done, total: max });
  return (
    <div className={`ui-progress ${state}`} data-testid="bulk-progress" data-state={state}>
      <div
        className="ui-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={done}
        aria-valuetext={`${formatCount(done)} of ${formatCount(max)} (${pct}%)`}
      >
        <div className="ui-progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="ui-progress-meta num">
        <span>
          {formatCount(done)} / {formatCount(max)}
        </span>
        <span className="ui-progress-state">
          {state === 'running' ? (
            <>
              <LoaderCircle size={12} className="spin" aria-hidden="true" /> Running · {pct}%
            </>
          ) : state === 'done' ? (
            <>
              <CircleCheck size={12} aria-hidden="true" /> Done
            </>
          ) : (
            <>
              <CircleAlert size={12} aria-hidden="true" /> Failed
            </>
          )}
        </span>
      </div>
      {p?.message ? <p className={`ui-progress-message${state === 'failed' ? ' error-text' : ''}`}>{p.message}</p> : null}
    </div>
  );
}

function targetText(target: BulkTarget): string {
  if (target.kind === 'ids') return target.ids.length === 1 ? '1 selected alert' : `${formatCount(target.ids.length)} selected alerts`;
  return `${formatCount(target.count)} ${target.count === 1 ? 'alert' : 'alerts'} matching this filter`;
}

function targetCount(target: BulkTarget): number {
  return target.kind === 'ids' ? target.ids.length : target.count;
}

function BulkStatusDialog({ status, target: initial }: { status: AlertStatus; target: BulkTarget }) {
  const close = useTriage((s) => s.closeDialog);
  // "everything matching": count again now, so the confirmation states the exact number
  const [target, setTarget] = useState(initial);
  const [counting, setCounting] = useState(initial.kind === 'filter');
  useEffect(() => {
    if (initial.kind !== 'filter') return;
    let live = true;
    api.call('alerts.count', { filter: initial.filter }).then(
      ({ total }) => {
        if (live) setTarget({ ...initial, count: total });
      },
      () => undefined,
    ).finally(() => {
      if (live) setCounting(false);
    });
    return () => {
      live = false;
    };
  }, [initial]);
  const required = noteRequired(status);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<{ job_id: string; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const progress = useJobs((s) => (job ? s.jobs[job.job_id] : undefined));
  const finished = progress !== undefined && progress.state !== 'running';
  const n = targetCount(target);
  const formId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (job || busy) return;
    if (required && !note.trim()) {
      setError(`A note is required to set alerts to ${STATUS_LABEL[status]}.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const started = await useTriage.getState().startBulk(target, status, note.trim() || null);
      setJob(started);
      useTriage.getState().trackBulk(started, status);
    } catch (err) {
      setError(err instanceof ApiError ? err.describe() : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const verb = STATUS_ACTION[status];
  const title = job ? `${verb}: ${targetText(target)}` : `${verb} ${targetText(target)}?`;
  return (
    <Dialog
      title={title}
      description={target.kind === 'filter' ? `Filter: ${target.description}` : undefined}
      onClose={close}
      busy={busy}
      testId="bulk-dialog"
      footer={
        job ? (
          <button type="button" className="button primary" onClick={close}>
            {finished ? 'Close' : 'Run in background'}
          </button>
        ) : (
          <>
            <button type="button" className="button ghost" onClick={close} disabled={busy}>
              Cancel
            </button>
            <button type="submit" form={formId} className="button primary" disabled={busy || counting || n === 0}>
              {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
              {verb} {formatCount(n)} {n === 1 ? 'alert' : 'alerts'}
            </button>
          </>
        )
      }
    >
      {job ? (
        <div className="tri-bulk-running" aria-live="polite">
          <JobProgressBar jobId={job.job_id} total={job.total} label={`${verb}: ${targetText(target)}`} />
          <p className="faint text-sm">
            Runs in small transactions on the server: the console stays usable, and each alert’s history records the change
            {note.trim() ? ' with your note' : ''}.
          </p>
        </div>
      ) : (
        <form id={formId} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
          <div className="ui-callout">
            <Info size={14} aria-hidden="true" />
            <span>
              Sets <strong>{targetText(target)}</strong> to <strong>{STATUS_LABEL[status]}</strong>
              {target.kind === 'filter' ? ' — every match, not just the loaded rows.' : '.'} Alerts already {STATUS_LABEL[status].toLowerCase()} are
              left as they are.
            </span>
          </div>
          {CLOSING_STATUSES.has(status) || status === 'ACKNOWLEDGED' ? (
            <NoteField required={required} value={note} onChange={(v) => (setNote(v), setError(null))} error={error} placeholder={NOTE_PLACEHOLDER[status]} />
          ) : error ? (
            <p className="ui-field-error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      )}
    </Dialog>
  );
}

function AssignDialog({ ids, current }: { ids: number[]; current: string | null }) {
  const close = useTriage((s) => s.closeDialog);
  const me = useSettings((s) => s.settings?.analystName ?? '');
  const [name, setName] = useState(current ?? me);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const run = async (assignee: string | null) => {
    if (assignee !== null && !assignee.trim()) {
      setError('Enter a name, or choose Unassign.');
      return;
    }
    setBusy(true);
    const err = await useTriage.getState().assign(ids, assignee === null ? null : assignee.trim());
    setBusy(false);
    if (err) setError(err);
    else close();
  };

  const what = ids.length === 1 ? `alert #${ids[0]}` : `${formatCount(ids.length)} alerts`;
  return (
    <Dialog
      title={`Assign ${what}`}
      onClose={close}
      busy={busy}
      size="sm"
      testId="assign-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={() => void run(null)} disabled={busy}>
            Unassign
          </button>
          <button type="submit" form={`${id}-form`} className="button primary" disabled={busy}>
            Assign
          </button>
        </>
      }
    >
      <form
        id={`${id}-form`}
        className="ui-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(name);
        }}
      >
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={id}>
            Assignee
          </label>
          <input
            id={id}
            className="ui-input"
            value={name}
            maxLength={64}
            autoComplete="off"
            aria-invalid={error !== null}
            onChange={(e) => (setName(e.target.value), setError(null))}
          />
          {me && name !== me ? (
            <button type="button" className="link-button ui-field-hint" onClick={() => setName(me)}>
              Assign to me ({me})
            </button>
          ) : null}
          {error ? (
            <span className="ui-field-error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
      </form>
    </Dialog>
  );
}

const EXPIRIES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
] as const;

function SuppressDialog({ alert, advance }: { alert: Alert; advance: boolean }) {
  const close = useTriage((s) => s.closeDialog);
  const [useSrc, setUseSrc] = useState(alert.src_ip !== null);
  const [useRule, setUseRule] = useState(alert.rule_id !== null);
  const [useDst, setUseDst] = useState(false);
  const [reason, setReason] = useState(`Suppressed from alert #${alert.id}: ${alert.title}`.slice(0, 500));
  const [hours, setHours] = useState<number>(24);
  const [mark, setMark] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const match: SuppressMatch = {};
  if (useSrc && alert.src_ip) match.src_ip = alert.src_ip;
  if (useRule && alert.rule_id) match.rule_id = alert.rule_id;
  if (useDst && alert.dst_ip) match.dst_ip = alert.dst_ip;
  const parts = Object.entries(match).map(([k, v]) => `${k} = ${String(v)}`);
  const expiryLabel = EXPIRIES.find((e) => e.hours === hours)?.label ?? `${hours} hours`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (parts.length === 0) {
      setError('Pick at least one field to match.');
      return;
    }
    if (!reason.trim()) {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    const err = await useTriage.getState().suppress(alert, match, reason.trim(), hours, mark);
    setBusy(false);
    if (err) {
      setError(err);
      return;
    }
    close();
    if (advance && mark) setTimeout(advanceCursor, 0);
  };

  return (
    <Dialog
      title={`Suppress alerts like #${alert.id}`}
      description={alert.title}
      onClose={close}
      busy={busy}
      testId="suppress-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-form`} className="button primary" disabled={busy || parts.length === 0}>
            Create suppression
          </button>
        </>
      }
    >
      <form id={`${id}-form`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="ui-fieldset">
          <legend className="ui-field-label">Match new events where</legend>
          <label className="ui-check">
            <input type="checkbox" checked={useSrc} disabled={!alert.src_ip} onChange={(e) => setUseSrc(e.target.checked)} />
            <span>
              Source address is <code>{alert.src_ip ?? '—'}</code>
            </span>
          </label>
          <label className="ui-check">
            <input type="checkbox" checked={useRule} disabled={!alert.rule_id} onChange={(e) => setUseRule(e.target.checked)} />
            <span>
              Rule is <code>{alert.rule_id ?? '—'}</code>
            </span>
          </label>
          <label className="ui-check">
            <input type="checkbox" checked={useDst} disabled={!alert.dst_ip} onChange={(e) => setUseDst(e.target.checked)} />
            <span>
              Destination address is <code>{alert.dst_ip ?? '—'}</code>
            </span>
          </label>
        </fieldset>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-reason`}>
            Reason <span className="ui-req">(required)</span>
          </label>
          <textarea
            id={`${id}-reason`}
            className="ui-textarea ui-short"
            value={reason}
            maxLength={500}
            onChange={(e) => (setReason(e.target.value), setError(null))}
            onKeyDown={submitOnModEnter}
          />
        </div>
        <fieldset className="ui-fieldset">
          <legend className="ui-field-label">Expires after</legend>
          <div className="ui-segmented">
            {EXPIRIES.map((x) => (
              <label key={x.hours}>
                <input type="radio" name={`${id}-exp`} value={x.hours} checked={hours === x.hours} onChange={() => setHours(x.hours)} />
                <span>{x.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="ui-check">
          <input type="checkbox" checked={mark} onChange={(e) => setMark(e.target.checked)} />
          <span>Also set alert #{alert.id} to Suppressed</span>
        </label>
        <div className="ui-callout" aria-live="polite">
          <Info size={14} aria-hidden="true" />
          <span>
            {parts.length > 0 ? (
              <>
                New events with <strong>{parts.join(' and ')}</strong> are dropped before they make alerts, for <strong>{expiryLabel}</strong>. Existing
                alerts are not changed{mark ? ` (except #${alert.id})` : ''}.
              </>
            ) : (
              'Pick at least one field: a suppression without a match would drop everything.'
            )}
          </span>
        </div>
        {error ? (
          <p className="ui-field-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}

/** Renders whichever triage dialog is open (one at a time). */
export function TriageDialogs() {
  const dialog = useTriage((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'status':
      return <StatusNoteDialog key={`${dialog.alert.id}-${dialog.status}`} alert={dialog.alert} status={dialog.status} advance={dialog.advance} />;
    case 'bulk':
      return <BulkStatusDialog status={dialog.status} target={dialog.target} />;
    case 'assign':
      return <AssignDialog ids={dialog.ids} current={dialog.current} />;
    case 'suppress':
      return <SuppressDialog alert={dialog.alert} advance={dialog.advance} />;
    case 'help':
      return <HelpDialog />;
    case 'saveFilter':
      return <SaveFilterDialog />;
    case 'escalate':
      return (
        <EscalateDialog
          target={dialog.target}
          suggestion={dialog.suggestion}
          onClose={() => useTriage.getState().closeDialog()}
          onDone={() => {
            useAlerts.getState().clearChecked();
            void useAlerts.getState().reload();
          }}
        />
      );
  }
}
