import type { JobProgress } from '../../main/contract/console.js';
import { jobPercent } from '../stores/jobs.js';

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
