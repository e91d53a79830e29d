import { CheckCircle2, FolderOpen, LoaderCircle, ShieldAlert, ShieldCheck } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CaseDetail, CaseResolution, Tlp } from '../../../main/contract/cases.js';
import type { Severity } from '../../../main/contract/alerts.js';
import type { ReportFormat, VerifyResult } from '../../../main/contract/reports.js';
import { api, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { JobBar } from '../../components/JobBar.js';
import { SeveritySelect } from '../../components/SeveritySelect.js';
import { casesHref, navigate } from '../../app/router.js';
import { useJobs, jobPercent } from '../../stores/jobs.js';
import { useToasts } from '../../stores/toasts.js';
import { RESOLUTION_LABEL, TLP_LABEL, useCases } from './store.js';

function FieldError({ text }: { text: string | null }) {
  return text ? (
    <p className="ui-field-error" role="alert">
      {text}
    </p>
  ) : null;
}

/** New case, or edit the fields of one. */
export function CaseFormDialog({ onClose, edit }: { onClose(): void; edit?: CaseDetail }) {
  const id = useId();
  const [title, setTitle] = useState(edit?.title ?? '');
  const [severity, setSeverity] = useState<Severity>(edit?.severity ?? 'medium');
  const [tlp, setTlp] = useState<Tlp>(edit?.tlp ?? 'amber');
  const [assignee, setAssignee] = useState(edit?.assignee ?? '');
  const [tags, setTags] = useState(edit?.tags.join(', ') ?? '');
  const [description, setDescription] = useState(edit?.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError('A case needs a title.');
      return;
    }
    setBusy(true);
    const fields = {
      title: title.trim(),
      severity,
      tlp,
      assignee: assignee.trim() || null,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      description,
    };
    try {
      const c = edit ? await api.call('cases.update', { id: edit.id, patch: fields }) : await api.call('cases.create', fields);
      useCases.getState().setDetail(c);
      onClose();
      if (!edit) navigate(casesHref(c.id));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={edit ? `Edit case #${edit.id}` : 'New case'}
      onClose={onClose}
      busy={busy}
      size="lg"
      testId="case-form"
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-f`} className="button primary" disabled={busy}>
            {edit ? 'Save' : 'Create case'}
          </button>
        </>
      }
    >
      <form id={`${id}-f`} className="ui-form case-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-t`}>
            Title <span className="ui-req">(required)</span>
          </label>
          <input id={`${id}-t`} className="ui-input" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="case-form-row">
          <SeveritySelect id={`${id}-s`} value={severity} onChange={setSeverity} />
          <div className="ui-field">
            <label className="ui-field-label" htmlFor={`${id}-l`}>
              Sharing (TLP)
            </label>
            <select id={`${id}-l`} className="ui-input" value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)}>
              {(Object.keys(TLP_LABEL) as Tlp[]).map((t) => (
                <option key={t} value={t}>
                  {TLP_LABEL[t]}
                </option>
              ))}
            </select>
          </div>
          <div className="ui-field">
            <label className="ui-field-label" htmlFor={`${id}-a`}>
              Assignee
            </label>
            <input id={`${id}-a`} className="ui-input" value={assignee} maxLength={64} onChange={(e) => setAssignee(e.target.value)} />
          </div>
        </div>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-g`}>
            Tags <span className="ui-req">(comma-separated)</span>
          </label>
          <input id={`${id}-g`} className="ui-input" value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-d`}>
            Description <span className="ui-req">(Markdown)</span>
          </label>
          <textarea id={`${id}-d`} className="ui-textarea" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <FieldError text={error} />
      </form>
    </Dialog>
  );
}

/** Close with a resolution (and, by default, the case's open alerts with it). */
export function CloseCaseDialog({ c, onClose }: { c: CaseDetail; onClose(): void }) {
  const id = useId();
  const [resolution, setResolution] = useState<CaseResolution>('true_positive');
  const [note, setNote] = useState('');
  const [closeAlerts, setCloseAlerts] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = c.alerts_by_status.NEW + c.alerts_by_status.ACKNOWLEDGED + c.alerts_by_status.INVESTIGATING;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const d = await api.call('cases.setStatus', { id: c.id, status: 'closed', resolution, close_alerts: closeAlerts, ...(note.trim() ? { note: note.trim() } : {}) });
      useCases.getState().setDetail(d);
      useToasts.getState().push('success', `Case #${c.id} closed as ${RESOLUTION_LABEL[resolution].toLowerCase()}`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Close case #${c.id}`}
      description="How did it end? The resolution goes into the case's history and its reports."
      onClose={onClose}
      busy={busy}
      testId="close-case"
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-f`} className="button primary" disabled={busy}>
            Close case
          </button>
        </>
      }
    >
      <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="ui-fieldset">
          <legend className="ui-field-label">Resolution</legend>
          <div className="ui-segmented" role="radiogroup">
            {(Object.keys(RESOLUTION_LABEL) as CaseResolution[]).map((r) => (
              <label key={r}>
                <input type="radio" name={`${id}-r`} value={r} checked={resolution === r} onChange={() => setResolution(r)} />
                <span>{RESOLUTION_LABEL[r]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-n`}>
            Closure note <span className="ui-req">(optional, Markdown)</span>
          </label>
          <textarea id={`${id}-n`} className="ui-textarea" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <label className="ui-check">
          <input type="checkbox" checked={closeAlerts} onChange={(e) => setCloseAlerts(e.target.checked)} />
          <span>
            Also close its {open} open alert{open === 1 ? '' : 's'} ({resolution === 'false_positive' ? 'as false positives' : 'as resolved'})
          </span>
        </label>
        <FieldError text={error} />
      </form>
    </Dialog>
  );
}

/** Merge this case into another (its alerts, observables, notes and evidence go there). */
export function MergeDialog({ c, onClose }: { c: CaseDetail; onClose(): void }) {
  const id = useId();
  const [options, setOptions] = useState<{ id: number; title: string }[]>([]);
  const [target, setTarget] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.call('cases.list', { filter: { status: ['open', 'in_progress'] }, limit: 200 }).then(
      (r) => setOptions(r.items.filter((x) => x.id !== c.id).map((x) => ({ id: x.id, title: x.title }))),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [c.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (target === null) return;
    setBusy(true);
    try {
      await api.call('cases.merge', { source_id: c.id, target_id: target });
      useToasts.getState().push('success', `Case #${c.id} merged into case #${target}`);
      onClose();
      navigate(casesHref(target));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Merge case #${c.id} into…`}
      description="Its alerts, observables (with IOC flags), notes, evidence and timeline entries move to the chosen case; this one is closed as a duplicate that points there."
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-f`} className="button primary" disabled={busy || target === null}>
            Merge
          </button>
        </>
      }
    >
      <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-c`}>
            Into the open case
          </label>
          <select id={`${id}-c`} className="ui-input" value={target ?? ''} onChange={(e) => setTarget(e.target.value ? Number(e.target.value) : null)}>
            <option value="">Choose a case…</option>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                #{o.id} {o.title}
              </option>
            ))}
          </select>
        </div>
        <FieldError text={error} />
      </form>
    </Dialog>
  );
}

const FORMATS: { f: ReportFormat; label: string }[] = [
  { f: 'pdf', label: 'PDF' },
  { f: 'html', label: 'HTML' },
  { f: 'csv', label: 'CSV tables' },
];

const RANGES: { label: string; hours: number }[] = [
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
  { label: 'Last 30 days', hours: 24 * 30 },
];

/** A case report when `c` is given; otherwise an alerts summary of a range, or the findings report. */
export function ReportDialog({ c, onClose }: { c?: CaseDetail; onClose(): void }) {
  const id = useId();
  const [kind, setKind] = useState<'alerts' | 'findings'>('alerts');
  const [hours, setHours] = useState(24 * 7);
  const [formats, setFormats] = useState<ReportFormat[]>(['pdf', 'html', 'csv']);
  const [job, setJob] = useState<{ job_id: string; report_id: number; dir: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const progress = useJobs((s) => (job ? s.jobs[job.job_id] : undefined));
  useEffect(() => useJobs.getState().listen(), []);
  const running = job !== null && (!progress || progress.state === 'running');

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const to = new Date();
      const query = c
        ? ({ kind: 'case', case_id: c.id } as const)
        : kind === 'findings'
          ? ({ kind: 'findings' } as const)
          : ({ kind: 'alerts', filter: { from: new Date(to.getTime() - hours * 3_600_000).toISOString(), to: to.toISOString() } } as const);
      setJob(await api.call('reports.create', { query, formats }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const check = async () => {
    if (!job) return;
    try {
      setVerify(await api.call('reports.verify', { report_id: job.report_id }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const reveal = async () => {
    if (!job) return;
    try {
      await api.call('reports.reveal', { report_id: job.report_id });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const done = progress?.state === 'done';

  return (
    <Dialog
      title={c ? `Report on case #${c.id}` : 'Alerts summary or findings report'}
      description="One layout in PDF and HTML, CSV for the tables, and a manifest.json with the SHA-256 of every file."
      onClose={onClose}
      busy={running}
      testId="report-dialog"
      footer={
        job ? (
          <>
            {done ? (
              <>
                <button type="button" className="button ghost" onClick={() => void check()} data-testid="verify-report">
                  <ShieldCheck size={14} aria-hidden="true" /> Verify
                </button>
                {api.transport === 'ipc' ? (
                  <button type="button" className="button ghost" onClick={() => void reveal()}>
                    <FolderOpen size={14} aria-hidden="true" /> Show folder
                  </button>
                ) : null}
              </>
            ) : null}
            <button type="button" className="button primary" onClick={onClose} disabled={running}>
              Done
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form={`${id}-f`} className="button primary" disabled={formats.length === 0}>
              Write report
            </button>
          </>
        )
      }
    >
      {!job ? (
        <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void start(e)} noValidate>
          <fieldset className="ui-fieldset">
            <legend className="ui-field-label">Formats</legend>
            {FORMATS.map(({ f, label }) => (
              <label key={f} className="ui-check">
                <input type="checkbox" checked={formats.includes(f)} onChange={(e) => setFormats(e.target.checked ? [...formats, f] : formats.filter((x) => x !== f))} />
                <span>{label}</span>
              </label>
            ))}
          </fieldset>
          {c ? null : (
            <fieldset className="ui-fieldset">
              <legend className="ui-field-label">Report</legend>
              <div className="ui-segmented" role="radiogroup">
                {RANGES.map((r) => (
                  <label key={r.hours}>
                    <input type="radio" name={`${id}-k`} checked={kind === 'alerts' && hours === r.hours} onChange={() => (setKind('alerts'), setHours(r.hours))} />
                    <span>Alerts, {r.label.toLowerCase()}</span>
                  </label>
                ))}
                <label>
                  <input type="radio" name={`${id}-k`} checked={kind === 'findings'} onChange={() => setKind('findings')} />
                  <span>Scan findings</span>
                </label>
              </div>
            </fieldset>
          )}
          <p className="faint text-sm">
            {c
              ? `${c.alert_count.toLocaleString()} alert(s), ${c.event_count.toLocaleString()} raw event(s) and ${c.observable_count.toLocaleString()} observable(s) go into it. `
              : 'KPIs, trend, top sources, rules and countries, ATT&CK coverage, MTTA/MTTR; every alert of the range in alerts.csv. '}
            The report is written to the reports folder of Vigil's data directory.
          </p>
          <FieldError text={error} />
        </form>
      ) : (
        <div className="case-report-progress" aria-live="polite">
          <JobBar progress={progress} label="Report progress" />
          <p className="text-sm" data-testid="report-state">
            {!progress || progress.state === 'running' ? (
              <>
                <LoaderCircle size={12} className="spin" aria-hidden="true" /> Writing… {progress ? `${jobPercent(progress)}%` : ''}
              </>
            ) : progress.state === 'done' ? (
              <>
                <CheckCircle2 size={13} aria-hidden="true" /> Written to <code className="case-path">{job.dir}</code>
              </>
            ) : (
              <span className="ui-field-error">Failed: {progress.message}. Nothing was left in the folder.</span>
            )}
          </p>
          {verify ? (
            verify.ok ? (
              <p className="case-verify ok" data-testid="verify-result">
                <ShieldCheck size={14} aria-hidden="true" /> Verified: {verify.checked} files match their manifest.
              </p>
            ) : (
              <div className="case-verify bad" data-testid="verify-result">
                <ShieldAlert size={14} aria-hidden="true" /> {verify.problems.length} problem(s):
                <ul>
                  {verify.problems.map((p) => (
                    <li key={`${p.kind}${p.path}`}>
                      <strong>{p.kind}</strong> {p.path}: {p.detail}
                    </li>
                  ))}
                </ul>
              </div>
            )
          ) : null}
          <FieldError text={error} />
        </div>
      )}
    </Dialog>
  );
}
