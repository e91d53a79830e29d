import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorTimeouts, TlsTrust } from '../../main/contract/connectors.js';
import type { Logger } from '../../main/core/logger.js';
import { backoffMs, DEFAULT_RETRY, encodeQuery, HttpClient, parseRetryAfter, type HttpClientOptions } from '../../main/connectors/http.js';
import { CircuitBreaker, TokenBucket, type Clock } from '../../main/connectors/limits.js';
import { probeCertificate } from '../../main/connectors/trust.js';
import { ConnectorError } from '../../main/connectors/types.js';
import { tempDir } from '../helpers/tmp.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { makeCert } from '../simulators/wazuh/certs.js';

/** A clock whose sleeps return at once and move time forward; every wait is recorded. */
function fakeClock(start = 1_700_000_000_000): Clock & { waits: number[]; advance(ms: number): void } {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
      t += ms;
    },
  };
}

const servers: (http.Server | https.Server)[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen<S extends http.Server | https.Server>(server: S): Promise<S & { url: string; hits: number }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  const proto = server instanceof https.Server ? 'https' : 'http';
  return Object.assign(server, { url: `${proto}://127.0.0.1:${port}`, hits: 0 });
}

/** An HTTP server whose handler gets the hit number (1-based). */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void) {
  const s = http.createServer();
  const srv = await listen(s);
  s.on('request', (req, res) => handler(req, res, ++srv.hits));
  return srv;
}

function client(url: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({
    name: 'test',
    baseUrl: url,
    trust: { mode: 'system' },
    timeouts: ConnectorTimeouts.parse({ connectMs: 2000, headersMs: 2000, bodyMs: 2000 }),
    budget: null,
    clock: fakeClock(),
    random: () => 0.5,
    ...extra,
  });
  clients.push(c);
  return c;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('TokenBucket (request budget)', () => {
  it('never lets more than perMinute requests into any 60 s window', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perMinute: 300, burst: 30 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 1200; i++) {
      await bucket.acquire();
      times.push(clock.now());
    }
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(300);
    expect(worst).toBeGreaterThan(250); // and it does use the budget
    // the burst goes out without waiting
    expect(times.slice(0, 30).every((t) => t === times[0])).toBe(true);
  });

  it('a pause (Retry-After) holds every waiter', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perMinute: 600, burst: 10 }, clock);
    const t0 = clock.now();
    bucket.pauseUntil(t0 + 5000);
    await bucket.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(t0 + 5000);
  });

  it('an aborted waiter gives up', async () => {
    const bucket = new TokenBucket({ perMinute: 60, burst: 1 }, fakeClock());
    await bucket.acquire();
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(bucket.acquire(ac.signal)).rejects.toThrow('stop');
  });
});

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, lets one probe through when half-open, closes on its success', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 }, clock, 'wz');
    for (let i = 0; i < 3; i++) {
      b.admit();
      b.failure();
    }
    expect(b.current()).toBe('open');
    expect(() => b.admit()).toThrow(/3 requests in a row failed/);
    clock.advance(10_000);
    expect(b.current()).toBe('half_open');
    b.admit(); // the probe
    expect(() => b.admit()).toThrow(ConnectorError); // only one probe at a time
    b.success();
    expect(b.current()).toBe('closed');
    b.admit();
  });

  it('a failed probe opens it again; a success in between resets the count', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 }, clock, 'wz');
    b.failure();
    b.success();
    b.failure();
    expect(b.current()).toBe('closed');
    b.failure();
    expect(b.current()).toBe('open');
    clock.advance(1000);
    b.admit();
    b.failure();
    expect(b.current()).toBe('open');
  });
});

describe('retry helpers', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    const r = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(1, r, () => 0)).toBe(50);
    expect(backoffMs(1, r, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoffMs(3, r, () => 0)).toBe(200);
    expect(backoffMs(10, r, () => 1)).toBe(1000);
  });

  it('encodes comma lists the way Wazuh reads them and skips empty values', () => {
    expect(encodeQuery({ agents_list: ['001', '002'], q: 'os.platform=ubuntu;status=active', x: undefined })).toBe(
      '?agents_list=001,002&q=os.platform%3Dubuntu%3Bstatus%3Dactive',
    );
  });
});

describe('HttpClient', () => {
  it('waits the Retry-After of a 429 (seconds or HTTP date) and then succeeds', async () => {
    const clock = fakeClock();
    const srv = await serve((_req, res, hit) => {
      if (hit === 1) return json(res, 429, { title: 'Wazuh Error', detail: 'Maximum number of requests per minute reached', error: 6001 }, { 'retry-after': '2' });
      if (hit === 2) return json(res, 429, {}, { 'retry-after': new Date(clock.now() + 5000).toUTCString() });
      json(res, 200, { ok: true });
    });
    const c = client(srv.url, { clock, budget: { perMinute: 300, burst: 10 } });
    const res = await c.request({ method: 'GET', path: '/', expectJson: true });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(clock.waits[0]).toBe(2000);
    expect(clock.waits[1]).toBeGreaterThanOrEqual(4000); // HTTP dates have 1 s resolution
    expect(clock.waits[1]).toBeLessThanOrEqual(5000);
  });

  it('gives a 429 back when Retry-After is longer than it may wait', async () => {
    const srv = await serve((_req, res) => json(res, 429, {}, { 'retry-after': '600' }));
    const res = await client(srv.url).request({ method: 'GET', path: '/' });
    expect(res.status).toBe(429);
    expect(srv.hits).toBe(1);
  });

  it('retries 5xx for idempotent requests only', async () => {
    const srv = await serve((req, res, hit) => (hit === 1 || req.method === 'PUT' ? json(res, 503, { title: 'busy' }) : json(res, 200, {})));
    const c = client(srv.url);
    expect((await c.request({ method: 'GET', path: '/x' })).status).toBe(200);
    const put = await c.request({ method: 'PUT', path: '/agents/restart' });
    expect(put.status).toBe(503);
    expect(put.attempts).toBe(1);
  });

  it('retries a truncated body for GET, and says "may have been carried out" for PUT', async () => {
    const srv = await serve((req, res, hit) => {
      if (req.method === 'PUT' || hit === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"data":{"affected_items":[');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      json(res, 200, { data: { affected_items: [] }, error: 0 });
    });
    const c = client(srv.url);
    const ok = await c.request({ method: 'GET', path: '/agents', expectJson: true });
    expect(ok.attempts).toBe(2);
    expect(ok.json).toEqual({ data: { affected_items: [] }, error: 0 });
    const err = await rejection(c.request({ method: 'PUT', path: '/agents/restart', expectJson: true }));
    expect(err.kind).toBe('network');
    expect(srv.hits).toBe(3);
  });

  it('a complete but unparsable 2xx body is a bad_response (not retried for PUT)', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": {"affected');
    });
    const err = await rejection(client(srv.url).request({ method: 'PUT', path: '/active-response', expectJson: true }));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/may have been carried out/);
    expect(srv.hits).toBe(1);
  });

  it('an answer over the size limit is refused once, not fetched again', async () => {
    const srv = await serve((_req, res) => json(res, 200, { data: 'x'.repeat(5000) }));
    const err = await rejection(client(srv.url, { maxBodyBytes: 1000 }).request({ method: 'GET', path: '/', expectJson: true }));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/larger than 1000 bytes/);
    expect(srv.hits).toBe(1);
  });

  it('a 204 without a body is a success, not a truncated answer', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await client(srv.url).request({ method: 'DELETE', path: '/x', expectJson: true });
    expect(res.status).toBe(204);
    expect(res.attempts).toBe(1);
  });

  it('times out on a server that never answers', async () => {
    const srv = await serve(() => undefined);
    const c = client(srv.url, { timeouts: ConnectorTimeouts.parse({ connectMs: 1000, headersMs: 200, bodyMs: 200 }), retry: { maxAttempts: 2 } });
    const err = await rejection(c.request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no answer within 200 ms/);
    expect(srv.hits).toBe(2);
  });

  it('reports refused connections and retries them even for PUT (never sent)', async () => {
    const srv = await serve(() => undefined);
    const url = srv.url;
    srv.close();
    servers.splice(servers.indexOf(srv), 1);
    const clock = fakeClock();
    const err = await rejection(client(url, { clock }).request({ method: 'PUT', path: '/agents/restart' }));
    expect(err.kind).toBe('refused');
    expect(clock.waits).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
  });

  it('reports a name that does not resolve as dns', async () => {
    const err = await rejection(client('http://vigil-no-such-host.invalid:55000', { retry: { maxAttempts: 1 } }).request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('dns');
    expect(err.message).toMatch(/cannot resolve vigil-no-such-host\.invalid/);
  });

  it('opens the circuit after consecutive failures and stops calling the server', async () => {
    const srv = await serve((_req, res) => json(res, 500, { title: 'Internal error' }));
    const c = client(srv.url, { breaker: { failureThreshold: 3, openMs: 60_000 }, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 3; i++) expect((await c.request({ method: 'GET', path: '/' })).status).toBe(500);
    const err = await rejection(c.request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('circuit_open');
    expect(srv.hits).toBe(3);
    expect(c.circuit).toBe('open');
  });

  it('never writes a password, token or API key to the log', async () => {
    const password = 'S3cret-Passw0rd!';
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXp1aCJ9.c2lnbmF0dXJlLXZhbHVl';
    const lines: string[] = [];
    const capture: Logger = {
      info: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      error: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    const srv = await serve((req, res) => {
      // echo the credentials back in an error, as a careless server might
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bad gateway for ${req.headers.authorization}`);
    });
    const c = client(srv.url, { logger: capture, secrets: () => [password, token], retry: { maxAttempts: 2 } });
    await c.request({ method: 'GET', path: '/security/user/authenticate', query: { password, raw_token: token }, headers: { authorization: `Bearer ${token}` } });
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(log).toContain('/security/user/authenticate');
    expect(log).not.toContain(password);
    expect(log).not.toContain(token);
    expect(log).not.toContain('c2lnbmF0dXJlLXZhbHVl');
  });
});

describe('HttpClient TLS trust', () => {
  async function tlsServer(cert: { cert: string; key: string }) {
    const s = https.createServer({ cert: cert.cert, key: cert.key }, (_req, res) => json(res, 200, { ok: true }));
    return listen(s);
  }

  it('an unknown self-signed certificate is refused with its fingerprint, never used', async () => {
    const cert = await makeCert();
    let served = 0;
    const srv = await tlsServer(cert);
    srv.on('request', () => served++);
    const err = await rejection(client(srv.url).request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('tls_untrusted');
    expect(err.failure.certificate?.fingerprint256).toBe(cert.fingerprint256);
    expect(err.message).toContain(cert.fingerprint256);
    expect(served).toBe(0);
    expect((await probeCertificate(srv.url)).fingerprint256).toBe(cert.fingerprint256);
  });

  it('a pinned certificate is trusted; another certificate is a tls_mismatch naming it', async () => {
    const cert = await makeCert({ dnsNames: ['wazuh-manager'], ipAddresses: [] }); // name does not match the URL: the pin decides
    const other = await makeCert();
    const srv = await tlsServer(cert);
    const pinned = client(srv.url, { trust: TlsTrust.parse({ mode: 'pin', sha256: cert.fingerprint256.toLowerCase() }) });
    expect((await pinned.request({ method: 'GET', path: '/', expectJson: true })).json).toEqual({ ok: true });

    const wrong = client(srv.url, { trust: { mode: 'pin', sha256: other.fingerprint256 } });
    const err = await rejection(wrong.request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('tls_mismatch');
    expect(err.failure.certificate?.fingerprint256).toBe(cert.fingerprint256);
  });

  it('a swapped certificate breaks the pin on the next connection', async () => {
    const cert = await makeCert();
    const next = await makeCert();
    const srv = await tlsServer(cert);
    const c = client(srv.url, { trust: { mode: 'pin', sha256: cert.fingerprint256 } });
    expect((await c.request({ method: 'GET', path: '/' })).status).toBe(200);
    srv.setSecureContext({ cert: next.cert, key: next.key });
    srv.closeAllConnections();
    const err = await rejection(c.request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('tls_mismatch');
    expect(err.failure.certificate?.fingerprint256).toBe(next.fingerprint256);
  });

  it('a CA file is trusted with the host name checked', async () => {
    const cert = await makeCert({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const srv = await tlsServer(cert);
    const caFile = path.join(tempDir(), 'ca.pem');
    fs.writeFileSync(caFile, cert.cert);
    const ok = client(srv.url, { trust: { mode: 'ca', caFile } });
    expect((await ok.request({ method: 'GET', path: '/' })).status).toBe(200);

    const named = await makeCert({ dnsNames: ['wazuh-manager'], ipAddresses: [] });
    const srv2 = await tlsServer(named);
    fs.writeFileSync(caFile, named.cert);
    const err = await rejection(client(srv2.url, { trust: { mode: 'ca', caFile } }).request({ method: 'GET', path: '/' }));
    expect(err.kind).toBe('tls_mismatch');
    expect(err.failure.certificate?.fingerprint256).toBe(named.fingerprint256);
  });

  it('a missing CA file is a configuration error', () => {
    expect(() => client('https://127.0.0.1:1', { trust: { mode: 'ca', caFile: path.join(tempDir(), 'none.pem') } })).toThrow(/cannot read the CA file/);
  });
});
