import { z } from 'zod';
import type { ScanFinding, SpiderFootConfig } from '../../contract/connectors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { mapFindings, type MappedFindings } from '../findings.js';
import { encodeQuery, httpClientFor, type ConnectorDeps, type HttpClient, type HttpResponse, type QueryValue } from '../http.js';
import { systemClock, type Clock } from '../limits.js';
import { pollUntilDone, type WaitOptions, type WaitResult } from '../poll.js';
import { redactingLogger, SecretSet } from '../redact.js';
import { basicCredentials, ConnectorError, connectorFailure, type BasicCredentials, type ConnectorFailureKind } from '../types.js';
import { DigestSession, parseDigestChallenge } from './digest.js';
import {
  correlationToFinding,
  eventToFinding,
  rowParsers,
  SF_FINAL_STATUSES,
  type RowResult,
  type SpiderFootCorrelation,
  type SpiderFootEvent,
  type SpiderFootScan,
  type SpiderFootScanStatus,
  type SpiderFootSummaryRow,
} from './model.js';
import { ZoneClock } from './time.js';

/**
 * SpiderFoot 4's web API (sfwebui.py, CherryPy, default port 5001). What it does that a client
 * must know:
 * - Errors come three ways: `["ERROR", "..."]` (or WARNING) with HTTP 200; `{"error":
 *   {"http_status": "404", "message": "..."}}` with that status (jsonify_error); and CherryPy's
 *   HTML 404 page when a required parameter is missing or the path is unknown.
 * - `/startscan` takes all five of scanname, scantarget, modulelist, typelist, usecase (empty
 *   ones included: a missing one is a 404) and answers JSON only with `Accept:
 *   application/json`; without it the scan still starts and the answer is a 303 to
 *   /scaninfo?id=... (read the id from there rather than start it twice).
 * - `/scanstatus` of an unknown scan is `[]`; the end time of a running scan is the epoch
 *   ("1970-01-01 00:00:00" in the server's zone); `started` can be a second before `created`.
 * - `/stopscan`: 404 JSON for an unknown scan, 400 for one that has finished or aborted; it
 *   only asks for the abort (ABORT-REQUESTED), the scan reaches ABORTED later.
 * - Dates carry no zone: they are the server's local time (config `serverTimeZone`).
 * - HTTP Digest (MD5, qop=auth) when the server has a passwd file: see digest.ts.
 */

export const SPIDERFOOT_PRODUCT = 'SpiderFoot';

export const SF_USE_CASES = ['all', 'footprint', 'investigate', 'passive'] as const;

export interface StartScanRequest {
  name: string;
  /** IP, domain, netblock, e-mail, phone, ASN, BTC address; names and user names in double quotes. */
  target: string;
  /** Modules, e.g. sfp_dnsresolve (a `module_` prefix is accepted). */
  modules?: readonly string[];
  /** Event types wanted, e.g. IP_ADDRESS: SpiderFoot picks the modules that produce them. */
  types?: readonly string[];
  useCase?: (typeof SF_USE_CASES)[number];
}

export type StopResult = { stopped: true } | { stopped: false; reason: string };

export interface EventQuery {
  /** One event type, or all (default). */
  eventType?: string;
  /** Leave out events marked false positive. */
  filterFalsePositives?: boolean;
  correlationId?: string;
}

/** A scan's findings; events and correlations that did not map or parse are counted, not lost. */
export interface ScanFindings {
  findings: ScanFinding[];
  rejected: MappedFindings<SpiderFootEvent | SpiderFootCorrelation>['rejected'];
  /** Rows that did not parse at all. */
  malformed: number;
}

export interface Parsed<T> {
  items: T[];
  /** Rows that did not have the expected shape (left out, logged), with the reason. */
  malformed: { row: unknown; reason: string }[];
}

const SfError = z.object({ error: z.object({ http_status: z.union([z.string(), z.number()]), message: z.string() }) });
const Verdict = z.tuple([z.enum(['SUCCESS', 'ERROR', 'WARNING']), z.unknown()]);

/** A SpiderFoot error answer, typed: HTTP status and SpiderFoot's message. */
export class SpiderFootApiError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly sfMessage: string,
    kind: ConnectorFailureKind,
    context: string,
    toolCode: string,
  ) {
    super({ kind, message: `${context}: ${sfMessage}`, status, toolCode });
    this.name = 'SpiderFootApiError';
  }
}

const MODULE = /^(module_)?sfp_[A-Za-z0-9_]+$/;
const EVENT_TYPE = /^(type_)?[A-Z0-9_]+$/;

export class SpiderFootClient {
  readonly http: HttpClient;
  readonly zone: ZoneClock;
  private readonly secrets = new SecretSet();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly digest: DigestSession;
  private readonly basePath: string;
  private readonly parse: ReturnType<typeof rowParsers>;
  private typeNames: Promise<Map<string, string>> | null = null;
  /** The user and password of the current Digest login (read from the keychain at each login). */
  private creds: BasicCredentials | null = null;

  constructor(
    readonly config: SpiderFootConfig,
    private readonly deps: ConnectorDeps & { cnonce?: () => string },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.http = httpClientFor(config, deps, this.secrets);
    this.log = redactingLogger(deps.logger ?? silentLogger, this.secrets.list);
    this.digest = new DigestSession(deps.cnonce);
    this.basePath = new URL(config.url).pathname.replace(/\/+$/, '');
    this.zone = new ZoneClock(config.serverTimeZone);
    this.parse = rowParsers(this.zone);
  }

  private credentials(): Promise<BasicCredentials> {
    return basicCredentials(this.deps.credentials, this.config.username ?? '', this.secrets, this.config.name);
  }

  /**
   * One request, with Digest when the server asks for it (the password is read from the keychain
   * at each login, not for every request): after the first challenge every
   * request carries Authorization up front; a 401 with `stale="true"` (nonce older than 10 min)
   * or the first 401 after a cached nonce (server restarted) takes the new nonce and goes again;
   * a second plain 401 means the user name or password is wrong. Nothing is acted on before a
   * login succeeds (CherryPy checks Digest before the handler), so re-sending a POST is safe.
   */
  private async request(method: 'GET' | 'POST', path: string, opts: { query?: Record<string, QueryValue>; form?: Record<string, string>; retry: boolean }, signal?: AbortSignal): Promise<HttpResponse> {
    const context = `${this.config.name} ${path}`;
    for (let round = 0; ; round++) {
      const creds = this.digest.ready ? this.creds : null;
      const uri = `${this.basePath}${path}${encodeQuery(opts.query)}`;
      const authorization = creds ? this.digest.authorization(method, uri, creds.username, creds.password) : null;
      const res = await this.http.request({
        method,
        path,
        ...(opts.query ? { query: opts.query } : {}),
        ...(opts.form ? { form: opts.form } : {}),
        headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
        idempotent: opts.retry,
        expectJson: true,
        ...(signal ? { signal } : {}),
      });
      if (res.status !== 401) return res;
      const challenge = parseDigestChallenge(res.headers['www-authenticate']);
      if (!challenge) {
        const asked = String(res.headers['www-authenticate'] ?? 'nothing');
        throw connectorFailure('auth_failed', `${context}: HTTP 401 asking for ${asked}, not SpiderFoot's Digest login: is a proxy in front of it asking for its own?`, { status: 401 });
      }
      if (this.config.username === null) {
        throw connectorFailure(
          'auth_failed',
          `${this.config.name}: SpiderFoot asks for a login (HTTP Digest, realm "${challenge.realm}"): set the user name from its passwd file and put the password in the keychain`,
          { status: 401 },
        );
      }
      if (round >= 2 || (round >= 1 && !challenge.stale)) {
        this.digest.reset();
        this.creds = null;
        throw connectorFailure('auth_failed', `${this.config.name}: SpiderFoot refused the login of "${this.config.username}" (HTTP Digest, realm "${challenge.realm}"): wrong user name or password`, {
          status: 401,
        });
      }
      // a new login: the password is read again, so a changed one is picked up
      const login = await this.credentials();
      try {
        this.digest.accept(challenge);
      } catch (err) {
        throw connectorFailure('auth_failed', `${this.config.name}: ${(err as Error).message}`, { status: 401 });
      }
      this.creds = login;
    }
  }

  /** A JSON answer, or the typed error of any of SpiderFoot's three error forms. */
  private async json(method: 'GET' | 'POST', path: string, query: Record<string, QueryValue>, signal?: AbortSignal): Promise<unknown> {
    const res = await this.request(method, path, { query, retry: method === 'GET' }, signal);
    return this.answer(res, path);
  }

  private answer(res: HttpResponse, path: string): unknown {
    const context = `${this.config.name} ${path}`;
    if (res.status >= 400 || res.status < 200 || res.status >= 300) {
      const e = SfError.safeParse(res.json);
      if (e.success) {
        throw new SpiderFootApiError(res.status, e.data.error.message, res.status === 429 ? 'rate_limited' : 'http_error', context, String(e.data.error.http_status));
      }
      const html = /text\/html/i.test(String(res.headers['content-type'] ?? '')) || /^\s*</.test(res.text);
      if (res.status === 404 && html) {
        throw new SpiderFootApiError(404, 'SpiderFoot answered its “Not Found” page: a required parameter is missing, or this SpiderFoot has no such call', 'http_error', context, 'not_found');
      }
      throw new SpiderFootApiError(res.status, `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 120)}` : ''}`, 'http_error', context, `http_${res.status}`);
    }
    const verdict = Verdict.safeParse(res.json);
    if (verdict.success && verdict.data[0] !== 'SUCCESS') {
      throw new SpiderFootApiError(res.status, String(verdict.data[1]), 'http_error', context, verdict.data[0]);
    }
    return res.json;
  }

  private rows<T>(answer: unknown, parse: (row: unknown) => RowResult<T>, context: string): Parsed<T> {
    if (!Array.isArray(answer)) throw connectorFailure('bad_response', `${this.config.name} ${context}: expected a list, got ${JSON.stringify(answer).slice(0, 120)}`);
    const out: Parsed<T> = { items: [], malformed: [] };
    for (const row of answer) {
      const r = parse(row);
      if (r.ok) out.items.push(r.value);
      else out.malformed.push({ row, reason: r.reason });
    }
    if (out.malformed.length) {
      this.log.warn('SpiderFoot rows without the expected shape left out', { connector: this.config.id, context, malformed: out.malformed.length, first: out.malformed[0]!.reason });
    }
    return out;
  }

  // ---- calls ---------------------------------------------------------------------------------

  /** `/ping` → SpiderFoot's version ("4.0.0"). */
  async ping(signal?: AbortSignal): Promise<string> {
    const answer = await this.json('GET', '/ping', {}, signal);
    const p = z.tuple([z.literal('SUCCESS'), z.string().min(1)]).safeParse(answer);
    if (!p.success) throw connectorFailure('wrong_product', `${this.config.url}/ping did not answer ["SUCCESS", version]: is this SpiderFoot (port 5001 by default)?`);
    return p.data[1];
  }

  /**
   * Starts a scan; its id. All five form fields go out (empty ones too) with Accept:
   * application/json. Refusals (`["ERROR", "Unrecognised target type."]`) throw with SpiderFoot's words.
   */
  async startScan(req: StartScanRequest, signal?: AbortSignal): Promise<string> {
    const name = req.name?.trim() ?? '';
    const target = req.target?.trim() ?? '';
    const modules = [...(req.modules ?? [])];
    const types = [...(req.types ?? [])];
    if (!name) throw connectorFailure('invalid_config', 'a SpiderFoot scan needs a name');
    if (!target) throw connectorFailure('invalid_config', 'a SpiderFoot scan needs a target');
    if (!modules.length && !types.length && !req.useCase) throw connectorFailure('invalid_config', 'a SpiderFoot scan needs modules, event types or a use case');
    const badModule = modules.find((m) => !MODULE.test(m));
    if (badModule !== undefined) throw connectorFailure('invalid_config', `"${badModule}" is not a SpiderFoot module name (sfp_...)`);
    const badType = types.find((t) => !EVENT_TYPE.test(t));
    if (badType !== undefined) throw connectorFailure('invalid_config', `"${badType}" is not a SpiderFoot event type (e.g. IP_ADDRESS)`);
    if (req.useCase !== undefined && !SF_USE_CASES.includes(req.useCase)) throw connectorFailure('invalid_config', `use case must be one of ${SF_USE_CASES.join(', ')}`);
    const form = { scanname: name, scantarget: target, modulelist: modules.join(','), typelist: types.join(','), usecase: req.useCase ?? '' };
    const res = await this.request('POST', '/startscan', { form, retry: false }, signal);
    if (res.status === 303) {
      // The scan started; the Accept header was lost on the way (a proxy?).
      const location = String(res.headers.location ?? '');
      const id = /[?&]id=([^&]+)/.exec(location)?.[1];
      if (!id) throw connectorFailure('bad_response', `${this.config.name} /startscan: a 303 to "${location}" without a scan id; the scan may have started: check the scan list`, { status: 303 });
      this.log.warn('SpiderFoot answered the scan start with a redirect (Accept: application/json lost on the way?)', { connector: this.config.id, scan: id });
      return decodeURIComponent(id);
    }
    const answer = this.answer(res, '/startscan');
    const ok = z.tuple([z.literal('SUCCESS'), z.string().min(1)]).safeParse(answer);
    if (!ok.success) throw connectorFailure('bad_response', `${this.config.name} /startscan: unexpected answer ${JSON.stringify(answer).slice(0, 120)}; the scan may have started: check the scan list`);
    return ok.data[1];
  }

  async scanList(signal?: AbortSignal): Promise<Parsed<SpiderFootScan>> {
    return this.rows(await this.json('GET', '/scanlist', {}, signal), this.parse.scan, '/scanlist');
  }

  /** A scan's status, or null when SpiderFoot does not know the id. */
  async scanStatus(id: string, signal?: AbortSignal): Promise<SpiderFootScanStatus | null> {
    const answer = await this.json('GET', '/scanstatus', { id: checkId(id) }, signal);
    if (Array.isArray(answer) && answer.length === 0) return null;
    const r = this.parse.status(answer);
    if (!r.ok) throw connectorFailure('bad_response', `${this.config.name} /scanstatus: ${r.reason}`);
    return r.value;
  }

  /** A scan's events (all of them: SpiderFoot does not page). */
  async scanEvents(id: string, q: EventQuery = {}, signal?: AbortSignal): Promise<Parsed<SpiderFootEvent>> {
    const eventType = q.eventType ?? 'ALL';
    if (eventType !== 'ALL' && !EVENT_TYPE.test(eventType)) throw connectorFailure('invalid_config', `"${eventType}" is not a SpiderFoot event type`);
    const answer = await this.json('GET', '/scaneventresults', { id: checkId(id), eventType, filterfp: q.filterFalsePositives ? 'true' : undefined, correlationId: q.correlationId }, signal);
    return this.rows(answer, this.parse.event, '/scaneventresults');
  }

  async scanCorrelations(id: string, signal?: AbortSignal): Promise<Parsed<SpiderFootCorrelation>> {
    return this.rows(await this.json('GET', '/scancorrelations', { id: checkId(id) }, signal), this.parse.correlation, '/scancorrelations');
  }

  /** Counts per event type (the ROOT event left out). */
  async scanSummary(id: string, signal?: AbortSignal): Promise<Parsed<SpiderFootSummaryRow>> {
    return this.rows(await this.json('GET', '/scansummary', { id: checkId(id), by: 'type' }, signal), this.parse.summary, '/scansummary');
  }

  /** Event type → description ("TCP_PORT_OPEN" → "Open TCP Port"), fetched once. */
  eventTypes(signal?: AbortSignal): Promise<Map<string, string>> {
    if (!this.typeNames) {
      this.typeNames = this.json('GET', '/eventtypes', {}, signal).then((answer) => {
        const list = z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())).safeParse(answer);
        if (!list.success) throw connectorFailure('bad_response', `${this.config.name} /eventtypes: not a list of [type, description]`);
        // [type, description] as SpiderFoot 4.0 sends them; the other order is read too.
        return new Map(list.data.map((r) => (/^[A-Z0-9_]+$/.test(r[0]) ? [r[0], r[1]] : [r[1], r[0]])));
      });
      this.typeNames.catch(() => (this.typeNames = null));
    }
    return this.typeNames;
  }

  /**
   * Asks SpiderFoot to abort a scan (it goes ABORT-REQUESTED, then ABORTED). A scan that is
   * already over is not an error: `{stopped: false, reason}`. An unknown id throws (404).
   */
  async stopScan(id: string, signal?: AbortSignal): Promise<StopResult> {
    const res = await this.request('POST', '/stopscan', { query: { id: checkId(id) }, retry: true }, signal);
    if (res.status === 400) {
      const e = SfError.safeParse(res.json);
      if (e.success) return { stopped: false, reason: e.data.error.message };
    }
    this.answer(res, '/stopscan');
    return { stopped: true };
  }

  /**
   * Polls until the scan is over (FINISHED, ABORTED or ERROR-FAILED); its last status. Fails as
   * `timeout` when neither the status nor the number of events has changed for `stallMs`
   * (default 30 min: modules can wait long on slow sources), or past `timeoutMs` (default none),
   * and throws when the scan disappears.
   */
  waitForScan(id: string, opts: WaitOptions & { onStatus?: (s: SpiderFootScanStatus) => void } = {}): Promise<WaitResult<SpiderFootScanStatus>> {
    return pollUntilDone(
      async () => {
        const s = await this.scanStatus(id, opts.signal);
        if (!s) throw connectorFailure('http_error', `${this.config.name}: SpiderFoot no longer knows scan ${id} (deleted?)`);
        const done = SF_FINAL_STATUSES.includes(s.status);
        const events = done ? 0 : (await this.scanSummary(id, opts.signal)).items.reduce((n, r) => n + r.total, 0);
        return { done, mark: `${s.status}/${events}`, value: s };
      },
      this.clock,
      {
        ...opts,
        stallMs: opts.stallMs === undefined ? 30 * 60_000 : opts.stallMs,
        what: `SpiderFoot scan ${id} on ${this.config.name}`,
        describe: (s) => s.status,
        ...(opts.onStatus ? { onPoll: opts.onStatus } : {}),
      },
    );
  }

  /** A scan's events (ROOT left out) and, unless told not to, its correlations, as findings. */
  async findings(id: string, opts: { correlations?: boolean; signal?: AbortSignal } = {}): Promise<ScanFindings> {
    const names = await this.eventTypes(opts.signal).catch(() => new Map<string, string>());
    const events = await this.scanEvents(id, {}, opts.signal);
    const fromEvents = mapFindings(events.items, (e) => eventToFinding(id, e, names));
    const out: ScanFindings = { findings: fromEvents.findings, rejected: fromEvents.rejected, malformed: events.malformed.length };
    if (opts.correlations !== false) {
      const corr = await this.scanCorrelations(id, opts.signal);
      const fromCorr = mapFindings(corr.items, (c) => correlationToFinding(id, c));
      out.findings.push(...fromCorr.findings);
      out.rejected.push(...fromCorr.rejected);
      out.malformed += corr.malformed.length;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Scan ids are 8 hex digits in SpiderFoot 4; anything with a comma would address several scans. */
function checkId(id: string): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw connectorFailure('invalid_config', `"${id}" is not a SpiderFoot scan id`);
  return id;
}
