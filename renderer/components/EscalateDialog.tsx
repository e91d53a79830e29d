import { LoaderCircle } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AlertFilter, Severity } from '../../main/contract/alerts.js';
import type { Case } from '../../main/contract/cases.js';
import { api, errorMessage } from '../api/index.js';
import { formatCount } from '../lib/format.js';
import { useJobs } from '../stores/jobs.js';
import { useToasts } from '../stores/toasts.js';
import { Dialog } from './Dialog.js';
import { JobBar } from './JobBar.js';
import { CaseChoice, caseChoiceProblem, type CaseChoiceValue } from './CaseChoice.js';
import { FormError } from './FormError.js';

/** What to escalate: listed alerts, or everything matching a filter (no page cap). */
export type EscalateTarget = { kind: 'ids'; ids: number[] } | { kind: 'filter'; filter: AlertFilter; count: number; description: string };

export interface EscalateDialogProps {
  target: EscalateTarget;
  /** Prefills a new case's title and severity (the first alert's title, the highest severity). */
  suggestion: { title: string; severity: Severity };
  onClose(): void;
  /** Called once the job has finished (reload lists, clear the selection). */
  onDone?(caseId: number): void;
}

/**
 * Escalate to a new or an existing case (TheHive's "create case from alerts" / "merge into case").
 * The escalation runs as a job with progress; alerts already in another case are left there unless
 * "move" is ticked.
 */
export function EscalateDialog({ target, suggestion, onClose, onDone }: EscalateDialogProps) {
  const id = useId();
  const [choice, setChoice] = useState<CaseChoiceValue>({ mode: 'new', title: suggestion.title, severity: suggestion.severity, caseId: null });
  const [cases, setCases] = useState<Case[]>([]);
  const [move, setMove] = useState(false);
  const [already, setAlready] = useState(0);
  const [job, setJob] = useState<{ job_id: string; case_id: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = useJobs((s) => (job ? s.jobs[job.job_id] : undefined));
  const count = target.kind === 'ids' ? target.ids.length : target.count;

  useEffect(() => {
    useJobs.getState().listen();
    void api.call('cases.list', { filter: { status: ['open', 'in_progress'] }, limit: 200 }).then((r) => setCases(r.items), () => undefined);
    if (target.kind === 'ids') void api.call('cases.forAlerts', { alert_ids: target.ids.slice(0, 10_000) }).then((r) => setAlready(r.length), () => undefined);
  }, []);

  useEffect(() => {
    if (!job || !progress || progress.state === 'running') return;
    if (progress.state === 'done') {
      useToasts.getState().pushRich({ kind: 'success', message: progress.message ?? 'Escalated', action: { href: `#/cases/${job.case_id}`, label: `Open case #${job.case_id}` } });
      onDone?.(job.case_id);
      onClose();
    } else setError(`Stopped after ${formatCount(progress.done)} of ${formatCount(progress.total)}: ${progress.message ?? 'failed'}`);
  }, [progress?.state]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const problem = caseChoiceProblem(choice);
    if (problem) {
      setError(problem);
      return;
    }
    try {
      const t = target.kind === 'ids' ? { ids: target.ids } : { filter: target.filter };
      const into = choice.mode === 'new' ? { new: { title: choice.title.trim(), severity: choice.severity } } : { id: choice.caseId! };
      setJob(await api.call('cases.escalate', { target: t, case: into, move }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const running = job !== null && (!progress || progress.state === 'running');
  return (
    <Dialog
      title={`Escalate ${count === 1 ? '1 alert' : `${formatCount(count)} alerts`} to a case`}
      description={target.kind === 'filter' ? `Every alert matching: ${target.description}` : undefined}
      onClose={onClose}
      busy={running}
      testId="escalate-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={running}>
            Cancel
          </button>
          <button type="submit" form={`${id}-f`} className="button primary" disabled={running} data-testid="escalate-submit">
            {running ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
            Escalate
          </button>
        </>
      }
    >
      <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <CaseChoice
          id={id}
          value={choice}
          onChange={setChoice}
          cases={cases}
          existingLabel="Existing case"
          describe={(c) => `#${c.id} ${c.title} (${formatCount(c.alert_count)} alerts)`}
          placeholder="Choose a case…"
          testId="escalate"
        />
        <label className="ui-check">
          <input type="checkbox" checked={move} onChange={(e) => setMove(e.target.checked)} />
          <span>
            Move alerts that are already in another case{already ? ` (${formatCount(already)} of these are)` : ''}; otherwise they stay where they are
          </span>
        </label>
        <p className="ui-field-hint">New and acknowledged alerts are set to Investigating; observables are extracted from the alerts and their raw events.</p>
        {running ? <JobBar progress={progress} label="Escalation progress" /> : null}
        <FormError error={error} />
      </form>
    </Dialog>
  );
}
