import { Info, LoaderCircle } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { Alert, AlertStatus } from '../../../main/contract/alerts.js';
import { Dialog } from '../../components/Dialog.js';
import { JobDialogFooter, JobProgressBar } from '../../components/JobBar.js';
import { EscalateDialog } from '../../components/EscalateDialog.js';
import { StatusBadge } from '../../components/badges.js';
import { api, ApiError, errorMessage } from '../../api/index.js';
import { STATUS_LABEL } from '../../lib/domain.js';
import { formatCount } from '../../lib/format.js';
import { parseTags } from '../../lib/tags.js';
import { useJobs } from '../../stores/jobs.js';
import { useSettings } from '../../stores/settings.js';
import { useAlerts } from '../../stores/alerts.js';
import {
  advanceCursor,
  noteRequired,
  STATUS_ACTION,
  useTriage,
  type BulkTarget,
  type SuppressMatch,
} from '../../stores/triage.js';
import { HelpDialog } from './HelpDialog.js';
import { SaveFilterDialog } from './SavedFilters.js';
import { FormError } from '../../components/FormError.js';

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


function targetText(target: BulkTarget): string {
  if (target.kind === 'ids') return target.ids.length === 1 ? '1 selected alert' : `${formatCount(target.ids.length)} selected alerts`;
  return `${formatCount(target.count)} ${target.count === 1 ? 'alert' : 'alerts'} matching this filter`;
}

function targetCount(target: BulkTarget): number {
  return target.kind === 'ids' ? target.ids.length : target.count;
}

/** How long a finished bulk dialog stays before it closes itself. */
const DONE_CLOSE_MS = 1200;

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
  const [stopping, setStopping] = useState(false);
  const progress = useJobs((s) => (job ? s.jobs[job.job_id] : undefined));
  const finished = progress !== undefined && progress.state !== 'running';
  const n = targetCount(target);
  const formId = useId();
  const primary = useRef<HTMLButtonElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  // the confirmation is disabled while "everything matching" is counted: it takes the focus
  // once it can be pressed (unless the note is required, which has the focus then)
  useEffect(() => {
    if (!counting && !required) primary.current?.focus();
  }, [counting, required]);

  // the done state closes itself (the toast that follows offers Undo); a failure stays to be read
  useEffect(() => {
    if (!progress || (progress.state !== 'done' && progress.state !== 'cancelled')) return;
    const t = setTimeout(close, DONE_CLOSE_MS);
    return () => clearTimeout(t);
  }, [progress, close]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (job || busy) return;
    if (required && !note.trim()) {
      setError(`A note is required to set alerts to ${STATUS_LABEL[status]}.`);
      textRef.current?.focus();
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

  const stop = () => {
    if (!job || stopping) return;
    setStopping(true);
    void useTriage.getState().cancelJob(job.job_id);
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
      // the note first when one is required, else the confirmation itself (Enter confirms)
      initialFocus={required ? textRef : primary}
      footer={
        job ? (
          <JobDialogFooter finished={finished} stopping={stopping} onStop={stop} onClose={close} />
        ) : (
          <>
            <button type="button" className="button ghost" onClick={close} disabled={busy}>
              Cancel
            </button>
            <button ref={primary} type="submit" form={formId} className="button primary" disabled={busy || counting || n === 0}>
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
            {finished
              ? 'Undo is offered for a few seconds in the notification.'
              : `Runs in small transactions on the server: the console stays usable, Stop keeps what is done, and each alert’s history records the change${note.trim() ? ' with your note' : ''}.`}
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
          <NoteField
            required={required}
            value={note}
            onChange={(v) => (setNote(v), setError(null))}
            error={error}
            placeholder={NOTE_PLACEHOLDER[status]}
            textRef={textRef}
          />
        </form>
      )}
    </Dialog>
  );
}

function AssignDialog({ ids, current }: { ids: number[]; current: string | null }) {
  const close = useTriage((s) => s.closeDialog);
  const me = useSettings((s) => s.settings?.analystName ?? '');
  const [name, setName] = useState(current ?? me);
  const [known, setKnown] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    let live = true;
    api.call('analysts.list').then(
      (r) => {
        if (live) setKnown(r.names);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

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

  const what = idsText(ids);
  const isNew = name.trim() !== '' && known.length > 0 && !known.includes(name.trim());
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
            list={`${id}-known`}
            aria-invalid={error !== null}
            aria-describedby={`${id}-hint`}
            onChange={(e) => (setName(e.target.value), setError(null))}
          />
          <datalist id={`${id}-known`}>
            {known.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          {known.length > 0 ? (
            <div className="tri-analysts" role="group" aria-label="Known analysts" data-testid="known-analysts">
              {known.map((n) => (
                <button key={n} type="button" className={`chip${n === name.trim() ? ' on' : ''}`} aria-pressed={n === name.trim()} onClick={() => (setName(n), setError(null))}>
                  {n}
                  {n === me ? <span className="faint"> (me)</span> : null}
                </button>
              ))}
            </div>
          ) : null}
          <span id={`${id}-hint`} className="ui-field-hint">
            {isNew ? `“${name.trim()}” has not acted on an alert yet: check the spelling.` : 'Everyone who has acted on alerts, and you.'}
          </span>
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

/** A note on one alert, without a status change (`n`). */
function NoteDialog({ alert }: { alert: Alert }) {
  const close = useTriage((s) => s.closeDialog);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const formId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) {
      setError('Write the note first.');
      return;
    }
    setBusy(true);
    const err = await useTriage.getState().addNote(alert.id, note.trim());
    setBusy(false);
    if (err) setError(err);
    else close();
  };

  return (
    <Dialog
      title={`Note on alert #${alert.id}`}
      description={alert.title}
      onClose={close}
      busy={busy}
      initialFocus={textRef}
      testId="note-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={busy}>
            Add note
          </button>
        </>
      }
    >
      <form id={formId} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <NoteField required value={note} onChange={(v) => (setNote(v), setError(null))} error={error} placeholder="What you found, who you asked, what comes next…" textRef={textRef} />
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
        <FormError error={error} />
      </form>
    </Dialog>
  );
}

/** "alert #12" or "3 alerts". */
function idsText(ids: readonly number[]): string {
  return ids.length === 1 ? `alert #${ids[0]}` : `${formatCount(ids.length)} alerts`;
}

/** A labelled box of tags (commas or spaces between them), with what goes under it. */
function TagsField(props: { id: string; label: string; value: string; invalid: boolean; placeholder?: string; onChange: (v: string) => void; children?: ReactNode }) {
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="ui-input mono"
        value={props.value}
        maxLength={400}
        autoComplete="off"
        placeholder={props.placeholder}
        aria-invalid={props.invalid}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.children}
    </div>
  );
}

/** Adds and removes tags on one alert or the checked rows; the tags in use are one click away. */
function TagDialog({ ids }: { ids: number[] }) {
  const close = useTriage((s) => s.closeDialog);
  const [add, setAdd] = useState('');
  const [remove, setRemove] = useState('');
  const [known, setKnown] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    let live = true;
    api.call('alerts.tags', {}).then(
      (r) => {
        if (live) setKnown(r.slice(0, 24).map((t) => t.tag));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const run = async () => {
    const a = parseTags(add);
    const r = parseTags(remove);
    const bad = a.error ?? r.error;
    if (bad !== null) return setError(bad);
    if (a.tags!.length + r.tags!.length === 0) return setError('Enter a tag to add or to remove.');
    setBusy(true);
    const err = await useTriage.getState().tag(ids, a.tags!, r.tags!);
    setBusy(false);
    if (err) setError(err);
    else close();
  };

  const appendTo = (set: (f: (v: string) => string) => void, tag: string) => set((v) => (v.trim() ? `${v.trim()}, ${tag}` : tag));
  const what = idsText(ids);
  return (
    <Dialog
      title={`Tag ${what}`}
      onClose={close}
      busy={busy}
      size="sm"
      testId="tag-dialog"
      footer={
        <button type="submit" form={`${id}-form`} className="button primary" disabled={busy}>
          Apply
        </button>
      }
    >
      <form
        id={`${id}-form`}
        className="ui-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <TagsField id={`${id}-add`} label="Add tags" value={add} invalid={error !== null} placeholder="phishing, ticket-42" onChange={(v) => (setAdd(v), setError(null))}>
          {known.length > 0 ? (
            <div className="tri-analysts" role="group" aria-label="Tags in use" data-testid="known-tags">
              {known.map((t) => (
                <button key={t} type="button" className="chip" onClick={() => (appendTo(setAdd, t), setError(null))}>
                  {t}
                </button>
              ))}
            </div>
          ) : null}
        </TagsField>
        <TagsField id={`${id}-remove`} label="Remove tags" value={remove} invalid={error !== null} onChange={(v) => (setRemove(v), setError(null))}>
          <span className="ui-field-hint">Commas or spaces between tags; letters, digits and . _ : / # @ + -</span>
          {error ? (
            <span className="ui-field-error" role="alert">
              {error}
            </span>
          ) : null}
        </TagsField>
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
    case 'tag':
      return <TagDialog ids={dialog.ids} />;
    case 'suppress':
      return <SuppressDialog alert={dialog.alert} advance={dialog.advance} />;
    case 'note':
      return <NoteDialog alert={dialog.alert} />;
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
