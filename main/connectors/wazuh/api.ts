import net from 'node:net';
import { z } from 'zod';
import type { ConnectorTestResult, WazuhApiConfig } from '../../contract/connectors.js';
import { BaseConnector, type ProbeResult } from '../base.js';
import { basicAuthHeader, httpClientFor, type ConnectorDeps, type HttpClient, type HttpRequest, type HttpResponse } from '../http.js';
import { systemClock, type Clock } from '../limits.js';
import { redactingLogger, SecretSet } from '../redact.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { basicCredentials, ConnectorError, connectorFailure } from '../types.js';

/**
 * Wazuh server API 4.x (default port 55000). Login with HTTP Basic at
 * `POST /security/user/authenticate` returns a JWT; the client re-logs in at 80% of the token's
 * lifetime and once after a 401, then repeats the call. Success envelopes are read with their
 * `failed_items` (an HTTP 200 can still mean "some failed"); error replies are problem JSON with
 * Wazuh's code and remediation (WazuhApiError). Agent actions (restart, active response) refuse
 * an empty agent list before any request, because Wazuh reads a missing `agents_list` as "every
 * agent", and report what Wazuh queued: queued is not done.
 */

export const WAZUH_API_PRODUCT = 'Wazuh API';
/** Token lifetime when the JWT carries none (Wazuh's default auth_token_exp_timeout). */
const DEFAULT_TOKEN_SECONDS = 900;
/** Re-login after this share of the token's lifetime. */
export const RELOGIN_AT = 0.8;
/** Page size for agent listings: Wazuh's default and recommended maximum. */
export const AGENTS_PAGE = 500;

// ---- envelopes -------------------------------------------------------------------------------

const FailedItem = z.object({
  error: z.object({ code: z.number().int(), message: z.string().default(''), remediation: z.string().optional() }).passthrough(),
  id: z.array(z.union([z.string(), z.number()])).default([]),
});
export type FailedItem = z.infer<typeof FailedItem>;

const ItemsData = z
  .object({
    affected_items: z.array(z.unknown()),
    total_affected_items: z.number().int().nonnegative(),
    failed_items: z.array(FailedItem).default([]),
    total_failed_items: z.number().int().nonnegative().default(0),
  })
  .passthrough();

const Envelope = z.object({ data: z.unknown(), message: z.string().optional(), error: z.number().int().optional() }).passthrough();

const Problem = z
  .object({
    title: z.string().optional(),
    detail: z.string().optional(),
    remediation: z.string().optional(),
    error: z.number().int().optional(),
    code: z.number().int().optional(),
    dapi_errors: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** A Wazuh error reply (problem JSON), typed. */
export class WazuhApiError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code: number | undefined,
    readonly remediation: string | undefined,
    kind: ConstructorParameters<typeof ConnectorError>[0]['kind'],
    context: string,
  ) {
    super({
      kind,
      message: `${context}: ${title}${detail ? `: ${detail}` : ''}${code !== undefined ? ` (Wazuh error ${code})` : ''}${remediation ? `. ${remediation}` : ''}`,
      status,
      ...(code !== undefined ? { code } : {}),
      ...(remediation ? { remediation } : {}),
    });
    this.name = 'WazuhApiError';
  }
}

/** A list answer with its failures: `partial` when some items failed (envelope error 2). */
export interface ItemsResult<T> {
  items: T[];
  total: number;
  failed: FailedItem[];
  totalFailed: number;
  partial: boolean;
  message: string | null;
  /** Items in the answer that did not have the expected shape (left out, never silently: logged). */
  malformed: number;
}

// ---- domain types ----------------------------------------------------------------------------

export const AGENT_STATUSES = ['active', 'pending', 'never_connected', 'disconnected'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

const Agent = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    ip: z.string().optional(),
    registerIP: z.string().optional(),
    status: z.string().optional(),
    version: z.string().optional(),
    lastKeepAlive: z.string().optional(),
    dateAdd: z.string().optional(),
    disconnection_time: z.string().optional(),
    os: z.object({ name: z.string().optional(), platform: z.string().optional(), version: z.string().optional() }).passthrough().optional(),
    group: z.array(z.string()).optional(),
    group_config_status: z.string().optional(),
    node_name: z.string().optional(),
    manager: z.string().optional(),
  })
  .passthrough();
export type WazuhAgent = z.infer<typeof Agent>;

/** Filters of `GET /agents` (all optional; combined with AND). */
export interface AgentFilter {
  status?: readonly AgentStatus[];
  /** e.g. ubuntu, windows, darwin */
  osPlatform?: string;
  /** Agent version, e.g. "Wazuh v4.14.7" or "4.14.7". */
  version?: string;
  group?: string;
  name?: string;
  ip?: string;
  nodeName?: string;
  /** Free text over every field (Wazuh `search`; a leading '-' excludes). */
  search?: string;
  /** Wazuh query language, e.g. `os.platform=ubuntu;lastKeepAlive<1d` */
  q?: string;
  /** Only these agents. */
  ids?: readonly string[];
  /** Wazuh sort, e.g. `+name` or `-lastKeepAlive,id` (default `+id`). */
  sort?: string;
}

const LIST_SELECT = ['id', 'name', 'ip', 'registerIP', 'status', 'version', 'lastKeepAlive', 'dateAdd', 'os.name', 'os.platform', 'os.version', 'group', 'node_name', 'manager'];

export interface ApiInfo {
  title: string;
  apiVersion: string;
  revision: string;
  hostname: string;
  timestamp: string;
}

export interface ManagerInfo {
  version: string;
  type: string;
  path?: string;
  max_agents?: string;
  openssl_support?: string;
  tz_offset?: string;
  tz_name?: string;
  uuid?: string;
  [key: string]: unknown;
}

export interface AgentsSummary {
  connection: { total: number; active: number; disconnected: number; never_connected: number; pending: number };
  configuration: { total: number; synced: number; not_synced: number };
}

export interface ClusterStatus {
  enabled: boolean;
  running: boolean;
}

/** What Wazuh did with an agent action. Queued is not done: Wazuh never reports the outcome. */
export interface ActionResult {
  state: 'queued' | 'partly_queued' | 'not_queued';
  queued: string[];
  failed: { ids: string[]; code: number; message: string; remediation?: string }[];
  /** One sentence for the analyst. */
  description: string;
}

export interface ActiveResponseRequest {
  /** e.g. `!firewall-drop` (a leading ! runs the agent's script of that name) or an ar.conf name. */
  command: string;
  /** Agents to run it on; never empty (Wazuh would broadcast to every agent). */
  agents: readonly string[];
  /** Source address the script acts on: sent as alert.data.srcip (firewall-drop reads it). */
  srcip?: string;
  arguments?: readonly string[];
}

const AGENT_ID = /^\d{3,}$/;

function checkAgentIds(ids: readonly string[], action: string): string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw connectorFailure('invalid_config', `${action} needs at least one agent: Wazuh would send it to every agent`);
  }
  const bad = ids.filter((id) => typeof id !== 'string' || !AGENT_ID.test(id));
  if (bad.length) throw connectorFailure('invalid_config', `${action}: not agent ids: ${bad.slice(0, 5).join(', ')} (ids look like 001)`);
  return [...new Set(ids)];
}

/** exp/nbf/iat of a JWT (seconds), without checking its signature (the server does that). */
export function decodeJwt(token: string): { exp?: number; nbf?: number; iat?: number } {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return { exp: num(claims.exp), nbf: num(claims.nbf), iat: num(claims.iat) };
  } catch {
    return {};
  }
}

interface Session {
  token: string;
  /** Client clock: when to log in again. */
  refreshAt: number;
}

export class WazuhApiClient {
  readonly http: HttpClient;
  private readonly secrets = new SecretSet();
  private readonly clock: Clock;
  private readonly log: Logger;
  private session: Session | null = null;
  private login: Promise<Session> | null = null;
  /** Logins so far (tests and status). */
  logins = 0;

  constructor(
    readonly config: WazuhApiConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.http = httpClientFor(config, deps, this.secrets);
    this.log = redactingLogger(deps.logger ?? silentLogger, this.secrets.list);
  }

  // ---- session ---------------------------------------------------------------------------

  private async authenticate(signal?: AbortSignal): Promise<Session> {
    const { username, password } = await basicCredentials(this.deps.credentials, this.config.username, this.secrets, this.config.name);
    const res = await this.http.request({
      method: 'POST',
      path: '/security/user/authenticate',
      headers: { authorization: basicAuthHeader(username, password) },
      idempotent: true,
      expectJson: true,
      ...(signal ? { signal } : {}),
    });
    if (res.json === undefined || (res.status === 401 && !Problem.safeParse(res.json).success)) {
      // Not Wazuh's problem JSON: another server on this port (an indexer answers 401 in text).
      const realm = String(res.headers['www-authenticate'] ?? '');
      throw connectorFailure(
        'wrong_product',
        `${this.config.url} is not the Wazuh API (HTTP ${res.status} to the login${realm ? `, ${realm}` : ''}): the Wazuh API listens on port 55000 by default`,
        { status: res.status },
      );
    }
    if (res.status !== 200) throw this.problem(res, 'login');
    const token = z.object({ data: z.object({ token: z.string().min(10) }) }).safeParse(res.json);
    if (!token.success) {
      throw connectorFailure('wrong_product', `${this.config.url} answered the login without a Wazuh token: is this the Wazuh API (port 55000)?`, { status: res.status });
    }
    this.logins += 1;
    const jwt = token.data.data.token;
    this.secrets.delete(this.session?.token);
    this.secrets.add(jwt);
    const claims = decodeJwt(jwt);
    const now = this.clock.now();
    const issued = claims.iat ?? claims.nbf;
    const lifetimeMs =
      claims.exp !== undefined && issued !== undefined && claims.exp > issued
        ? (claims.exp - issued) * 1000
        : claims.exp !== undefined
          ? Math.max(0, claims.exp * 1000 - now)
          : DEFAULT_TOKEN_SECONDS * 1000;
    return { token: jwt, refreshAt: now + lifetimeMs * RELOGIN_AT };
  }

  /** A token that is not past 80% of its life; one login at a time. */
  private async token(signal?: AbortSignal): Promise<string> {
    if (this.session && this.clock.now() < this.session.refreshAt) return this.session.token;
    if (!this.login) {
      this.login = this.authenticate(signal)
        .then((s) => (this.session = s))
        .finally(() => (this.login = null));
    }
    return (await this.login).token;
  }

  /** A call with the token; after a 401 one fresh login and one more try. */
  private async call(req: HttpRequest, context: string): Promise<HttpResponse> {
    for (let relogged = false; ; relogged = true) {
      const token = await this.token(req.signal);
      const res = await this.http.request({ ...req, expectJson: true, headers: { ...req.headers, authorization: `Bearer ${token}` } });
      if (res.status === 401 && !relogged) {
        if (this.session?.token === token) this.session = null;
        continue;
      }
      if (res.status >= 400) throw this.problem(res, context);
      return res;
    }
  }

  /** A problem-JSON reply as a typed error. */
  private problem(res: HttpResponse, context: string): ConnectorError {
    const parsed = Problem.safeParse(res.json);
    const p = parsed.success ? parsed.data : {};
    const code = p.error ?? p.code;
    const title = p.title ?? `HTTP ${res.status}`;
    const detail = p.detail ?? (parsed.success ? '' : res.text.slice(0, 200));
    const kind =
      res.status === 401 ? 'auth_failed' : res.status === 403 ? 'forbidden' : res.status === 429 ? 'rate_limited' : res.status === 404 && !parsed.success ? 'wrong_product' : 'http_error';
    const err = new WazuhApiError(res.status, title, detail, code, p.remediation, kind, `${this.config.name} ${context}`);
    if (res.status === 429) {
      const retry = res.headers['retry-after'];
      const seconds = Number(Array.isArray(retry) ? retry[0] : retry);
      if (Number.isFinite(seconds)) err.failure.retryAfterMs = seconds * 1000;
    }
    return err;
  }

  private data(res: HttpResponse, context: string): { data: unknown; message: string | null; error: number } {
    const env = Envelope.safeParse(res.json);
    if (!env.success) throw connectorFailure('bad_response', `${this.config.name} ${context}: the answer is not a Wazuh envelope`, { status: res.status });
    return { data: env.data.data, message: env.data.message ?? null, error: env.data.error ?? 0 };
  }

  private items<T>(res: HttpResponse, context: string, item: z.ZodType<T>): ItemsResult<T> {
    const { data, message } = this.data(res, context);
    const parsed = ItemsData.safeParse(data);
    if (!parsed.success) throw connectorFailure('bad_response', `${this.config.name} ${context}: no affected_items in the answer`, { status: res.status });
    const items: T[] = [];
    let malformed = 0;
    for (const raw of parsed.data.affected_items) {
      const one = item.safeParse(raw);
      if (one.success) items.push(one.data);
      else malformed++;
    }
    if (malformed) this.log.warn('items without the expected shape left out', { connector: this.config.id, context, malformed });
    const d = parsed.data;
    return {
      items,
      total: d.total_affected_items,
      failed: d.failed_items,
      totalFailed: d.total_failed_items,
      partial: d.failed_items.length > 0 && d.total_affected_items > 0,
      message,
      malformed,
    };
  }

  // ---- reads -----------------------------------------------------------------------------

  /** `GET /`: API title and version. */
  async info(signal?: AbortSignal): Promise<ApiInfo> {
    const res = await this.call({ method: 'GET', path: '/', ...(signal ? { signal } : {}) }, 'GET /');
    const d = z
      .object({ title: z.string(), api_version: z.string(), revision: z.string().default(''), hostname: z.string().default(''), timestamp: z.string().default('') })
      .safeParse(this.data(res, 'GET /').data);
    if (!d.success) throw connectorFailure('wrong_product', `${this.config.url} is not a Wazuh API: GET / has no title and api_version`);
    return { title: d.data.title, apiVersion: d.data.api_version, revision: d.data.revision, hostname: d.data.hostname, timestamp: d.data.timestamp };
  }

  async managerInfo(signal?: AbortSignal): Promise<ManagerInfo> {
    const res = await this.call({ method: 'GET', path: '/manager/info', ...(signal ? { signal } : {}) }, 'manager info');
    const r = this.items(res, 'manager info', z.object({ version: z.string(), type: z.string() }).passthrough());
    if (!r.items[0]) throw connectorFailure('bad_response', `${this.config.name} manager info: empty answer`);
    return r.items[0] as ManagerInfo;
  }

  /** Daemon name → running/stopped. */
  async managerStatus(signal?: AbortSignal): Promise<Record<string, string>> {
    const res = await this.call({ method: 'GET', path: '/manager/status', ...(signal ? { signal } : {}) }, 'manager status');
    const r = this.items(res, 'manager status', z.record(z.string(), z.string()));
    return r.items[0] ?? {};
  }

  async clusterStatus(signal?: AbortSignal): Promise<ClusterStatus> {
    const res = await this.call({ method: 'GET', path: '/cluster/status', ...(signal ? { signal } : {}) }, 'cluster status');
    const d = z.object({ enabled: z.enum(['yes', 'no']), running: z.enum(['yes', 'no']) }).safeParse(this.data(res, 'cluster status').data);
    if (!d.success) throw connectorFailure('bad_response', `${this.config.name} cluster status: unexpected answer`);
    return { enabled: d.data.enabled === 'yes', running: d.data.running === 'yes' };
  }

  /** Agent counts by connection status and configuration sync. */
  async agentsSummary(signal?: AbortSignal): Promise<AgentsSummary> {
    const res = await this.call({ method: 'GET', path: '/agents/summary/status', ...(signal ? { signal } : {}) }, 'agents summary');
    const n = z.number().int().nonnegative().default(0);
    const d = z
      .object({
        connection: z.object({ total: n, active: n, disconnected: n, never_connected: n, pending: n }),
        configuration: z.object({ total: n, synced: n, not_synced: n }),
      })
      .safeParse(this.data(res, 'agents summary').data);
    if (!d.success) throw connectorFailure('bad_response', `${this.config.name} agents summary: unexpected answer`);
    return d.data;
  }

  /**
   * The commands the manager defines for active response (ossec.conf `<command>`: name and
   * executable), from `GET /manager/configuration?section=command`. An agent runs `!executable`.
   */
  async commands(signal?: AbortSignal): Promise<{ name: string; executable: string }[]> {
    const res = await this.call({ method: 'GET', path: '/manager/configuration', query: { section: 'command' }, ...(signal ? { signal } : {}) }, 'manager commands');
    const command = z.object({ name: z.string(), executable: z.string() }).passthrough();
    const r = this.items(res, 'manager commands', z.object({ command: z.union([z.array(command), command]).optional() }).passthrough());
    const c = r.items[0]?.command;
    return (Array.isArray(c) ? c : c ? [c] : []).map(({ name, executable }) => ({ name, executable }));
  }

  /** One page of agents (offset/limit as Wazuh pages: limit ≤ 500 recommended). */
  async listAgents(filter: AgentFilter = {}, page: { offset?: number; limit?: number } = {}, signal?: AbortSignal): Promise<ItemsResult<WazuhAgent>> {
    const limit = page.limit ?? AGENTS_PAGE;
    const offset = page.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw connectorFailure('invalid_config', 'limit must be 1..100000 (500 recommended)');
    if (!Number.isInteger(offset) || offset < 0) throw connectorFailure('invalid_config', 'offset must be 0 or more');
    if (filter.ids) checkAgentIds(filter.ids, 'listing agents by id');
    const res = await this.call(
      {
        method: 'GET',
        path: '/agents',
        query: {
          offset,
          limit,
          sort: filter.sort ?? '+id',
          select: LIST_SELECT,
          status: filter.status?.length ? filter.status : undefined,
          'os.platform': filter.osPlatform,
          version: filter.version,
          group: filter.group,
          name: filter.name,
          ip: filter.ip,
          node_name: filter.nodeName,
          search: filter.search,
          q: filter.q,
          agents_list: filter.ids?.length ? filter.ids : undefined,
        },
        ...(signal ? { signal } : {}),
      },
      'list agents',
    );
    return this.items(res, 'list agents', Agent);
  }

  /** Every agent matching the filter, a page (500) at a time. */
  async *agents(filter: AgentFilter = {}, signal?: AbortSignal): AsyncGenerator<ItemsResult<WazuhAgent>> {
    for (let offset = 0; ; ) {
      const page = await this.listAgents(filter, { offset, limit: AGENTS_PAGE }, signal);
      yield page;
      offset += AGENTS_PAGE;
      if (offset >= page.total || page.items.length === 0) return;
    }
  }

  /** One agent, or null when Wazuh does not know it. */
  async agent(id: string, signal?: AbortSignal): Promise<WazuhAgent | null> {
    const r = await this.listAgents({ ids: [id] }, { limit: 1 }, signal);
    return r.items[0] ?? null;
  }

  // ---- actions ---------------------------------------------------------------------------

  private actionResult(r: ItemsResult<unknown>, what: string): ActionResult {
    const queued = r.items.map(String);
    const failed = r.failed.map((f) => ({
      ids: f.id.map(String),
      code: f.error.code,
      message: f.error.message,
      ...(f.error.remediation ? { remediation: f.error.remediation } : {}),
    }));
    const state = failed.length === 0 ? 'queued' : queued.length ? 'partly_queued' : 'not_queued';
    const why = failed.map((f) => `${f.ids.join(', ')}: ${f.message || 'failed'} (Wazuh error ${f.code})`).join('; ');
    const description =
      state === 'not_queued'
        ? `${what} was not sent to any agent. ${why}`
        : `${what} queued for ${queued.length} agent${queued.length === 1 ? '' : 's'} (${queued.join(', ')}). Queued is not done: Wazuh does not report whether it ran.` +
          (failed.length ? ` Not sent to ${why}` : '');
    return { state, queued, failed, description };
  }

  /** `PUT /agents/restart?agents_list=…`; never without agents. */
  async restartAgents(ids: readonly string[], signal?: AbortSignal): Promise<ActionResult> {
    const agents = checkAgentIds(ids, 'restarting agents');
    const res = await this.call({ method: 'PUT', path: '/agents/restart', query: { agents_list: agents }, ...(signal ? { signal } : {}) }, 'restart agents');
    return this.actionResult(this.items(res, 'restart agents', z.union([z.string(), z.number()])), 'Restart');
  }

  /** `PUT /active-response?agents_list=…` with the source address in alert.data.srcip. */
  async activeResponse(req: ActiveResponseRequest, signal?: AbortSignal): Promise<ActionResult> {
    const agents = checkAgentIds(req.agents, `active response ${req.command ?? ''}`.trim());
    const command = typeof req.command === 'string' ? req.command.trim() : '';
    if (!/^!?[\w.-]{1,128}$/.test(command)) throw connectorFailure('invalid_config', `"${req.command}" is not an active response command (e.g. !firewall-drop)`);
    if (req.srcip !== undefined && net.isIP(req.srcip) === 0) throw connectorFailure('invalid_config', `"${req.srcip}" is not an IP address`);
    const body: Record<string, unknown> = { command, arguments: [...(req.arguments ?? [])] };
    if (req.srcip !== undefined) body.alert = { data: { srcip: req.srcip } };
    const res = await this.call(
      { method: 'PUT', path: '/active-response', query: { agents_list: agents }, json: body, ...(signal ? { signal } : {}) },
      `active response ${command}`,
    );
    return this.actionResult(this.items(res, 'active response', z.union([z.string(), z.number()])), `${command}${req.srcip ? ` for ${req.srcip}` : ''}`);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Major.minor of a Wazuh version string ("v4.14.7", "4.14.7", "Wazuh v4.7.4"). */
export function wazuhVersion(s: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The Wazuh API as a Connector: test() and health() over WazuhApiClient. */
export class WazuhApiConnector extends BaseConnector<WazuhApiConfig> {
  readonly product = WAZUH_API_PRODUCT;
  readonly client: WazuhApiClient;

  constructor(config: WazuhApiConfig, deps: ConnectorDeps) {
    super(config, deps.clock);
    this.client = new WazuhApiClient(config, deps);
  }

  /** Login, then GET / must be a Wazuh API 4.x. */
  protected async check(elapsed: () => number, signal?: AbortSignal): Promise<ConnectorTestResult> {
    const info = await this.client.info(signal);
    const latencyMs = elapsed();
    const v = wazuhVersion(info.apiVersion);
    if (!/wazuh/i.test(info.title)) {
      return { ok: false, failure: { kind: 'wrong_product', message: `${this.config.url} is "${info.title}", not a Wazuh API` }, latencyMs };
    }
    if (!v || v[0] !== 4) {
      return { ok: false, failure: { kind: 'wrong_product', message: `${this.config.url} runs Wazuh API ${info.apiVersion}; Vigil speaks the 4.x API` }, latencyMs };
    }
    return { ok: true, product: WAZUH_API_PRODUCT, version: info.apiVersion, latencyMs, details: { hostname: info.hostname, revision: info.revision } };
  }

  /** ok; degraded when a daemon is stopped or the cluster is enabled but not running. */
  protected async probe(elapsed: () => number, signal?: AbortSignal): Promise<ProbeResult> {
    const info = await this.client.info(signal);
    const latencyMs = elapsed();
    const [daemons, cluster] = await Promise.all([this.client.managerStatus(signal), this.client.clusterStatus(signal)]);
    const stopped = Object.entries(daemons)
      .filter(([name, state]) => state !== 'running' && !OPTIONAL_DAEMONS.has(name))
      .map(([name]) => name);
    const problems = [...(stopped.length ? [`stopped: ${stopped.join(', ')}`] : []), ...(cluster.enabled && !cluster.running ? ['cluster enabled but not running'] : [])];
    return {
      status: problems.length ? 'degraded' : 'ok',
      version: info.apiVersion,
      latencyMs,
      problem: problems.length ? problems.join('; ') : null,
      details: { hostname: info.hostname, cluster: cluster.enabled ? (cluster.running ? 'running' : 'stopped') : 'disabled' },
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Daemons that are stopped on a healthy default install (not configured), so not a problem. */
const OPTIONAL_DAEMONS = new Set(['wazuh-agentlessd', 'wazuh-csyslogd', 'wazuh-integratord', 'wazuh-maild', 'wazuh-reportd', 'wazuh-clusterd', 'wazuh-dbd']);
