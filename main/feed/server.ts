import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  FEED_DIALECTS,
  FEED_PUBLISHED_CLIENTS,
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
import { Authenticator, FeedAudit, NO_CREDENTIAL, chooseProtocol, credentialKey, jwtSettings, presentedToken, roleAllowed, type AuthOutcome } from './auth.js';
import { EventBatch, FeedEvent, frame, type NoticeEvent, type RiskSnapshot } from './event.js';
import type { FeedNoticeDelivery, FeedNoticeTarget } from './notice.js';
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
  /**
   * Reads the secret again (the keychain) when the credentials revision moves: a secret set,
   * rotated or cleared by any process applies within tokenCheckMs plus the keychain read.
   */
  loadJwtSecret?: () => Promise<string | null>;
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

/** How a path admits clients. */
type PathAuth =
  /** native, BlueWall: a token or JWT in the header, a subprotocol or the URL */
  | 'token'
  /** Aegis, ThreatStream: their clients cannot send a token; the address allow-list admits them */
  | 'allow-list'
  /** IPS (its API spec): as 'token', or in the first message within authTimeoutMs */
  | 'token-or-message'
  /** IPS (its shipped client, /ws): a token, or an allow-listed address */
  | 'token-or-allow-list';

function pathAuth(path: string, dialect: FeedDialect): PathAuth {
  if (TOKENLESS_DIALECTS.includes(dialect)) return 'allow-list';
  if (dialect === 'ips') return path === IPS_STOCK_PATH ? 'token-or-allow-list' : 'token-or-message';
  return 'token';
}

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer realm="vigil-feed"' };

/** The per-token cap's key: a token, or a JWT subject; null for address-admitted clients. */
function tokenKeyOf(id: Identity): string | null {
  return id.kind === 'token' ? `token:${id.tokenId}` : id.kind === 'jwt' ? id.name : null;
}

function pathOf(url: URL): string {
  const p = url.pathname;
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Refuses an upgrade with a plain HTTP answer (browsers see the WebSocket fail; `ws` clients see the status). */
function rejectUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}, body = text): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const payload = Buffer.from(`${body}\n`, 'utf8');
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${payload.length}\r\n\r\n${payload.toString('utf8')}`);
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
  private secretLoads = 0;
  private running = false;
  private changedTimer: NodeJS.Timeout | null = null;
  private pollErrorLoggedAt = 0;
  private readonly lastUseWritten = new Map<number, { at: number; address: string }>();
  private readonly counters = {
    connections_total: 0,
    alerts_sent: 0,
    messages_sent: 0,
    auth_failures: 0,
    dropped_lagging: 0,
    dropped_abuse: 0,
    dropped_superseded: 0,
  };
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
    this.authenticator = new Authenticator(opts.repo, jwtSettings(c), opts.jwtSecret, this.now);
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
    if (s.authTimer) clearTimeout(s.authTimer);
    s.authTimer = null;
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
      const presented = presentedToken(req, url);
      const credential = presented ? credentialKey(presented.token) : NO_CREDENTIAL;
      const blocked = this.limiter.blockedFor(address, credential, Date.now());
      if (blocked > 0) {
        res.writeHead(429, { ...headers, 'Retry-After': String(Math.ceil(blocked / 1000)) }).end(JSON.stringify({ error: 'too many failed attempts with this credential' }));
        return;
      }
      const r: AuthOutcome = presented ? this.authenticator.check(presented.token) : { ok: false, code: 4001, reason: 'missing token' };
      if (!r.ok) {
        this.authFailed(address, credential, r.reason, 'metrics');
        res.writeHead(r.code === 4003 ? 403 : 401, { ...headers, ...WWW_AUTHENTICATE }).end(JSON.stringify({ error: r.code === 4003 ? 'forbidden' : 'a valid token is required' }));
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

  /** Counts a failed authentication of (address, credential): audit, totals, and the 429 limiter. */
  private authFailed(address: string, credential: string, reason: string, where: string): void {
    this.counters.auth_failures++;
    this.feedAudit.authFailure(address, reason, where);
    const t = Date.now();
    if (this.limiter.fail(address, credential, t)) {
      this.logger.warn('feed: too many failed authentications with one credential; refusing it from that address for a while', { address, reason });
      this.feedAudit.blocked(address, t + this.limits.authBlockMs, reason);
    }
  }

  /** A token or JWT, and the path's roles. */
  private checkCredential(token: string, dialect: FeedDialect): AuthOutcome {
    const r = this.authenticator.check(token);
    if (r.ok && !roleAllowed(this.config, dialect, r.identity.role)) return { ok: false, code: 4003, reason: `role ${r.identity.role} is not allowed on this path` };
    return r;
  }

  /**
   * Every credential is checked BEFORE the upgrade: a bad one gets HTTP 401 (403 for a role the
   * path does not allow), so a client that reconnects in a loop with a revoked token never holds a
   * socket; only that (address, credential) pair is refused with 429 after repeated failures.
   */
  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, extraIpsOnly: boolean): void {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://feed.invalid');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    const path = pathOf(url);
    const dialect = FEED_PATHS.get(path);
    if (!dialect || (extraIpsOnly && dialect !== 'ips') || !this.config.dialects[dialect].enabled) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.running) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const address = normalizeAddress(req.socket.remoteAddress);
    const presented = presentedToken(req, url);
    const credential = presented ? credentialKey(presented.token) : NO_CREDENTIAL;
    const blocked = this.limiter.blockedFor(address, credential, Date.now());
    if (blocked > 0) {
      return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(Math.ceil(blocked / 1000)) }, 'too many failed attempts with this credential');
    }
    const mode = pathAuth(path, dialect);
    const allow = this.allow[dialect];
    const listed = !allow.empty && allow.has(address);
    // a token-less path needs the address listed; a listed path refuses other addresses, tokens or not
    if (allow.empty ? mode === 'allow-list' : !listed) {
      this.authFailed(address, credential, 'address not allowed', dialect);
      return rejectUpgrade(socket, 403, 'Forbidden', {}, 'this address is not allowed on this path');
    }
    let identity: Identity | null = null;
    if (presented) {
      const r = this.checkCredential(presented.token, dialect);
      if (!r.ok) {
        this.authFailed(address, credential, r.reason, dialect);
        return r.code === 4003
          ? rejectUpgrade(socket, 403, 'Forbidden', {}, 'this role is not allowed on this path')
          : rejectUpgrade(socket, 401, 'Unauthorized', WWW_AUTHENTICATE, 'a valid token is required');
      }
      identity = r.identity;
    } else if (mode === 'allow-list' || (mode === 'token-or-allow-list' && listed)) {
      identity = { kind: 'address', tokenId: null, name: `${dialect}@${address}`, role: 'viewer', expiresAt: null };
    } else if (mode !== 'token-or-message') {
      this.authFailed(address, credential, 'missing token', dialect);
      return rejectUpgrade(socket, 401, 'Unauthorized', WWW_AUTHENTICATE, 'a valid token is required');
    }
    if (!this.room(identity, address)) return rejectUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': '10' }, 'the feed is full; try again later');
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('error', () => ws.terminate());
      if (!this.running) {
        ws.close(CLOSE.GOING_AWAY, 'server shutting down');
        return;
      }
      // the caps are applied again now: other clients may have come or gone during the handshake
      const victims = this.room(identity, address);
      if (!victims) {
        ws.close(CLOSE.TRY_AGAIN_LATER, 'the feed is full; try again later');
        return;
      }
      this.supersede(victims, identity);
      this.openSession(ws, socket, dialect, address, identity, url);
    });
  }

  /**
   * The connections a new one (of `identity`, from `address`) must close to stay within the
   * per-token and per-address caps, oldest first; null when even then the feed is full (max_clients
   * for authenticated clients, maxUnauthenticated for the rest). Per address, the oldest connection
   * of the same client goes first (a dashboard tab that leaks sockets makes room with its own).
   */
  private room(identity: Identity | null, address: string, except?: Session): Session[] | null {
    const sameAddress: Session[] = [];
    const sameClient: Session[] = [];
    const sameToken: Session[] = [];
    const tokenKey = identity ? tokenKeyOf(identity) : null;
    let pool = 0;
    for (const s of this.sessions.values()) {
      if (s === except || s.state === 'closing' || (s.identity === null) !== (identity === null)) continue;
      pool++;
      if (s.address === address) {
        sameAddress.push(s);
        if (s.identity?.name === identity?.name) sameClient.push(s);
      }
      if (tokenKey !== null && tokenKeyOf(s.identity!) === tokenKey) sameToken.push(s);
    }
    const victims = new Set<Session>();
    if (identity) for (const s of sameToken.slice(0, Math.max(0, sameToken.length - this.config.max_per_token + 1))) victims.add(s);
    const perAddress = identity ? this.config.max_per_address : this.limits.maxUnauthenticatedPerAddress;
    let excess = sameAddress.length - perAddress + 1;
    for (const s of sameAddress) if (victims.has(s)) excess--;
    for (const s of [...sameClient, ...sameAddress]) {
      if (excess <= 0) break;
      if (victims.has(s)) continue;
      victims.add(s);
      excess--;
    }
    const max = identity ? this.config.max_clients : this.limits.maxUnauthenticated;
    return pool - victims.size >= max ? null : [...victims];
  }

  /** Closes connections over a cap (4008) to admit a newer one. */
  private supersede(victims: readonly Session[], identity: Identity | null): void {
    for (const v of victims) {
      const why = identity && tokenKeyOf(identity) !== null && v.identity && tokenKeyOf(v.identity) === tokenKeyOf(identity) ? 'token' : 'address';
      this.counters.dropped_superseded++;
      this.feedAudit.dropped(v.identity, v.address, v.dialect, 'superseded');
      v.close(CLOSE.SUPERSEDED, `too many connections ${why === 'token' ? 'with this token' : 'from this address'}; the oldest was closed`);
    }
  }

  private openSession(ws: WebSocket, socket: Duplex, dialect: FeedDialect, address: string, identity: Identity | null, url: URL): void {
    const s = new Session(this, ws, socket, dialect, address, identity, url, this.now());
    s.handler = FACTORIES[dialect](s, this.ctx);
    this.sessions.set(s.id, s);
    this.counters.connections_total++;
    if (identity) this.onAuthenticated(s);
    else {
      // the token must come in the first message; a socket that never sends it is a failed attempt
      s.authTimer = setTimeout(() => {
        if (s.state !== 'authenticating') return;
        this.authFailed(address, NO_CREDENTIAL, 'no token within the authentication timeout', dialect);
        s.close(CLOSE.UNAUTHORIZED, 'a token is required (in the URL or the first message)');
      }, this.limits.authTimeoutMs);
      s.authTimer.unref();
    }
    try {
      s.handler.open();
    } catch (err) {
      this.logger.warn('feed session failed to open', { dialect, error: err instanceof Error ? err.message : String(err) });
      s.close(1011, 'internal error');
    }
    this.markChanged();
  }

  /**
   * A token sent in a message (IPS) by a session still authenticating: checked like one in the URL,
   * then the caps of authenticated clients apply. On failure the session is closed (4001/4003, or
   * 1013 when the feed is full); returns whether it is now authenticated.
   */
  private authenticateLate(s: Session, token: string | null): boolean {
    if (s.state !== 'authenticating') return s.identity !== null;
    if (s.authTimer) clearTimeout(s.authTimer);
    s.authTimer = null;
    const credential = token === null ? NO_CREDENTIAL : credentialKey(token);
    let r: AuthOutcome;
    if (this.limiter.blockedFor(s.address, credential, Date.now()) > 0) r = { ok: false, code: 4001, reason: 'too many failed attempts with this credential' };
    else {
      r = token === null ? { ok: false, code: 4001, reason: 'missing token' } : this.checkCredential(token, s.dialect);
      if (!r.ok) this.authFailed(s.address, credential, r.reason, s.dialect);
    }
    if (!r.ok) {
      s.close(r.code, r.code === 4003 ? 'role not allowed' : 'a valid token is required');
      return false;
    }
    const victims = this.room(r.identity, s.address, s);
    if (!victims) {
      s.close(CLOSE.TRY_AGAIN_LATER, 'the feed is full; try again later');
      return false;
    }
    this.supersede(victims, r.identity);
    s.identity = r.identity;
    this.onAuthenticated(s);
    return true;
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

  /**
   * The credentials revision (tokens and the JWT secret, changed by any process) and expiry: closes
   * sessions whose credential is no longer valid, and forgets refusals (a refused credential may be
   * valid now).
   */
  private checkTokens(): void {
    const rev = this.repo.state().tokens_rev;
    if (rev !== this.tokensRev) {
      this.tokensRev = rev;
      this.limiter.clear();
      this.recheckTokens();
      void this.reloadJwtSecret();
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

  /** Reads the JWT secret again (another process may have set, rotated or cleared it). */
  private async reloadJwtSecret(): Promise<void> {
    const load = this.opts.loadJwtSecret;
    if (!load || !this.config.jwt.enabled) return;
    const gen = ++this.secretLoads;
    let secret: string | null;
    try {
      secret = await load();
    } catch (err) {
      // cannot tell which secret is current: refuse JWTs rather than keep trusting an old one
      this.logger.warn('feed: the JWT secret could not be read again; JWTs are refused', { error: err instanceof Error ? err.message : String(err) });
      secret = null;
    }
    if (gen !== this.secretLoads || !this.running) return;
    this.setJwtSecret(secret);
  }

  /**
   * Replaces the JWT secret (null: JWTs are refused) and closes, with 4001, every session a JWT
   * signed with another secret admitted. Returns how many were closed.
   */
  setJwtSecret(secret: string | null): number {
    if (!this.authenticator.setSecret(this.config.jwt.enabled ? secret : null)) return 0;
    const current = this.authenticator.secretId;
    let closed = 0;
    for (const s of this.sessions.values()) {
      if (s.identity?.kind === 'jwt' && s.identity.secretId !== current && s.state !== 'closing') {
        s.close(CLOSE.UNAUTHORIZED, 'the JWT secret changed; sign in again');
        closed++;
      }
    }
    this.logger.info('feed: the JWT secret changed', { closed_sessions: closed, jwt_accepted: current !== null });
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
      this.repo.publishRuntime(this.opts.processName, { listening: this.listeningInfo, totals: this.totals(), clients: this.clients().slice(0, FEED_PUBLISHED_CLIENTS) });
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

  // ---------- playbook notices ----------

  /** What a notice is rendered with now: the feed's head and ThreatStream's risk index as they stand. */
  noticeState(): { seq: number; risk: RiskSnapshot; techniqueName: (id: string) => string | null } {
    return { seq: this.seq, risk: this.threatstream.risk.snapshot(), techniqueName: this.ctx.techniqueName };
  }

  dialectEnabled(d: FeedDialect): boolean {
    return this.config.dialects[d].enabled;
  }

  /**
   * Sends a playbook's notice to the live sessions of the chosen dialects (and clients): each gets
   * its dialect's notice frames, shared with every client of the same variant, after its own
   * subscription filter. Returns what happened, per dialect.
   */
  publishNotice(ev: NoticeEvent, target: FeedNoticeTarget): FeedNoticeDelivery[] {
    const names = target.clients ? new Set(target.clients) : null;
    const rows = new Map<FeedDialect, FeedNoticeDelivery>(
      (target.dialects ?? FEED_DIALECTS).map((d) => [d, { dialect: d, enabled: this.dialectEnabled(d), connected: 0, sent: 0, filtered: 0, not_ready: 0, not_chosen: 0, unsupported: 0, dropped: 0 }]),
    );
    for (const s of this.sessions.values()) {
      const row = rows.get(s.dialect);
      if (!row) continue;
      row.connected++;
      if (names && !names.has(s.identity?.name ?? '')) row.not_chosen++;
      else if (s.state !== 'live' || !s.open) row.not_ready++;
      else if (!s.handler.notice) row.unsupported++;
      else {
        let frames: readonly Buffer[];
        try {
          frames = s.handler.notice(ev);
        } catch (err) {
          this.logger.warn('feed notice could not be rendered for a client', { client: s.id, dialect: s.dialect, error: err instanceof Error ? err.message : String(err) });
          row.unsupported++;
          continue;
        }
        if (frames.length === 0) row.filtered++;
        else if (s.send(frames)) row.sent++;
        else row.dropped++;
      }
    }
    return [...rows.values()];
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
