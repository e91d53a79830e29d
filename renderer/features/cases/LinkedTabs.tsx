import { ChevronDown, ChevronRight, LoaderCircle, Search, Unlink } from 'lucide-react';
import { Fragment, useState } from 'react';
import type { CaseDetail, CaseRecord, CaseRecordCursor } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { SeverityBadge } from '../../components/badges.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { RunsList } from '../playbooks/PlaybooksScreen.js';
import { useCases } from './store.js';
import { useCaseData } from './tabs.js';
import { useMorePages } from './pages.js';
import { RawEvent } from '../alert-detail/RawEvent.js';
import { formatCount, formatEndpoint, formatLocalFull, utcTitle } from '../../lib/format.js';
import { eventTypeLabel, recordSummary } from '../../lib/records.js';
import { huntHref, HUNT_MARGIN_MS, spanAround } from '../hunt/model.js';
import { FormError } from '../../components/FormError.js';

/**
 * A change to one of the case's links (unlink a finding, let a record go): done, then the case read
 * again (its counts and tabs follow), or its error kept to show.
 */
function useCaseChange(caseId: number): { error: string | null; run: (change: () => Promise<unknown>) => Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const run = async (change: () => Promise<unknown>) => {
    setError(null);
    try {
      await change();
      await useCases.getState().open(caseId);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return { error, run };
}

/** The scan findings linked to the case (from the Findings screen), each one unlinkable. */
export function FindingsTab({ c }: { c: CaseDetail }) {
  const list = useCaseData(() => api.call('cases.findings', { id: c.id }), [c.id]);
  const { error, run } = useCaseChange(c.id);
  const unlink = (id: number) => run(() => api.call('cases.unlinkFindings', { id: c.id, finding_ids: [id] }));
  if (list.error) return <LoadFailed title="Could not load the linked findings" message={list.error} onRetry={list.reload} headingLevel={3} />;
  if (!list.data) return <p className="faint case-empty" aria-busy="true">Loading…</p>;
  if (list.data.length === 0)
    return (
      <p className="panel-note panel-note-muted">
        No scan finding is linked to this case. On the <a href="#/findings">Findings</a> screen, open a finding and choose “Link to case”.
      </p>
    );
  return (
    <div className="case-table-wrap">
      <FormError error={error} />
      <table className="case-table" data-testid="case-findings">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Finding</th>
            <th scope="col">Host</th>
            <th scope="col">CVE</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((f) => (
            <tr key={f.id} data-finding-id={f.id}>
              <td>
                <SeverityBadge severity={f.severity} />
              </td>
              <td>{f.title}</td>
              <td className="mono">{f.host ?? '—'}</td>
              <td className="mono">{f.cves.join(', ') || '—'}</td>
              <td>{f.status.replace('_', ' ')}</td>
              <td>
                {c.status !== 'closed' ? (
                  <button type="button" className="button ghost small" onClick={() => void unlink(f.id)} aria-label={`Unlink finding ${f.title}`}>
                    <Unlink size={12} aria-hidden="true" />
                    Unlink
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The playbook runs tied to the case (on its alerts, or whose escalate step used it), each with its step log. */
export function PlaybookRunsTab({ c }: { c: CaseDetail }) {
  const runs = useCaseData(() => api.call('playbooks.runs', { case_id: c.id, limit: 100 }), [c.id]);
  if (runs.error) return <LoadFailed title="Could not load the playbook runs" message={runs.error} onRetry={runs.reload} headingLevel={3} />;
  if (!runs.data) return <p className="faint case-empty" aria-busy="true">Loading…</p>;
  return <RunsList runs={runs.data} empty="No playbook has run on this case's alerts." />;
}

/** The query that finds a kept record's connection in Hunt: its flow, else the record itself by its addresses. */
function connectionQuery(r: CaseRecord): string {
  if (r.flow_id !== null) return `flow_id:${r.flow_id}`;
  return [r.src_ip ? `src_ip:${r.src_ip}` : null, r.dst_ip ? `dst_ip:${r.dst_ip}` : null, `event_type:${r.event_type}`].filter(Boolean).join(' ');
}

/** Kept records read at a time: a Keep all can leave 10,000 with a case. */
const RECORDS_PAGE = 500;

/**
 * The sensor records kept with the case (from Hunt or an alert's Evidence): copies,
 * oldest first, each opening on its raw line with the hash taken when it was kept.
 */
export function RecordsTab({ c }: { c: CaseDetail }) {
  const list = useCaseData(() => api.call('cases.records', { id: c.id, limit: RECORDS_PAGE }), [c.id]);
  const [open, setOpen] = useState<number | null>(null);
  const { error, run } = useCaseChange(c.id);
  const { items, next, more: showMore, busy, error: moreError } = useMorePages<CaseRecord, CaseRecordCursor>(
    list.data,
    (after) => api.call('cases.records', { id: c.id, limit: RECORDS_PAGE, after }),
    'records',
  );
  const remove = (r: CaseRecord) => run(() => api.call('cases.records.remove', { id: c.id, record_ids: [r.record_id] }));
  if (list.error) return <LoadFailed title="Could not load the kept records" message={list.error} onRetry={list.reload} headingLevel={3} />;
  if (!list.data) return <p className="faint case-empty" aria-busy="true">Loading…</p>;
  if (list.data.items.length === 0)
    return (
      <p className="panel-note panel-note-muted">
        No sensor record is kept with this case. In <a href="#/hunt">Hunt</a>, or in an alert&apos;s Evidence, open a record and choose “Keep in case”: a copy stays with the case, on its
        timeline and in its reports, after the record store has pruned the record.
      </p>
    );
  const total = list.data.total;
  return (
    <div className="case-table-wrap">
      <FormError error={error} />
      <table className="case-table case-records" data-testid="case-records">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Source → destination</th>
            <th scope="col">What it says</th>
            <th scope="col">Kept</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <Fragment key={r.id}>
              <tr data-record-id={r.record_id}>
                <td className="nowrap">
                  <button type="button" className="link-button" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {open === r.id ? <ChevronDown size={13} aria-hidden="true" /> : <ChevronRight size={13} aria-hidden="true" />}
                    <time dateTime={r.ts} title={utcTitle(r.ts)}>
                      {formatLocalFull(r.ts)}
                    </time>
                  </button>
                </td>
                <td>{eventTypeLabel(r.event_type)}</td>
                <td className="mono">
                  {formatEndpoint(r.src_ip, r.src_port) ?? '—'} → {formatEndpoint(r.dst_ip, r.dst_port) ?? '—'}
                  {r.sensor ? <span className="faint"> · {r.sensor}</span> : null}
                </td>
                <td className="case-record-summary">{recordSummary(r) || <span className="faint">no summary fields</span>}</td>
                <td className="faint nowrap" title={utcTitle(r.added_at)}>
                  {r.added_by}
                </td>
                <td className="nowrap">
                  <a className="button ghost small" href={huntHref(connectionQuery(r), spanAround(Date.parse(r.ts), Date.parse(r.ts), HUNT_MARGIN_MS))} title="Hunt this connection, a day either side of the record (while the store holds it)">
                    <Search size={12} aria-hidden="true" /> Hunt
                  </a>
                  {c.status !== 'closed' ? (
                    <button type="button" className="button ghost small" onClick={() => void remove(r)} aria-label={`Let record ${r.record_id} go`}>
                      <Unlink size={12} aria-hidden="true" /> Let go
                    </button>
                  ) : null}
                </td>
              </tr>
              {open === r.id ? (
                <tr className="case-record-raw">
                  <td colSpan={6}>
                    <RawEvent raw={r.raw} label={`Record #${r.record_id} · ${r.file ?? r.source_id}`} />
                    <p className="faint text-sm case-record-hash">
                      SHA-256 of the raw line when {r.added_by} kept it, {formatLocalFull(r.added_at)}: <span className="mono">{r.sha256}</span>
                    </p>
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {next ? (
        <p className="case-records-more faint text-sm">
          Showing the first {formatCount(items.length)} of {formatCount(total)}; every one is in the case report.{' '}
          <button type="button" className="button ghost small" onClick={() => void showMore()} disabled={busy} data-testid="case-records-more">
            {busy ? <LoaderCircle size={12} className="spin" aria-hidden="true" /> : null}
            Show {formatCount(Math.min(RECORDS_PAGE, total - items.length))} more
          </button>
        </p>
      ) : null}
      <FormError error={moreError} />
    </div>
  );
}
