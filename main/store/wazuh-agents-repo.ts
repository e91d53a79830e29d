import type { Database, Statement } from 'better-sqlite3';
import type { AgentsListRequest, AgentsListResponse, WazuhAgent } from '../contract/wazuh.js';
import { ipKey, ipKeyRange } from './ipkey.js';
import { parseStringArray } from './json.js';
import { placeholders } from './sql.js';

/** One agent as the sync writes it (from GET /agents). */
export interface AgentRecord {
  agent_id: string;
  name: string;
  ip: string | null;
  register_ip: string | null;
  status: string;
  os_name: string | null;
  os_platform: string | null;
  os_version: string | null;
  version: string | null;
  groups: string[];
  node_name: string | null;
  last_keepalive: string | null;
  date_add: string | null;
}

export interface SyncRow {
  connector_id: string;
  started_at: string | null;
  finished_at: string | null;
  succeeded_at: string | null;
  error: string | null;
  total: number | null;
  process: string | null;
}

interface AgentRow extends Omit<AgentRecord, 'groups'> {
  connector_id: string;
  groups: string;
  seen_at: string;
}

const SORT_SQL: Record<AgentsListRequest['sort']['field'], string> = {
  name: 'name COLLATE NOCASE',
  agent_id: 'agent_id',
  ip: 'ip_key',
  status: 'status',
  os_platform: 'os_platform',
  version: 'version',
  last_keepalive: 'last_keepalive',
};

function toAgent(r: AgentRow): WazuhAgent {
  const { groups, ...rest } = r;
  return { ...rest, groups: parseStringArray(groups) };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The Wazuh agent inventory: one row per agent per connector, replaced by the background sync a
 * page at a time (a failed sync leaves the previous rows), filtered for the Agents screen and
 * joined to alerts by agent id, name or address.
 */
export class WazuhAgentsRepo {
  private readonly upsertStmt: Statement;
  private readonly dropUnseenStmt: Statement<[string, string]>;
  private readonly countStmt: Statement<[string], { n: number }>;
  private readonly syncGetStmt: Statement<[string], SyncRow>;
  private readonly syncStartStmt: Statement;
  private readonly syncEndStmt: Statement;
  private readonly getStmt: Statement<[string, string], AgentRow>;
  private readonly byIdNameStmt: Statement<[string, string], AgentRow>;
  private readonly byNameStmt: Statement<[string], AgentRow>;
  private readonly byIpStmt: Statement<[string], AgentRow>;

  constructor(private readonly db: Database) {
    this.upsertStmt = db.prepare(`
      INSERT INTO wazuh_agents (connector_id, agent_id, name, ip, ip_key, register_ip, status, os_name, os_platform, os_version,
                                version, groups, node_name, last_keepalive, date_add, seen_at)
      VALUES (@connector_id, @agent_id, @name, @ip, @ip_key, @register_ip, @status, @os_name, @os_platform, @os_version,
              @version, @groups, @node_name, @last_keepalive, @date_add, @seen_at)
      ON CONFLICT (connector_id, agent_id) DO UPDATE SET
        name = excluded.name, ip = excluded.ip, ip_key = excluded.ip_key, register_ip = excluded.register_ip,
        status = excluded.status, os_name = excluded.os_name, os_platform = excluded.os_platform,
        os_version = excluded.os_version, version = excluded.version, groups = excluded.groups,
        node_name = excluded.node_name, last_keepalive = excluded.last_keepalive, date_add = excluded.date_add,
        seen_at = excluded.seen_at`);
    this.dropUnseenStmt = db.prepare('DELETE FROM wazuh_agents WHERE connector_id = ? AND seen_at < ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM wazuh_agents WHERE connector_id = ?');
    this.syncGetStmt = db.prepare('SELECT * FROM wazuh_agent_sync WHERE connector_id = ?');
    this.syncStartStmt = db.prepare(`
      INSERT INTO wazuh_agent_sync (connector_id, started_at, process) VALUES (?, ?, ?)
      ON CONFLICT (connector_id) DO UPDATE SET started_at = excluded.started_at, process = excluded.process`);
    this.syncEndStmt = db.prepare(`
      UPDATE wazuh_agent_sync SET finished_at = @finished_at, error = @error, total = @total,
        succeeded_at = CASE WHEN @error IS NULL THEN @finished_at ELSE succeeded_at END
      WHERE connector_id = @connector_id`);
    this.getStmt = db.prepare('SELECT * FROM wazuh_agents WHERE connector_id = ? AND agent_id = ?');
    this.byIdNameStmt = db.prepare('SELECT * FROM wazuh_agents WHERE agent_id = ? AND name = ? COLLATE NOCASE ORDER BY connector_id');
    this.byNameStmt = db.prepare('SELECT * FROM wazuh_agents WHERE name = ? COLLATE NOCASE ORDER BY connector_id, agent_id LIMIT 20');
    this.byIpStmt = db.prepare('SELECT * FROM wazuh_agents WHERE ip_key = ? ORDER BY connector_id, agent_id LIMIT 20');
  }

  syncStarted(connectorId: string, at: string, process: string): void {
    this.syncStartStmt.run(connectorId, at, process);
  }

  /** Writes one page of a sync (one transaction); `seenAt` is the sync's start time. */
  upsertPage(connectorId: string, agents: readonly AgentRecord[], seenAt: string): void {
    this.db.transaction(() => {
      for (const a of agents) {
        this.upsertStmt.run({ ...a, connector_id: connectorId, ip_key: ipKey(a.ip), groups: JSON.stringify(a.groups), seen_at: seenAt });
      }
    })();
  }

  /**
   * Ends a sync. After a complete one, agents it did not list (removed from Wazuh) are dropped;
   * after a failed one, every row stays (stale, with its seen_at) and the error is kept.
   */
  syncEnded(connectorId: string, startedAt: string, at: string, error: string | null): SyncRow {
    this.db.transaction(() => {
      if (error === null) this.dropUnseenStmt.run(connectorId, startedAt);
      this.syncEndStmt.run({ connector_id: connectorId, finished_at: at, error, total: this.countStmt.get(connectorId)?.n ?? 0 });
    })();
    return this.syncState(connectorId)!;
  }

  syncState(connectorId: string): SyncRow | null {
    return this.syncGetStmt.get(connectorId) ?? null;
  }

  count(connectorId: string): number {
    return this.countStmt.get(connectorId)?.n ?? 0;
  }

  get(connectorId: string, agentId: string): WazuhAgent | null {
    const r = this.getStmt.get(connectorId, agentId);
    return r ? toAgent(r) : null;
  }

  /** Names and ids of these agents of a connector (for confirmations and results). */
  names(connectorId: string, ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const id of ids) {
      const r = this.getStmt.get(connectorId, id);
      if (r) out.set(id, r.name);
    }
    return out;
  }

  /** Agents that are this Wazuh agent (id and name), else agents of that name. */
  byAgent(agentId: string | null, name: string | null): { match: 'agent' | 'agent_name'; agent: WazuhAgent }[] {
    if (agentId && name) {
      const exact = this.byIdNameStmt.all(agentId, name);
      if (exact.length) return exact.map((r) => ({ match: 'agent' as const, agent: toAgent(r) }));
    }
    if (!name) return [];
    return this.byNameStmt.all(name).map((r) => ({ match: 'agent_name' as const, agent: toAgent(r) }));
  }

  byAddress(ip: string): WazuhAgent[] {
    const key = ipKey(ip);
    return key ? this.byIpStmt.all(key).map(toAgent) : [];
  }

  /** The Agents screen's page: filtered, sorted, with status counts and filter facets. */
  list(req: AgentsListRequest, connectorIds: readonly string[]): Omit<AgentsListResponse, 'sync'> {
    const where: string[] = [];
    const params: unknown[] = [];
    const scope = req.connector_id ? [req.connector_id] : [...connectorIds];
    where.push(`connector_id IN (${placeholders(scope.length) || 'NULL'})`);
    params.push(...scope);
    const scopeWhere = [...where];
    const scopeParams = [...params];
    if (req.os_platform) {
      where.push('os_platform = ?');
      params.push(req.os_platform);
    }
    if (req.version) {
      where.push('version = ?');
      params.push(req.version);
    }
    if (req.group) {
      where.push('EXISTS (SELECT 1 FROM json_each(wazuh_agents.groups) WHERE value = ?)');
      params.push(req.group);
    }
    if (req.text) {
      const range = req.text.includes('/') || /^[\d.:a-f]+$/i.test(req.text) ? ipKeyRange(req.text) : null;
      if (range) {
        where.push('((ip_key BETWEEN ? AND ?) OR agent_id = ?)');
        params.push(range.lo, range.hi, req.text);
      } else {
        where.push("(name LIKE ? ESCAPE '\\' OR agent_id = ? OR ip LIKE ? ESCAPE '\\' OR os_name LIKE ? ESCAPE '\\')");
        const like = containsPattern(req.text);
        params.push(like, req.text, like, like);
      }
    }
    const beforeStatus = where.join(' AND ');
    const beforeStatusParams = [...params];
    if (req.status?.length) {
      where.push(`status IN (${placeholders(req.status.length)})`);
      params.push(...req.status);
    }
    const clause = where.join(' AND ');
    const dir = req.sort.dir === 'desc' ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(`SELECT * FROM wazuh_agents WHERE ${clause} ORDER BY ${SORT_SQL[req.sort.field]} ${dir} NULLS LAST, connector_id, agent_id LIMIT ? OFFSET ?`)
      .all(...params, req.limit, req.offset) as AgentRow[];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM wazuh_agents WHERE ${clause}`).get(...params) as { n: number }).n;
    const noFacets = { os_platform: [], version: [], group: [] };
    if (req.meta === 'none') return { items: rows.map(toAgent), total, counts: {}, facets: noFacets };
    const counts: Record<string, number> = {};
    for (const r of this.db.prepare(`SELECT status, count(*) AS n FROM wazuh_agents WHERE ${beforeStatus} GROUP BY status`).all(...beforeStatusParams) as { status: string; n: number }[]) {
      counts[r.status] = r.n;
    }
    if (req.meta === 'counts') return { items: rows.map(toAgent), total, counts, facets: noFacets };
    const facet = (expr: string, from = 'wazuh_agents') =>
      (this.db
        .prepare(`SELECT ${expr} AS value, count(*) AS count FROM ${from} WHERE ${scopeWhere.join(' AND ')} AND ${expr} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 200`)
        .all(...scopeParams) as { value: string; count: number }[]);
    return {
      items: rows.map(toAgent),
      total,
      counts,
      facets: {
        os_platform: facet('os_platform'),
        version: facet('version'),
        group: facet('g.value', 'wazuh_agents, json_each(wazuh_agents.groups) AS g'),
      },
    };
  }
}
