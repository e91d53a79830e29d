import type { FeedNotices, PlaybookPorts, ScanStarter } from '../playbooks/ports.js';
import type { SecretStore } from '../secrets/vault.js';
import type { ConnectorsService } from './connectors.js';
import type { Services } from './services.js';
import { checkCloseNote } from './triage-handlers.js';

/**
 * What playbook steps act through, over the services that already do it for the analyst (status,
 * notes, assignees, cases, suppressions, Wazuh actions): a playbook's action is the same action,
 * recorded under the playbook's actor, with the same events and audit entries.
 */
export function createPlaybookPorts(s: Services, secrets: SecretStore, connectors: ConnectorsService | null, scans: ScanStarter | null, feed: FeedNotices | null = null): PlaybookPorts {
  const changed = (reason: 'status' | 'updated', id: number) => s.bus.emit('alerts.changed', { reason, ids: [id], total: 1 });
  return {
    alerts: {
      setStatus(id, status, actor, note) {
        checkCloseNote(s, status, note, 'an alert');
        const r = s.alerts.setStatus(id, status, actor, note);
        if (r) changed('status', id);
        return r;
      },
      assign(id, assignee, actor) {
        const n = s.console.assign([id], assignee, actor);
        if (n > 0) changed('updated', id);
        return n;
      },
      addNote(id, actor, note) {
        const entry = s.triage.addNote(id, actor, note);
        if (entry) changed('updated', id);
        return entry !== null;
      },
      tag(id, add, remove, actor) {
        const before = s.alerts.get(id);
        if (!before) return null;
        const n = s.alerts.tag([id], add, remove, actor);
        if (n > 0) changed('updated', id);
        return { from: before.tags, to: n > 0 ? s.alerts.get(id)!.tags : before.tags, changed: n > 0 };
      },
    },
    cases: { escalate: (target, into, move, alertStatus, actor) => s.cases.escalate(target, into, move, alertStatus, actor) },
    suppress(match, reason, hours, actor) {
      const expires = new Date(s.now().getTime() + hours * 3_600_000).toISOString();
      const created = s.suppressions.create(match, reason, actor, expires);
      s.audit.append({ actor, action: 'suppression.create', target_type: 'suppression', target_id: String(created.id), details: { match, reason, expires_at: expires } });
      return created;
    },
    wazuh: connectors
      ? {
          find(idOrName) {
            const c = connectors.find(idOrName);
            return c && c.config.kind === 'wazuh-api' ? { id: c.config.id, name: c.config.name } : null;
          },
          alertAgents: (alertId) => connectors.wazuh.alertAgents(alertId),
          activeResponse: (id, req, actor) => connectors.wazuh.activeResponse(id, req, actor),
          restart: (id, agents, actor) => connectors.wazuh.restart(id, agents, actor),
        }
      : null,
    scans,
    feed,
    secrets,
    notify: (n) => s.bus.emit('playbooks.notice', n),
    now: s.now,
  };
}
