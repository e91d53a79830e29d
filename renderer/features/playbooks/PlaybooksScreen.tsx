import '../../components/charts/charts.css';
import './playbooks.css';
import { CheckCircle2, FileDown, FilePlus2, FileUp, ListChecks, PauseCircle, PlayCircle, ShieldCheck, Workflow } from 'lucide-react';
import { useEffect, useState } from 'react';
import { stepOutcome, type PlaybookRun, type RunStep } from '../../../main/contract/playbooks.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { Time } from '../../components/Time.js';
import { api } from '../../api/index.js';
import type { PlaybooksTab } from '../../app/router.js';
import { toastFailure } from '../../stores/toasts.js';
import { usePlaybooks } from './store.js';


const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  waiting_approval: 'Waiting for approval',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rejected: 'Rejected',
  interrupted: 'Interrupted',
  dry_run: 'Dry-run',
  pending: 'Pending',
  started: 'Started',
  done: 'Done',
  skipped: 'Skipped',
};

function RunStatus({ status }: { status: string }) {
  return <span className={`pb-status pb-status-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

/** The per-step log of a run: what each step did (or would do), its answer, its error and duration. */
export function StepLog({ steps }: { steps: RunStep[] }) {
  return (
    <ol className="pb-steps" data-testid="run-steps">
      {steps.map((s) => (
        <li key={s.idx} className={`pb-step pb-step-${s.status}`} data-step-status={s.status}>
          <div className="pb-step-head">
            <span className="pb-step-n num">{s.idx + 1}</span>
            <span className="pb-step-type mono">{s.type}</span>
            <span className="pb-step-summary">{s.summary || s.name}</span>
            <RunStatus status={s.status} />
            {s.duration_ms !== null ? <span className="faint num">{Math.round(s.duration_ms)} ms</span> : null}
            {s.decided_by ? <span className="faint">approved by {s.decided_by}</span> : null}
          </div>
          {s.error ? <p className="pb-step-error">{s.error}</p> : null}
          {stepOutcome(s.response) ? (
            <p className="pb-step-outcome" data-testid="step-outcome">
              {stepOutcome(s.response)}
            </p>
          ) : null}
          {s.request !== null ? (
            <details className="pb-step-detail">
              <summary>Request</summary>
              <pre className="mono">{json(s.request)}</pre>
            </details>
          ) : null}
          {s.response !== null ? (
            <details className="pb-step-detail">
              <summary>Response</summary>
              <pre className="mono">{json(s.response)}</pre>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Editor() {
  const editing = usePlaybooks((s) => s.editing)!;
  const busy = usePlaybooks((s) => s.busy);
  const dryRuns = usePlaybooks((s) => s.dryRuns);
  const [alertId, setAlertId] = useState('');
  const st = usePlaybooks.getState();
  const v = editing.validation;
  return (
    <Panel
      title={editing.id ? `Edit ${editing.id}` : 'New playbook'}
      icon={<Workflow size={15} />}
      testId="playbook-editor"
      actions={
        <div className="pb-actions">
          <button type="button" className="button small ghost" onClick={() => st.close()}>
            Close
          </button>
          <button type="button" className="button small" disabled={busy} onClick={() => void st.validate()}>
            Validate
          </button>
          <button type="button" className="button small primary" disabled={busy} onClick={() => void st.save()}>
            Save
          </button>
        </div>
      }
    >
      <label className="pb-label" htmlFor="pb-source">
        Document (YAML or JSON). Templates: <code>{'{{alert.src_ip}}'}</code>, <code>{'{{alert.host}}'}</code>, <code>{'{{playbook.name}}'}</code>, <code>{'{{run.id}}'}</code>; nothing else is evaluated.
      </label>
      <textarea id="pb-source" className="pb-source mono" spellCheck={false} value={editing.source} onChange={(e) => st.edit(e.target.value)} data-testid="playbook-source" />
      {v ? (
        v.ok ? (
          <p className="pb-valid" data-testid="playbook-valid">
            <CheckCircle2 size={14} aria-hidden="true" /> Valid
          </p>
        ) : (
          <ul className="pb-errors" data-testid="playbook-errors" role="alert">
            {v.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )
      ) : null}
      {editing.id ? (
        <div className="pb-dry">
          <h3>Dry-run</h3>
          <p className="muted text-sm">Renders every step for an alert without doing anything: the exact requests appear below.</p>
          <div className="pb-dry-form">
            <input className="input" inputMode="numeric" placeholder="Alert id" aria-label="Alert id" value={alertId} onChange={(e) => setAlertId(e.target.value.replace(/\D/g, ''))} />
            <button type="button" className="button small" disabled={busy || !alertId} onClick={() => void st.dryRun(editing.id!, Number(alertId), null)}>
              Dry-run on this alert
            </button>
            <button type="button" className="button small ghost" disabled={busy} onClick={() => void st.dryRun(editing.id!, null, 3)}>
              On the last 3 matching alerts
            </button>
          </div>
          {dryRuns?.map((r) => (
            <div key={r.id} className="pb-dry-run" data-testid="dry-run">
              <p className="text-sm">
                Alert <a href={`#/alerts/${r.alert_id}`}>#{r.alert_id}</a>
              </p>
              <StepLog steps={r.steps} />
            </div>
          ))}
        </div>
      ) : null}
    </Panel>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function PlaybookList() {
  const playbooks = usePlaybooks((s) => s.playbooks);
  const busy = usePlaybooks((s) => s.busy);
  const st = usePlaybooks.getState();
  if (playbooks.length === 0)
    return (
      <EmptyState icon={<Workflow size={22} />} title="No playbooks yet" headingLevel={3} actions={<button type="button" className="button primary" onClick={() => void st.open(null)}>New playbook</button>}>
        A playbook answers alerts with ordered steps (block, restart, scan, open a case, tell the team), after your approval where it matters.
      </EmptyState>
    );
  return (
    <table className="data-table pb-table" data-testid="playbooks-table">
      <thead>
        <tr>
          <th>Playbook</th>
          <th>Trigger</th>
          <th>Steps</th>
          <th className="r">Runs (1 h)</th>
          <th>Last run</th>
          <th>Automatic runs</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {playbooks.map((p) => (
          <tr key={p.id} data-playbook-id={p.id}>
            <td>
              <button type="button" className="link-button pb-name" onClick={() => void st.open(p.id)}>
                {p.name}
              </button>
              <span className="pb-sub mono">
                {p.id} · v{p.version}
              </span>
              {p.description ? <span className="pb-sub">{p.description}</span> : null}
            </td>
            <td>{p.automatic ? 'Alert conditions' : 'Manual'}</td>
            <td className="mono text-sm">{p.step_types.join(' → ')}</td>
            <td className="num r">{p.runs_last_hour}</td>
            <td className="nowrap">{p.last_run_at ? <Time iso={p.last_run_at} /> : <span className="faint">never</span>}</td>
            <td>
              {p.automatic ? (
                <label className="pb-toggle">
                  <input type="checkbox" checked={p.enabled} disabled={busy} onChange={(e) => void st.setEnabled(p.id, e.target.checked)} data-testid="playbook-enabled" />
                  {p.enabled ? 'On' : 'Off'}
                </label>
              ) : (
                <span className="faint">started by hand</span>
              )}
            </td>
            <td className="pb-row-actions">
              <button
                type="button"
                className="button small ghost"
                title="Export as a file"
                onClick={() =>
                  void api
                    .call('playbooks.get', { id: p.id })
                    .then((v) => download(`${p.id}.${v.format === 'json' ? 'json' : 'yaml'}`, v.source))
                    .catch(toastFailure)
                }
              >
                <FileDown size={13} aria-hidden="true" />
                Export
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunsList({ runs, empty }: { runs: PlaybookRun[]; empty: string }) {
  if (runs.length === 0) return <p className="panel-note panel-note-muted">{empty}</p>;
  return (
    <ul className="pb-runs" data-testid="runs-list">
      {runs.map((r) => (
        <li key={r.id} className="pb-run" data-run-id={r.id} data-run-status={r.status}>
          <details>
            <summary>
              <RunStatus status={r.status} />
              <span className="pb-run-name">{r.playbook_name}</span>
              <span className="faint">v{r.playbook_version}</span>
              {r.alert_id ? <a href={`#/alerts/${r.alert_id}`}>alert #{r.alert_id}</a> : null}
              <span className="faint">{r.mode === 'auto' ? 'automatic' : r.mode === 'manual' ? `by ${r.actor}` : `dry-run by ${r.actor}`}</span>
              <span className="faint">
                <Time iso={r.created_at} />
              </span>
            </summary>
            {r.error ? <p className="pb-step-error">{r.error}</p> : null}
            <StepLog steps={r.steps} />
          </details>
        </li>
      ))}
    </ul>
  );
}

function Approval({ run }: { run: PlaybookRun }) {
  const step = run.steps.find((s) => s.status === 'waiting_approval');
  const [edits, setEdits] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = usePlaybooks((s) => s.busy);
  if (!step) return null;
  const approve = async () => {
    let parsed: Record<string, unknown> | undefined;
    if (edits.trim()) {
      try {
        parsed = JSON.parse(edits) as Record<string, unknown>;
      } catch {
        setError('Edits must be a JSON object, e.g. {"srcip": "203.0.113.8"}');
        return;
      }
    }
    setError(null);
    await usePlaybooks.getState().approve(run.id, parsed);
  };
  return (
    <li className="pb-approval" data-testid="approval" data-run-id={run.id}>
      <div className="pb-approval-head">
        <ShieldCheck size={16} aria-hidden="true" />
        <strong>{run.playbook_name}</strong>
        {run.alert_id ? <a href={`#/alerts/${run.alert_id}`}>alert #{run.alert_id}</a> : null}
        <span className="faint">
          asked <Time iso={run.updated_at} />
        </span>
      </div>
      <p className="pb-approval-what" data-testid="approval-summary">
        Step {step.idx + 1} ({step.type}): {step.summary}
      </p>
      <p className="muted text-sm">Exactly what will be sent or changed:</p>
      <pre className="mono pb-approval-request" data-testid="approval-request">
        {json(step.request)}
      </pre>
      <label className="pb-label" htmlFor={`edits-${run.id}`}>
        Change fields of this step before approving (optional, JSON)
      </label>
      <input id={`edits-${run.id}`} className="input mono" placeholder='{"srcip": "203.0.113.8"}' value={edits} onChange={(e) => setEdits(e.target.value)} />
      {error ? <p className="pb-step-error">{error}</p> : null}
      <div className="pb-approval-actions">
        <input className="input" placeholder="Reason (for a rejection)" aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" className="button ghost" disabled={busy} onClick={() => void usePlaybooks.getState().reject(run.id, reason)} data-testid="reject">
          Reject
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void approve()} data-testid="approve">
          Approve and run
        </button>
      </div>
    </li>
  );
}

const TABS: { value: PlaybooksTab; label: string; href: string }[] = [
  { value: 'playbooks', label: 'Playbooks', href: '#/playbooks' },
  { value: 'runs', label: 'Runs', href: '#/playbooks/runs' },
  { value: 'approvals', label: 'Approvals', href: '#/playbooks/approvals' },
];

export function PlaybooksScreen({ tab }: { tab: PlaybooksTab }) {
  const status = usePlaybooks((s) => s.status);
  const error = usePlaybooks((s) => s.error);
  const paused = usePlaybooks((s) => s.paused);
  const runs = usePlaybooks((s) => s.runs);
  const editing = usePlaybooks((s) => s.editing);
  const busy = usePlaybooks((s) => s.busy);
  const st = usePlaybooks.getState();
  useEffect(() => {
    void st.load();
    const offs = [api.on('playbooks.run', () => void usePlaybooks.getState().load())];
    return () => offs.forEach((off) => off());
  }, [st]);
  const waiting = runs.filter((r) => r.status === 'waiting_approval');
  const loading = status === 'idle' || status === 'loading';

  let body;
  if (loading) body = <PanelSkeleton rows={4} />;
  else if (status === 'error') body = <LoadFailed title="Could not load the playbooks" message={error ?? ''} onRetry={() => void st.load()} headingLevel={3} />;
  else if (tab === 'playbooks') body = <PlaybookList />;
  else if (tab === 'runs') body = <RunsList runs={runs.filter((r) => r.mode !== 'dry_run')} empty="No runs yet. Runs appear here with each step's request, answer and duration." />;
  else
    body =
      waiting.length === 0 ? (
        <EmptyState icon={<ShieldCheck size={22} />} title="Nothing waits for approval" headingLevel={3}>
          Steps that act on your systems (Wazuh active response, agent restart, and any step marked approve) wait here until you approve, edit or reject them.
        </EmptyState>
      ) : (
        <ul className="pb-approvals">
          {waiting.map((r) => (
            <Approval key={r.id} run={r} />
          ))}
        </ul>
      );

  return (
    <div className="screen playbooks-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Playbooks</h1>
          <p className="screen-lede">Responses that run here, on this machine: explained step by step, dry-run first, and never acting on your systems without approval unless you wrote it so.</p>
        </div>
        <div className="pb-header-actions">
          <button type="button" className={`button ${paused ? 'primary' : 'ghost'}`} disabled={busy} onClick={() => void st.setPaused(!paused)} data-testid="kill-switch" title="The kill switch: while paused, no playbook starts on its own (you can still run them by hand)">
            {paused ? <PlayCircle size={14} aria-hidden="true" /> : <PauseCircle size={14} aria-hidden="true" />}
            {paused ? 'Resume automatic runs' : 'Pause automatic runs'}
          </button>
          <label className="button ghost pb-import">
            <FileUp size={14} aria-hidden="true" />
            Import file
            <input
              type="file"
              accept=".yaml,.yml,.json"
              className="visually-hidden"
              data-testid="playbook-import"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void f.text().then((text) => st.openSource(text), toastFailure);
              }}
            />
          </label>
          <button type="button" className="button" onClick={() => void st.open(null)}>
            <FilePlus2 size={14} aria-hidden="true" />
            New playbook
          </button>
        </div>
      </div>
      {paused ? (
        <p className="pb-paused" role="status" data-testid="paused-banner">
          Automatic runs are paused. Playbooks can still be run by hand and approvals still work.
        </p>
      ) : null}
      <nav className="ui-segmented pb-tabs" aria-label="Playbooks views">
        {TABS.map((t) => (
          <a key={t.value} href={t.href} aria-current={tab === t.value ? 'page' : undefined} className={tab === t.value ? 'active' : undefined}>
            {t.label}
            {t.value === 'approvals' && waiting.length ? <small className="pb-count num">{waiting.length}</small> : null}
          </a>
        ))}
      </nav>
      {editing && tab === 'playbooks' ? <Editor /> : null}
      <Panel title={TABS.find((t) => t.value === tab)!.label} icon={tab === 'runs' ? <ListChecks size={15} /> : tab === 'approvals' ? <ShieldCheck size={15} /> : <Workflow size={15} />} testId={`panel-${tab}`}>
        {body}
      </Panel>
    </div>
  );
}
