import { json, type Reply, type SimRequest } from '../wazuh/server-kit.js';

/**
 * OWASP ZAP's API as zaproxy 2.16 implements it (API.java, CoreAPI, SpiderAPI, ActiveScanAPI,
 * AlertAPI, PassiveScanAPI), for the paths Vigil uses:
 * - `/JSON/{component}/{view|action}/{name}/`, parameters in the query; every value a string;
 * - the key in `X-ZAP-API-Key` (or the `apikey` parameter, which ZAP also takes; the log shows
 *   who used which); a wrong or missing key closes the connection without an answer unless
 *   `reportPermErrors` (api.reportpermerrors) is on, then 400 bad_api_key;
 * - errors `{code, message}` with HTTP 400 (500 for internal_error), ZAP's message texts, no
 *   `detail` (api.incerrordetails is off by default);
 * - a Sites tree: accessUrl and the spider put URLs in it; an active scan of a URL not in it is
 *   `url_not_found`;
 * - spider and active scans progress with the clock; the passive scanner works through a
 *   backlog (every URL that enters the tree is one record) and raises passive alerts as it goes;
 *   the active scan raises active alerts URL by URL;
 * - alert lists paged exactly like AlertAPI (start counts from 1, false positives never listed);
 * - faults: a scan or the passive backlog that stalls, slow answers (real time), plus the
 *   server kit's timeouts, resets and statuses.
 */

export interface ZapSimOptions {
  apiKey?: string;
  /** api.reportpermerrors: answer 400 bad_api_key instead of closing the connection. */
  reportPermErrors?: boolean;
  version?: string;
  now?: () => number;
  /** How long a spider scan takes. */
  spiderMs?: number;
  /** How long an active scan takes. */
  ascanMs?: number;
  /** Records the passive scanner gets through per second. */
  passiveRecordsPerSecond?: number;
  /** URLs the spider finds below a start URL. */
  pagesPerSite?: number;
  /** Every answer waits this long (real time). */
  slowMs?: number;
  /** Progress freezes here (a scan that never finishes); passive: the backlog stops shrinking. */
  stall?: { spider?: number; ascan?: number; passive?: boolean };
}

export const ZAP_MESSAGES: Record<string, string> = {
  bad_api_key: 'Invalid or missing API key',
  bad_action: 'Bad Action',
  bad_view: 'Bad View',
  bad_type: 'Bad Type',
  bad_format: 'Bad Format',
  no_implementor: 'No Implementor',
  missing_parameter: 'Missing Parameter',
  illegal_parameter: 'Provided parameter has illegal or unrecognized value',
  url_not_found: 'URL Not Found in the Scan Tree',
  does_not_exist: 'Does Not Exist',
  internal_error: 'Internal Error',
};

const CONTENT_TYPE = { 'content-type': 'application/json; charset=UTF-8' };
const ok = (body: unknown): Reply => json(200, body, CONTENT_TYPE);
/** ZAP's error reply: 400, or 500 for internal_error. */
export const zapError = (code: string): Reply => json(code === 'internal_error' ? 500 : 400, { code, message: ZAP_MESSAGES[code] ?? code }, CONTENT_TYPE);

class ZapFault extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export interface SimAlert {
  id: string;
  pluginId: string;
  alertRef: string;
  name: string;
  risk: 'Informational' | 'Low' | 'Medium' | 'High';
  confidence: 'False Positive' | 'Low' | 'Medium' | 'High' | 'Confirmed';
  url: string;
  method: string;
  param: string;
  attack: string;
  evidence: string;
  other: string;
  description: string;
  solution: string;
  reference: string;
  cweid: string;
  wascid: string;
  sourceid: string;
  messageId: string;
  inputVector: string;
  tags: Record<string, string>;
}

type Template = Omit<SimAlert, 'id' | 'url' | 'messageId'>;

const base = { method: 'GET', attack: '', other: '', inputVector: '', tags: {} as Record<string, string> };
const PASSIVE: Template[] = [
  {
    ...base,
    pluginId: '10038',
    alertRef: '10038-1',
    name: 'Content Security Policy (CSP) Header Not Set',
    risk: 'Medium',
    confidence: 'High',
    param: '',
    evidence: '',
    description: 'Content Security Policy (CSP) is an added layer of security that helps to detect and mitigate certain types of attacks.',
    solution: 'Ensure that your web server, application server, load balancer, etc. is configured to set the Content-Security-Policy header.',
    reference: 'https://developer.mozilla.org/en-US/docs/Web/Security/CSP/Introducing_Content_Security_Policy\nhttps://cheatsheetseries.owasp.org/cheatsheets/Content_Security_Policy_Cheat_Sheet.html',
    cweid: '693',
    wascid: '15',
    sourceid: '3',
    tags: { OWASP_2021_A05: 'https://owasp.org/Top10/A05_2021-Security_Misconfiguration/' },
  },
  {
    ...base,
    pluginId: '10021',
    alertRef: '10021',
    name: 'X-Content-Type-Options Header Missing',
    risk: 'Low',
    confidence: 'Medium',
    param: 'x-content-type-options',
    evidence: '',
    description: 'The Anti-MIME-Sniffing header X-Content-Type-Options was not set to \'nosniff\'.',
    solution: 'Ensure that the application/web server sets the Content-Type header appropriately, and that it sets the X-Content-Type-Options header to \'nosniff\' for all web pages.',
    reference: 'https://owasp.org/www-community/Security_Headers',
    cweid: '693',
    wascid: '15',
    sourceid: '3',
  },
  {
    ...base,
    pluginId: '10027',
    alertRef: '10027',
    name: 'Information Disclosure - Suspicious Comments',
    risk: 'Informational',
    confidence: 'Low',
    param: '',
    evidence: 'TODO',
    description: 'The response appears to contain suspicious comments which may help an attacker.',
    solution: 'Remove all comments that return information that may help an attacker and fix any underlying problems they refer to.',
    reference: '',
    cweid: '615',
    wascid: '13',
    sourceid: '3',
  },
];
const ACTIVE: Template[] = [
  {
    ...base,
    pluginId: '40018',
    alertRef: '40018',
    name: 'SQL Injection',
    risk: 'High',
    confidence: 'Medium',
    param: 'id',
    attack: "1' OR '1'='1' -- ",
    evidence: 'You have an error in your SQL syntax',
    description: 'SQL injection may be possible.',
    solution: 'Do not trust client side input, even if there is client side validation in place.',
    reference: 'https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html',
    cweid: '89',
    wascid: '19',
    sourceid: '1',
    inputVector: 'querystring',
  },
  {
    ...base,
    pluginId: '40012',
    alertRef: '40012',
    name: 'Cross Site Scripting (Reflected)',
    risk: 'High',
    confidence: 'Medium',
    param: 'q',
    attack: '<scrIpt>alert(1);</scRipt>',
    evidence: '<scrIpt>alert(1);</scRipt>',
    description: 'Cross-site Scripting (XSS) is an attack technique that involves echoing attacker-supplied code into a user\'s browser instance.',
    solution: 'Use a vetted library or framework that does not allow this weakness to occur.',
    reference: 'https://owasp.org/www-community/attacks/xss/\nhttps://cwe.mitre.org/data/definitions/79.html',
    cweid: '79',
    wascid: '8',
    sourceid: '1',
    inputVector: 'querystring',
  },
];

interface Scan {
  id: string;
  url: string;
  started: number;
  stoppedAt: number | null;
  /** Spider: the URLs it finds; ascan: the tree URLs it attacks. */
  targets: string[];
  done: number;
}

const RISK_IDS = ['Informational', 'Low', 'Medium', 'High'];

function cut(url: string): string {
  return url.replace(/#.*$/, '');
}

export class ZapSim {
  readonly apiKey: string;
  /** Every request: method and full path with query, and the key header, for "no key in any URL" checks. */
  readonly log: { method: string; url: string; keyHeader: string | undefined }[] = [];
  /** Requests that carried the key as the `apikey` query parameter. */
  keyInQuery = 0;
  /** Requests refused for a wrong or missing key. */
  refusedKeys = 0;
  readonly tree = new Set<string>();
  readonly alerts: SimAlert[] = [];
  private readonly spiders: Scan[] = [];
  private readonly ascans: Scan[] = [];
  private backlog: string[] = [];
  private passiveCarry = 0;
  private lastTick: number;
  private messages = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ZapSimOptions = {}) {
    this.apiKey = opts.apiKey ?? 'zap-sim-key-4d1f';
    this.now = opts.now ?? Date.now;
    this.lastTick = this.now();
  }

  // ---- state -------------------------------------------------------------------------------

  /** Puts a URL in the Sites tree (and one record in the passive backlog) once. */
  private enter(url: string): void {
    const u = cut(url);
    if (this.tree.has(u)) return;
    this.tree.add(u);
    this.backlog.push(u);
  }

  private progress(scan: Scan, durationMs: number, stallAt: number | undefined): number {
    if (scan.stoppedAt !== null) return 100;
    const p = Math.min(100, Math.floor(((this.now() - scan.started) / durationMs) * 100));
    return stallAt !== undefined ? Math.min(p, stallAt) : p;
  }

  /** Moves every scan and the passive scanner on to `now`. */
  private tick(): void {
    for (const s of this.spiders) {
      const p = this.progress(s, this.opts.spiderMs ?? 10_000, this.opts.stall?.spider);
      const upTo = s.stoppedAt !== null ? s.done : Math.ceil((p / 100) * s.targets.length);
      for (; s.done < upTo; s.done++) this.enter(s.targets[s.done]!);
    }
    for (const s of this.ascans) {
      const p = this.progress(s, this.opts.ascanMs ?? 30_000, this.opts.stall?.ascan);
      const upTo = s.stoppedAt !== null ? s.done : Math.ceil((p / 100) * s.targets.length);
      for (; s.done < upTo; s.done++) this.raise(ACTIVE[s.done % ACTIVE.length]!, s.targets[s.done]!);
    }
    const now = this.now();
    if (!this.opts.stall?.passive) {
      this.passiveCarry += ((now - this.lastTick) / 1000) * (this.opts.passiveRecordsPerSecond ?? 50);
      const n = Math.min(this.backlog.length, Math.floor(this.passiveCarry));
      this.passiveCarry -= n;
      for (const url of this.backlog.splice(0, n)) this.passiveAlerts(url);
      if (this.backlog.length === 0) this.passiveCarry = 0;
    }
    this.lastTick = now;
  }

  private passiveAlerts(url: string): void {
    const i = [...this.tree].indexOf(url);
    this.raise(PASSIVE[0]!, url);
    if (i % 2 === 0) this.raise(PASSIVE[1]!, url);
    if (i % 3 === 0) this.raise(PASSIVE[2]!, url);
  }

  private raise(t: Template, url: string): SimAlert {
    const a: SimAlert = { ...t, tags: { ...t.tags }, id: String(this.alerts.length), url, messageId: String(++this.messages) };
    this.alerts.push(a);
    return a;
  }

  /** Adds `n` alerts on distinct URLs (paging tests); `falsePositives` of them marked so. */
  addAlerts(n: number, opts: { site?: string; falsePositives?: number } = {}): void {
    const site = opts.site ?? 'http://app.test';
    for (let i = 0; i < n; i++) {
      const a = this.raise(PASSIVE[i % PASSIVE.length]!, `${site}/page/${i}`);
      if (i < (opts.falsePositives ?? 0)) a.confidence = 'False Positive';
    }
  }

  get backlogSize(): number {
    this.tick();
    return this.backlog.length;
  }

  // ---- HTTP --------------------------------------------------------------------------------

  handle = async (req: SimRequest): Promise<Reply> => {
    if (this.opts.slowMs) await new Promise((r) => setTimeout(r, this.opts.slowMs));
    const search = req.query.toString();
    const header = req.headers['x-zap-api-key'];
    this.log.push({ method: req.method, url: `${req.path}${search ? `?${search}` : ''}`, keyHeader: Array.isArray(header) ? header[0] : header });
    if (req.path === '/UI' || req.path === '/UI/') return { status: 200, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: '<!DOCTYPE html>\n<head>\n<title>ZAP API UI</title>\n</head>\n<body>\n<h1><a href="/UI/">ZAP API UI</a></h1>\n</body>\n' };
    const m = /^\/([A-Za-z]+)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(req.path);
    if (!m) return zapError('bad_type');
    const [, format, component, type, name] = m as unknown as [string, string, string, string, string];
    if (format !== 'JSON') return zapError('bad_format');
    if (this.keyOf(req) !== this.apiKey) {
      this.refusedKeys++;
      return this.opts.reportPermErrors ? zapError('bad_api_key') : { status: 0, drop: true };
    }
    this.tick();
    try {
      return ok(this.route(component, type, name, req.query));
    } catch (err) {
      if (err instanceof ZapFault) return zapError(err.code);
      throw err;
    }
  };

  private keyOf(req: SimRequest): string | undefined {
    const h = req.headers['x-zap-api-key'];
    if (typeof h === 'string') return h;
    const q = req.query.get('apikey');
    if (q !== null) this.keyInQuery++;
    return q ?? undefined;
  }

  private route(component: string, type: string, name: string, q: URLSearchParams): unknown {
    const handlers: Record<string, Record<string, (q: URLSearchParams) => unknown>> = {
      'core/view': { version: () => ({ version: this.opts.version ?? '2.16.1' }) },
      'core/action': { accessUrl: (p) => this.accessUrl(p) },
      'spider/action': { scan: (p) => this.startSpider(p), stop: (p) => this.stop(this.spiders, p) },
      'spider/view': {
        status: (p) => ({ status: String(this.progress(this.scan(this.spiders, p), this.opts.spiderMs ?? 10_000, this.opts.stall?.spider)) }),
        results: (p) => {
          const s = this.scan(this.spiders, p);
          return { results: s.targets.slice(0, s.done) };
        },
      },
      'ascan/action': { scan: (p) => this.startAscan(p), stop: (p) => this.stop(this.ascans, p) },
      'ascan/view': {
        status: (p) => ({ status: String(this.progress(this.scan(this.ascans, p), this.opts.ascanMs ?? 30_000, this.opts.stall?.ascan)) }),
        scans: () => ({ scans: this.ascans.map((s) => this.ascanRow(s)) }),
      },
      'pscan/view': { recordsToScan: () => ({ recordsToScan: String(this.backlog.length) }) },
      'alert/view': {
        alerts: (p) => ({ alerts: this.page(p) }),
        numberOfAlerts: (p) => ({ numberOfAlerts: String(this.listed(p).length) }),
        alertsSummary: (p) => {
          const counts = [0, 0, 0, 0];
          for (const a of this.listed(p, false)) counts[RISK_IDS.indexOf(a.risk)]!++;
          return { alertsSummary: { High: counts[3], Medium: counts[2], Low: counts[1], Informational: counts[0] } };
        },
      },
    };
    if (!['core', 'spider', 'ascan', 'pscan', 'alert'].includes(component)) throw new ZapFault('no_implementor');
    if (type !== 'view' && type !== 'action' && type !== 'other') throw new ZapFault('bad_type');
    const h = handlers[`${component}/${type}`]?.[name];
    if (!h) throw new ZapFault(type === 'view' ? 'bad_view' : type === 'action' ? 'bad_action' : 'bad_other');
    return h(q);
  }

  /** ApiUtils: a mandatory non-empty parameter. */
  private required(q: URLSearchParams, name: string): string {
    const v = q.get(name);
    if (!v) throw new ZapFault('missing_parameter');
    return v;
  }

  private intParam(q: URLSearchParams, name: string, fallback: number): number {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    if (!/^-?\d+$/.test(v)) throw new ZapFault('illegal_parameter');
    return Number(v);
  }

  private httpUrl(raw: string): string {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new ZapFault('illegal_parameter');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ZapFault('illegal_parameter');
    return cut(raw);
  }

  private accessUrl(q: URLSearchParams): unknown {
    const url = this.httpUrl(this.required(q, 'url'));
    this.enter(url);
    const id = ++this.messages;
    return {
      accessUrl: [
        {
          id: String(id),
          type: '15',
          timestamp: String(this.now()),
          rtt: '12',
          cookieParams: '',
          note: '',
          requestHeader: `GET ${url} HTTP/1.1\r\nhost: ${new URL(url).host}\r\n\r\n`,
          requestBody: '',
          responseHeader: 'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n',
          responseBody: '<html><body>ok</body></html>',
          tags: [],
        },
      ],
    };
  }

  private startSpider(q: URLSearchParams): unknown {
    const url = this.httpUrl(this.required(q, 'url'));
    const n = this.opts.pagesPerSite ?? 5;
    const root = url.replace(/\/+$/, '');
    const targets = [url, ...Array.from({ length: n }, (_, i) => `${root}/page${i + 1}${i % 2 ? `?id=${i}` : ''}`)];
    const scan: Scan = { id: String(this.spiders.length), url, started: this.now(), stoppedAt: null, targets, done: 0 };
    this.spiders.push(scan);
    this.enter(url);
    scan.done = 1;
    return { scan: scan.id };
  }

  /** ActiveScanAPI.scanURL: the URL (a trailing slash cut when recursing) must be a node of the tree. */
  private startAscan(q: URLSearchParams): unknown {
    let url = this.httpUrl(this.required(q, 'url'));
    const recurse = q.get('recurse') !== 'false';
    if (recurse && url.endsWith('/')) url = url.slice(0, -1);
    const inTree = [...this.tree].filter((t) => t === url || t === `${url}/` || (recurse && t.startsWith(`${url}/`)) || (recurse && t.startsWith(`${url}?`)));
    if (inTree.length === 0) throw new ZapFault('url_not_found');
    const scan: Scan = { id: String(this.ascans.length), url, started: this.now(), stoppedAt: null, targets: recurse ? inTree : inTree.slice(0, 1), done: 0 };
    this.ascans.push(scan);
    return { scan: scan.id };
  }

  /** getActiveScan / getSpiderScan: by id, or the last one; does_not_exist otherwise. */
  private scan(list: Scan[], q: URLSearchParams): Scan {
    const id = this.intParam(q, 'scanId', -1);
    const s = id === -1 ? list[list.length - 1] : list.find((x) => x.id === String(id));
    if (!s) throw new ZapFault('does_not_exist');
    return s;
  }

  private stop(list: Scan[], q: URLSearchParams): unknown {
    const s = this.scan(list, q);
    if (s.stoppedAt === null) s.stoppedAt = this.now();
    return { Result: 'OK' };
  }

  private ascanRow(s: Scan): Record<string, string> {
    const p = this.progress(s, this.opts.ascanMs ?? 30_000, this.opts.stall?.ascan);
    const alerts = s.done;
    return {
      id: s.id,
      progress: String(p),
      state: p >= 100 ? 'FINISHED' : 'RUNNING',
      reqCount: String(s.done * 37),
      alertCount: String(alerts),
      newAlertCount: String(alerts),
    };
  }

  /** AlertAPI.processAlerts: base URL prefix, risk id, false positives never listed. */
  private listed(q: URLSearchParams, withRisk = true): SimAlert[] {
    const baseUrl = q.get('baseurl');
    const riskId = withRisk ? this.intParam(q, 'riskId', -1) : -1;
    if (riskId !== -1 && (riskId < 0 || riskId > 3)) throw new ZapFault('illegal_parameter');
    return this.alerts.filter((a) => a.confidence !== 'False Positive' && (!baseUrl || a.url.startsWith(baseUrl)) && (riskId === -1 || RISK_IDS.indexOf(a.risk) === riskId));
  }

  /** AlertAPI's PaginationConstraintsChecker, line for line: `start` counts from 1. */
  private page(q: URLSearchParams): SimAlert[] {
    const start = this.intParam(q, 'start', -1);
    const count = this.intParam(q, 'count', -1);
    let pageStarted = !(start > 0);
    const startRecord = start > 0 ? start : 0;
    const hasEnd = count > 0;
    const finalRecord = hasEnd ? (!pageStarted ? start + count - 1 : count) : 0;
    let processed = 0;
    let pageEnded = false;
    const out: SimAlert[] = [];
    for (const a of this.listed(q)) {
      processed++;
      if (!pageStarted) pageStarted = processed >= startRecord;
      if (hasEnd && !pageEnded) pageEnded = processed >= finalRecord;
      if (!pageStarted) continue;
      out.push(a);
      if (pageEnded) break;
    }
    return out;
  }
}
