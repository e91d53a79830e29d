import { z } from 'zod';
import type { ConnectorFailureKind, ZapConfig } from '../../contract/connectors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { httpClientFor, type ConnectorDeps, type HttpClient, type HttpResponse, type QueryValue } from '../http.js';
import { systemClock, type Clock } from '../limits.js';
import { pollUntilDone, type WaitOptions, type WaitResult } from '../poll.js';
import { redactingLogger, SecretSet } from '../redact.js';
import { apiKeyCredential, ConnectorError, connectorFailure } from '../types.js';
import { ZapAlert, zapInt, zapRiskId } from './alerts.js';

/**
 * OWASP ZAP's REST API (`/JSON/{component}/{view|action}/{name}/`, default port 8080).
 *
 * - The API key goes in the `X-ZAP-API-Key` header only: never the `apikey` query parameter,
 *   which ends up in proxy and access logs. The key is redacted from every log line.
 * - Every view and action is a GET (the ZAP spec lists no other method). Views are retried like
 *   any read; scan-starting actions are not (a retried start would run two scans).
 * - Errors are ZAP's JSON `{code, message, detail?}` with HTTP 400 (500 for internal_error),
 *   thrown as ZapApiError with ZAP's code. A wrong or missing key is NOT an error by default: ZAP
 *   closes the connection without an answer (zaproxy/zaproxy#8300) unless
 *   `api.reportpermerrors=true`; ZapConnector.test() tells that case apart.
 * - Values are strings ("57", "100"); every number is parsed and range-checked with zod.
 * - Alert paging: ZAP's `start` counts from 1 (0 and 1 both mean the first alert; start=N
 *   begins with the N-th). Paging from 0 in steps of `count` would return the last alert of every
 *   page again at the top of the next (AlertAPI's PaginationConstraintsChecker), so pages start
 *   at 1, 1+count, 1+2·count, ... Alerts ZAP marks as false positives are never listed.
 */

export const ZAP_PRODUCT = 'OWASP ZAP';

/** ZAP's error codes (zaproxy ApiException.Type, lower-cased). */
export const ZAP_ERROR_CODES = [
  'bad_format',
  'bad_type',
  'no_implementor',
  'bad_action',
  'bad_view',
  'bad_other',
  'bad_pconn',
  'internal_error',
  'missing_parameter',
  'url_not_found',
  'href_not_found',
  'scan_in_progress',
  'disabled',
  'already_exists',
  'does_not_exist',
  'illegal_parameter',
  'context_not_found',
  'content_type_not_supported',
  'user_not_found',
  'url_not_in_context',
  'bad_api_key',
  'script_not_found',
  'bad_script_format',
  'no_access',
  'mode_violation',
  'bad_external_data',
  'bad_state',
] as const;

const ErrorJson = z.object({ code: z.string().min(1), message: z.string(), detail: z.string().optional() });

/** What to tell the analyst after ZAP's own words, per code. */
const HINTS: Partial<Record<string, string>> = {
  bad_api_key: 'check the API key in the keychain against ZAP’s api.key',
  url_not_found: 'the URL must be in ZAP’s Sites tree first: spider it or access it (accessUrl) before an active scan',
  does_not_exist: 'ZAP does not know it (scans are forgotten when ZAP restarts or when they are removed)',
  no_access: 'ZAP refused this client',
  disabled: 'the API is disabled in ZAP’s options',
  mode_violation: 'ZAP’s mode forbids it: safe mode allows no attacks, protected mode only in-scope ones',
  bad_view: 'this ZAP has no such view: too old, or the add-on is missing',
  bad_action: 'this ZAP has no such action: too old, or the add-on is missing',
  no_implementor: 'this ZAP has no such component: too old, or the add-on is missing',
  scan_in_progress: 'wait for the running scan, or stop it',
};

function kindOfCode(code: string): ConnectorFailureKind {
  if (code === 'bad_api_key') return 'auth_failed';
  if (code === 'no_access' || code === 'disabled' || code === 'mode_violation') return 'forbidden';
  return 'http_error';
}

/** ZAP's error reply, typed: its code (`url_not_found`), message and optional detail. */
export class ZapApiError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly zapCode: string,
    readonly zapMessage: string,
    readonly detail: string | undefined,
    context: string,
  ) {
    const hint = HINTS[zapCode];
    super({
      kind: kindOfCode(zapCode),
      message: `${context}: ${zapMessage || zapCode} (ZAP ${zapCode})${detail ? `: ${detail}` : ''}${hint ? `; ${hint}` : ''}`,
      status,
      toolCode: zapCode,
      ...(hint ? { remediation: hint } : {}),
    });
    this.name = 'ZapApiError';
  }
}

export type ZapScanKind = 'spider' | 'ascan';

/** One active scan as `ascan/view/scans` lists it, numbers parsed. */
export interface ZapActiveScan {
  id: string;
  progress: number;
  /** NOT_STARTED, RUNNING, PAUSED, FINISHED (ZAP's ActiveScan.State). */
  state: string;
  requests: number;
  alerts: number;
  newAlerts: number;
}

export interface SpiderOptions {
  /** Children per node (0 = unlimited). */
  maxChildren?: number;
  recurse?: boolean;
  contextName?: string;
  /** Stay below the start URL. */
  subtreeOnly?: boolean;
}

export interface ActiveScanOptions {
  recurse?: boolean;
  inScopeOnly?: boolean;
  scanPolicyName?: string;
  method?: string;
  postData?: string;
  contextId?: string;
}

export interface AlertFilter {
  /** Only alerts whose URL starts with this. */
  baseUrl?: string;
  severity?: 'info' | 'low' | 'medium' | 'high';
}

export interface AlertPage {
  alerts: ZapAlert[];
  /** ZAP's 1-based start of this page. */
  start: number;
  /** Alerts without the expected shape (left out, logged). */
  malformed: number;
  /** Alerts already yielded by an earlier page (ZAP's list moved between pages). */
  duplicates: number;
}

export interface AlertsSummary {
  high: number;
  medium: number;
  low: number;
  informational: number;
}

export interface DrainResult {
  waitedMs: number;
  polls: number;
}

const count = zapInt.pipe(z.number().int().min(0));
const percent = zapInt.pipe(z.number().int().min(0).max(100));
const ScanId = z.string().regex(/^\d+$/, 'a scan id');

const ActiveScanRow = z.object({
  id: ScanId,
  progress: percent,
  state: z.string(),
  reqCount: count.default(0),
  alertCount: count.default(0),
  newAlertCount: count.default(0),
});

function checkUrl(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw connectorFailure('invalid_config', `${what}: "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw connectorFailure('invalid_config', `${what}: ZAP scans http and https URLs, not ${u.protocol}`);
  return url;
}

function checkScanId(id: string, what: string): string {
  if (!ScanId.safeParse(id).success) throw connectorFailure('invalid_config', `${what}: "${id}" is not a ZAP scan id (a number)`);
  return id;
}

function flag(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export class ZapClient {
  readonly http: HttpClient;
  private readonly secrets = new SecretSet();
  private readonly clock: Clock;
  private readonly log: Logger;
  private key: Promise<string> | null = null;

  constructor(
    readonly config: ZapConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.http = httpClientFor(config, deps, this.secrets);
    this.log = redactingLogger(deps.logger ?? silentLogger, this.secrets.list);
  }

  /**
   * One API call. `retry` says whether repeating it is harmless (views, stops, accessUrl); a scan
   * start is sent once. The key is read from the keychain once and again after any failure that
   * may be a wrong key (ZAP's bad_api_key, or a connection ZAP closed), so a changed key is
   * picked up without a restart.
   */
  private async call(component: string, type: 'view' | 'action', name: string, params: Record<string, QueryValue>, retry: boolean, signal?: AbortSignal): Promise<Record<string, unknown>> {
    this.key ??= apiKeyCredential(this.deps.credentials, this.secrets, this.config.name);
    const key = this.key;
    const context = `${this.config.name} ${component}/${type}/${name}`;
    let res: HttpResponse;
    try {
      res = await this.http.request({
        method: 'GET',
        path: `/JSON/${component}/${type}/${name}/`,
        query: params,
        headers: { 'x-zap-api-key': await key },
        idempotent: retry,
        expectJson: true,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (this.key === key) this.key = null;
      throw err;
    }
    if (res.status >= 400) {
      const err = this.error(res, context);
      if (err.kind === 'auth_failed' && this.key === key) this.key = null;
      throw err;
    }
    if (res.status !== 200 || !res.json || typeof res.json !== 'object' || Array.isArray(res.json)) {
      throw connectorFailure('bad_response', `${context}: ZAP answered HTTP ${res.status} without a JSON object`, { status: res.status });
    }
    return res.json as Record<string, unknown>;
  }

  private error(res: HttpResponse, context: string): ConnectorError {
    const e = ErrorJson.safeParse(res.json);
    if (e.success) return new ZapApiError(res.status, e.data.code, e.data.message, e.data.detail, context);
    if (res.status === 429) return connectorFailure('rate_limited', `${context}: HTTP 429 (a proxy in front of ZAP limits requests)`, { status: 429 });
    // Not ZAP's error JSON: another web server (or a proxy) answered.
    return connectorFailure(
      res.json === undefined && res.status === 404 ? 'wrong_product' : 'http_error',
      `${context}: HTTP ${res.status} without ZAP's error JSON${res.status === 404 ? ': is this ZAP’s API address (the proxy port, 8080 by default)?' : ''}`,
      { status: res.status },
    );
  }

  /** The one named field of an answer, checked with `schema`. */
  private field<T>(answer: Record<string, unknown>, key: string, schema: z.ZodType<T>, context: string): T {
    const parsed = schema.safeParse(answer[key]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw connectorFailure('bad_response', `${this.config.name} ${context}: "${key}" ${issue ? `${issue.path.join('.')} ${issue.message}` : 'is missing'} (got ${JSON.stringify(answer).slice(0, 200)})`);
    }
    return parsed.data;
  }

  private async view<T>(component: string, name: string, key: string, schema: z.ZodType<T>, params: Record<string, QueryValue> = {}, signal?: AbortSignal): Promise<T> {
    const answer = await this.call(component, 'view', name, params, true, signal);
    return this.field(answer, key, schema, `${component}/view/${name}`);
  }

  /** An action answering `{"Result":"OK"}`. */
  private async okAction(component: string, name: string, params: Record<string, QueryValue>, signal?: AbortSignal): Promise<void> {
    const answer = await this.call(component, 'action', name, params, true, signal);
    this.field(answer, 'Result', z.literal('OK'), `${component}/action/${name}`);
  }

  // ---- core --------------------------------------------------------------------------------

  /** `core/view/version`: "2.16.1". */
  version(signal?: AbortSignal): Promise<string> {
    return this.view('core', 'version', 'version', z.string().min(1), {}, signal);
  }

  /**
   * Fetches the URL through ZAP, which puts it in the Sites tree (an active scan needs the URL
   * there). Harmless to repeat.
   */
  async accessUrl(url: string, opts: { followRedirects?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    checkUrl(url, 'accessUrl');
    await this.call('core', 'action', 'accessUrl', { url, followRedirects: flag(opts.followRedirects) }, true, signal);
  }

  /** Whether `GET /UI/` (ZAP's API UI, no key needed) answers like ZAP: tells "wrong key" from "not there". */
  async answersApiUi(signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.http.request({ method: 'GET', path: '/UI/', headers: { accept: 'text/html' }, ...(signal ? { signal } : {}) });
      return res.status === 200 && res.text.includes('ZAP API UI');
    } catch (err) {
      if (signal?.aborted) throw err;
      return false;
    }
  }

  // ---- spider and active scan ------------------------------------------------------------

  /** Starts a scan (never retried: a repeated start would run two scans); its id. */
  private async start(kind: ZapScanKind, url: string, params: Record<string, QueryValue>, signal?: AbortSignal): Promise<string> {
    checkUrl(url, `${kind} scan`);
    const answer = await this.call(kind, 'action', 'scan', { url, ...params }, false, signal);
    return this.field(answer, 'scan', ScanId, `${kind}/action/scan`);
  }

  /** Starts the spider at `url` (which also puts what it finds in the Sites tree); its scan id. */
  async spiderScan(url: string, opts: SpiderOptions = {}, signal?: AbortSignal): Promise<string> {
    return this.start('spider', url, { maxChildren: opts.maxChildren, recurse: flag(opts.recurse), contextName: opts.contextName, subtreeOnly: flag(opts.subtreeOnly) }, signal);
  }

  /**
   * Starts an active scan of `url`. ZAP refuses a URL that is not in its Sites tree
   * (`url_not_found`): spider it or accessUrl it first.
   */
  async activeScan(url: string, opts: ActiveScanOptions = {}, signal?: AbortSignal): Promise<string> {
    const { recurse, inScopeOnly, scanPolicyName, method, postData, contextId } = opts;
    return this.start('ascan', url, { recurse: flag(recurse), inScopeOnly: flag(inScopeOnly), scanPolicyName, method, postData, contextId }, signal);
  }

  /** Progress 0-100 (100 = done, also after a stop). */
  async scanStatus(kind: ZapScanKind, id: string, signal?: AbortSignal): Promise<number> {
    return this.view(kind, 'status', 'status', percent, { scanId: checkScanId(id, `${kind} status`) }, signal);
  }

  async stopScan(kind: ZapScanKind, id: string, signal?: AbortSignal): Promise<void> {
    return this.okAction(kind, 'stop', { scanId: checkScanId(id, `${kind} stop`) }, signal);
  }

  /** URLs the spider found. */
  async spiderResults(id: string, signal?: AbortSignal): Promise<string[]> {
    return this.view('spider', 'results', 'results', z.array(z.string()), { scanId: checkScanId(id, 'spider results') }, signal);
  }

  /** Every active scan ZAP knows, with its numbers. */
  async activeScans(signal?: AbortSignal): Promise<ZapActiveScan[]> {
    const rows = await this.view('ascan', 'scans', 'scans', z.array(ActiveScanRow), {}, signal);
    return rows.map((r) => ({ id: r.id, progress: r.progress, state: r.state, requests: r.reqCount, alerts: r.alertCount, newAlerts: r.newAlertCount }));
  }

  /**
   * Polls a spider or active scan until 100%. Fails as `timeout` when the progress has not moved
   * for `stallMs` (default 15 min: some active rules sit on one percentage for minutes) or past
   * `timeoutMs` (default none).
   */
  waitForScan(kind: ZapScanKind, id: string, opts: WaitOptions & { onProgress?: (percent: number) => void } = {}): Promise<WaitResult<number>> {
    return pollUntilDone(
      async () => {
        const p = await this.scanStatus(kind, id, opts.signal);
        return { done: p >= 100, mark: String(p), value: p };
      },
      this.clock,
      {
        ...opts,
        stallMs: opts.stallMs === undefined ? 15 * 60_000 : opts.stallMs,
        what: `the ${kind === 'ascan' ? 'active' : 'spider'} scan ${id} on ${this.config.name}`,
        describe: (p) => `${p}%`,
        ...(opts.onProgress ? { onPoll: opts.onProgress } : {}),
      },
    );
  }

  // ---- passive scan ------------------------------------------------------------------------

  /** Records the passive scanner still has to look at. */
  recordsToScan(signal?: AbortSignal): Promise<number> {
    return this.view('pscan', 'recordsToScan', 'recordsToScan', count, {}, signal);
  }

  /**
   * Waits until ZAP's passive scanner has looked at every record (`recordsToScan` = 0): alerts
   * read before that are incomplete. Past `timeoutMs` (default: the configuration's
   * passiveScanTimeoutSeconds) it fails as `timeout`, saying how many records are left; the
   * caller decides whether to read the alerts anyway.
   */
  drainPassiveScan(opts: WaitOptions & { onProgress?: (records: number) => void } = {}): Promise<DrainResult> {
    return pollUntilDone(
      async () => {
        const n = await this.recordsToScan(opts.signal);
        return { done: n === 0, mark: String(n), value: n };
      },
      this.clock,
      {
        pollMs: 1_000,
        ...opts,
        timeoutMs: opts.timeoutMs === undefined ? this.config.passiveScanTimeoutSeconds * 1000 : opts.timeoutMs,
        stallMs: opts.stallMs ?? null,
        what: `ZAP's passive scanner on ${this.config.name}`,
        describe: (n) => `${n} record${n === 1 ? '' : 's'} still to scan; alerts read now would be incomplete`,
        ...(opts.onProgress ? { onPoll: opts.onProgress } : {}),
      },
    ).then(({ polls, waitedMs }) => ({ polls, waitedMs }));
  }

  // ---- alerts ------------------------------------------------------------------------------

  private alertQuery(filter: AlertFilter): Record<string, QueryValue> {
    if (filter.baseUrl !== undefined) checkUrl(filter.baseUrl, 'alerts baseurl');
    return { baseurl: filter.baseUrl, riskId: filter.severity ? zapRiskId(filter.severity) : undefined };
  }

  /** One page of alerts: ZAP's 1-based `start`, at most `count`. */
  async alertsPage(filter: AlertFilter, start: number, pageSize: number, signal?: AbortSignal): Promise<{ alerts: ZapAlert[]; listed: number; malformed: number }> {
    if (!Number.isInteger(start) || start < 1) throw connectorFailure('invalid_config', 'alerts: start counts from 1');
    if (!Number.isInteger(pageSize) || pageSize < 1) throw connectorFailure('invalid_config', 'alerts: count must be 1 or more');
    const rows = await this.view('alert', 'alerts', 'alerts', z.array(z.unknown()), { ...this.alertQuery(filter), start, count: pageSize }, signal);
    const alerts: ZapAlert[] = [];
    let malformed = 0;
    for (const row of rows) {
      const a = ZapAlert.safeParse(row);
      if (a.success) alerts.push(a.data);
      else {
        malformed++;
        const issue = a.error.issues[0];
        this.log.warn('ZAP alert without the expected shape left out', { connector: this.config.id, start, issue: issue ? `${issue.path.join('.')}: ${issue.message}` : '' });
      }
    }
    return { alerts, listed: rows.length, malformed };
  }

  /**
   * Every alert matching the filter, a page (`alertPageSize`) at a time. Read them after
   * drainPassiveScan(): passive alerts keep arriving until the backlog is empty.
   */
  async *alerts(filter: AlertFilter = {}, opts: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<AlertPage> {
    const pageSize = opts.pageSize ?? this.config.alertPageSize;
    const seen = new Set<string>();
    for (let start = 1; ; start += pageSize) {
      const page = await this.alertsPage(filter, start, pageSize, opts.signal);
      const fresh = page.alerts.filter((a) => !seen.has(a.id));
      for (const a of fresh) seen.add(a.id);
      yield { alerts: fresh, start, malformed: page.malformed, duplicates: page.alerts.length - fresh.length };
      if (page.listed < pageSize) return;
    }
  }

  /** Alert counts by risk (false positives are not counted). */
  async alertsSummary(filter: Pick<AlertFilter, 'baseUrl'> = {}, signal?: AbortSignal): Promise<AlertsSummary> {
    const s = await this.view(
      'alert',
      'alertsSummary',
      'alertsSummary',
      z.object({ High: count.default(0), Medium: count.default(0), Low: count.default(0), Informational: count.default(0) }),
      { baseurl: this.alertQuery(filter).baseurl },
      signal,
    );
    return { high: s.High, medium: s.Medium, low: s.Low, informational: s.Informational };
  }

  /** How many alerts match (what alerts() will yield, false positives excluded). */
  async numberOfAlerts(filter: AlertFilter = {}, signal?: AbortSignal): Promise<number> {
    return this.view('alert', 'numberOfAlerts', 'numberOfAlerts', count, this.alertQuery(filter), signal);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
