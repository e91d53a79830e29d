import { LoaderCircle } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { CASE_RECORDS_PER_CALL, type Case, type CaseRecordsAddResponse } from '../../main/contract/cases.js';
import { api, errorMessage } from '../api/index.js';
import { casesHref } from '../app/router.js';
import { formatCount } from '../lib/format.js';
import { useToasts } from '../stores/toasts.js';
import { Dialog } from './Dialog.js';
import { CaseChoice, caseChoiceProblem, type CaseChoiceValue } from './CaseChoice.js';
import { FormError } from './FormError.js';
import { JobBar } from './JobBar.js';

export interface KeepInCaseDialogProps {
  /** Record store ids (EventRow.id). */
  recordIds: number[];
  /** Prefills a new case's title (what the record says). */
  suggestion: string;
  /** An alert the records were found from: its case, if it has one, is chosen first. */
  alertId?: number;
  onClose(): void;
}

/** What a keep did, in words (the toast). */
export function keptMessage(caseId: number, r: CaseRecordsAddResponse): { kind: 'success' | 'info' | 'error'; message: string } {
  const n = (k: number) => (k === 1 ? '1 record' : `${formatCount(k)} records`);
  if (r.added.length === 0 && r.already.length === 0) return { kind: 'error', message: `Nothing kept: the record store no longer holds ${r.missing.length === 1 ? 'this record' : 'these records'} (pruned by retention)` };
  const parts = [r.added.length > 0 ? `Kept ${n(r.added.length)} in case #${caseId}` : `Case #${caseId} already keeps ${r.already.length === 1 ? 'this record' : 'these records'}`];
  if (r.added.length > 0 && r.already.length > 0) parts.push(`${formatCount(r.already.length)} already kept`);
  if (r.missing.length > 0) parts.push(`${n(r.missing.length)} no longer in the store`);
  return { kind: r.added.length > 0 ? 'success' : 'info', message: parts.join('; ') };
}

/**
 * Keeps sensor records with a new or an open case: a copy of each goes with the case (its raw line
 * hashed, mined for observables), on its timeline at the record's time, and in its report, whatever
 * the record store's retention does later.
 */
export function KeepInCaseDialog({ recordIds, suggestion, alertId, onClose }: KeepInCaseDialogProps) {
  const id = useId();
  const [cases, setCases] = useState<Case[] | null>(null);
  const [choice, setChoice] = useState<CaseChoiceValue>({ mode: 'existing', title: suggestion, severity: 'medium', caseId: null });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Records sent so far, when they go in several calls. */
  const [done, setDone] = useState(0);
  const stop = useRef(false);
  const made = useRef<number | null>(null);
  const calls = Math.ceil(recordIds.length / CASE_RECORDS_PER_CALL);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [list, refs] = await Promise.all([
          api.call('cases.list', { filter: { status: ['open', 'in_progress'] }, limit: 200 }),
          alertId !== undefined ? api.call('cases.forAlerts', { alert_ids: [alertId] }) : Promise.resolve([]),
        ]);
        const open = list.items;
        const ofAlert = refs[0]?.case_id;
        if (!live) return;
        setCases(open);
        setChoice((v) => (open.length === 0 ? { ...v, mode: 'new' } : { ...v, caseId: open.some((c) => c.id === ofAlert) ? ofAlert! : open[0]!.id }));
      } catch (err) {
        if (live) {
          setCases([]);
          setChoice((v) => ({ ...v, mode: 'new' }));
          setError(`Could not list the open cases: ${errorMessage(err)}`);
        }
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const problem = caseChoiceProblem(choice);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    stop.current = false;
    // after a failure part way, the case made then is the one to go on with
    let target = made.current ?? (choice.mode === 'new' ? null : choice.caseId!);
    const sum: CaseRecordsAddResponse = { added: [], already: [], missing: [] };
    try {
      if (target === null) {
        target = (await api.call('cases.create', { title: choice.title.trim(), severity: choice.severity })).id;
        made.current = target;
      }
      // in calls of CASE_RECORDS_PER_CALL, each its own transaction: a stop or a failure keeps what was kept
      for (let at = 0; at < recordIds.length && !stop.current; at += CASE_RECORDS_PER_CALL) {
        const r = await api.call('cases.records.add', { id: target, record_ids: recordIds.slice(at, at + CASE_RECORDS_PER_CALL) });
        sum.added.push(...r.added);
        sum.already.push(...r.already);
        sum.missing.push(...r.missing);
        setDone(Math.min(recordIds.length, at + CASE_RECORDS_PER_CALL));
      }
      const said = keptMessage(target, sum);
      const left = recordIds.length - sum.added.length - sum.already.length - sum.missing.length;
      const message = left > 0 ? `Stopped: ${said.message}; ${formatCount(left)} not kept` : said.message;
      useToasts.getState().pushRich({ kind: left > 0 ? 'info' : said.kind, message, action: { href: casesHref(target, 'records'), label: `Open case #${target}` } });
      onClose();
    } catch (err) {
      const kept = sum.added.length + sum.already.length;
      setError(kept > 0 ? `${formatCount(kept)} of ${formatCount(recordIds.length)} records are kept in case #${target}; the rest were not: ${errorMessage(err)}` : errorMessage(err));
      setDone(0);
      setBusy(false);
    }
  };

  const what = recordIds.length === 1 ? 'this record' : `${formatCount(recordIds.length)} records`;
  return (
    <Dialog
      title={`Keep ${what} in a case`}
      description="A copy goes with the case, with its raw line and its SHA-256: it stays on the case's timeline and in its reports after the record store has pruned the record."
      onClose={onClose}
      busy={busy}
      testId="keep-dialog"
      footer={
        <>
          {busy && calls > 1 ? (
            <button type="button" className="button ghost" onClick={() => (stop.current = true)} data-testid="keep-stop">
              Stop
            </button>
          ) : (
            <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
              Cancel
            </button>
          )}
          <button type="submit" form={`${id}-f`} className="button primary" disabled={busy || cases === null} data-testid="keep-submit">
            {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
            Keep in case
          </button>
        </>
      }
    >
      <form id={`${id}-f`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        {made.current === null ? (
          <CaseChoice id={id} value={choice} onChange={setChoice} cases={cases} existingLabel="Existing case" existingFirst testId="keep" />
        ) : (
          <p className="panel-note">Case #{made.current} was opened for them; keeping again goes on there.</p>
        )}
        {busy && calls > 1 ? (
          <div className="keep-progress" data-testid="keep-progress">
            <JobBar progress={{ done, total: recordIds.length }} label="Records kept" />
            <p className="faint text-sm" aria-live="polite">
              {formatCount(done)} of {formatCount(recordIds.length)} records sent
            </p>
          </div>
        ) : null}
        <FormError error={error} />
      </form>
    </Dialog>
  );
}
