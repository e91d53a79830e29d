// Shared by the feed-*.test.ts suites: a feed service over a temp data directory and a ws client
// that records frames and lets a test await the one it needs (no fixed sleeps).
import { type ClientOptions, WebSocket } from 'ws';
import { createHandlers } from '../../main/core/handlers.js';
import { createFeedSetStatus } from '../../main/core/feed-handlers.js';
import { silentLogger } from '../../main/core/logger.js';
import type { Services } from '../../main/core/services.js';
import type { FeedConfigPatch, FeedRole } from '../../main/contract/feed.js';
import { FeedService, type FeedServiceDeps } from '../../main/feed/service.js';
import type { FeedServer } from '../../main/feed/server.js';
import type { FeedLimits } from '../../main/feed/limits.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import { repoRoot, sampleAlert, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

export const FAST_LIMITS: Partial<FeedLimits> = {
  pollMs: 10,
  tokenCheckMs: 20,
  initialStateWaitMs: 300,
  authTimeoutMs: 1000,
  lagGraceMs: 10_000,
  runtimePublishMs: 200,
};

export const ALL_DIALECTS: FeedConfigPatch = {
  enabled: true,
  host: '127.0.0.1',
  port: 0,
  dialects: {
    native: { enabled: true },
    aegis: { enabled: true, allow: ['127.0.0.1', '::1'] },
    threatstream: { enabled: true, allow: ['127.0.0.1', '::1'] },
    bluewall: { enabled: true },
    ips: { enabled: true },
  },
};

/** Where the pipeline says an alert came from (alert_details.enrichment). */
export const ENRICHMENT = {
  src: { ip: '203.0.113.7', class: 'public', external: true, geo: { country_code: 'DE', country: 'Germany', city: 'Berlin', latitude: 52.52, longitude: 13.4 } },
  dst: { ip: '10.0.0.5', class: 'private', external: false, geo: null },
  agent: { id: '001', name: 'web-01' },
  user: null,
};

/** Inserts an alert with details (confidence, enrichment, threat type) as the pipeline does. */
export function insertDetailed(hh: Harness, over: Parameters<typeof sampleAlert>[0] = {}, threat = 'brute_force', enrichment: unknown = ENRICHMENT): number {
  const [id] = hh.services.alerts.insertMany([sampleAlert(over)]);
  hh.services.db.prepare('UPDATE alerts SET threat_type = ? WHERE id = ?').run(threat, id);
  hh.services.db.prepare('INSERT INTO alert_details (alert_id, confidence, enrichment) VALUES (?, 0.8, ?)').run(id, JSON.stringify(enrichment));
  return id!;
}

/**
 * Another Vigil process on the same data directory and keychain (`vigil feed config ...`): a
 * passive feed service that saves configuration, tokens and the JWT secret but runs no server.
 */
export async function otherProcess(h: Harness): Promise<{ feed: FeedService; close(): Promise<void> }> {
  const services = await testServices(h.dir);
  const feed = new FeedService({
    db: services.db,
    audit: services.audit,
    logger: silentLogger,
    dataDir: h.dir,
    appName: 'Vigil',
    appVersion: '0.0.0-test',
    secrets: h.vault,
    setStatus: null,
    passive: true,
  });
  return { feed, close: () => services.close() };
}

export interface Harness {
  dir: string;
  services: Services;
  feed: FeedService;
  server: FeedServer;
  vault: MemoryVault;
  port: number;
  url(path: string, query?: Record<string, string>): string;
  token(role?: FeedRole, name?: string): { id: number; secret: string };
  close(): Promise<void>;
}

let counter = 0;

export async function startFeed(opts: {
  patch?: FeedConfigPatch;
  limits?: Partial<FeedLimits>;
  jwtSecret?: string;
  dir?: string;
  deps?: Partial<FeedServiceDeps>;
  scheme?: 'ws' | 'wss';
} = {}): Promise<Harness> {
  const dir = opts.dir ?? tempDir('vigil-feed-');
  const services = await testServices(dir);
  const vault = new MemoryVault();
  if (opts.jwtSecret) await vault.set('feed.jwt.secret', opts.jwtSecret);
  const handlers = createHandlers(services);
  const feed = new FeedService({
    db: services.db,
    audit: services.audit,
    logger: silentLogger,
    dataDir: dir,
    appName: 'Vigil',
    appVersion: '0.0.0-test',
    resourcesDir: `${repoRoot}/resources`,
    secrets: vault,
    setStatus: createFeedSetStatus(handlers, silentLogger),
    limits: { ...FAST_LIMITS, ...opts.limits },
    processName: `test:${process.pid}:${++counter}`,
    ...opts.deps,
  });
  await feed.configure({ patch: opts.patch ?? ALL_DIALECTS }, 'ana');
  const server = feed.feedServer;
  if (!server) throw new Error(`the feed did not start: ${(await feed.status()).last_error}`);
  const port = server.port;
  const scheme = opts.scheme ?? (server.listening.tls ? 'wss' : 'ws');
  return {
    dir,
    services,
    feed,
    server,
    vault,
    port,
    url: (path, query) => `${scheme}://127.0.0.1:${port}${path}${query ? `?${new URLSearchParams(query).toString()}` : ''}`,
    token: (role = 'viewer', name) => {
      const created = feed.createToken({ name: name ?? `mate-${++counter}`, role }, 'ana');
      return { id: created.token.id, secret: created.secret };
    },
    async close() {
      await feed.stop();
      await services.close();
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are checked with toMatchObject
export type Frame = any;

/** A ws client that keeps every frame and lets a test await the next matching one. */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }[] = [];
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      let f: Frame;
      try {
        f = JSON.parse(text);
      } catch {
        f = { unparsable: text };
      }
      this.frames.push(f);
      const i = this.frames.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (i >= w.from && w.pred(f)) {
          w.resolve(f);
          return false;
        }
        return true;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters.splice(0)) w(this.closed);
    });
    ws.on('error', () => {});
  }

  /** Opens a connection; resolves once open (or closed during the handshake). */
  static connect(url: string, opts: ClientOptions & { protocols?: string | string[] } = {}): Promise<TestClient> {
    const { protocols, ...rest } = opts;
    const ws = protocols !== undefined ? new WebSocket(url, protocols, rest) : new WebSocket(url, rest);
    const c = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('close', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', (err) => reject(err));
    });
  }

  /** The first frame (already received or coming) matching pred, counting from index `from`. */
  next(pred: (f: Frame) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    for (let i = from; i < this.frames.length; i++) if (pred(this.frames[i])) return Promise.resolve(this.frames[i]);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (f: Frame) => (clearTimeout(timer), resolve(f)), from };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.length}: ${JSON.stringify(this.frames.slice(-3)).slice(0, 400)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  type(type: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f?.type === type, timeoutMs);
  }

  /** Resolves when the server closes the connection. */
  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves when `cond()` holds, checked after each event the emitter sends (or every few ms). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
