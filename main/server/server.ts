import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  ClientFrame,
  CLOSE_UNAUTHORIZED,
  HEADLESS_WS_PATH,
  unauthorizedReason,
  type ServerFrame,
  type TokenSource,
} from '../contract/index.js';
import { dispatch } from '../core/dispatch.js';
import type { CallContext, Handlers } from '../core/handlers.js';
import type { PreparedExport } from '../core/console.js';
import type { SourcePathPolicy } from '../core/source-policy.js';
import type { EventBus } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { SECURITY_HEADERS } from '../core/csp.js';
import { presentedToken, tokenMatches, tokenProblem } from './auth.js';
import { createHostCheck, isWildcardAddress, originAllowed, type HostCheck } from './host-check.js';
import { FailureLimiter, type FailureLimiterOptions } from './rate-limit.js';
import { mimeType, resolveStatic } from './static.js';

export interface HeadlessServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** How the token was given; a refused page is told, so it can say where the right one is. */
  tokenSource?: TokenSource;
  /** Extra Host names accepted besides the bound address (`vigil serve --allowed-host`). */
  allowedHosts?: readonly string[];
  /** Wrong-token throttle per client address (defaults: WRONG_TOKEN_LIMIT). */
  wrongTokenLimit?: FailureLimiterOptions;
  /** Slow-client limits (defaults: CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>;
  /** Which files a browser may add as sources (default: none). */
  sourcePaths?: SourcePathPolicy;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  handlers: Handlers;
  bus: EventBus;
  logger: Logger;
  /** Name recorded in the audit log for actions taken through this server. */
  actor: () => string;
  /** Prepared exports (alerts.export, events.export): GET /api/exports/<ticket> streams one, once. */
  exports?: { take(ticket: string): PreparedExport | null };
}

export interface HeadlessServer {
  readonly port: number;
  readonly host: string;
  /** The URL to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ConnectionLimits {
  /** A client must finish sending its request headers within this many ms (slow loris). */
  headersTimeoutMs: number;
  /** ... and its whole request within this many ms. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  keepAliveTimeoutMs: number;
  /** Simultaneous connections (sockets beyond it are closed at once). */
  maxConnections: number;
}

/** One analyst's browser opens a handful of connections; these bound what slow clients can hold. */
export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
};

/** 10 wrong tokens at once, then one every 2 s per address. */
export const WRONG_TOKEN_LIMIT: FailureLimiterOptions = { burst: 10, refillPerSecond: 0.5 };

/** Largest inbound frame; contract requests are small. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** Calls a single page may have in flight before it is told to slow down. */
const MAX_IN_FLIGHT = 64;

/** A one-time export ticket (a random UUID handed out by alerts.export or events.export over the token's socket). */
const EXPORT_PATH = /^\/api\/exports\/([0-9a-f-]{36})$/;

/** Streams a prepared export into a response, with backpressure; stops when the reader goes away. */
function streamExport(res: http.ServerResponse, prepared: PreparedExport, headers: Record<string, string>): void {
  res.writeHead(200, {
    ...headers,
    'Content-Type': prepared.mime,
    'Content-Disposition': `attachment; filename="${prepared.file_name}"`,
    'Cache-Control': 'no-store',
  });
  let closed = false;
  res.once('close', () => (closed = true));
  const out = {
    write: (text: string) =>
      closed || res.write(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.once('drain', done);
            res.once('close', done);
          }),
    end: () => new Promise<void>((resolve) => (closed ? resolve() : res.end(resolve))),
  };
  void prepared.run(out, () => closed).then(({ complete }) => {
    // an export that stopped half-way must not look complete: break the transfer
    if (!complete && !closed) res.destroy();
  });
}

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

/**
 * Headless mode: serves the built renderer and the SAME contract as the Electron IPC over one
 * WebSocket. Every contract call needs the token; Host (and Origin) are checked on every bind
 * so a web page elsewhere cannot reach it through DNS rebinding; an address that guesses wrong
 * tokens is throttled (429 + Retry-After); slow clients are cut off (header/request timeouts,
 * a connection cap).
 */
export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const problem = tokenProblem(opts.token);
  if (problem) throw new Error(problem);
  const staticRoot = path.resolve(opts.staticDir);
  if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
    throw new Error(`the renderer is not built (${path.join(staticRoot, 'index.html')} is missing); run "npm run build" first`);
  }
  const limits: ConnectionLimits = { ...CONNECTION_LIMITS, ...opts.limits };
  const limiter = new FailureLimiter(opts.wrongTokenLimit ?? WRONG_TOKEN_LIMIT);
  const tokenSource: TokenSource = opts.tokenSource ?? 'launch';
  // set once the port is known (port 0 picks one)
  let hostOk: HostCheck = () => false;

  /** The token check with the wrong-token throttle: 'ok', 'wrong', or seconds to wait. */
  const authorize = (req: http.IncomingMessage, url: URL): 'ok' | 'wrong' | number => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.retryAfter(address);
    if (wait > 0) return wait;
    if (tokenMatches(presentedToken(req, url), opts.token)) return 'ok';
    limiter.fail(address);
    return 'wrong';
  };

  const server = http.createServer({ connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://vigil.invalid');
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (!hostOk(req.headers.host)) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const exportTicket = EXPORT_PATH.exec(url.pathname)?.[1];
    if (exportTicket !== undefined && req.method === 'GET') {
      // the ticket is the credential: only an authenticated connection got it, and it works once
      const address = req.socket.remoteAddress ?? 'unknown';
      const wait = limiter.retryAfter(address);
      const prepared = wait > 0 ? null : (opts.exports?.take(exportTicket) ?? null);
      if (!prepared) {
        if (wait <= 0) limiter.fail(address);
        res.writeHead(wait > 0 ? 429 : 404, { ...headers, 'Content-Type': 'application/json', ...(wait > 0 ? { 'Retry-After': String(wait) } : {}) });
        res.end(JSON.stringify({ code: 'NOT_FOUND', message: 'this export link was used already or has expired; export again' }));
        return;
      }
      streamExport(res, prepared, headers);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const verdict = authorize(req, url);
      if (typeof verdict === 'number') {
        res.writeHead(429, { ...headers, 'Content-Type': 'application/json', 'Retry-After': String(verdict) });
        res.end(JSON.stringify({ code: 'UNAUTHORIZED', message: `too many wrong tokens from this address; try again in ${verdict} s` }));
        return;
      }
      if (verdict === 'wrong') {
        res.writeHead(401, { ...headers, 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' });
        res.end(JSON.stringify({ code: 'UNAUTHORIZED', message: 'a valid token is required' }));
        return;
      }
      if (url.pathname === '/api/health') {
        void dispatch(opts.handlers, 'app.health', {}, { actor: opts.actor(), transport: 'ws' }, opts.logger).then((out) => {
          res.writeHead(out.ok ? 200 : 500, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          res.end(JSON.stringify(out.ok ? out.result : out.error));
        });
        return;
      }
      res.writeHead(404, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'no such endpoint' }));
      return;
    }
    const file = resolveStatic(staticRoot, url.pathname);
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const isIndex = path.basename(file) === 'index.html';
    // only the build's assets/ carry a content hash in their names; the files copied as they are
    // (early-socket.js, favicon.svg) keep their names from one version to the next
    const hashed = path.relative(staticRoot, file).split(path.sep)[0] === 'assets';
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeType(file),
      'Cache-Control': isIndex ? 'no-store' : hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://vigil.invalid');
    const reject = (status: number, text: string, extra = '') => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== HEADLESS_WS_PATH) return reject(404, 'Not Found');
    if (!hostOk(req.headers.host)) return reject(421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, hostOk)) return reject(403, 'Forbidden');
    const verdict = authorize(req, url);
    if (typeof verdict === 'number') return reject(429, 'Too Many Requests', `Retry-After: ${verdict}\r\n`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (verdict !== 'ok') {
        // Accept then close with the contract's code, so the page can tell "bad token" apart
        // from a network failure, and say how this server was given its token.
        ws.close(CLOSE_UNAUTHORIZED, unauthorizedReason(tokenSource));
        return;
      }
      wss.emit('connection', ws, req);
    });
  });

  let connections = 0;
  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    const client = `ws:${++connections}`;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send(ws, { type: 'result', id: 0, ok: false, error: { code: 'BAD_REQUEST', message: 'binary frames are not accepted' } });
      let frame: ClientFrame;
      try {
        const parsed = ClientFrame.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad frame');
        frame = parsed.data;
      } catch (err) {
        return send(ws, {
          type: 'result',
          id: 0,
          ok: false,
          error: { code: 'BAD_REQUEST', message: `malformed frame: ${err instanceof Error ? err.message : 'unreadable'}` },
        });
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        return send(ws, { type: 'result', id: frame.id, ok: false, error: { code: 'CONFLICT', message: 'too many calls in flight' } });
      }
      inFlight++;
      const ctx: CallContext = { actor: opts.actor(), transport: 'ws', client, ...(opts.sourcePaths ? { sourcePaths: opts.sourcePaths } : {}) };
      void dispatch(opts.handlers, frame.channel, frame.request, ctx, opts.logger).then((out) => {
        inFlight--;
        send(ws, out.ok ? { type: 'result', id: frame.id, ok: true, result: out.result } : { type: 'result', id: frame.id, ok: false, error: out.error });
      });
    });
    ws.on('error', () => ws.terminate());
  });

  const offBus = opts.bus.onAny((event, payload) => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify({ type: 'event', event, payload } satisfies ServerFrame);
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  hostOk = createHostCheck({ bindHost: opts.host, port: boundPort, allowedNames: opts.allowedHosts ?? [] });
  // a wildcard bind is reached on this machine through loopback; teammates use an address or name
  const shown = isWildcardAddress(opts.host) ? (opts.host.includes(':') ? '::1' : '127.0.0.1') : opts.host;
  const urlHost = shown.includes(':') ? `[${shown}]` : shown;

  return {
    port: boundPort,
    host: opts.host,
    url: `http://${urlHost}:${boundPort}/?token=${encodeURIComponent(opts.token)}`,
    async close() {
      offBus();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
