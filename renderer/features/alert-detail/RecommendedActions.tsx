import { Play, Workflow } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '../../../main/contract/alerts.js';
import type { PlaybookRun, RecommendedAction } from '../../../main/contract/playbooks.js';
import { api } from '../../api/index.js';
import { toastFailure, toastSuccess } from '../../stores/toasts.js';

/**
 * Recommended actions: the playbooks whose trigger matches this alert, each with what it would do
 * ("Block 203.0.113.7 on web-01 (playbook: Block brute-forcers)"), and the runs about this alert.
 * Running one starts it by hand; steps that need approval wait on the Playbooks screen.
 */
export function RecommendedActions({ alert }: { alert: Alert }) {
  const [actions, setActions] = useState<RecommendedAction[] | null>(null);
  const [runs, setRuns] = useState<PlaybookRun[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([api.call('playbooks.recommended', { alert_id: alert.id }), api.call('playbooks.runs', { alert_id: alert.id, limit: 10 })])
      .then(([a, r]) => {
        setActions(a);
        setRuns(r.filter((x) => x.mode !== 'dry_run'));
      })
      .catch(() => setActions([]));
  }, [alert.id]);
  useEffect(() => {
    load();
    return api.on('playbooks.run', (p) => {
      if (p.alert_id === alert.id) load();
    });
  }, [alert.id, load]);
  if (!actions || (actions.length === 0 && runs.length === 0)) return null;
  const run = async (a: RecommendedAction) => {
    setBusy(a.playbook_id);
    try {
      const r = await api.call('playbooks.run', { id: a.playbook_id, alert_id: alert.id });
      toastSuccess(r.status === 'waiting_approval' ? `${a.playbook_name}: waiting for approval (Playbooks → Approvals)` : `${a.playbook_name}: ${r.status}`);
      load();
    } catch (err) {
      toastFailure(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="d-section" aria-labelledby="d-reco" data-testid="recommended-actions">
      <header className="d-section-head">
        <h3 id="d-reco">Recommended actions</h3>
        <span className="d-section-aside">
          <a href="#/playbooks">Playbooks</a>
        </span>
      </header>
      <ul className="ad-reco-list">
        {actions.map((a) => (
          <li key={a.playbook_id} className="ad-reco" title={a.steps.join('\n')}>
            <Workflow size={14} aria-hidden="true" />
            <span className="ad-reco-label">{a.label}</span>
            <button type="button" className="button small" disabled={busy !== null} onClick={() => void run(a)}>
              <Play size={12} aria-hidden="true" />
              Run
            </button>
          </li>
        ))}
      </ul>
      {runs.length ? (
        <p className="faint text-sm">
          Runs for this alert:{' '}
          {runs.map((r, i) => (
            <span key={r.id}>
              {i ? ', ' : ''}
              <a href="#/playbooks/runs">
                {r.playbook_name} ({r.status.replace('_', ' ')})
              </a>
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
