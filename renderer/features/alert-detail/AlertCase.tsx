import { Pin } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AlertDetail } from '../../../main/contract/alerts.js';
import type { CaseRef } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { casesHref } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { formatLocalFull, utcTitle } from '../../lib/format.js';
import { useToasts } from '../../stores/toasts.js';
import { FormError } from '../../components/FormError.js';

const CASE_STATUS_TEXT: Record<CaseRef['status'], string> = { open: 'open', in_progress: 'in progress', closed: 'closed' };

/**
 * The case an alert is in (null: none; undefined: not known yet), read again whenever a case
 * changes (an escalation, a detach, a merge); the last answer stays while the next one loads.
 */
export function useAlertCase(alertId: number): CaseRef | null | undefined {
  const [ref, setRef] = useState<{ alertId: number; value: CaseRef | null } | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => api.on('cases.changed', () => setTick((t) => t + 1)), []);
  useEffect(() => {
    let live = true;
    api.call('cases.forAlerts', { alert_ids: [alertId] }).then(
      (refs) => live && setRef({ alertId, value: refs[0] ?? null }),
      // unknown rather than "in no case": the line then says nothing wrong
      () => live && setRef(null),
    );
    return () => {
      live = false;
    };
  }, [alertId, tick]);
  return ref && ref.alertId === alertId ? ref.value : undefined;
}

/** The detail header's Case line: a link to the alert's case, or that it is in none. */
export function CaseLine({ caseRef }: { caseRef: CaseRef | null | undefined }) {
  if (caseRef === undefined) return <span className="faint">…</span>;
  if (caseRef === null) return <span className="faint">Not in a case (e to escalate)</span>;
  return (
    <a href={casesHref(caseRef.case_id)} data-testid="detail-case">
      #{caseRef.case_id} {caseRef.title} <span className="faint">({CASE_STATUS_TEXT[caseRef.status]})</span>
    </a>
  );
}

type Event = AlertDetail['events'][number];

/**
 * Pins one raw event of the alert to its case's timeline, at the event's time, as a key event (a copy
 * of the event is kept with the entry, so retention never takes it from the timeline).
 */
export function PinEvent({ caseRef, event, alertTitle }: { caseRef: CaseRef; event: Event; alertTitle: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setTitle(alertTitle.slice(0, 300));
    setError(null);
    setOpen(true);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Say what happened.');
      return;
    }
    setBusy(true);
    try {
      await api.call('cases.timeline.add', { id: caseRef.case_id, ts: event.ts, title: title.trim(), event_id: event.id });
      useToasts.getState().pushRich({ kind: 'success', message: `Pinned to the timeline of case #${caseRef.case_id}`, action: { href: casesHref(caseRef.case_id, 'timeline'), label: `Open case #${caseRef.case_id}` } });
      setOpen(false);
    } catch (err) {
      setError(errorMessage(err));
    }
    setBusy(false);
  };
  return (
    <>
      <button type="button" className="button ghost small" onClick={start} data-testid="pin-event" title={`Pin this event to the timeline of case #${caseRef.case_id}`}>
        <Pin size={12} aria-hidden="true" /> Pin to case timeline…
      </button>
      {open ? (
        <Dialog
          title={`Pin event #${event.id} to case #${caseRef.case_id}`}
          description="A key event on the case's timeline, at the event's own time, with a copy of the raw event."
          onClose={() => setOpen(false)}
          busy={busy}
          testId="pin-dialog"
          footer={
            <>
              <button type="button" className="button ghost" onClick={() => setOpen(false)} disabled={busy}>
                Cancel
              </button>
              <button type="submit" form={`${id}-f`} className="button primary" disabled={busy} data-testid="pin-submit">
                Pin
              </button>
            </>
          }
        >
          <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
            <p className="faint text-sm">
              At <time title={utcTitle(event.ts)}>{formatLocalFull(event.ts)}</time>, in case #{caseRef.case_id} {caseRef.title}
            </p>
            <div className="ui-field">
              <label className="ui-field-label" htmlFor={`${id}-t`}>
                What happened
              </label>
              <input id={`${id}-t`} className="ui-input" value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} data-testid="pin-title" />
            </div>
            <FormError error={error} />
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
