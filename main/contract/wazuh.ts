import { z } from 'zod';
import { AuditEntry } from './alerts.js';
import { ConnectorId } from './connectors.js';

/**
 * Wazuh in the app: the agent inventory (synced in the background from each Wazuh API connector
 * into SQLite), agent actions (restart, active response) and the agents an alert matches. Agent
 * actions never go out without an explicit list of agents: Wazuh reads a missing `agents_list` as
 * "every agent". What they report is what Wazuh queued: queued is not done.
 */

export const WAZUH_AGENT_STATUSES = ['active', 'disconnected', 'never_connected', 'pending'] as const;
export const WazuhAgentStatus = z.enum(WAZUH_AGENT_STATUSES);
export type WazuhAgentStatus = z.infer<typeof WazuhAgentStatus>;

/** Wazuh agent ids: 000 is the manager, agents are 001, 002, ... */
export const WazuhAgentId = z.string().regex(/^\d{3,}$/, 'an agent id such as 001');

export const WazuhAgent = z.object({
  connector_id: z.string(),
  agent_id: z.string(),
  name: z.string(),
  /** Last known address ("any" agents that never connected have none). */
  ip: z.string().nullable(),
  register_ip: z.string().nullable(),
  /** Wazuh's connection status (a status Wazuh adds later is kept as it is). */
  status: z.string(),
  os_name: z.string().nullable(),
  os_platform: z.string().nullable(),
  os_version: z.string().nullable(),
  /** e.g. "Wazuh v4.14.7" */
  version: z.string().nullable(),
  groups: z.array(z.string()),
  node_name: z.string().nullable(),
  last_keepalive: z.string().nullable(),
  date_add: z.string().nullable(),
  /** When the last sync that listed this agent ran. */
  seen_at: z.string(),
});
export type WazuhAgent = z.infer<typeof WazuhAgent>;

/** How fresh an inventory is ("synced 2 min ago") and why a sync failed. */
export const AgentSyncState = z.object({
  connector_id: z.string(),
  connector_name: z.string(),
  /** Running now (in this process). */
  running: z.boolean(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  /** The last sync that read every page. */
  succeeded_at: z.string().nullable(),
  /** Why the last sync failed (null after a success). */
  error: z.string().nullable(),
  /** Agents in the inventory. */
  total: z.number().int(),
});
export type AgentSyncState = z.infer<typeof AgentSyncState>;

export const AGENT_SORT_FIELDS = ['name', 'agent_id', 'ip', 'status', 'os_platform', 'version', 'last_keepalive'] as const;

export const AgentsListRequest = z
  .object({
    /** One Wazuh API connector, or every one. */
    connector_id: ConnectorId.optional(),
    status: z.array(z.string().min(1).max(32)).max(8).optional(),
    os_platform: z.string().trim().min(1).max(64).optional(),
    group: z.string().trim().min(1).max(128).optional(),
    version: z.string().trim().min(1).max(64).optional(),
    /** Part of the name, id or address (an address or CIDR block matches by address). */
    text: z.string().trim().max(200).optional(),
    sort: z
      .object({ field: z.enum(AGENT_SORT_FIELDS).default('name'), dir: z.enum(['asc', 'desc']).default('asc') })
      .strict()
      .default({ field: 'name', dir: 'asc' }),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    /**
     * What to compute besides the page: `all` the status counts and the filter values, `counts`
     * only the counts (the filter values depend on the connector only), `none` (scrolling, or a
     * status change: the counts ignore the status filter).
     */
    meta: z.enum(['all', 'counts', 'none']).default('all'),
  })
  .strict();
export type AgentsListRequest = z.output<typeof AgentsListRequest>;

const Facet = z.object({ value: z.string(), count: z.number().int() });

export const AgentsListResponse = z.object({
  items: z.array(WazuhAgent),
  /** Agents matching every filter. */
  total: z.number().int(),
  /** Agents per status, matching every filter but the status one (the status chips; empty when meta is none). */
  counts: z.record(z.string(), z.number().int()),
  /** Values present in the inventory (of the chosen connector), for the filter menus (empty unless meta is all). */
  facets: z.object({ os_platform: z.array(Facet), group: z.array(Facet), version: z.array(Facet) }),
  sync: z.array(AgentSyncState),
});
export type AgentsListResponse = z.infer<typeof AgentsListResponse>;

/** What Wazuh did with an action, per agent. Queued is not done: Wazuh never reports the outcome. */
export const WazuhActionResult = z.object({
  connector_id: z.string(),
  action: z.enum(['restart', 'active_response']),
  command: z.string().nullable(),
  srcip: z.string().nullable(),
  state: z.enum(['queued', 'partly_queued', 'not_queued']),
  queued: z.array(z.object({ agent_id: z.string(), name: z.string().nullable() })),
  failed: z.array(
    z.object({ agent_ids: z.array(z.string()), code: z.number().int(), message: z.string(), remediation: z.string().nullable() }),
  ),
  /** One sentence for the analyst, which says that queued is not confirmed. */
  description: z.string(),
  /** The audit entry recording who asked, what, and Wazuh's answer. */
  audit_id: z.number().int(),
});
export type WazuhActionResult = z.infer<typeof WazuhActionResult>;

const AgentIds = z.array(WazuhAgentId).min(1, 'name at least one agent: Wazuh would act on every agent').max(10_000);

/** Active response commands: `!name` runs the agent's script of that name; a bare name is an ar.conf command. */
export const ArCommand = z
  .string()
  .trim()
  .regex(/^!?[\w.-]{1,128}$/, 'an active response command such as !firewall-drop');

export const ArRequest = z
  .object({
    connector_id: ConnectorId,
    agent_ids: AgentIds,
    command: ArCommand.default('!firewall-drop'),
    /** The address the script acts on, sent as alert.data.srcip (firewall-drop reads it). */
    srcip: z.union([z.ipv4(), z.ipv6()]).optional(),
    arguments: z.array(z.string().max(256)).max(16).default([]),
    /** The alert this response is for (kept in the audit entry). */
    alert_id: z.number().int().positive().optional(),
  })
  .strict();

export const AlertAgentMatch = z.object({
  connector_id: z.string(),
  connector_name: z.string(),
  /** How the alert points at the agent. */
  match: z.enum(['agent', 'agent_name', 'address']),
  /** For an address match: which of the alert's addresses (source or destination). */
  address_role: z.enum(['src', 'dst']).nullable(),
  agent: WazuhAgent,
  /** When this inventory was last synced (staleness). */
  synced_at: z.string().nullable(),
});
export type AlertAgentMatch = z.infer<typeof AlertAgentMatch>;

export const wazuhChannels = {
  'wazuh.agents.list': { request: AgentsListRequest, response: AgentsListResponse },
  'wazuh.agents.get': { request: z.object({ connector_id: ConnectorId, agent_id: WazuhAgentId }).strict(), response: WazuhAgent },
  /** Syncs the inventory now; answers when the sync ends. */
  'wazuh.agents.sync': { request: z.object({ connector_id: ConnectorId }).strict(), response: AgentSyncState },
  'wazuh.agents.restart': { request: z.object({ connector_id: ConnectorId, agent_ids: AgentIds }).strict(), response: WazuhActionResult },
  'wazuh.ar.run': { request: ArRequest, response: WazuhActionResult },
  /** The commands the manager defines (ossec.conf <command>), or the usual ones when it cannot say. */
  'wazuh.ar.commands': {
    request: z.object({ connector_id: ConnectorId }).strict(),
    response: z.object({ commands: z.array(z.string()), from_manager: z.boolean(), note: z.string().nullable() }),
  },
  /** The agents an alert points at: by Wazuh agent id/name, or by address for any alert. */
  'wazuh.alertAgents': { request: z.object({ alert_id: z.number().int().positive() }).strict(), response: z.array(AlertAgentMatch) },
  /** Agent actions from the audit log, newest first. */
  'wazuh.actions': {
    request: z
      .object({ connector_id: ConnectorId.optional(), agent_id: WazuhAgentId.optional(), limit: z.number().int().min(1).max(500).default(50) })
      .strict(),
    response: z.array(AuditEntry),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export const wazuhEvents = {
  /** An agent inventory sync ended (in this process). */
  'wazuh.agents.synced': AgentSyncState,
} as const satisfies Record<string, z.ZodType>;

export type WazuhChannels = typeof wazuhChannels;
export type WazuhChannelName = keyof WazuhChannels;
export type WazuhRequest<C extends WazuhChannelName> = z.output<WazuhChannels[C]['request']>;
export type WazuhResponse<C extends WazuhChannelName> = z.output<WazuhChannels[C]['response']>;
