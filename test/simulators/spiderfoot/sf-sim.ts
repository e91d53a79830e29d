import crypto from 'node:crypto';
import net from 'node:net';
import { ZoneClock } from '../../../main/connectors/spiderfoot/time.js';
import type { Reply, SimRequest } from '../wazuh/server-kit.js';
import { pyJson } from './pyjson.js';
import { EVENT_TYPES, EVENT_TYPES_BODY, NOT_FOUND_PAGE } from './recorded.js';

/**
 * SpiderFoot 4.0.0's web API (sfwebui.py on CherryPy 18.8) as recorded from the real server
 * (recorded/): positional arrays in Python's JSON layout, `["ERROR", ...]` with HTTP 200,
 * `{"error": {...}}` with 400/404, CherryPy's 404 page for a missing parameter, a 303 from
 * /startscan without `Accept: application/json`, dates in the server's local time, the epoch
 * as the end of a running scan, `[]` for an unknown scan.
 *
 * Scan lifecycle on the simulator's clock: /startscan answers at once with a scan created
 * `startupMs` later (the real call blocks until the scan's row exists, its Date header is the
 * request's); STARTING until then, RUNNING, FINISHED after `durationMs`; /stopscan makes it
 * ABORT-REQUESTED and ABORTED `abortMs` later. Defaults come from the recording (18 s run,
 * 13 s abort). Events: ROOT and the target (module "SpiderFoot UI") at creation, an open port
 * per `openPorts` from sfp_portscan_tcp a second before the end.
 *
 * HTTP Digest (CherryPy auth_digest, SpiderFoot's passwd file) when `users` is set: realm = the
 * listen host, nonces `<time>:<md5(time:realm:key)>` stale after 10 minutes, 401 with an empty
 * body. Faults: a scan that stalls (never ends, no events), slow answers, and the server kit's.
 */

export interface SpiderFootSimOptions {
  now?: () => number;
  /** The server's zone, for the dates it writes (default UTC, as recorded). */
  timeZone?: string | null;
  version?: string;
  /** user → password: turns Digest on (SpiderFoot's passwd file). */
  users?: Record<string, string>;
  /** Digest realm (SpiderFoot: the listen host). */
  realm?: string;
  nonceMaxAgeSeconds?: number;
  startupMs?: number;
  durationMs?: number;
  abortMs?: number;
  openPorts?: number[];
  /** Scans never finish and find nothing after their start. */
  stall?: boolean;
  /** Every answer waits this long (real time). */
  slowMs?: number;
  /** Start with the three scans of the recording's first scan list (default true). */
  seedRecorded?: boolean;
}

export interface SimEvent {
  generated: number;
  data: string;
  sourceData: string;
  module: string;
  type: string;
  confidence: number;
  visibility: number;
  risk: number;
  hash: string;
  fp: 0 | 1;
  parentFp: 0 | 1;
}

export interface SimCorrelation {
  id: string;
  title: string;
  ruleId: string;
  ruleRisk: string;
  ruleName: string;
  ruleDescr: string;
  ruleLogic: string;
  eventCount: number;
}

export interface SimScan {
  id: string;
  name: string;
  target: string;
  created: number;
  started: number;
  ended: number;
  /** Set by /stopscan. */
  abortAt: number | null;
  /** ERROR-FAILED etc. forced by a test; overrides the lifecycle. */
  forcedStatus: string | null;
  /** Planned events; visible once `generated` has passed. */
  events: SimEvent[];
  correlations: SimCorrelation[];
  stall: boolean;
  durationMs: number;
  abortMs: number;
}

export interface DigestRecord {
  method: string;
  uri: string;
  nc: string;
  nonce: string;
  /** The uri in the Authorization header is the request's (CherryPy does not check; we count). */
  uriMatches: boolean;
  outcome: 'ok' | 'stale' | 'refused';
}

const JSON_CT = 'application/json';
const JSON_UTF8 = 'application/json; charset=utf-8';
const py = (status: number, value: unknown, contentType = JSON_CT): Reply => ({ status, headers: { 'content-type': contentType }, body: pyJson(value) });
const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/html' }, body: NOT_FOUND_PAGE });
const jsonifyError = (status: number, message: string): Reply => py(status, { error: { http_status: String(status), message } });

/** Python's html.escape(s, quote=True). */
export function pyEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** sfwebui.cleanUserInput: escaped, then & and " given back. */
const cleanUserInput = (s: string) => pyEscape(s).replace(/&amp;/g, '&').replace(/&quot;/g, '"');

/** SpiderFootHelpers.targetTypeFromString, the common cases. */
export function targetType(target: string): string | null {
  if (net.isIPv4(target)) return 'IP_ADDRESS';
  if (net.isIPv6(target)) return 'IPV6_ADDRESS';
  if (/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(target)) return 'NETBLOCK_OWNER';
  if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(target)) return 'EMAILADDR';
  if (/^\+\d{6,15}$/.test(target)) return 'PHONE_NUMBER';
  if (/^AS\d+$/i.test(target)) return 'BGP_AS_OWNER';
  if (/^"[^"]+"$/.test(target)) return target.includes(' ') ? 'HUMAN_NAME' : 'USERNAME';
  if (/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i.test(target)) return 'INTERNET_NAME';
  return null;
}

/** What the simulated modules produce (for typelist), by module. */
const MODULE_TYPES: Record<string, string[]> = {
  sfp_portscan_tcp: ['TCP_PORT_OPEN'],
  sfp_dnsresolve: ['IP_ADDRESS', 'INTERNET_NAME'],
  sfp__stor_db: [],
};
const USE_CASE_MODULES: Record<string, string[]> = {
  all: Object.keys(MODULE_TYPES),
  footprint: ['sfp_dnsresolve', 'sfp_portscan_tcp'],
  investigate: ['sfp_dnsresolve'],
  passive: ['sfp_dnsresolve'],
};

const md5 = (s: string) => crypto.createHash('md5').update(s, 'utf8').digest('hex');

export class SpiderFootSim {
  readonly scans = new Map<string, SimScan>();
  readonly digestLog: DigestRecord[] = [];
  /** Every request received: method, path, form fields, Accept header. */
  readonly requests: { method: string; path: string; params: Record<string, string>; accept: string | undefined }[] = [];
  readonly zone: ZoneClock;
  readonly realm: string;
  private key = crypto.randomBytes(8).toString('hex');
  private readonly now: () => number;

  constructor(private readonly opts: SpiderFootSimOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.zone = new ZoneClock(opts.timeZone === undefined ? 'UTC' : opts.timeZone);
    this.realm = opts.realm ?? '127.0.0.1';
    if (opts.seedRecorded !== false) this.seed();
  }

  // ---- scans ---------------------------------------------------------------------------------

  private local(t: number): string {
    return this.zone.format(t);
  }

  /** The scans of the recording's first scan list, as they were. */
  private seed(): void {
    const at = (s: string) => this.zone.toInstant(Date.parse(`${s.replace(' ', 'T')}Z`));
    const seed = (id: string, name: string, created: string, started: string, ended: string, status: string, ports: number[]) => {
      const scan = this.newScan(id, name, '127.0.0.1', at(created), [], false);
      scan.started = at(started);
      scan.ended = at(ended);
      scan.forcedStatus = status;
      scan.events = scan.events.filter((e) => e.generated <= scan.ended);
      for (const p of ports) scan.events.push(this.event(scan, scan.ended - 1000, `127.0.0.1:${p}`, '127.0.0.1', 'sfp_portscan_tcp', 'TCP_PORT_OPEN'));
    };
    seed('211E6DDA', 'vigil-stop', '2026-12-04 20:05:35', '2026-12-04 20:05:35', '2026-12-04 20:05:50', 'ABORTED', []);
    seed('A28B3EA0', 'noaccept', '2026-12-04 20:05:26', '2026-12-04 20:05:26', '2026-12-04 20:05:27', 'FINISHED', []);
    // started a second before created, as recorded
    seed('E73E6315', 'vigil-t1', '2026-12-04 20:04:54', '2026-12-04 20:04:53', '2026-12-04 20:05:12', 'FINISHED', [8888]);
  }

  private event(scan: SimScan, generated: number, data: string, sourceData: string, module: string, type: string, extra: Partial<SimEvent> = {}): SimEvent {
    const hash = type === 'ROOT' ? 'ROOT' : crypto.createHash('sha256').update(`${scan.id}|${type}|${data}|${scan.events.length}`).digest('hex');
    return { generated, data, sourceData, module, type, confidence: 100, visibility: 100, risk: 0, hash, fp: 0, parentFp: 0, ...extra };
  }

  private newScan(id: string, name: string, target: string, created: number, modules: string[], stall: boolean): SimScan {
    const scan: SimScan = {
      id,
      name,
      target,
      created,
      started: created,
      ended: 0,
      abortAt: null,
      forcedStatus: null,
      events: [],
      correlations: [],
      stall,
      durationMs: this.opts.durationMs ?? 18_000,
      abortMs: this.opts.abortMs ?? 13_000,
    };
    const type = targetType(target) ?? 'INTERNET_NAME';
    scan.events.push(this.event(scan, created, target, target, '', 'ROOT'));
    scan.events.push(this.event(scan, created, target, target, 'SpiderFoot UI', type));
    if (!stall && modules.includes('sfp_portscan_tcp')) {
      for (const p of this.opts.openPorts ?? [8888]) scan.events.push(this.event(scan, created + scan.durationMs - 1000, `${target}:${p}`, target, 'sfp_portscan_tcp', 'TCP_PORT_OPEN'));
    }
    this.scans.set(id, scan);
    return scan;
  }

  /** The status now, settling the end time when the scan has reached one. */
  status(scan: SimScan): string {
    if (scan.forcedStatus) return scan.forcedStatus;
    const now = this.now();
    if (scan.abortAt !== null) {
      if (now >= scan.abortAt + scan.abortMs) {
        scan.ended = scan.abortAt + scan.abortMs;
        return 'ABORTED';
      }
      return 'ABORT-REQUESTED';
    }
    if (now < scan.created) return 'STARTING';
    if (!scan.stall && now >= scan.created + scan.durationMs) {
      scan.ended = scan.created + scan.durationMs;
      return 'FINISHED';
    }
    return 'RUNNING';
  }

  /** Events generated so far (none after an abort took effect). */
  visible(scan: SimScan): SimEvent[] {
    this.status(scan);
    const until = Math.min(this.now(), scan.ended || Infinity);
    return scan.events.filter((e) => e.generated <= until);
  }

  /** Adds events to a scan (escaping, false positives, risks), generated now unless said. */
  addEvents(id: string, events: Partial<SimEvent>[]): void {
    const scan = this.scans.get(id)!;
    for (const e of events) scan.events.push(this.event(scan, e.generated ?? this.now(), e.data ?? 'x', e.sourceData ?? scan.target, e.module ?? 'sfp_test', e.type ?? 'RAW_DATA', e));
  }

  addCorrelation(id: string, c: SimCorrelation): void {
    this.scans.get(id)!.correlations.push(c);
  }

  private riskMatrix(scan: SimScan): Record<string, number> {
    const m: Record<string, number> = { HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 };
    for (const c of scan.correlations) m[c.ruleRisk] = (m[c.ruleRisk] ?? 0) + 1;
    return m;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  handle = async (req: SimRequest): Promise<Reply> => {
    if (this.opts.slowMs) await new Promise((r) => setTimeout(r, this.opts.slowMs));
    const params: Record<string, string> = Object.fromEntries(req.query);
    if (req.method === 'POST' && /application\/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(req.text)));
    }
    const accept = req.headers.accept;
    this.requests.push({ method: req.method, path: req.path, params, accept });
    if (this.opts.users) {
      const refused = this.authenticate(req);
      if (refused) return refused;
    }
    return this.route(req, params);
  };

  private route(req: SimRequest, p: Record<string, string>): Reply {
    const need = (...names: string[]) => names.every((n) => p[n] !== undefined);
    switch (req.path) {
      case '/ping':
        return py(200, ['SUCCESS', this.opts.version ?? '4.0.0']);
      case '/startscan':
        return need('scanname', 'scantarget', 'modulelist', 'typelist', 'usecase') ? this.startscan(req, p) : notFound();
      case '/scanlist':
        return py(200, this.scanlist());
      case '/scanstatus':
        return need('id') ? py(200, this.scanstatus(p.id!)) : notFound();
      case '/scaneventresults':
        return need('id') ? py(200, this.eventResults(p.id!, p.eventType || 'ALL', p.filterfp === 'true' || p.filterfp === '1')) : notFound();
      case '/scaneventresultsunique':
        return need('id', 'eventType') ? py(200, this.uniqueResults(p.id!, p.eventType!)) : notFound();
      case '/scansummary':
        return need('id', 'by') ? py(200, this.summary(p.id!)) : notFound();
      case '/scancorrelations':
        return need('id') ? py(200, this.correlations(p.id!)) : notFound();
      case '/scanerrors':
        return need('id') ? py(200, []) : notFound();
      case '/stopscan':
        return need('id') ? this.stopscan(p.id!) : notFound();
      case '/eventtypes':
        return { status: 200, headers: { 'content-type': JSON_UTF8 }, body: EVENT_TYPES_BODY };
      default:
        return notFound();
    }
  }

  private startscan(req: SimRequest, p: Record<string, string>): Reply {
    const wantsJson = String(req.headers.accept ?? '').includes('application/json');
    const fail = (msg: string): Reply =>
      wantsJson ? py(200, ['ERROR', msg], JSON_UTF8) : { status: 200, headers: { 'content-type': 'text/html;charset=utf-8' }, body: `<html><body><div class="alert alert-danger">${pyEscape(msg)}</div></body></html>` };
    const name = cleanUserInput(p.scanname!);
    let target = cleanUserInput(p.scantarget!);
    if (!name) return fail('Incorrect usage: scan name was not specified.');
    if (!target) return fail('Incorrect usage: scan target was not specified.');
    if (!p.typelist && !p.modulelist && !p.usecase) return fail('Incorrect usage: no modules specified for scan.');
    const type = targetType(target);
    if (type === null) return fail('Unrecognised target type.');
    let modules = p.modulelist ? p.modulelist.replace(/module_/g, '').split(',') : [];
    if (!modules.length && p.typelist) {
      const wanted = p.typelist.replace(/type_/g, '').split(',');
      modules = Object.keys(MODULE_TYPES).filter((m) => MODULE_TYPES[m]!.some((t) => wanted.includes(t)));
    }
    if (!modules.length && p.usecase) modules = USE_CASE_MODULES[p.usecase] ?? [];
    if (!modules.length) return fail('Incorrect usage: no modules specified for scan.');
    target = ['HUMAN_NAME', 'USERNAME', 'BITCOIN_ADDRESS'].includes(type) ? target.replace(/"/g, '') : target.toLowerCase();
    const id = crypto.randomBytes(4).toString('hex').toUpperCase();
    this.newScan(id, name, target, this.now() + (this.opts.startupMs ?? 1_000), modules, this.opts.stall === true);
    if (wantsJson) return py(200, ['SUCCESS', id], JSON_UTF8);
    const location = `http://${req.headers.host}/scaninfo?id=${id}`;
    return { status: 303, headers: { 'content-type': 'text/html;charset=utf-8', location }, body: `This resource can be found at <a href="${location}">${location}</a>.` };
  }

  private scanlist(): unknown[] {
    return [...this.scans.values()]
      .sort((a, b) => b.started - a.started)
      .map((s) => {
        const status = this.status(s);
        const events = this.visible(s).filter((e) => e.type !== 'ROOT').length;
        return [s.id, s.name, s.target, this.local(s.created), this.local(s.started), s.ended ? this.local(s.ended) : 'Not yet', status, events, this.riskMatrix(s)];
      });
  }

  private scanstatus(id: string): unknown[] {
    const s = this.scans.get(id);
    if (!s) return [];
    const status = this.status(s);
    return [s.name, s.target, this.local(s.created), this.local(s.started), this.local(s.ended), status, this.riskMatrix(s)];
  }

  private eventResults(id: string, eventType: string, filterFp: boolean): unknown[] {
    const s = this.scans.get(id);
    if (!s) return [];
    return this.visible(s)
      .filter((e) => (eventType === 'ALL' || e.type === eventType) && !(filterFp && e.fp))
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (a.e.data < b.e.data ? -1 : a.e.data > b.e.data ? 1 : a.i - b.i))
      .map(({ e }) => [this.local(e.generated), pyEscape(e.data), pyEscape(e.sourceData), e.module, e.confidence, e.visibility, e.risk, e.hash, e.fp, e.parentFp, e.type]);
  }

  private uniqueResults(id: string, eventType: string): unknown[] {
    const s = this.scans.get(id);
    if (!s) return [];
    const counts = new Map<string, number>();
    for (const e of this.visible(s)) if (e.type === eventType) counts.set(e.data, (counts.get(e.data) ?? 0) + 1);
    return [...counts].map(([data, n]) => [pyEscape(data), eventType, n]);
  }

  private summary(id: string): unknown[] {
    const s = this.scans.get(id);
    if (!s) return [];
    const status = this.status(s);
    const byType = new Map<string, SimEvent[]>();
    for (const e of this.visible(s)) if (e.type !== 'ROOT') byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
    return [...byType]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([type, es]) => [type, EVENT_TYPES.get(type) ?? type, this.local(Math.max(...es.map((e) => e.generated))), es.length, new Set(es.map((e) => e.data)).size, status]);
  }

  private correlations(id: string): unknown[] {
    const s = this.scans.get(id);
    return s ? s.correlations.map((c) => [c.id, c.title, c.ruleId, c.ruleRisk, c.ruleName, c.ruleDescr, c.ruleLogic, c.eventCount]) : [];
  }

  private stopscan(idList: string): Reply {
    const ids = idList.split(',');
    for (const id of ids) {
      const s = this.scans.get(id);
      if (!s) return jsonifyError(404, `Scan ${id} does not exist`);
      const status = this.status(s);
      if (status === 'FINISHED') return jsonifyError(400, `Scan ${id} has already finished.`);
      if (status === 'ABORTED') return jsonifyError(400, `Scan ${id} has already aborted.`);
      if (status !== 'RUNNING' && status !== 'STARTING') return jsonifyError(400, `The running scan is currently in the state '${status}', please try again later or restart SpiderFoot.`);
    }
    for (const id of ids) this.scans.get(id)!.abortAt = this.now();
    return py(200, '');
  }

  /** Forces a scan's status (ERROR-FAILED, a state stopscan refuses). */
  force(id: string, status: string): void {
    this.scans.get(id)!.forcedStatus = status;
  }

  // ---- Digest (CherryPy auth_digest) ---------------------------------------------------------

  /** A new nonce key, as after a SpiderFoot restart: nonces handed out before no longer validate. */
  restart(): void {
    this.key = crypto.randomBytes(8).toString('hex');
  }

  private nonce(): string {
    const t = Math.floor(this.now() / 1000);
    return `${t}:${md5(`${t}:${this.realm}:${this.key}`)}`;
  }

  private challenge(stale = false): Reply {
    return {
      status: 401,
      headers: {
        'content-type': 'text/html;charset=utf-8',
        'www-authenticate': `Digest realm="${this.realm}", nonce="${this.nonce()}", algorithm="MD5", qop="auth"${stale ? ', stale="true"' : ''}, charset="UTF-8"`,
      },
      body: '',
    };
  }

  /** null when the request may go on; else the 401 (or 400) CherryPy would send. */
  private authenticate(req: SimRequest): Reply | null {
    const header = String(req.headers.authorization ?? '');
    if (!/^digest /i.test(header)) return this.challenge();
    const p: Record<string, string> = {};
    for (const m of header.slice(7).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) p[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    const algorithm = (p.algorithm ?? 'MD5').toUpperCase();
    if (!p.username || !p.realm || !p.nonce || !p.uri || !p.response || !['MD5', 'MD5-SESS'].includes(algorithm) || (p.qop && !(p.cnonce && p.nc)) || (p.qop && p.qop !== 'auth')) {
      return { status: 400, headers: { 'content-type': 'text/html;charset=utf-8' }, body: 'The Authorization header could not be parsed.' };
    }
    const search = req.query.toString();
    const record: DigestRecord = { method: req.method, uri: p.uri, nc: p.nc ?? '', nonce: p.nonce, uriMatches: p.uri === `${req.path}${search ? `?${search}` : ''}`, outcome: 'refused' };
    this.digestLog.push(record);
    const [ts, hash] = p.nonce.split(':');
    if (!ts || hash !== md5(`${ts}:${this.realm}:${this.key}`)) return this.challenge();
    const password = this.opts.users![p.username];
    if (password === undefined) return this.challenge();
    let ha1 = md5(`${p.username}:${this.realm}:${password}`);
    if (algorithm === 'MD5-SESS') ha1 = md5(`${ha1}:${p.nonce}:${p.cnonce}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    if (expected !== p.response) return this.challenge();
    if (Number(ts) + (this.opts.nonceMaxAgeSeconds ?? 600) <= Math.floor(this.now() / 1000)) {
      record.outcome = 'stale';
      return this.challenge(true);
    }
    record.outcome = 'ok';
    return null;
  }
}
