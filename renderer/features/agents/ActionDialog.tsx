import { CircleAlert, CircleCheck, CircleX, Clock, LoaderCircle, RotateCw, ShieldBan, TriangleAlert } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { WazuhActionResult, WazuhAgent } from '../../../main/contract/wazuh.js';
import { api, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { NEEDS_SRCIP, statusLabel, statusTone } from './model.js';

export interface ActionRequest {
  action: 'restart' | 'ar';
  connectorId: string;
  connectorName: string;
  agents: WazuhAgent[];
  srcip?: string | null;
  alertId?: number | null;
}

function AgentList({ agents }: { agents: WazuhAgent[] }) {
  return (
    <ul className="ag-confirm-list" data-testid="action-agents" aria-label="Agents">
      {agents.map((a) => (
        <li key={a.agent_id}>
          <span className="mono">{a.agent_id}</span>
          <span className="ag-confirm-name">{a.name}</span>
          <span className={`ag-status tone-${statusTone(a.status)}`}>
            <span className="tl-dot" aria-hidden="true" />
            {statusLabel(a.status)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Result({ r }: { r: WazuhActionResult }) {
  const icon = r.state === 'queued' ? <CircleCheck size={16} aria-hidden="true" /> : r.state === 'partly_queued' ? <TriangleAlert size={16} aria-hidden="true" /> : <CircleX size={16} aria-hidden="true" />;
  return (
    <div className="ag-result" data-testid="action-result" data-state={r.state}>
      <div className={`ag-result-head state-${r.state}`} role="status">
        {icon}
        <strong>{r.state === 'queued' ? 'Queued' : r.state === 'partly_queued' ? 'Partly queued' : 'Not queued'}</strong>
      </div>
      {r.queued.length ? (
        <p className="ag-queued-note">
          <Clock size={13} aria-hidden="true" /> Queued, not confirmed: Wazuh hands the command to the agent and does not report whether it ran.
        </p>
      ) : null}
      {r.queued.length ? (
        <div>
          <h3 className="subhead">Queued ({r.queued.length})</h3>
          <ul className="ag-result-list" data-testid="action-queued">
            {r.queued.map((q) => (
              <li key={q.agent_id}>
                <span className="mono">{q.agent_id}</span> {q.name ?? ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {r.failed.length ? (
        <div>
          <h3 className="subhead">Not queued</h3>
          <ul className="ag-result-list bad" data-testid="action-failed">
            {r.failed.map((f, i) => (
              <li key={i}>
                <span className="mono">{f.agent_ids.join(', ')}</span>: {f.message}
                {f.code ? <span className="faint"> (Wazuh error {f.code})</span> : null}
                {f.remediation ? <div className="faint">{f.remediation}</div> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p className="faint text-sm">Recorded in the audit log (entry #{r.audit_id}).</p>
    </div>
  );
}

/**
 * Confirms an agent action, naming exactly the agents (names and ids), then shows Wazuh's answer
 * per agent. Restart needs nothing more; active response offers the manager's commands
 * (firewall-drop first) and the address to act on, prefilled from the alert it came from.
 */
export function ActionDialog({ req, onClose }: { req: ActionRequest; onClose: () => void }) {
  const [command, setCommand] = useState('!firewall-drop');
  const [commands, setCommands] = useState<{ list: string[]; note: string | null } | null>(null);
  const [srcip, setSrcip] = useState(req.srcip ?? '');
  const [args, setArgs] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<WazuhActionResult | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const cmdId = useId();
  const ipId = useId();
  const argsId = useId();
  const isAr = req.action === 'ar';
  const n = req.agents.length;
  const inactive = req.agents.filter((a) => a.status !== 'active');

  useEffect(() => {
    if (!isAr) return;
    void api
      .call('wazuh.ar.commands', { connector_id: req.connectorId })
      .then((r) => setCommands({ list: r.commands, note: r.note }))
      .catch((err: unknown) => setCommands({ list: ['!firewall-drop'], note: errorMessage(err) }));
  }, [isAr, req.connectorId]);

  const needsIp = isAr && NEEDS_SRCIP.has(command) && srcip.trim() === '';
  const run = async () => {
    setBusy(true);
    setError(null);
    const agent_ids = req.agents.map((a) => a.agent_id);
    try {
      const r = isAr
        ? await api.call('wazuh.ar.run', {
            connector_id: req.connectorId,
            agent_ids,
            command,
            ...(srcip.trim() ? { srcip: srcip.trim() } : {}),
            arguments: args.trim() ? args.trim().split(/\s+/) : [],
            ...(req.alertId ? { alert_id: req.alertId } : {}),
          })
        : await api.call('wazuh.agents.restart', { connector_id: req.connectorId, agent_ids });
      setResult(r);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const what = isAr ? `Run ${command}${srcip.trim() ? ` for ${srcip.trim()}` : ''}` : 'Restart';
  const title = result ? (isAr ? `Active response ${command}` : 'Restart') : `${what} on ${n} agent${n === 1 ? '' : 's'}?`;
  return (
    <Dialog
      title={title}
      description={result ? `${req.connectorName}: what Wazuh answered.` : `On ${req.connectorName}. Only these agents: nothing is sent to any other.`}
      onClose={onClose}
      busy={busy}
      initialFocus={cancelRef}
      size="md"
      testId="agent-action-dialog"
      footer={
        result ? (
          <button type="button" className="button primary" onClick={onClose} data-testid="action-done">
            Done
          </button>
        ) : (
          <>
            <button ref={cancelRef} type="button" className="button ghost" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="button danger" onClick={() => void run()} disabled={busy || needsIp} data-testid="action-confirm">
              {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : isAr ? <ShieldBan size={14} aria-hidden="true" /> : <RotateCw size={14} aria-hidden="true" />}
              {busy ? `Sending to ${n} agent${n === 1 ? '' : 's'}…` : `${isAr ? 'Run' : 'Restart'} on ${n} agent${n === 1 ? '' : 's'}`}
            </button>
          </>
        )
      }
    >
      {result ? (
        <Result r={result} />
      ) : (
        <div className="ag-confirm">
          {isAr ? (
            <div className="ag-ar-fields">
              <div className="ui-field">
                <label className="ui-field-label" htmlFor={cmdId}>
                  Command
                </label>
                <select id={cmdId} className="ui-input mono" value={command} onChange={(e) => setCommand(e.target.value)} data-testid="ar-command">
                  {(commands?.list ?? ['!firewall-drop']).map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
                <span className="ui-field-hint">{commands?.note ?? (commands ? 'The commands this manager defines.' : 'Asking the manager for its commands…')}</span>
              </div>
              <div className="ui-field">
                <label className="ui-field-label" htmlFor={ipId}>
                  Address to act on (alert.data.srcip)
                </label>
                <input
                  id={ipId}
                  className="ui-input mono"
                  value={srcip}
                  placeholder="203.0.113.7"
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setSrcip(e.target.value)}
                  aria-invalid={needsIp ? true : undefined}
                  data-testid="ar-srcip"
                />
                {needsIp ? <span className="ui-field-hint">{command} needs the address it blocks.</span> : null}
              </div>
              <div className="ui-field">
                <label className="ui-field-label" htmlFor={argsId}>
                  Extra arguments (optional)
                </label>
                <input id={argsId} className="ui-input mono" value={args} autoComplete="off" spellCheck={false} onChange={(e) => setArgs(e.target.value)} />
              </div>
            </div>
          ) : null}
          <AgentList agents={req.agents} />
          {inactive.length ? (
            <p className="ui-callout">
              <TriangleAlert size={14} aria-hidden="true" />
              <span>
                {inactive.length} of them {inactive.length === 1 ? 'is' : 'are'} not active: Wazuh will refuse {inactive.length === 1 ? 'it' : 'them'} (error 1707).
              </span>
            </p>
          ) : null}
          {error ? (
            <div className="inline-error" role="alert" data-testid="action-error">
              <CircleAlert size={14} aria-hidden="true" />
              <span>{error}</span>
            </div>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
