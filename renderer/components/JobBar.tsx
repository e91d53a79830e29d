import { CircleAlert, CircleCheck, CircleStop, LoaderCircle } from 'lucide-react';
import type { JobProgress } from '../../main/contract/console.js';
import { formatCount } from '../lib/format.js';
import { jobPercent, useJobs } from '../stores/jobs.js';

/** The progress bar of a running job (escalation, report, a keep in several calls). */
export function JobBar({ progress, label }: { progress: Pick<JobProgress, 'done' | 'total'> | undefined; label: string }) {
  const pct = progress ? jobPercent(progress) : 0;
  return (
    <div className="ui-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label}>
      <div className="ui-progress-track">
        <div className="ui-progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** A job's progress as the main process reports it (jobs.progress): count, state, last message. */
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
          ) : state === 'cancelled' ? (
            <>
              <CircleStop size={12} aria-hidden="true" /> Stopped
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

/**
 * A running job's dialog footer: Stop until it finishes (then gone), and a button that leaves it to
 * run in the background, or closes the dialog once it is done.
 */
export function JobDialogFooter({ finished, stopping, onStop, onClose }: { finished: boolean; stopping: boolean; onStop(): void; onClose(): void }) {
  return (
    <>
      {!finished ? (
        <button type="button" className="button ghost" onClick={onStop} disabled={stopping}>
          <CircleStop size={14} aria-hidden="true" />
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      ) : null}
      <button type="button" className="button primary" onClick={onClose}>
        {finished ? 'Close' : 'Run in background'}
      </button>
    </>
  );
}
