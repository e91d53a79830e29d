import crypto from 'node:crypto';
import { MANAGER_VERSION, type SimAgent } from './data.js';
import { basicAuth, json, type Reply, type SimRequest } from './server-kit.js';

/**
 * The Wazuh server API 4.x as the spec (spec-4.14.7.yaml) and Wazuh's tavern tests describe it:
 * JWT login, success envelopes with affected/failed items, problem-JSON errors, strict query
 * parameters, paging, filters, sort/select/search/q, 300 requests a minute, agent restart and
 * active response with per-agent failures. Only the endpoints Vigil uses exist; any other path
 * is a 404 like Wazuh's.
 */

export interface ApiSimOptions {
  agents: SimAgent[];
  /** user name -> password */
  users?: Record<string, string>;
  /** JWT lifetime (Wazuh's auth_token_exp_timeout, 900 s by default). */
  tokenSeconds?: number;
  /** access.max_request_per_minute (300 by default; 0 = off). */
  maxRequestsPerMinute?: number;
  /** Send Retry-After (seconds to the window's end) with the rate-limit 429; Wazuh itself does not. */
  rateLimitRetryAfter?: boolean;
  cluster?: { enabled: boolean; running: boolean };
  stoppedDaemons?: string[];
  /** ossec.conf <command> entries (default: the stock 4.x ones). */
  commands?: { name: string; executable: string }[];
  /** What GET / reports as api_version (default the manager's, 4.14.7). */
  apiVersion?: string;
  now?: () => number;
}

export interface SimAction {
  type: 'restart' | 'active-response';
  agents: string[];
  command?: string;
  arguments?: string[];
  alert?: unknown;
}

const DAEMONS = [
  'wazuh-agentlessd',
  'wazuh-analysisd',
  'wazuh-authd',
  'wazuh-csyslogd',
  'wazuh-execd',
  'wazuh-integratord',
  'wazuh-logcollector',
  'wazuh-maild',
  'wazuh-monitord',
  'wazuh-remoted',
  'wazuh-reportd',
  'wazuh-syscheckd',
  'wazuh-apid',
  'wazuh-clusterd',
  'wazuh-db',
  'wazuh-modulesd',
];
/** The <command> blocks of a stock Wazuh 4.x manager's ossec.conf. */
const DEFAULT_COMMANDS = ['disable-account', 'restart-wazuh', 'firewall-drop', 'host-deny', 'route-null', 'win_route-null', 'netsh'].map((name) => ({ name, executable: name }));
const OFF_BY_DEFAULT = ['wazuh-agentlessd', 'wazuh-csyslogd', 'wazuh-integratord', 'wazuh-maild', 'wazuh-reportd', 'wazuh-clusterd'];

const COMMON = ['pretty', 'wait_for_complete'];
const AGENT_LIST_PARAMS = [
  ...COMMON,
  'agents_list',
  'offset',
  'limit',
  'select',
  'sort',
  'search',
  'status',
  'q',
  'older_than',
  'os.platform',
  'os.version',
  'os.name',
  'manager',
  'version',
  'group',
  'node_name',
  'name',
  'ip',
  'registerIP',
  'group_config_status',
  'distinct',
];

const ERRORS: Record<number, { message: string; remediation?: string }> = {
  1701: { message: 'Agent does not exist', remediation: 'Please, use `GET /agents?select=id,name` to find all available agents' },
  1703: { message: 'Action not available for Manager (agent 000)', remediation: 'Please, use `GET /agents?select=id,name` to find all available agents' },
  1707: { message: 'Cannot send request, agent is not active', remediation: 'Please, check non-active agents connection and try again. Visit https://documentation.wazuh.com/4.14/user-manual/registering/index.html and https://documentation.wazuh.com/4.14/user-manual/agents/agent-connection.html to obtain more information on registering and connecting agents' },
  1750: { message: 'Could not send command, active-response is disabled in the agent', remediation: 'You can activate it in agents\' `ossec.conf`' },
};

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Reply => json(status, { title, detail, ...extra });
const badRequest = (detail: string, extra: Record<string, unknown> = {}) => problem(400, 'Bad Request', detail, extra);

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Value of a dotted field of an agent. */
function field(a: SimAgent, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), a);
}

const SELECTABLE = new Set(['id', 'name', 'ip', 'registerIP', 'status', 'status_code', 'version', 'lastKeepAlive', 'dateAdd', 'disconnection_time', 'node_name', 'manager', 'group', 'group_config_status', 'mergedSum', 'configSum', 'os', 'os.name', 'os.platform', 'os.version', 'os.major', 'os.minor', 'os.arch', 'os.uname', 'os.codename']);
const SORTABLE = new Set(['id', 'name', 'ip', 'registerIP', 'status', 'version', 'lastKeepAlive', 'dateAdd', 'node_name', 'manager', 'group', 'os.name', 'os.platform', 'os.version', 'os.major', 'os.minor', 'group_config_status', 'mergedSum', 'configSum', 'status_code', 'disconnection_time']);

/** Wazuh compares versions numerically ("Wazuh v3.13.2" > "Wazuh v3.9.2"). */
function cmpValues(x: unknown, y: unknown, key: string): number {
  if (x === undefined && y === undefined) return 0;
  if (x === undefined) return -1;
  if (y === undefined) return 1;
  if (key === 'version') {
    const px = String(x).replace(/^\D+/, '').split('.').map(Number);
    const py = String(y).replace(/^\D+/, '').split('.').map(Number);
    for (let i = 0; i < 3; i++) if ((px[i] ?? 0) !== (py[i] ?? 0)) return (px[i] ?? 0) - (py[i] ?? 0);
    return 0;
  }
  const sx = Array.isArray(x) ? x.join(',') : String(x);
  const sy = Array.isArray(y) ? y.join(',') : String(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/** Wazuh query language: `;` AND, `,` OR, operators = != < > ~. */
function compileQ(q: string): ((a: SimAgent) => boolean) | string {
  const ands = q.split(';').map((part) =>
    part.split(',').map((term) => {
      const m = /^([\w.]+)(!=|=|<|>|~)(.*)$/.exec(term.trim());
      return m ? { key: m[1]!, op: m[2]!, value: m[3]! } : null;
    }),
  );
  for (const alts of ands) for (const t of alts) if (!t || !SORTABLE.has(t.key)) return t ? `Invalid field '${t.key}' in q` : `q "${q}" does not match the query format`;
  return (a) =>
    ands.every((alts) =>
      alts.some((t) => {
        const v = field(a, t!.key);
        const s = Array.isArray(v) ? v.join(',') : v === undefined ? '' : String(v);
        switch (t!.op) {
          case '=':
            return Array.isArray(v) ? v.includes(t!.value) : s === t!.value;
          case '!=':
            return Array.isArray(v) ? !v.includes(t!.value) : s !== t!.value;
          case '~':
            return s.toLowerCase().includes(t!.value.toLowerCase());
          case '<':
            return cmpValues(v, t!.value, t!.key) < 0;
          default:
            return cmpValues(v, t!.value, t!.key) > 0;
        }
      }),
    );
}

function flatValues(o: unknown, out: string[] = []): string[] {
  if (o === null || o === undefined) return out;
  if (typeof o === 'object') for (const v of Object.values(o)) flatValues(v, out);
  else out.push(String(o));
  return out;
}

/** Only the selected (dotted) fields, id always kept. */
function selectFields(a: SimAgent, select: string[] | null): Record<string, unknown> {
  const { arDisabled: _ar, ...visible } = a;
  if (!select) return visible;
  const out: Record<string, unknown> = { id: a.id };
  for (const path of select) {
    const v = field(a, path);
    if (v === undefined) continue;
    const keys = path.split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[keys.at(-1)!] = v;
  }
  return out;
}

export class WazuhApiSim {
  readonly actions: SimAction[] = [];
  /** Successful logins. */
  logins = 0;
  private readonly secret = crypto.randomBytes(32);
  /** Tokens whose nbf (seconds) is before this are revoked. */
  private revokedBefore = 0;
  private windowStart = 0;
  private windowCount = 0;
  tokenSeconds: number;
  maxRequestsPerMinute: number;
  private readonly now: () => number;

  constructor(readonly opts: ApiSimOptions) {
    this.tokenSeconds = opts.tokenSeconds ?? 900;
    this.maxRequestsPerMinute = opts.maxRequestsPerMinute ?? 300;
    this.now = opts.now ?? Date.now;
  }

  get agents(): SimAgent[] {
    return this.opts.agents;
  }

  /**
   * Like a change to the security configuration: tokens issued before the current second stop
   * working (Wazuh compares the token's nbf with the change time in whole seconds).
   */
  revokeTokens(): void {
    this.revokedBefore = Math.floor(this.now() / 1000);
  }

  private sign(username: string): string {
    const nowS = Math.floor(this.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
    const payload = b64url(
      JSON.stringify({ iss: 'wazuh', aud: 'Wazuh API REST', nbf: nowS, exp: nowS + this.tokenSeconds, sub: username, run_as: false, rbac_roles: [1], rbac_mode: 'white' }),
    );
    const sig = b64url(crypto.createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
    return `${header}.${payload}.${sig}`;
  }

  private verify(token: string): boolean {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return false;
    const expected = b64url(crypto.createHmac('sha256', this.secret).update(`${h}.${p}`).digest());
    if (expected.length !== s.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(s))) return false;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp: number; nbf: number };
    return claims.nbf >= this.revokedBefore && claims.exp * 1000 > this.now();
  }

  private rateLimited(): Reply | null {
    if (!this.maxRequestsPerMinute) return null;
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount <= this.maxRequestsPerMinute) return null;
    const headers: Record<string, string> = this.opts.rateLimitRetryAfter ? { 'retry-after': String(Math.ceil((this.windowStart + 60_000 - now) / 1000)) } : {};
    return json(
      429,
      {
        title: 'Wazuh Error',
        detail: 'Maximum number of requests per minute reached',
        remediation: 'This limit can be changed in api.yaml file. More information here: https://documentation.wazuh.com/4.14/user-manual/api/security/configuration.html',
        error: 6001,
      },
      headers,
    );
  }

  handle = (req: SimRequest): Reply => {
    const limited = this.rateLimited();
    if (limited) return limited;
    const route = `${req.method} ${req.path.replace(/\/+$/, '') || '/'}`;
    if (route === 'POST /security/user/authenticate') return this.authenticate(req);
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!auth) return problem(401, 'Unauthorized', 'No authorization token provided');
    if (!this.verify(auth[1]!)) return problem(401, 'Unauthorized', 'Invalid token');
    const allowed: Record<string, string[]> = {
      'GET /': ['pretty'],
      'GET /manager/info': COMMON,
      'GET /manager/status': COMMON,
      'GET /cluster/status': COMMON,
      'GET /agents/summary/status': COMMON,
      'GET /manager/configuration': [...COMMON, 'raw', 'section', 'field', 'distinct'],
      'GET /agents': AGENT_LIST_PARAMS,
      'PUT /agents/restart': [...COMMON, 'agents_list'],
      'PUT /active-response': [...COMMON, 'agents_list'],
    };
    const params = allowed[route];
    if (!params) return problem(404, 'Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.');
    for (const k of req.query.keys()) if (!params.includes(k)) return badRequest(`Unknown parameter '${k}'`);
    switch (route) {
      case 'GET /':
        return json(200, {
          data: {
            title: 'Wazuh API REST',
            api_version: this.opts.apiVersion ?? MANAGER_VERSION,
            revision: 'rc1',
            license_name: 'GPL 2.0',
            license_url: 'https://github.com/wazuh/wazuh/blob/v4.14.7/LICENSE',
            hostname: 'wazuh-manager',
            timestamp: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
          error: 0,
        });
      case 'GET /manager/info':
        return this.items(
          [{ path: '/var/ossec', version: `v${MANAGER_VERSION}`, type: 'server', max_agents: 'unlimited', openssl_support: 'yes', tz_offset: '+0000', tz_name: 'UTC', uuid: '2b4c8e1a-5f3d-4e6a-9b7c-1d2e3f4a5b6c' }],
          [],
          'Basic information was successfully read',
        );
      case 'GET /manager/status': {
        const stopped = new Set([...OFF_BY_DEFAULT, ...(this.opts.stoppedDaemons ?? [])]);
        if (this.opts.cluster?.enabled) stopped.delete('wazuh-clusterd');
        return this.items([Object.fromEntries(DAEMONS.map((d) => [d, stopped.has(d) ? 'stopped' : 'running']))], [], 'Processes status was successfully read');
      }
      case 'GET /cluster/status': {
        const c = this.opts.cluster ?? { enabled: false, running: false };
        return json(200, { data: { enabled: c.enabled ? 'yes' : 'no', running: c.running ? 'yes' : 'no' }, error: 0 });
      }
      case 'GET /agents/summary/status':
        return this.summary();
      case 'GET /manager/configuration':
        return this.configuration(req);
      case 'GET /agents':
        return this.listAgents(req);
      case 'PUT /agents/restart':
        return this.restart(req);
      default:
        return this.activeResponse(req);
    }
  };

  private authenticate(req: SimRequest): Reply {
    for (const k of req.query.keys()) if (!['raw'].includes(k)) return badRequest(`Unknown parameter '${k}'`);
    const creds = basicAuth(req);
    const users = this.opts.users ?? { wazuh: 'wazuh' };
    if (!creds || users[creds.username] === undefined || users[creds.username] !== creds.password) return problem(401, 'Unauthorized', 'Invalid credentials');
    this.logins += 1;
    const token = this.sign(creds.username);
    if (req.query.get('raw') === 'true') return { status: 200, body: token, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    return json(200, { data: { token }, error: 0 });
  }

  /** A success envelope; error 0 = all ok, 1 = all failed, 2 = some failed. */
  private items(affected: unknown[], failed: { code: number; ids: string[] }[], message: string, total = affected.length): Reply {
    const failed_items = failed
      .filter((f) => f.ids.length)
      .map((f) => ({ error: { code: f.code, message: ERRORS[f.code]?.message ?? 'Error', ...(ERRORS[f.code]?.remediation ? { remediation: ERRORS[f.code]!.remediation } : {}) }, id: f.ids }));
    const totalFailed = failed_items.reduce((n, f) => n + f.id.length, 0);
    const error = totalFailed === 0 ? 0 : total === 0 ? 1 : 2;
    return json(200, { data: { affected_items: affected, total_affected_items: total, total_failed_items: totalFailed, failed_items }, message, error });
  }

  /** ossec.conf as JSON; only the `command` section (active response commands) has content here. */
  private configuration(req: SimRequest): Reply {
    const section = req.query.get('section');
    if (section !== null && section !== 'command') return this.items([{}], [], 'Configuration was successfully read');
    return this.items([{ command: (this.opts.commands ?? DEFAULT_COMMANDS).map((c) => ({ ...c, timeout_allowed: 'yes' })) }], [], 'Configuration was successfully read');
  }

  private summary(): Reply {
    const agents = this.agents.filter((a) => a.id !== '000');
    const count = (s: string) => agents.filter((a) => a.status === s).length;
    return json(200, {
      data: {
        connection: { active: count('active'), disconnected: count('disconnected'), never_connected: count('never_connected'), pending: count('pending'), total: agents.length },
        configuration: { synced: agents.filter((a) => a.group_config_status === 'synced').length, not_synced: agents.filter((a) => a.group_config_status !== 'synced').length, total: agents.length },
      },
      error: 0,
    });
  }

  private listAgents(req: SimRequest): Reply {
    const q = req.query;
    const int = (name: string, def: number, min: number, max: number): number | Reply => {
      const raw = q.get(name);
      if (raw === null) return def;
      if (!/^-?\d+$/.test(raw)) return badRequest(`'${raw}' is not of type 'integer'`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) return badRequest(`Invalid ${name}: ${raw}`, { error: 2003 });
      if (n < min) return badRequest(`${n} is less than the minimum of ${min}`);
      if (n > max) return badRequest(`${n} is greater than the maximum of ${max}`);
      return n;
    };
    const offset = int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof offset !== 'number') return offset;
    const limit = int('limit', 500, 1, 100_000);
    if (typeof limit !== 'number') return limit;
    let list = this.agents;
    const ids = q.get('agents_list')?.split(',');
    if (ids?.some((id) => !/^\d{3,}$/.test(id))) return badRequest(`'${ids.find((id) => !/^\d{3,}$/.test(id))}' is not a 'numbers'`);
    if (ids) list = list.filter((a) => ids.includes(a.id));
    const status = q.get('status')?.split(',');
    if (status?.some((s) => !['active', 'pending', 'never_connected', 'disconnected'].includes(s))) return badRequest(`'${status.join(',')}' is not one of ['active', 'pending', 'never_connected', 'disconnected']`);
    if (status) list = list.filter((a) => status.includes(a.status));
    for (const key of ['os.platform', 'os.version', 'os.name', 'manager', 'node_name', 'name', 'ip', 'registerIP', 'group_config_status']) {
      const v = q.get(key);
      if (v !== null) list = list.filter((a) => String(field(a, key) ?? '') === v);
    }
    const version = q.get('version');
    if (version !== null) {
      // 'Wazuh v3.9.2', 'Wazuh 3.9.2', 'v3.9.2' and '3.9.2' all mean the same version
      if (!/^[\w .]+$/.test(version)) return badRequest(`'${version}' is not a 'wazuh_version'`);
      const bare = (v: string | undefined) => v?.replace(/^wazuh\s*/i, '').replace(/^v/i, '');
      list = list.filter((a) => a.version !== undefined && bare(a.version) === bare(version));
    }
    const group = q.get('group');
    if (group !== null) list = list.filter((a) => a.group?.includes(group));
    const search = q.get('search');
    if (search) {
      const neg = search.startsWith('-');
      const needle = (neg ? search.slice(1) : search).toLowerCase();
      list = list.filter((a) => flatValues(selectFields(a, null)).some((v) => v.toLowerCase().includes(needle)) !== neg);
    }
    const qs = q.get('q');
    if (qs) {
      const pred = compileQ(qs);
      if (typeof pred === 'string') return badRequest(pred, { error: 1407 });
      list = list.filter(pred);
    }
    // The sign in front applies to every field: `-version,id` sorts both descending (tavern).
    const sortParam = q.get('sort') ?? '+id';
    const desc = sortParam.startsWith('-');
    const sortKeys = sortParam.replace(/^[+-]/, '').split(',');
    const badSort = sortKeys.find((k) => !SORTABLE.has(k));
    if (badSort) return badRequest(`Invalid sort field: ${badSort}`, { error: 1403, remediation: `Allowed sort fields: ${[...SORTABLE].join(', ')}` });
    list = [...list].sort((x, y) => {
      for (const key of sortKeys) {
        const c = cmpValues(field(x, key), field(y, key), key);
        if (c) return desc ? -c : c;
      }
      return 0;
    });
    const select = q.get('select')?.split(',') ?? null;
    const badSelect = select?.find((f) => !/^[\w.]+$/.test(f));
    if (badSelect) return badRequest(`'${badSelect}' is not a 'names'`);
    const unknownSelect = select?.find((f) => !SELECTABLE.has(f));
    if (unknownSelect) return badRequest(`Select field "${unknownSelect}" is not valid`, { error: 1724, remediation: `Allowed select fields: ${[...SELECTABLE].join(', ')}` });
    const page = list.slice(offset, offset + limit).map((a) => selectFields(a, select));
    return this.items(page, ids ? [{ code: 1701, ids: ids.filter((id) => !this.agents.some((a) => a.id === id)) }] : [], 'All selected agents information was returned', list.length);
  }

  private targets(req: SimRequest): string[] | null {
    return req.query.get('agents_list')?.split(',') ?? null;
  }

  private restart(req: SimRequest): Reply {
    const ids = this.targets(req);
    if (ids?.some((id) => !/^\d{3,}$/.test(id))) return badRequest(`'${ids.join(',')}' is not a 'numbers'`);
    const byId = new Map(this.agents.map((a) => [a.id, a]));
    const failed: Record<number, string[]> = { 1701: [], 1703: [], 1707: [] };
    const queued: string[] = [];
    // No agents_list: every agent (the manager and inactive agents are skipped silently).
    for (const id of ids ?? this.agents.filter((a) => a.id !== '000' && a.status === 'active').map((a) => a.id)) {
      const a = byId.get(id);
      if (!a) failed[1701]!.push(id);
      else if (id === '000') failed[1703]!.push(id);
      else if (a.status !== 'active') failed[1707]!.push(id);
      else queued.push(id);
    }
    if (queued.length) this.actions.push({ type: 'restart', agents: queued });
    const f = Object.entries(failed).map(([code, list]) => ({ code: Number(code), ids: list }));
    const message = f.every((x) => !x.ids.length) ? 'All selected agents were restarted' : queued.length ? 'Restart command was not sent to some agents' : 'Restart command was not sent to any agent';
    return this.items(queued, f, message);
  }

  private activeResponse(req: SimRequest): Reply {
    let body: unknown;
    try {
      body = req.text ? JSON.parse(req.text) : undefined;
    } catch {
      return badRequest('Invalid JSON body');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return badRequest('Request body is required');
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).find((k) => !['command', 'arguments', 'alert'].includes(k));
    if (unknown) return badRequest(`Invalid field found {'${unknown}'}`);
    if (typeof b.command !== 'string' || !/^!?[\w\-.\\/:]+$/.test(b.command)) return badRequest("'command' is a required property");
    if (b.arguments !== undefined && !(Array.isArray(b.arguments) && b.arguments.every((x) => typeof x === 'string'))) return badRequest("'arguments' is not of type 'array'");
    const ids = this.targets(req);
    if (ids?.some((id) => !/^\d{3,}$/.test(id))) return badRequest(`'${ids.join(',')}' is not a 'numbers'`);
    const byId = new Map(this.agents.map((a) => [a.id, a]));
    const failed: Record<number, string[]> = { 1701: [], 1707: [], 1750: [] };
    const queued: string[] = [];
    for (const id of ids ?? this.agents.filter((a) => a.id !== '000').map((a) => a.id)) {
      const a = byId.get(id);
      if (!a) failed[1701]!.push(id);
      else if (a.status !== 'active') failed[1707]!.push(id);
      else if (a.arDisabled) failed[1750]!.push(id);
      else queued.push(id);
    }
    if (queued.length) this.actions.push({ type: 'active-response', agents: queued, command: b.command, arguments: (b.arguments as string[]) ?? [], alert: b.alert });
    const f = Object.entries(failed).map(([code, list]) => ({ code: Number(code), ids: list }));
    const message = f.every((x) => !x.ids.length) ? 'AR command was sent to all agents' : queued.length ? 'AR command was not sent to some agents' : 'AR command was not sent to any agent';
    return this.items(queued, f, message);
  }
}
