import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  TOKENLESS_DIALECTS,
  type FeedClient,
  type FeedConfig,
  type FeedDialect,
  type FeedListening,
  type FeedTotals,
} from '../contract/feed.js';
import type { Logger } from '../core/logger.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FeedRepo } from '../store/feed-repo.js';
import { AllowList, normalizeAddress } from './addresses.js';
import { Authenticator, FeedAudit, chooseProtocol, presentedToken, roleAllowed, type AuthOutcome } from './auth.js';
import { EventBatch, FeedEvent, frame } from './event.js';
import { DEFAULT_FEED_LIMITS, type FeedLimits } from './limits.js';
import { FailureLimiter } from './rate.js';
import { CLOSE, Session, type EventPage, type Identity, type SessionHost } from './session.js';
import { FEED_TLS_CIPHERS, type TlsMaterial } from './tls.js';
import type { DialectContext, DialectFactory, SetStatusAction } from './dialects/context.js';
import { NATIVE_PATH, nativeDialect } from './dialects/native.js';
import { AEGIS_PATHS, aegisDialect } from './dialects/aegis.js';
import { THREATSTREAM_PATH, ThreatStreamShared, threatStreamDialect } from './dialects/threatstream.js';
import { BLUEWALL_PATH, IPS_PATHS, IPS_STOCK_PATH, blueWallDialect, ipsDialect } from './dialects/security-alert.js';

export const METRICS_PATH = '/api/v1/feed/metrics';

const FACTORIES: Record<FeedDialect, DialectFactory> = {
  native: nativeDialect,
  aegis: aegisDialect,
  threatstream: threatStreamDialect,
  bluewall: blueWallDialect,
  ips: ipsDialect,
};

/** Every path and the dialect it serves. */
export const FEED_PATHS: ReadonlyMap<string, FeedDialect> = new Map<string, FeedDialect>([
  [NATIVE_PATH, 'native'],
  ...AEGIS_PATHS.map((p) => [p, 'aegis'] as [string, FeedDialect]),
  [THREATSTREAM_PATH, 'threatstream'],
  [BLUEWALL_PATH, 'bluewall'],
  ...IPS_PATHS.map((p) => [p, 'ips'] as [string, FeedDialect]),
]);

export interface FeedServerOptions {
  config: FeedConfig;
  repo: FeedRepo;
  audit: AuditRepo;
  logger: Logger;
  /** Announced in `hello`. */
  serverName: string;
  version: string;
  /** Certificate and key when TLS is on. */
  tls: TlsMaterial | null;
  /** The HS256 secret (from the keychain) when JWTs are accepted. */
  jwtSecret: string | null;
  /** How `set_status` reaches the contract's alerts.setStatus; null = refused. */
  setStatus: SetStatusAction | null;
  techniqueName?: (id: string) => string | null;
  limits?: Partial<FeedLimits>;
  now?: () => Date;
  /** Key under which this server publishes its figures (feed_runtime); null = not published. */
  processName?: string | null;
}

export interface SessionClosedEvent {
  id: string;
  dialect: FeedDialect;
  code: number;
  reason: string;
}

function pathOf(url: URL): string {
  const p = url.pathname;
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function rejectUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
}

/**
 * The LAN alert feed: one outbox reader shared by every client (one query per poll), fanned out to
 * sessions of five dialects, with authentication, rate limits, bounded per-client queues, liveness
 * pings, and figures for the Feed screen, `vigil feed status` and GET /api/v1/feed/metrics.
 */
export class FeedServer extends EventEmitter implements SessionHost {
  readonly limits: FeedLimits;
  readonly logger: Logger;
  private readonly opts: FeedServerOptions;
  private readonly config: FeedConfig;
  private readonly repo: FeedRepo;
  private readonly now: () => Date;
  private readonly sessions = new Map<string, Session>();
  private readonly authenticator: Authenticator;
  private readonly limiter: FailureLimiter;
  private readonly feedAudit: FeedAudit;
  private readonly allow: Record<FeedDialect, AllowList>;
  private readonly ctx: DialectContext;
  private readonly threatstream = new ThreatStreamShared();
  private readonly wss: WebSocketServer;
  private readonly servers: (http.Server | https.Server)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly startedAt: Date;
  private seq = 0;
  private pendingTotal = 0;
  private shedScheduled = false;
  private tokensRev = -1;
  private running = false;
  private changedTimer: NodeJS.Timeout | null = null;
  private pollErrorLoggedAt = 0;
  private readonly lastUseWritten = new Map<number, { at: number; address: string }>();
  private readonly counters = { connections_total: 0, alerts_sent: 0, messages_sent: 0, auth_failures: 0, dropped_lagging: 0, dropped_abuse: 0 };
  private listeningInfo: FeedListening | null = null;

  private constructor(opts: FeedServerOptions) {
    super();
    this.opts = opts;
    this.config = opts.config;
    this.repo = opts.repo;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.startedAt = this.now();
    this.limits = { ...DEFAULT_FEED_LIMITS, ...opts.limits };
    const c = opts.config;
    this.authenticator = new Authenticator(opts.repo, { enabled: c.jwt.enabled, secret: opts.jwtSecret, roleClaim: c.jwt.role_claim, roleMap: c.jwt.role_map }, this.now);
    this.limiter = new FailureLimiter(this.limits.authFailMax, this.limits.authFailWindowMs, this.limits.authBlockMs);
    this.feedAudit = new FeedAudit(opts.audit, opts.logger, this.limits.auditAggregateMs, this.now);
    this.allow = {
      native: new AllowList(c.dialects.native.allow),
      aegis: new AllowList(c.dialects.aegis.allow),
      threatstream: new AllowList(c.dialects.threatstream.allow),
      bluewall: new AllowList(c.dialects.bluewall.allow),
      ips: new AllowList(c.dialects.ips.allow),
    };
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.limits.maxPayload,
      handleProtocols: (protocols) => chooseProtocol(protocols),
    });
    this.wss.on('error', () => {});
    const techniqueName = opts.techniqueName ?? (() => null);
    this.ctx = {
      serverName: opts.serverName,
      version: opts.version,
      limits: this.limits,
      repo: opts.repo,
      threatstream: this.threatstream,
      setStatus: opts.setStatus,
      headSeq: () => this.seq,
      totals: () => this.totals(),
      techniqueName,
      authenticateLate: (s, token) => this.authenticateLate(s, token),
      authenticated: (s) => this.onAuthenticated(s),
      sessionsOf: (d) => this.sessionsOf(d),
    };
  }

  /** Binds the listener(s) and starts reading the outbox from its current head. */
  static async start(opts: FeedServerOptions): Promise<FeedServer> {
    const server = new FeedServer(opts);
    try {
      await server.listen();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private makeHttpServer(extraIpsOnly: boolean): http.Server | https.Server {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res, extraIpsOnly);
    const srv = this.opts.tls
      ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert, minVersion: 'TLSv1.2', ciphers: FEED_TLS_CIPHERS, honorCipherOrder: true }, onRequest)
      : http.createServer(onRequest);
    srv.headersTimeout = 10_000;
    srv.requestTimeout = 15_000;
    srv.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head, extraIpsOnly));
    srv.on('clientError', (_err, socket: Duplex) => socket.destroy());
    srv.on('tlsClientError', () => {});
    return srv;
  }

  private async listenOne(srv: http.Server | https.Server, port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    this.servers.push(srv);
    return (srv.address() as AddressInfo).port;
  }

  private async listen(): Promise<void> {
    const c = this.config;
    const port = await this.listenOne(this.makeHttpServer(false), c.port, c.host);
    const extra: number[] = [];
    if (c.dialects.ips.enabled && c.dialects.ips.port !== null) extra.push(await this.listenOne(this.makeHttpServer(true), c.dialects.ips.port, c.host));
    this.seq = this.repo.headSeq();
    this.tokensRev = this.repo.state().tokens_rev;
    this.running = true;
    const L = this.limits;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.logger.warn('feed timer task failed', { error: err instanceof Error ? err.message : String(err) });
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(L.pollMs, () => this.poll());
    every(L.pingIntervalMs, () => this.liveness());
    every(L.tokenCheckMs, () => this.checkTokens());
    every(L.metricsIntervalMs, () => this.sendMetrics());
    every(L.auditAggregateMs, () => this.feedAudit.flush());
    if (c.dialects.threatstream.enabled) {
      every(L.heartbeatMs, () => {
        for (const s of this.sessionsOf('threatstream')) s.handler.heartbeat?.();
      });
      every(L.riskDecayMs, () => this.decayRisk());
    }
    const host = c.host === '0.0.0.0' || c.host === '::' ? (this.lanAddress() ?? c.host) : c.host;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const tls = this.opts.tls !== null;
    this.listeningInfo = {
      host: c.host,
      port,
      extra_ports: extra,
      tls,
      url: `${tls ? 'wss' : 'ws'}://${urlHost}:${port}${NATIVE_PATH}`,
      fingerprint256: this.opts.tls?.fingerprint256 ?? null,
    };
    if (this.opts.processName) {
      every(L.runtimePublishMs, () => this.publish());
      this.publish();
    }
    this.markChanged();
  }

  private lanAddress(): string | null {
    for (const list of Object.values(os.networkInterfaces())) {
      for (const ni of list ?? []) if (!ni.internal && ni.family === 'IPv4') return ni.address;
    }
    return null;
  }

  get listening(): FeedListening {
    if (!this.listeningInfo) throw new Error('the feed server is not listening');
    return this.listeningInfo;
  }

  get port(): number {
    return this.listening.port;
  }

  // ---------- the outbox, shared by every client ----------

  readEvents(afterSeq: number, limit: number): EventPage {
    const rows = this.repo.readEvents(afterSeq, limit);
    return { events: FeedEvent.fromRows(rows), lastSeq: rows.length ? rows[rows.length - 1]!.seq : null, rows: rows.length };
  }

  headSeq(): number {
    return this.seq;
  }

  /** One outbox read per poll, whatever the number of clients; a full batch reads again at once. */
  poll(): void {
    if (!this.running) return;
    let page: EventPage;
    try {
      page = this.readEvents(this.seq, this.limits.pollBatch);
    } catch (err) {
      const t = Date.now();
      if (t - this.pollErrorLoggedAt > 10_000) {
        this.pollErrorLoggedAt = t;
        this.logger.warn('feed outbox read failed', { error: err instanceof Error ? err.message : String(err) });
      }
      return;
    }
    if (page.rows === 0 || page.lastSeq === null) return;
    if (this.config.dialects.threatstream.enabled) {
      for (const ev of page.events) if (ev.kind === 'new') ev.risk = this.threatstream.risk.add(ev.alert.severity, ev.alert.confidence);
    }
    const lastSeq = page.lastSeq;
    this.seq = lastSeq;
    const batch = new EventBatch(page.events, lastSeq);
    for (const s of this.sessions.values()) if (s.state === 'live') s.deliver(page.events, lastSeq, batch);
    if (page.rows >= this.limits.pollBatch) setImmediate(() => this.poll());
  }

  private decayRisk(): void {
    const snap = this.threatstream.risk.decay(this.now());
    const f = [frame({ type: 'risk_update', data: snap })];
    for (const s of this.sessionsOf('threatstream')) if (s.state === 'live') s.send(f);
  }

  // ---------- SessionHost ----------

  queued(bytes: number): void {
    this.pendingTotal += bytes;
    if (this.pendingTotal > this.limits.totalQueueBytes && !this.shedScheduled) {
      this.shedScheduled = true;
      setImmediate(() => this.shed());
    }
  }

  /** Over the global budget: the clients with the longest queues go first. */
  private shed(): void {
    this.shedScheduled = false;
    let queued = 0;
    for (const s of this.sessions.values()) if (s.state !== 'closing') queued += s.pendingBytes;
    while (queued > this.limits.totalQueueBytes) {
      let worst: Session | null = null;
      for (const s of this.sessions.values()) if (s.state !== 'closing' && (!worst || s.pendingBytes > worst.pendingBytes)) worst = s;
      if (!worst || worst.pendingBytes === 0) return;
      queued -= worst.pendingBytes;
      worst.dropLagging();
    }
  }

  counted(messages: number, alerts: number): void {
    this.counters.messages_sent += messages;
    this.counters.alerts_sent += alerts;
  }

  sessionClosed(s: Session, code: number, reason: string): void {
    if (!this.sessions.delete(s.id)) return;
    this.emit('session-closed', { id: s.id, dialect: s.dialect, code, reason } satisfies SessionClosedEvent);
    this.markChanged();
  }

  dropped(s: Session, why: 'lagging' | 'abuse'): void {
    if (why === 'lagging') this.counters.dropped_lagging++;
    else this.counters.dropped_abuse++;
    this.logger.warn(`feed client dropped (${why})`, { client: s.id, token: s.identity?.name ?? null, address: s.address, dialect: s.dialect });
    this.feedAudit.dropped(s.identity, s.address, s.dialect, why);
    this.emit('session-dropped', { id: s.id, why });
  }

  private *sessionsOf(d: FeedDialect): Iterable<Session> {
    for (const s of this.sessions.values()) if (s.dialect === d) yield s;
  }

  // ---------- HTTP ----------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, extraIpsOnly: boolean): void {
    const url = new URL(req.url ?? '/', 'http://feed.invalid');
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'application/json' };
    const path = pathOf(url);
    if (!extraIpsOnly && path === METRICS_PATH) {
      if (req.method !== 'GET') {
        res.writeHead(405, { ...headers, Allow: 'GET' }).end(JSON.stringify({ error: 'method not allowed' }));
        return;
      }
      const address = normalizeAddress(req.socket.remoteAddress);
      const blocked = this.limiter.blockedFor(address, Date.now());
      if (blocked > 0) {
        res.writeHead(429, { ...headers, 'Retry-After': String(Math.ceil(blocked / 1000)) }).end(JSON.stringify({ error: 'too many failed attempts' }));
        return;
      }
      const presented = presentedToken(req, url);
      const r: AuthOutcome = presented ? this.authenticator.check(presented.token) : { ok: false, code: 4001, reason: 'missing token' };
      if (!r.ok) {
        this.authFailed(address, r.reason, 'metrics');
        res.writeHead(r.code === 4003 ? 403 : 401, { ...headers, 'WWW-Authenticate': 'Bearer' }).end(JSON.stringify({ error: r.code === 4003 ? 'forbidden' : 'a valid token is required' }));
        return;
      }
      res.writeHead(200, headers).end(JSON.stringify(this.totals()));
      return;
    }
    const dialect = FEED_PATHS.get(path);
    if (dialect && (!extraIpsOnly || dialect === 'ips') && this.config.dialects[dialect].enabled) {
      res.writeHead(426, { ...headers, Upgrade: 'websocket' }).end(JSON.stringify({ error: 'this path speaks WebSocket' }));
      return;
    }
    res.writeHead(404, headers).end(JSON.stringify({ error: 'not found' }));
  }

  private authFailed(address: string, reason: string, where: string): void {
    this.counters.auth_failures++;
    this.feedAudit.authFailure(address, reason, where);
    const t = Date.now();
    if (this.limiter.fail(address, t)) {
      this.logger.warn('feed: too many failed authentications; refusing the address for a while', { address });
      this.feedAudit.blocked(address, t + this.limits.authBlockMs);
    }
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, extraIpsOnly: boolean): void {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://feed.invalid');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    const dialect = FEED_PATHS.get(pathOf(url));
    if (!dialect || (extraIpsOnly && dialect !== 'ips') || !this.config.dialects[dialect].enabled) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.running) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const address = normalizeAddress(req.socket.remoteAddress);
    const blocked = this.limiter.blockedFor(address, Date.now());
    if (blocked > 0) return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(Math.ceil(blocked / 1000)) });
    if (this.sessions.size >= this.config.max_clients) return rejectUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': '10' });
    const allow = this.allow[dialect];
    const tokenless = TOKENLESS_DIALECTS.includes(dialect);
    if ((tokenless || !allow.empty) && !allow.has(address)) {
      this.authFailed(address, 'address not allowed', dialect);
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    // IPS's shipped client (/ws) sends no token: an allow-listed address admits it
    const stockIps = dialect === 'ips' && pathOf(url) === IPS_STOCK_PATH && !allow.empty && allow.has(address);
    const presented = presentedToken(req, url);
    let outcome: AuthOutcome | null = null;
    if (presented) outcome = this.authenticator.check(presented.token);
    else if (tokenless || stockIps) outcome = { ok: true, identity: { kind: 'address', tokenId: null, name: `${dialect}@${address}`, role: 'viewer', expiresAt: null } };
    else if (dialect !== 'ips') outcome = { ok: false, code: 4001, reason: 'missing token' };
    if (outcome?.ok && outcome.identity.kind !== 'address' && !roleAllowed(this.config, dialect, outcome.identity.role)) {
      outcome = { ok: false, code: 4003, reason: `role ${outcome.identity.role} is not allowed on this path` };
    }
    if (outcome && !outcome.ok) this.authFailed(address, outcome.reason, dialect);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('error', () => ws.terminate());
      if (outcome && !outcome.ok) {
        // accept then close with the feed's code, so a client can tell a bad token from a network failure
        ws.close(outcome.code, outcome.code === 4003 ? 'role not allowed' : 'a valid token is required');
        setTimeout(() => ws.terminate(), 2000).unref();
        return;
      }
      if (!this.running) {
        ws.close(CLOSE.GOING_AWAY, 'server shutting down');
        return;
      }
      this.openSession(ws, socket, dialect, address, outcome ? outcome.identity : null, url);
    });
  }

  private openSession(ws: WebSocket, socket: Duplex, dialect: FeedDialect, address: string, identity: Identity | null, url: URL): void {
    const s = new Session(this, ws, socket, dialect, address, identity, url, this.now());
    s.handler = FACTORIES[dialect](s, this.ctx);
    this.sessions.set(s.id, s);
    this.counters.connections_total++;
    if (identity) this.onAuthenticated(s);
    try {
      s.handler.open();
    } catch (err) {
      this.logger.warn('feed session failed to open', { dialect, error: err instanceof Error ? err.message : String(err) });
      s.close(1011, 'internal error');
    }
    this.markChanged();
  }

  private authenticateLate(s: Session, token: string): AuthOutcome {
    if (this.limiter.blockedFor(s.address, Date.now()) > 0) return { ok: false, code: 4001, reason: 'address blocked' };
    let r = this.authenticator.check(token);
    if (r.ok && !roleAllowed(this.config, s.dialect, r.identity.role)) r = { ok: false, code: 4003, reason: `role ${r.identity.role} is not allowed on this path` };
    if (!r.ok) this.authFailed(s.address, r.reason, s.dialect);
    return r;
  }

  private onAuthenticated(s: Session): void {
    const id = s.identity;
    if (!id) return;
    this.feedAudit.connected(id, s.address, s.dialect);
    if (id.tokenId !== null) {
      // last use, written at most once a minute per token unless the address changed
      const t = Date.now();
      const last = this.lastUseWritten.get(id.tokenId);
      if (!last || t - last.at > 60_000 || last.address !== s.address) {
        this.lastUseWritten.set(id.tokenId, { at: t, address: s.address });
        try {
          this.repo.recordUse(id.tokenId, this.now().toISOString(), s.address);
        } catch (err) {
          this.logger.warn('feed: recording token use failed', { error: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    this.emit('session-open', s.info());
  }

  // ---------- periodic ----------

  private liveness(): void {
    const t = Date.now();
    for (const s of this.sessions.values()) {
      if (s.state === 'closing') continue;
      if (t - s.lastAlive > this.limits.pongTimeoutMs) {
        s.terminate(1006, 'no pong');
        continue;
      }
      try {
        s.ws.ping();
      } catch {
        s.terminate(1006, 'ping failed');
      }
    }
  }

  /** Token revisions (any process) and expiry: closes sessions whose credential is no longer valid. */
  private checkTokens(): void {
    const rev = this.repo.state().tokens_rev;
    if (rev !== this.tokensRev) {
      this.tokensRev = rev;
      this.recheckTokens();
    }
    const t = this.now().getTime();
    for (const s of this.sessions.values()) {
      const exp = s.identity?.expiresAt;
      if (exp !== null && exp !== undefined && exp <= t && s.state !== 'closing') s.close(CLOSE.UNAUTHORIZED, 'token expired');
    }
  }

  /** Closes every session whose token is no longer active; returns how many. */
  recheckTokens(): number {
    const active = this.repo.activeTokenIds();
    let closed = 0;
    for (const s of this.sessions.values()) {
      const id = s.identity?.tokenId;
      if (id !== null && id !== undefined && !active.has(id) && s.state !== 'closing') {
        s.close(CLOSE.UNAUTHORIZED, 'token revoked');
        closed++;
      }
    }
    return closed;
  }

  /** Closes the sessions of one token at once (after an in-process revocation). */
  closeToken(tokenId: number): number {
    let closed = 0;
    for (const s of this.sessions.values()) {
      if (s.identity?.tokenId === tokenId && s.state !== 'closing') {
        s.close(CLOSE.UNAUTHORIZED, 'token revoked');
        closed++;
      }
    }
    return closed;
  }

  private sendMetrics(): void {
    let any = false;
    for (const s of this.sessionsOf('native')) if (s.state === 'live') any = true;
    if (!any) return;
    let pipeline: ReturnType<FeedRepo['pipelineFigures']> = [];
    try {
      pipeline = this.repo.pipelineFigures();
    } catch {
      // figures are best effort
    }
    const t = this.totals();
    const figures = { head_seq: t.head_seq, clients: t.connections_active, alerts_sent: t.alerts_sent, uptime_s: t.uptime_s, pipeline };
    for (const s of this.sessionsOf('native')) s.handler.metrics?.(figures);
  }

  private publish(): void {
    if (!this.opts.processName || !this.listeningInfo) return;
    try {
      this.repo.publishRuntime(this.opts.processName, { listening: this.listeningInfo, totals: this.totals() });
    } catch (err) {
      this.logger.warn('feed: publishing figures failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private markChanged(): void {
    if (this.changedTimer) return;
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null;
      this.emit('changed', { running: this.running, connections_active: this.sessions.size });
    }, 1000);
    this.changedTimer.unref();
  }

  // ---------- figures ----------

  totals(): FeedTotals {
    return {
      ...this.counters,
      connections_active: this.sessions.size,
      head_seq: this.seq,
      uptime_s: Math.round((this.now().getTime() - this.startedAt.getTime()) / 1000),
    };
  }

  clients(): FeedClient[] {
    return [...this.sessions.values()].map((s) => s.info());
  }

  status(): { listening: FeedListening; clients: FeedClient[]; totals: FeedTotals } {
    return { listening: this.listening, clients: this.clients(), totals: this.totals() };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Closes every client (1001), stops the listeners and timers; safe to call twice. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = null;
    const open = [...this.sessions.values()];
    for (const s of open) s.close(CLOSE.GOING_AWAY, 'server shutting down');
    if (open.length) {
      let check = () => {};
      await new Promise<void>((resolve) => {
        const deadline = setTimeout(resolve, 1000);
        deadline.unref();
        check = () => {
          if (this.sessions.size === 0) {
            clearTimeout(deadline);
            resolve();
          }
        };
        this.on('session-closed', check);
        check();
      });
      this.off('session-closed', check);
    }
    for (const s of this.sessions.values()) s.terminate(CLOSE.GOING_AWAY, 'server shutting down');
    this.wss.close();
    await Promise.all(
      this.servers.map(
        (srv) =>
          new Promise<void>((resolve) => {
            srv.close(() => resolve());
            srv.closeAllConnections();
          }),
      ),
    );
    this.servers.length = 0;
    this.feedAudit.flush(true);
    if (this.opts.processName) {
      try {
        this.repo.removeRuntime(this.opts.processName);
      } catch {
        // the database may be closing
      }
    }
    if (wasRunning) this.emit('changed', { running: false, connections_active: 0 });
  }
}
