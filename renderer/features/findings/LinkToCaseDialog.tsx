import { useEffect, useId, useState } from 'react';
import type { Case } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { casesHref } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { useToasts } from '../../stores/toasts.js';

/** Links findings to an open case (the case's Findings tab and report then list them). */
export function LinkToCaseDialog({ ids, onClose }: { ids: number[]; onClose: () => void }) {
  const [cases, setCases] = useState<Case[] | null>(null);
  const [caseId, setCaseId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    let live = true;
    api.call('cases.list', { filter: { status: ['open', 'in_progress'] }, limit: 200 }).then(
      (r) => {
        if (!live) return;
        setCases(r.items);
        setCaseId(r.items[0]?.id ?? null);
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  const link = async () => {
    if (caseId === null) return;
    setBusy(true);
    try {
      const r = await api.call('cases.linkFindings', { id: caseId, finding_ids: ids });
      const n = r.linked.length;
      useToasts.getState().pushRich({
        kind: 'success',
        message: n === 0 ? `Already linked to case #${caseId}` : `Linked ${n === 1 ? '1 finding' : `${n} findings`} to case #${caseId}`,
        action: { label: 'Open the case', href: casesHref(caseId, 'findings') },
      });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const what = ids.length === 1 ? `finding #${ids[0]}` : `${ids.length} findings`;
  return (
    <Dialog
      title={`Link ${what} to a case`}
      onClose={onClose}
      busy={busy}
      size="sm"
      testId="link-case-dialog"
      footer={
        <button type="submit" form={`${id}-form`} className="button primary" disabled={busy || caseId === null}>
          Link
        </button>
      }
    >
      <form
        id={`${id}-form`}
        className="ui-form"
        onSubmit={(e) => {
          e.preventDefault();
          void link();
        }}
      >
        {cases === null && !error ? <p className="faint">Loading the open cases…</p> : null}
        {cases !== null && cases.length === 0 ? (
          <p className="faint">
            No case is open. Open one from the <a href="#/cases">Cases</a> screen (or escalate an alert), then link the findings.
          </p>
        ) : null}
        {cases !== null && cases.length > 0 ? (
          <div className="ui-field">
            <label className="ui-field-label" htmlFor={`${id}-case`}>
              Case
            </label>
            <select id={`${id}-case`} className="ui-input" value={caseId ?? ''} onChange={(e) => setCaseId(Number(e.target.value))}>
              {cases.map((c) => (
                <option key={c.id} value={c.id}>
                  #{c.id} {c.title}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {error ? (
          <span className="ui-field-error" role="alert">
            {error}
          </span>
        ) : null}
      </form>
    </Dialog>
  );
}
