import { gvmTargetProblem, type Scan } from '../../../main/contract/scans.js';
import { formatDuration, formatLocalTime } from '../../lib/format.js';

export const SCAN_STATUS_LABEL: Record<Scan['status'], string> = {
  running: 'Running',
  importing: 'Importing',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

export const TOOL_LABEL: Record<Scan['tool'], string> = { zap: 'ZAP', spiderfoot: 'SpiderFoot', gvm: 'Greenbone' };

/** Greenbone resumes a stopped or interrupted task where it stopped; the other tools start over. */
export function canResume(s: Scan): boolean {
  return s.tool === 'gvm' && (s.status === 'stopped' || s.status === 'failed');
}

/** What the progress column says: the figure, the estimate, or the stall (never a frozen 99 %). */
export function progressText(s: Scan): string {
  if (s.stalled_since) return `Stalled since ${formatLocalTime(s.stalled_since)}`;
  const pct = s.progress === null ? (s.progress_note ?? '') : `${Math.floor(s.progress)} %`;
  if (s.status === 'running' && s.eta_ms !== null) return `${pct} · about ${formatDuration(s.eta_ms / 1000)} left`;
  return pct;
}

/** A scan target for this tool: ZAP takes a URL; SpiderFoot an address, range, domain, e-mail...; Greenbone hosts. */
export function targetProblem(tool: Scan['tool'], target: string): string | null {
  const t = target.trim();
  if (!t) return 'Enter a target.';
  if (tool === 'gvm') {
    const problem = gvmTargetProblem(t);
    return problem === null ? null : `${problem[0]!.toUpperCase()}${problem.slice(1)}.`;
  }
  if (tool === 'zap' && !/^https?:\/\/[^\s/]+/i.test(t)) return 'ZAP scans a web address: http:// or https://';
  if (tool === 'spiderfoot' && /\s/.test(t) && !/^".*"$/.test(t)) return 'SpiderFoot takes one target (names in double quotes).';
  return null;
}
