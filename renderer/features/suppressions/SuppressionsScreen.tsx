import '../../components/charts/charts.css';
import '../sources/sources.css';
import './suppressions.css';
import { EyeOff, Search, TimerOff, Trash2 } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Suppression } from '../../../main/contract/pipeline.js';
import { alertsHref } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { Time } from '../../components/Time.js';
import { formatCount } from '../../lib/format.js';
import { alertsFilterFor, inView, matchParts, type SuppressionView } from './model.js';
import { SuppressionStateBadge } from './StateBadge.js';
import { useSuppressions } from './store.js';

function RemoveDialog({ rule, onClose }: { rule: Suppression; onClose(): void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const busy = useSuppressions((s) => !!s.busy[rule.id]);
  return (
    <Dialog
      title={`Remove suppression #${rule.id}?`}
      description="Matching events raise alerts again at once. The audit log keeps what the rule was and who removed it."
      onClose={onClose}
      busy={busy}
      size="sm"
      initialFocus={cancel}
      testId="remove-suppression-dialog"
      footer={
        <>
          <button ref={cancel} type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary sup-danger"
            disabled={busy}
            onClick={async () => {
              if (await useSuppressions.getState().remove(rule.id)) onClose();
            }}
          >
            <Trash2 size={14} aria-hidden="true" />
            Remove rule
          </button>
        </>
      }
    >
      <p className="sup-remove-match mono">
        {matchParts(rule.match)
          .map((p) => `${p.label} ${p.value}`)
          .join(' · ')}
      </p>
      <p className="muted text-sm">
        {formatCount(rule.hits)} {rule.hits === 1 ? 'event' : 'events'} dropped so far. To keep it on record and stop it, Expire it instead.
      </p>
    </Dialog>
  );
}

function Row({ r, highlight, onRemove }: { r: Suppression; highlight: boolean; onRemove(r: Suppression): void }) {
  const busy = useSuppressions((s) => !!s.busy[r.id]);
  const like = alertsFilterFor(r.match);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (highlight) ref.current?.scrollIntoView({ block: 'center' });
  }, [highlight]);
  return (
    <tr ref={ref} data-testid="suppression-row" data-suppression-id={r.id} data-state={r.state} className={`${highlight ? 'sup-highlight' : ''} sup-${r.state}`}>
      <td>
        <div className="sup-rule">
          <span className="sup-id num">#{r.id}</span>
          <span className="sup-match">
            {matchParts(r.match).map((p) => (
              <span key={p.key} className="sup-cond">
                <span className="sup-cond-k">{p.label}</span> <span className="mono">{p.value}</span>
              </span>
            ))}
          </span>
        </div>
      </td>
      <td className="sup-reason">{r.reason}</td>
      <td className="nowrap">
        <span className="sup-author">{r.created_by}</span>
        <span className="sup-sub">
          <Time iso={r.created_at} />
        </span>
      </td>
      <td className="nowrap">
        <SuppressionStateBadge state={r.state} />
        <span className="sup-sub">
          {r.expires_at ? (
            <>
              {r.state === 'active' ? 'until ' : 'ended '}
              <Time iso={r.expires_at} />
            </>
          ) : (
            'no expiry'
          )}
        </span>
      </td>
      <td className="num r" data-testid="suppression-hits">
        {formatCount(r.hits)}
      </td>
      <td className="nowrap">{r.last_hit_at ? <Time iso={r.last_hit_at} /> : <span className="faint">never</span>}</td>
      <td className="sup-actions">
        <a className="button small ghost" href={alertsHref(like.filter)} title={like.partial ? 'Alerts like this (the title words and port are approximated)' : 'Alerts like this'}>
          <Search size={13} aria-hidden="true" />
          Alerts
        </a>
        {r.state === 'active' ? (
          <button type="button" className="button small" disabled={busy} onClick={() => void useSuppressions.getState().expire(r.id)} aria-label={`Expire suppression ${r.id} now`}>
            <TimerOff size={13} aria-hidden="true" />
            Expire now
          </button>
        ) : null}
        <button
          type="button"
          className="button small ghost icon-only"
          disabled={busy}
          onClick={() => onRemove(r)}
          aria-label={`Remove suppression ${r.id}`}
          title="Remove the rule (the audit log keeps it)"
        >
          <Trash2 size={13} aria-hidden="true" />
        </button>
      </td>
    </tr>
  );
}

const VIEWS: ReadonlyArray<{ value: SuppressionView; label: string }> = [
  { value: 'active', label: 'Active' },
  { value: 'ended', label: 'Expired' },
  { value: 'all', label: 'All' },
];

/** The suppression rules: what they match, why, who, until when, and what they dropped. */
export function SuppressionsScreen({ highlightId }: { highlightId: number | null }) {
  const rules = useSuppressions((s) => s.rules);
  const status = useSuppressions((s) => s.status);
  const error = useSuppressions((s) => s.error);
  const view = useSuppressions((s) => s.view);
  const [removing, setRemoving] = useState<Suppression | null>(null);
  useEffect(() => useSuppressions.getState().startPolling(), []);
  // a link to one rule shows it whatever its state
  useEffect(() => {
    const r = highlightId === null ? undefined : useSuppressions.getState().rules.find((x) => x.id === highlightId);
    if (r && !inView(r, useSuppressions.getState().view)) useSuppressions.getState().setView('all');
  }, [highlightId, rules]);

  const shown = rules.filter((r) => inView(r, view));
  const counts = { active: rules.filter((r) => inView(r, 'active')).length, ended: rules.filter((r) => inView(r, 'ended')).length, all: rules.length };

  let body;
  if (status === 'idle' || status === 'loading') body = <PanelSkeleton rows={4} />;
  else if (status === 'error') body = <LoadFailed title="Could not load suppressions" message={error ?? ''} headingLevel={3} iconSize={26} onRetry={() => void useSuppressions.getState().load()} />;
  else if (shown.length === 0)
    body = (
      <EmptyState icon={<EyeOff size={26} />} title={rules.length === 0 ? 'No suppression rules' : view === 'active' ? 'No active rules' : 'None here'} headingLevel={3}>
        <p>
          Create one from an alert: select it and press <kbd>s</kbd> (Suppress…). Matching events are then stored but raise no alert until the rule
          expires.
        </p>
      </EmptyState>
    );
  else
    body = (
      <div className="table-wrap">
        <table className="data-table sup-table" data-testid="suppressions-table">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Reason</th>
              <th scope="col">Author</th>
              <th scope="col">Expiry</th>
              <th scope="col" className="r">
                Hits
              </th>
              <th scope="col">Last hit</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <Row key={r.id} r={r} highlight={r.id === highlightId} onRemove={setRemoving} />
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <div className="screen suppressions-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Suppressions</h1>
          <p className="screen-lede">Rules that drop matching events before they raise alerts: review what each hides, and end the ones no longer needed.</p>
        </div>
      </div>
      <Panel
        title="Rules"
        subtitle={status === 'ready' ? `${formatCount(counts.active)} active · ${formatCount(rules.length)} total` : null}
        icon={<EyeOff size={15} />}
        testId="panel-suppressions"
        actions={
          <div className="ui-segmented sup-views" role="radiogroup" aria-label="Show">
            {VIEWS.map((v) => (
              <label key={v.value}>
                <input type="radio" name="sup-view" value={v.value} checked={view === v.value} onChange={() => useSuppressions.getState().setView(v.value)} />
                <span>
                  {v.label}
                  <small className="num sup-view-n">{formatCount(counts[v.value])}</small>
                </span>
              </label>
            ))}
          </div>
        }
      >
        {body}
      </Panel>
      {removing ? <RemoveDialog rule={removing} onClose={() => setRemoving(null)} /> : null}
    </div>
  );
}
