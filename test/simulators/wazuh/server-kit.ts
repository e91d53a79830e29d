import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { makeCert, type TestCert } from './certs.js';

/**
 * What the two simulated servers share: an http(s) listener on 127.0.0.1:0 whose certificate can
 * be swapped, JSON replies, a fault queue (the next N matching requests time out, reset, get a
 * status, or a truncated body) and an exchange hook the spec validator listens on.
 */

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Raw body text ('' when none). */
  text: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised) or a string (sent as is). */
  body?: unknown;
  /** Close the connection without answering (as ZAP does for a bad API key). */
  drop?: boolean;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });

export type FaultKind = 'timeout' | 'reset' | 'truncate' | 'status';

export interface Fault {
  kind: FaultKind;
  /** For 'status': the reply to send instead of the real one. */
  reply?: Reply;
  /** How many matching requests it hits. */
  times: number;
  /** Only requests whose path starts with this (default: any). */
  path?: string;
  method?: string;
}

/** Injected faults, served first-in first-out to the requests they match. */
export class FaultQueue {
  private readonly queue: Fault[] = [];
  /** Faults served so far, by kind (tests assert that a fault really happened). */
  readonly served: Record<string, number> = {};

  inject(fault: Fault): this {
    this.queue.push({ ...fault });
    return this;
  }

  take(req: SimRequest): Fault | null {
    const i = this.queue.findIndex((f) => (!f.path || req.path.startsWith(f.path)) && (!f.method || f.method === req.method));
    if (i < 0) return null;
    const f = this.queue[i]!;
    if (--f.times <= 0) this.queue.splice(i, 1);
    const key = f.kind === 'status' ? String(f.reply?.status) : f.kind;
    this.served[key] = (this.served[key] ?? 0) + 1;
    return f;
  }

  get pending(): number {
    return this.queue.reduce((n, f) => n + f.times, 0);
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export interface Exchange {
  request: SimRequest;
  reply: Reply;
  contentType: string;
  /** Parsed JSON body of the reply (undefined for text). */
  body: unknown;
}

export interface SimServerOptions {
  /** https with a generated self-signed certificate (default), or plain http. */
  tls?: boolean;
  cert?: TestCert;
  onExchange?: (exchange: Exchange) => void;
}

export class SimServer {
  readonly faults = new FaultQueue();
  url = '';
  cert: TestCert | null = null;
  /** Requests received (faulted ones included). */
  requests = 0;
  private server!: http.Server | https.Server;
  private readonly held = new Set<http.ServerResponse>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handler: (req: SimRequest) => Reply | Promise<Reply>,
    private readonly opts: SimServerOptions = {},
  ) {}

  async start(): Promise<this> {
    const tls = this.opts.tls ?? true;
    if (tls) this.cert = this.opts.cert ?? (await makeCert());
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void this.serve(req, res);
    this.server = tls ? https.createServer({ cert: this.cert!.cert, key: this.cert!.key }, listener) : http.createServer(listener);
    this.server.keepAliveTimeout = 5000;
    this.server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  /** A new certificate (as after a reinstall or renewal); open connections are dropped. */
  async swapCertificate(next?: TestCert): Promise<TestCert> {
    if (!(this.server instanceof https.Server)) throw new Error('not a TLS server');
    const cert = next ?? (await makeCert());
    this.server.setSecureContext({ cert: cert.cert, key: cert.key });
    this.cert = cert;
    this.dropConnections();
    return cert;
  }

  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://sim');
    const sreq: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, text: Buffer.concat(chunks).toString('utf8') };
    const fault = this.faults.take(sreq);
    if (fault?.kind === 'timeout') {
      this.held.add(res); // never answered; released on close
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    try {
      reply = fault?.kind === 'status' && fault.reply ? fault.reply : await this.handler(sreq);
    } catch (err) {
      reply = json(500, { title: 'Simulator error', detail: err instanceof Error ? err.message : String(err) });
    }
    if (reply.drop) {
      req.socket.destroy();
      return;
    }
    const isText = typeof reply.body === 'string';
    const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    const contentType = reply.headers?.['content-type'] ?? (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    if (fault?.kind !== 'status') this.opts.onExchange?.({ request: sreq, reply, contentType: contentType.split(';')[0]!, body: isText ? undefined : reply.body });
    const bytes = Buffer.from(payload, 'utf8');
    res.writeHead(reply.status, { 'content-type': contentType, 'content-length': String(bytes.length), ...reply.headers });
    if (fault?.kind === 'truncate') {
      // Half the body, then the connection drops: the client sees fewer bytes than announced.
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    res.end(bytes);
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.held.clear();
    this.dropConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Basic credentials of a request, or null. */
export function basicAuth(req: SimRequest): { username: string; password: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { username: text.slice(0, i), password: text.slice(i + 1) };
}
