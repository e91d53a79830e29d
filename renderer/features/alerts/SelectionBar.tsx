import { BriefcaseBusiness, CheckCheck, CircleCheck, CircleSlash, Search, Tag, UserRound, X } from 'lucide-react';
import type { AlertStatus } from '../../../main/contract/alerts.js';
import { formatCount } from '../../lib/format.js';
import { useAlerts } from '../../stores/alerts.js';
import { useTriage } from '../../stores/triage.js';
import { JobProgressBar } from '../../components/JobBar.js';

/** alerts.assign takes at most this many ids. */
const ASSIGN_MAX = 10_000;

const ACTIONS: ReadonlyArray<{ status: AlertStatus; label: string; icon: typeof CheckCheck }> = [
  { status: 'ACKNOWLEDGED', label: 'Acknowledge', icon: CheckCheck },
  { status: 'INVESTIGATING', label: 'Investigating', icon: Search },
  { status: 'RESOLVED', label: 'Resolve…', icon: CircleCheck },
  { status: 'FALSE_POSITIVE', label: 'False positive…', icon: CircleSlash },
];

/**
 * The bulk toolbar above the table: how many alerts match, what is selected (rows, all loaded,
 * or everything matching, with no page cap), and the bulk actions.
 */
export function SelectionBar() {
  const total = useAlerts((s) => s.total);
  const loadedCount = useAlerts((s) => s.items.length);
  const hasMore = useAlerts((s) => s.next !== null || s.windowStart > 0);
  const checkedSize = useAlerts((s) => s.checked.size);
  const matchAll = useAlerts((s) => s.matchAll);
  const loaded = useAlerts((s) => s.loaded);
  const error = useAlerts((s) => s.error);
  const bulkJob = useTriage((s) => s.bulkJob);
  const dialogOpen = useTriage((s) => s.dialog?.kind === 'bulk');

  const selected = matchAll ? (total ?? 0) : checkedSize;
  const any = selected > 0;
  const run = (status: AlertStatus) => {
    const target = useTriage.getState().selectionTarget();
    if (target) useTriage.getState().openDialog({ kind: 'bulk', status, target });
  };
  const a = useAlerts.getState();

  if (!loaded || error || (loadedCount === 0 && !any)) return null;
  return (
    <div className={`selection-bar${any ? ' active' : ''}`} role="toolbar" aria-label="Bulk actions" data-testid="selection-bar">
      <div className="selection-info" aria-live="polite">
        {matchAll ? (
          <span className="sel-count">
            All <strong className="num">{total === null ? '…' : formatCount(total)}</strong> alerts matching this filter are selected
          </span>
        ) : checkedSize > 0 ? (
          <>
            <span className="sel-count">
              <strong className="num">{formatCount(checkedSize)}</strong> selected
            </span>
            {checkedSize < loadedCount ? (
              <button type="button" className="link-button sel-link" onClick={() => a.checkAllLoaded()}>
                Select all {formatCount(loadedCount)} loaded
              </button>
            ) : null}
          </>
        ) : (
          <span className="sel-count muted" data-testid="match-count">
            {total === null ? 'Counting…' : `${formatCount(total)} ${total === 1 ? 'alert matches' : 'alerts match'}`}
          </span>
        )}
        {!matchAll && total !== null && total > checkedSize && (checkedSize > 0 || hasMore || total > 0) ? (
          <button type="button" className="link-button sel-link" onClick={() => a.selectAllMatching()} data-testid="select-all-matching">
            Select all {formatCount(total)} matching
          </button>
        ) : null}
        {any ? (
          <>
            <span className="sel-keys" data-testid="selection-keys">
              <kbd>a</kbd> <kbd>i</kbd> <kbd>r</kbd> <kbd>f</kbd> <kbd>s</kbd> act on {matchAll ? 'all of them' : checkedSize === 1 ? 'this one' : `these ${formatCount(checkedSize)}`}
            </span>
            <button type="button" className="button ghost small" onClick={() => a.clearChecked()}>
              <X size={12} aria-hidden="true" />
              Clear selection <kbd aria-hidden="true">Esc</kbd>
            </button>
          </>
        ) : null}
      </div>
      <div className="selection-actions">
        {bulkJob && !dialogOpen ? (
          <div className="tri-mini-progress">
            <JobProgressBar jobId={bulkJob.job_id} total={bulkJob.total} label="Bulk change in progress" />
          </div>
        ) : null}
        {ACTIONS.map(({ status, label, icon: Icon }) => (
          <button key={status} type="button" className="button small" disabled={!any} onClick={() => run(status)}>
            <Icon size={13} aria-hidden="true" />
            {label}
          </button>
        ))}
        <button
          type="button"
          className="button small"
          disabled={!any || matchAll || checkedSize > ASSIGN_MAX}
          title={matchAll ? 'Assign works on selected rows (up to 10,000), not on a whole filter' : undefined}
          onClick={() => useTriage.getState().openDialog({ kind: 'assign', ids: [...useAlerts.getState().checked], current: null })}
        >
          <UserRound size={13} aria-hidden="true" />
          Assign…
        </button>
        <button
          type="button"
          className="button small"
          aria-keyshortcuts="t"
          disabled={!any || matchAll || checkedSize > ASSIGN_MAX}
          title={matchAll ? 'Tags go on selected rows (up to 10,000), not on a whole filter' : undefined}
          onClick={() => useTriage.getState().openDialog({ kind: 'tag', ids: [...useAlerts.getState().checked] })}
        >
          <Tag size={13} aria-hidden="true" />
          Tag…
        </button>
        <button type="button" className="button small" disabled={!any} aria-keyshortcuts="e" onClick={() => useTriage.getState().requestEscalate(undefined)} data-testid="escalate-button">
          <BriefcaseBusiness size={13} aria-hidden="true" />
          Escalate…
        </button>
      </div>
    </div>
  );
}
