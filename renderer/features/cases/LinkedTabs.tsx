import { Unlink } from 'lucide-react';
import { useState } from 'react';
import type { CaseDetail } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { SeverityBadge } from '../../components/badges.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { RunsList } from '../playbooks/PlaybooksScreen.js';
import { useCases } from './store.js';
import { useCaseData } from './tabs.js';

/** The scan findings linked to the case (from the Findings screen), each one unlinkable. */
export function FindingsTab({ c }: { c: CaseDetail }) {
  const list = useCaseData(() => api.call('cases.findings', { id: c.id }), [c.id]);
  const [error, setError] = useState<string | null>(null);
  const unlink = async (id: number) => {
    setError(null);
    try {
      await api.call('cases.unlinkFindings', { id: c.id, finding_ids: [id] });
      await useCases.getState().open(c.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
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
      {error ? (
        <p className="ui-field-error" role="alert">
          {error}
        </p>
      ) : null}
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
