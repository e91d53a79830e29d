import { Server, ShieldBan } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { Alert } from '../../../main/contract/alerts.js';
import type { AlertAgentMatch } from '../../../main/contract/wazuh.js';
import { api } from '../../api/index.js';
import { agentsHref } from '../../app/router.js';
import { formatAgo, utcTitle } from '../../lib/format.js';
import './agent-card.css';

const MATCH_TEXT: Record<AlertAgentMatch['match'], string> = {
  agent: 'the agent this Wazuh alert names',
  agent_name: 'an agent of the name this alert gives',
  address: 'an agent at this address',
};

/**
 * The Wazuh agents an alert points at (its agent, or an agent at one of its addresses), from
 * the local inventory: name, OS, groups, status, with links to the agent and to an active
 * response prefilled with the other side's address. Shows nothing when no agent matches.
 */
export function AgentCard({ alert }: { alert: Alert }) {
  const [matches, setMatches] = useState<AlertAgentMatch[]>([]);
  useEffect(() => {
    let live = true;
    setMatches([]);
    api
      .call('wazuh.alertAgents', { alert_id: alert.id })
      .then((m) => live && setMatches(m))
      .catch(() => live && setMatches([]));
    return () => {
      live = false;
    };
  }, [alert.id]);
  if (matches.length === 0) return null;
  return (
    <section className="d-section" aria-labelledby="d-agents" data-testid="alert-agents">
      <header className="d-section-head">
        <h3 id="d-agents">Wazuh agent{matches.length > 1 ? 's' : ''}</h3>
      </header>
      <ul className="ac-list">
        {matches.map((m) => {
          const a = m.agent;
          const block = m.address_role === 'src' ? alert.dst_ip : alert.src_ip;
          const role = m.address_role === 'src' ? ' (source)' : m.address_role === 'dst' ? ' (destination)' : '';
          return (
            <li key={`${m.connector_id}/${a.agent_id}`} className="ac-item" data-testid="alert-agent" data-agent-id={a.agent_id}>
              <div className="ac-head">
                <Server size={14} aria-hidden="true" />
                <a href={agentsHref({ connector: m.connector_id, agent: a.agent_id })} className="ac-name">
                  {a.name}
                </a>
                <span className="mono faint">{a.agent_id}</span>
                <span className={`ac-status ac-${a.status}`}>
                  <span className="ac-dot" aria-hidden="true" />
                  {a.status.replace('_', ' ')}
                </span>
              </div>
              <dl className="ac-facts">
                <div>
                  <dt>OS</dt>
                  <dd>{[a.os_name, a.os_version].filter(Boolean).join(' ') || '—'}</dd>
                </div>
                <div>
                  <dt>Groups</dt>
                  <dd>{a.groups.join(', ') || '—'}</dd>
                </div>
                <div>
                  <dt>Address</dt>
                  <dd className="mono">{a.ip ?? '—'}</dd>
                </div>
                <div>
                  <dt>Manager</dt>
                  <dd>{m.connector_name}</dd>
                </div>
              </dl>
              <p className="ac-why faint">
                Matched as {MATCH_TEXT[m.match]}
                {role}; inventory <span title={m.synced_at ? utcTitle(m.synced_at) : undefined}>{m.synced_at ? `synced ${formatAgo(m.synced_at)}` : 'never synced'}</span>.
              </p>
              {block ? (
                <a
                  className="button small"
                  href={agentsHref({ connector: m.connector_id, agent: a.agent_id, action: 'ar', srcip: block, alert: alert.id })}
                  data-testid="alert-agent-ar"
                >
                  <ShieldBan size={12} aria-hidden="true" /> Block {block} on this agent…
                </a>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
