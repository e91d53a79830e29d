import { ContractError } from '../contract/errors.js';
import type { ConnectorFailure } from '../contract/connectors.js';
import type { AgentSyncState, AgentsListRequest, AgentsListResponse, AlertAgentMatch, WazuhActionResult, WazuhAgent } from '../contract/wazuh.js';
import type { AuditEntry } from '../contract/alerts.js';
import type { ActionResult, WazuhAgent as ApiAgent, WazuhApiClient } from '../connectors/wazuh/api.js';
import { failureOf } from '../connectors/types.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { AgentRecord, SyncRow, WazuhAgentsRepo } from '../store/wazuh-agents-repo.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';

/** What a stock Wazuh 4.x agent can run with `!`, offered when the manager cannot list its own. */
export const USUAL_AR_COMMANDS = ['!firewall-drop', '!host-deny', '!route-null', '!disable-account', '!restart-wazuh', '!netsh', '!win_route-null'];

/** Agent ids per request of an action: short URLs, and progress the analyst can follow. */
export const ACTION_BATCH = 100;

/** The Wazuh API connectors the agents service can use right now. */
export interface WazuhApiSource {
  /** Enabled Wazuh API connectors: id, name, sync interval. */
  apis(): { id: string; name: string; intervalMs: number }[];
  /** The client of an enabled Wazuh API connector, or null. */
  client(id: string): WazuhApiClient | null;
  /** Name of any saved connector (also disabled ones), or null. */
  name(id: string): string | null;
}

/** The parts of an alert that can point at an agent. */
export interface AlertRefs {
  agent_id: string | null;
  agent_name: string | null;
  src_ip: string | null;
  dst_ip: string | null;
}

export interface WazuhAgentsDeps {
  repo: WazuhAgentsRepo;
  audit: AuditRepo;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  processName: string;
  source: WazuhApiSource;
  alertRefs(alertId: number): AlertRefs | null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** One agent of `GET /agents` as the inventory keeps it ("any" is Wazuh's "no address yet"). */
export function agentRecord(a: ApiAgent): AgentRecord {
  const addr = (v: string | undefined) => (v && v !== 'any' ? v : null);
  return {
    agent_id: a.id,
    name: a.name ?? a.id,
    ip: addr(a.ip),
    register_ip: addr(a.registerIP),
    status: a.status ?? 'unknown',
    os_name: text(a.os?.name),
    os_platform: text(a.os?.platform),
    os_version: text(a.os?.version),
    version: text(a.version),
    groups: a.group ?? [],
    node_name: text(a.node_name),
    last_keepalive: text(a.lastKeepAlive),
    date_add: text(a.dateAdd),
  };
}

/** A failure after which Wazuh may or may not have queued the command (the answer got lost). */
const UNKNOWN_OUTCOME = new Set<ConnectorFailure['kind']>(['timeout', 'network', 'bad_response']);

/**
 * The Wazuh agent inventory and agent actions. The inventory of each enabled Wazuh API connector
 * is synced in the background (pages of 500 through the connector's request budget) into SQLite,
 * so the Agents screen filters thousands of agents without asking Wazuh, and alerts join agents
 * locally. Restart and active response never go out without agents, are sent in batches, and are
 * audited with who asked, what, and what Wazuh answered: queued, not done.
 */
export class WazuhAgentsService {
  private readonly running = new Map<string, Promise<AgentSyncState>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly deps: WazuhAgentsDeps) {}

  // ---- inventory -----------------------------------------------------------------------------

  /** Syncs every inventory that is due now, then checks again every few seconds. */
  start(tickMs = 5000): void {
    if (this.timer || this.stopped) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Starts the syncs that are due: none running, and the last one (by any process) older than the interval. */
  tick(): void {
    const now = this.deps.now().getTime();
    for (const api of this.deps.source.apis()) {
      if (this.running.has(api.id)) continue;
      const last = this.deps.repo.syncState(api.id);
      const lastAt = Date.parse(last?.finished_at ?? last?.started_at ?? '');
      // a sync another process started recently is still running there: leave it
      const startedElsewhere = last?.started_at && (!last.finished_at || last.finished_at < last.started_at) && now - Date.parse(last.started_at) < 10 * 60_000;
      if (startedElsewhere || (Number.isFinite(lastAt) && now - lastAt < api.intervalMs)) continue;
      void this.sync(api.id).catch(() => undefined);
    }
  }

  /** Syncs one inventory now (joins a sync already running in this process). */
  sync(connectorId: string): Promise<AgentSyncState> {
    const current = this.running.get(connectorId);
    if (current) return current;
    const client = this.deps.source.client(connectorId);
    if (!client) return Promise.reject(new ContractError('CONFLICT', `${connectorId} is not an enabled Wazuh API connector`));
    const run = this.runSync(connectorId, client).finally(() => this.running.delete(connectorId));
    this.running.set(connectorId, run);
    return run;
  }

  private async runSync(connectorId: string, client: WazuhApiClient): Promise<AgentSyncState> {
    const started = this.deps.now().toISOString();
    const repo = this.deps.repo;
    repo.syncStarted(connectorId, started, this.deps.processName);
    let error: string | null = null;
    let malformed = 0;
    try {
      for await (const page of client.agents({}, this.abort.signal)) {
        repo.upsertPage(connectorId, page.items.map(agentRecord), started);
        malformed += page.malformed;
      }
    } catch (err) {
      error = this.abort.signal.aborted ? 'stopped before the end' : failureOf(err).message;
    }
    if (malformed && !error) this.deps.logger.warn('agents without the expected shape were left out of the inventory', { connector: connectorId, malformed });
    let row: SyncRow;
    try {
      row = repo.syncEnded(connectorId, started, this.deps.now().toISOString(), error);
    } catch (err) {
      // the connector was removed while its sync ran (its rows went with it)
      this.deps.logger.warn('agent sync ended after its connector was removed', { connector: connectorId, error: err instanceof Error ? err.message : String(err) });
      throw new ContractError('NOT_FOUND', `connector ${connectorId} was removed`);
    }
    if (error) this.deps.logger.warn('agent inventory sync failed', { connector: connectorId, error });
    const state = this.stateOf(connectorId, row);
    this.deps.bus.emit('wazuh.agents.synced', state);
    return state;
  }

  private stateOf(connectorId: string, row: SyncRow | null): AgentSyncState {
    return {
      connector_id: connectorId,
      connector_name: this.deps.source.name(connectorId) ?? connectorId,
      running: this.running.has(connectorId),
      started_at: row?.started_at ?? null,
      finished_at: row?.finished_at ?? null,
      succeeded_at: row?.succeeded_at ?? null,
      error: row?.error ?? null,
      total: this.deps.repo.count(connectorId),
    };
  }

  syncStates(ids: readonly string[]): AgentSyncState[] {
    return ids.map((id) => this.stateOf(id, this.deps.repo.syncState(id)));
  }

  list(req: AgentsListRequest, connectorIds: readonly string[]): AgentsListResponse {
    const scope = req.connector_id ? [req.connector_id] : connectorIds;
    return { ...this.deps.repo.list(req, scope), sync: this.syncStates(scope) };
  }

  get(connectorId: string, agentId: string): WazuhAgent {
    const a = this.deps.repo.get(connectorId, agentId);
    if (!a) throw new ContractError('NOT_FOUND', `agent ${agentId} is not in the inventory of ${this.deps.source.name(connectorId) ?? connectorId}`);
    return a;
  }

  /** The agents an alert points at: the Wazuh agent it names, else agents at its addresses. */
  alertAgents(alertId: number): AlertAgentMatch[] {
    const refs = this.deps.alertRefs(alertId);
    if (!refs) throw new ContractError('NOT_FOUND', `alert ${alertId} does not exist`);
    const out: AlertAgentMatch[] = [];
    const seen = new Set<string>();
    const add = (agent: WazuhAgent, match: AlertAgentMatch['match'], role: AlertAgentMatch['address_role']) => {
      const key = `${agent.connector_id}/${agent.agent_id}`;
      const name = this.deps.source.name(agent.connector_id);
      if (seen.has(key) || name === null) return;
      seen.add(key);
      out.push({ connector_id: agent.connector_id, connector_name: name, match, address_role: role, agent, synced_at: this.deps.repo.syncState(agent.connector_id)?.succeeded_at ?? null });
    };
    for (const m of this.deps.repo.byAgent(refs.agent_id, refs.agent_name)) add(m.agent, m.match, null);
    for (const [role, ip] of [['src', refs.src_ip], ['dst', refs.dst_ip]] as const) {
      if (ip) for (const a of this.deps.repo.byAddress(ip)) add(a, 'address', role);
    }
    return out;
  }

  // ---- actions -------------------------------------------------------------------------------

  private needClient(connectorId: string): WazuhApiClient {
    const client = this.deps.source.client(connectorId);
    if (!client) throw new ContractError('CONFLICT', `${this.deps.source.name(connectorId) ?? connectorId} is not an enabled Wazuh API connector`);
    return client;
  }

  /** Restarts these agents (never none). */
  restart(connectorId: string, agentIds: readonly string[], actor: string): Promise<WazuhActionResult> {
    const client = this.needClient(connectorId);
    return this.act(connectorId, agentIds, actor, { action: 'restart', command: null, srcip: null, alertId: null }, (batch) => client.restartAgents(batch, this.abort.signal));
  }

  /** Runs an active response command on these agents (never none), with the address in alert.data.srcip. */
  activeResponse(
    connectorId: string,
    req: { agent_ids: readonly string[]; command: string; srcip?: string | undefined; arguments: readonly string[]; alert_id?: number | undefined },
    actor: string,
  ): Promise<WazuhActionResult> {
    const client = this.needClient(connectorId);
    return this.act(
      connectorId,
      req.agent_ids,
      actor,
      { action: 'active_response', command: req.command, srcip: req.srcip ?? null, alertId: req.alert_id ?? null },
      (batch) => client.activeResponse({ command: req.command, agents: batch, arguments: req.arguments, ...(req.srcip ? { srcip: req.srcip } : {}) }, this.abort.signal),
    );
  }

  /**
   * Sends an action in batches and merges Wazuh's answers per agent. A batch whose answer never
   * came back (timeout, dropped connection) is reported as "unknown": Wazuh may have queued it.
   * The audit entry is written whatever happened, with the answer.
   */
  private async act(
    connectorId: string,
    agentIds: readonly string[],
    actor: string,
    what: { action: WazuhActionResult['action']; command: string | null; srcip: string | null; alertId: number | null },
    send: (batch: string[]) => Promise<ActionResult>,
  ): Promise<WazuhActionResult> {
    const ids = [...new Set(agentIds)];
    if (ids.length === 0) throw new ContractError('BAD_REQUEST', 'name at least one agent: Wazuh would act on every agent');
    const names = this.deps.repo.names(connectorId, ids);
    const queued: string[] = [];
    const failed: WazuhActionResult['failed'] = [];
    let unknown = 0;
    for (let i = 0; i < ids.length; i += ACTION_BATCH) {
      const batch = ids.slice(i, i + ACTION_BATCH);
      try {
        const r = await send(batch);
        queued.push(...r.queued);
        for (const f of r.failed) failed.push({ agent_ids: f.ids, code: f.code, message: f.message, remediation: f.remediation ?? null });
      } catch (err) {
        const failure = failureOf(err);
        const maybe = UNKNOWN_OUTCOME.has(failure.kind);
        if (maybe) unknown += batch.length;
        failed.push({
          agent_ids: batch,
          code: failure.code ?? 0,
          message: maybe ? `no answer from Wazuh (${failure.message}): it may or may not have queued the command; check before sending it again` : failure.message,
          remediation: failure.remediation ?? null,
        });
      }
    }
    const label = what.action === 'restart' ? 'Restart' : `${what.command}${what.srcip ? ` for ${what.srcip}` : ''}`;
    const state: WazuhActionResult['state'] = failed.length === 0 ? 'queued' : queued.length ? 'partly_queued' : 'not_queued';
    const who = (id: string) => (names.get(id) ? `${names.get(id)} (${id})` : id);
    const why = failed.map((f) => `${f.agent_ids.map(who).join(', ')}: ${f.message}${f.code ? ` (Wazuh error ${f.code})` : ''}`).join('; ');
    const description =
      (queued.length
        ? `${label} queued for ${queued.length} agent${queued.length === 1 ? '' : 's'}: queued, not confirmed (Wazuh does not report whether it ran).`
        : `${label} was not queued for any agent${unknown ? ' that Wazuh confirmed' : ''}.`) + (failed.length ? ` Not queued: ${why}` : '');
    const auditId = this.deps.audit.append({
      actor,
      action: what.action === 'restart' ? 'wazuh.restart' : 'wazuh.active_response',
      target_type: 'connector',
      target_id: connectorId,
      details: {
        connector: this.deps.source.name(connectorId) ?? connectorId,
        agents: ids.map((id) => ({ id, name: names.get(id) ?? null })),
        ...(what.command ? { command: what.command } : {}),
        ...(what.srcip ? { srcip: what.srcip } : {}),
        ...(what.alertId ? { alert_id: what.alertId } : {}),
        answer: { state, queued, failed, unknown },
      },
    });
    this.deps.logger.info(`wazuh ${what.action}`, { connector: connectorId, actor, agents: ids.length, queued: queued.length, failed: ids.length - queued.length });
    return {
      connector_id: connectorId,
      action: what.action,
      command: what.command,
      srcip: what.srcip,
      state,
      queued: queued.map((id) => ({ agent_id: id, name: names.get(id) ?? null })),
      failed,
      description,
      audit_id: auditId,
    };
  }

  /** The manager's commands as `!executable` (firewall-drop first), else the usual ones. */
  async arCommands(connectorId: string): Promise<{ commands: string[]; from_manager: boolean; note: string | null }> {
    const client = this.needClient(connectorId);
    try {
      const listed = await client.commands(AbortSignal.any([this.abort.signal, AbortSignal.timeout(15_000)]));
      const commands = [...new Set(listed.map((c) => `!${c.executable}`))].sort((a, b) => (a === '!firewall-drop' ? -1 : b === '!firewall-drop' ? 1 : a.localeCompare(b)));
      if (commands.length) return { commands, from_manager: true, note: null };
      return { commands: USUAL_AR_COMMANDS, from_manager: false, note: 'the manager defines no <command>: these are the usual ones' };
    } catch (err) {
      return { commands: USUAL_AR_COMMANDS, from_manager: false, note: `the manager did not list its commands (${failureOf(err).message}): these are the usual ones` };
    }
  }

  /** Agent actions from the audit log (newest first), for one connector or agent. */
  actions(filter: { connector_id?: string | undefined; agent_id?: string | undefined; limit: number }): AuditEntry[] {
    const hasAgent = (e: AuditEntry) => Array.isArray(e.details['agents']) && (e.details['agents'] as { id?: unknown }[]).some((a) => a.id === filter.agent_id);
    return this.deps.audit
      .recentByAction('wazuh.', filter.agent_id ? 5000 : filter.connector_id ? 2000 : filter.limit)
      .filter((e) => (!filter.connector_id || e.target_id === filter.connector_id) && (!filter.agent_id || hasAgent(e)))
      .slice(0, filter.limit);
  }
}
