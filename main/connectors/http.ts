import { Agent } from 'undici';
import type { ConnectorTimeouts, TlsTrust } from '../contract/connectors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { CircuitBreaker, systemClock, TokenBucket, type BreakerOptions, type BudgetOptions, type Clock } from './limits.js';
import { redactingLogger, redactString, type SecretSet } from './redact.js';
import { connectorFor, PinMismatchError, probeCertificate, tlsProblem } from './trust.js';
import { ConnectorError, connectorFailure, type CertificateInfo, type CredentialSource } from './types.js';

/**
 * The one HTTP client every connector uses (undici). Per connector: its own Agent and TLS trust
 * (trust.ts), connect/headers/body timeouts, a request budget (token bucket), a circuit breaker,
 * retries with exponential backoff and jitter, Retry-After on 429/503, and logs without secrets.
 *
 * Retry rules:
 * - idempotent requests (GET/HEAD, or `idempotent: true` such as an OpenSearch _search) are
 *   retried after timeouts, resets, truncated or unparsable 2xx bodies and 500/502/503/504;
 * - any request is retried after an error that proves it was never sent (DNS, refused, connect
 *   timeout) and after 429 (the server rejected it before acting);
 * - a TLS trust failure, 4xx other than 429, and an open circuit are never retried.
 * Errors are thrown as ConnectorError with a typed kind; HTTP error statuses are returned for the
 * tool client to read (problem JSON, 401 re-login), after the retries above.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | undefined | null;

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with '/'. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A JSON body (sets Content-Type). */
  json?: unknown;
  /** An application/x-www-form-urlencoded body (sets Content-Type); not with `json`. */
  form?: Record<string, string>;
  idempotent?: boolean;
  /** Parse the body as JSON; an unparsable 2xx body counts as a truncated answer. */
  expectJson?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body when expectJson and it parsed (also for error statuses), else undefined. */
  json: unknown;
  latencyMs: number;
  attempts: number;
}

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the 429 goes back to the caller. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, openMs: 30_000 };

export interface HttpClientOptions {
  /** Connector id, for logs and messages. */
  name: string;
  baseUrl: string;
  trust: TlsTrust;
  timeouts: ConnectorTimeouts;
  /** null = no budget. */
  budget?: BudgetOptions | null;
  breaker?: BreakerOptions;
  retry?: Partial<RetryOptions>;
  /** Largest body accepted (default 256 MiB). */
  maxBodyBytes?: number;
  logger?: Logger;
  /** Secret values to cut out of every log line (password, current token). */
  secrets?: () => Iterable<string>;
  clock?: Clock;
  /** [0, 1), for jitter. */
  random?: () => number;
  userAgent?: string;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const NOT_SENT_CODES = new Set([...DNS_CODES, 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCode(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code !== 'UND_ERR') return e.code;
  }
  return '';
}

/** Milliseconds from a Retry-After header (delta seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const trimmed = v.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random. */
export function backoffMs(attempt: number, retry: RetryOptions, random: () => number): number {
  const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    params.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString().replace(/%2C/gi, ',');
  return s ? `?${s}` : '';
}

interface Attempt {
  retry: boolean;
  /** Counted by the breaker. */
  serverFault: boolean;
}

export class HttpClient {
  readonly name: string;
  readonly origin: string;
  private readonly basePath: string;
  private readonly agent: Agent;
  private readonly budget: TokenBucket | null;
  private readonly breaker: CircuitBreaker;
  private readonly retry: RetryOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxBodyBytes: number;
  private readonly secrets: () => Iterable<string>;

  constructor(private readonly opts: HttpClientOptions) {
    const url = new URL(opts.baseUrl);
    this.name = opts.name;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;
    this.secrets = opts.secrets ?? (() => []);
    this.log = redactingLogger(opts.logger ?? silentLogger, this.secrets);
    this.budget = opts.budget ? new TokenBucket(opts.budget, this.clock) : null;
    this.breaker = new CircuitBreaker(opts.breaker ?? DEFAULT_BREAKER, this.clock, opts.name);
    this.agent = new Agent({
      connect: connectorFor(opts.trust, opts.timeouts.connectMs),
      headersTimeout: opts.timeouts.headersMs,
      bodyTimeout: opts.timeouts.bodyMs,
      connections: 4,
    });
  }

  get circuit(): ReturnType<CircuitBreaker['current']> {
    return this.breaker.current();
  }

  /** Sends a request with retries; returns the final response (any status) or throws a ConnectorError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'HEAD');
    const path = `${this.basePath}${req.path}${encodeQuery(req.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.opts.userAgent ?? 'Vigil', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const started = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      this.breaker.admit();
      try {
        await this.budget?.acquire(req.signal);
      } catch (err) {
        this.breaker.release();
        throw err;
      }
      let res: Omit<HttpResponse, 'latencyMs' | 'attempts'>;
      try {
        res = await this.send(req.method, path, headers, body, req.expectJson === true, req.signal);
      } catch (err) {
        if (req.signal?.aborted) {
          this.breaker.release();
          throw req.signal.reason;
        }
        const failure = await this.classify(err);
        const code = errorCode(err);
        const verdict: Attempt = {
          // a TLS or configuration problem, or an answer over the size limit, would fail the same way again
          retry: !['tls_untrusted', 'tls_mismatch', 'tls_error', 'invalid_config', 'bad_response'].includes(failure.kind) && (idempotent || NOT_SENT_CODES.has(code)),
          serverFault: !['tls_untrusted', 'tls_mismatch', 'invalid_config'].includes(failure.kind),
        };
        if (verdict.serverFault) this.breaker.failure();
        else this.breaker.release();
        if (!verdict.retry || attempt >= this.retry.maxAttempts) {
          this.log.warn('request failed', { connector: this.name, method: req.method, path, attempt, kind: failure.kind, error: failure.message });
          if (!idempotent && verdict.serverFault && !NOT_SENT_CODES.has(code)) {
            // The request may have reached the server before the connection failed.
            throw new ConnectorError({ ...failure.failure, message: `${failure.message}; the action may have been carried out: check before repeating it` }, { cause: err });
          }
          throw failure;
        }
        const wait = backoffMs(attempt, this.retry, this.random);
        this.log.warn('request failed; retrying', { connector: this.name, method: req.method, path, attempt, kind: failure.kind, waitMs: wait });
        await this.clock.sleep(wait, req.signal);
        continue;
      }

      const done = (): HttpResponse => ({ ...res, latencyMs: this.clock.now() - started, attempts: attempt });
      const retryAfter = parseRetryAfter(res.headers['retry-after'], this.clock.now());
      if (res.status === 429) {
        this.breaker.success(); // it answered: alive, just busy
        const wait = retryAfter ?? backoffMs(attempt, this.retry, this.random);
        this.budget?.pauseUntil(this.clock.now() + wait);
        if (attempt >= this.retry.maxAttempts || wait > this.retry.maxRetryAfterMs) {
          this.log.warn('rate limited', { connector: this.name, method: req.method, path, attempt, retryAfterMs: wait });
          return done();
        }
        this.log.warn('rate limited; waiting', { connector: this.name, method: req.method, path, attempt, waitMs: wait });
        await this.clock.sleep(wait, req.signal);
        continue;
      }
      const badBody = req.expectJson === true && res.status >= 200 && res.status < 300 && res.status !== 204 && res.json === undefined && req.method !== 'HEAD';
      if (RETRYABLE_STATUS.has(res.status) || badBody) {
        this.breaker.failure();
        if (!idempotent || attempt >= this.retry.maxAttempts) {
          if (badBody) {
            throw connectorFailure(
              'bad_response',
              `${this.name}: the answer to ${req.method} ${req.path} was cut off or is not JSON (${res.text.length} bytes)` +
                (idempotent ? '' : '; the action may have been carried out: check before repeating it'),
              { status: res.status },
            );
          }
          return done();
        }
        const wait = Math.min(retryAfter ?? backoffMs(attempt, this.retry, this.random), this.retry.maxRetryAfterMs);
        this.log.warn(badBody ? 'truncated answer; retrying' : 'server error; retrying', {
          connector: this.name,
          method: req.method,
          path,
          attempt,
          status: res.status,
          waitMs: wait,
        });
        await this.clock.sleep(wait, req.signal);
        continue;
      }
      this.breaker.success();
      return done();
    }
  }

  private async send(
    method: HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    expectJson: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Omit<HttpResponse, 'latencyMs' | 'attempts'>> {
    const res = await this.agent.request({ origin: this.origin, path, method, headers, body, signal });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > this.maxBodyBytes) {
        res.body.destroy();
        throw connectorFailure('bad_response', `${this.name}: the answer to ${method} ${path.split('?')[0]} is larger than ${this.maxBodyBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    if (expectJson && text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  /** Turns a transport error into a typed ConnectorError with a message for the analyst. */
  private async classify(err: unknown): Promise<ConnectorError> {
    if (err instanceof ConnectorError) return err;
    const where = this.origin;
    const code = errorCode(err);
    const detail = redactString(err instanceof Error ? err.message : String(err), this.secrets());
    const tls = tlsProblem(err);
    if (err instanceof PinMismatchError || (err as { cause?: unknown })?.cause instanceof PinMismatchError) {
      const pin = (err instanceof PinMismatchError ? err : (err as { cause: PinMismatchError }).cause) as PinMismatchError;
      return connectorFailure(
        'tls_mismatch',
        `${where} ${pin.message}. The certificate changed (renewed, or someone is intercepting): check it with the server's admin and pin the new fingerprint only if it is expected.`,
        pin.presented ? { certificate: pin.presented } : {},
      );
    }
    if (tls === 'untrusted' || tls === 'mismatch') {
      const certificate = await this.presentedCertificate().catch(() => undefined);
      const fp = certificate ? ` SHA-256 ${certificate.fingerprint256}` : '';
      if (tls === 'untrusted') {
        return connectorFailure(
          'tls_untrusted',
          `${where} presented a certificate this connector does not trust (${code}):${fp}. If you recognise it, trust (pin) it; or give the CA file that signed it.`,
          certificate ? { certificate } : {},
        );
      }
      return connectorFailure('tls_mismatch', `${where} presented a certificate that does not fit (${code}: ${detail}).${fp ? ` It is${fp}.` : ''}`, certificate ? { certificate } : {});
    }
    if (tls === 'other') return connectorFailure('tls_error', `TLS with ${where} failed: ${detail}`);
    if (DNS_CODES.has(code)) return connectorFailure('dns', `cannot resolve ${new URL(where).hostname} (${code}): check the host name in the URL`);
    if (code === 'ECONNREFUSED') return connectorFailure('refused', `${new URL(where).host} refused the connection: is the service running and is the port right?`);
    if (TIMEOUT_CODES.has(code)) {
      const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'answer' : 'rest of the answer';
      const ms = code === 'UND_ERR_CONNECT_TIMEOUT' ? this.opts.timeouts.connectMs : code === 'UND_ERR_HEADERS_TIMEOUT' ? this.opts.timeouts.headersMs : this.opts.timeouts.bodyMs;
      return connectorFailure('timeout', `${where}: no ${phase} within ${ms} ms`);
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return connectorFailure('network', `${where} is unreachable (${code}): check the network route`);
    return connectorFailure('network', `${where}: the connection failed (${code || 'error'}: ${detail})`);
  }

  /** The certificate the server presents, read without trusting or sending anything. */
  presentedCertificate(): Promise<CertificateInfo> {
    return probeCertificate(this.origin, this.opts.timeouts.connectMs);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** `Basic base64(user:password)`. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** What a connector's clients are built from besides their configuration. */
export interface ConnectorDeps {
  credentials: CredentialSource;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  retry?: Partial<RetryOptions>;
  breaker?: BreakerOptions;
  /** Requests that may go out at once (default: a tenth of the per-minute budget). */
  burst?: number;
}

/** The fields of a connector configuration the HTTP client needs. */
export interface HttpConnectorConfig {
  id: string;
  url: string;
  trust: TlsTrust;
  timeouts: ConnectorTimeouts;
  requestsPerMinute: number;
}

/** The HTTP client of one configured connector, its budget from `requestsPerMinute`. */
export function httpClientFor(config: HttpConnectorConfig, deps: ConnectorDeps, secrets: SecretSet): HttpClient {
  return new HttpClient({
    name: config.id,
    baseUrl: config.url,
    trust: config.trust,
    timeouts: config.timeouts,
    budget: { perMinute: config.requestsPerMinute, burst: deps.burst ?? Math.max(1, Math.floor(config.requestsPerMinute / 10)) },
    ...(deps.breaker ? { breaker: deps.breaker } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    secrets: secrets.list,
  });
}
