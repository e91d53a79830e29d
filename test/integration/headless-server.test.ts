import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHandlers, type CallContext, type Handlers } from '../../main/core/handlers.js';
import { SourceDirs } from '../../main/core/source-policy.js';
import { silentLogger } from '../../main/core/logger.js';
import { startHeadlessServer, type HeadlessServer, type HeadlessServerOptions } from '../../main/server/server.js';
import { CONTENT_SECURITY_POLICY } from '../../main/core/csp.js';
import type { Services } from '../../main/core/services.js';
import type { App } from '../../main/core/app.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot, sampleAlert, testApp, testServices } from '../helpers/services.js';
import { runCli } from '../helpers/cli.js';

const TOKEN = 'test-token-1234567890-abcdefghijklmnop';
let server: HeadlessServer | undefined;
let services: Services | undefined;

afterEach(async () => {
  await server?.close();
  await services?.close();
  server = services = undefined;
});

async function start(over: Partial<HeadlessServerOptions> = {}, wrap: (h: Handlers) => Handlers = (h) => h): Promise<HeadlessServer> {
  const staticDir = tempDir();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Vigil</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(staticDir, 'early-socket.js'), 'void 0');
  fs.writeFileSync(path.join(tempDir(), 'outside.txt'), 'secret');
  services = await testServices(tempDir());
  server = await startHeadlessServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    staticDir,
    handlers: wrap(createHandlers(services)),
    bus: services.bus,
    logger: silentLogger,
    actor: () => 'ana',
    ...over,
  });
  return server;
}

function get(
  port: number,
  pathname: string,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers, agent: false, ...(localAddress ? { localAddress } : {}) }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

interface Frame {
  ok: boolean;
  result?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test frames are checked with toMatchObject
  error?: { code: string; message: string };
}

/** Opens the contract socket and returns a call function plus the received events. */
async function connect(port: number, token: string | null) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`);
  ws.on('error', () => undefined);
  const events: { event: string; payload: unknown }[] = [];
  const pending = new Map<number, (v: Frame) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame & { type: string; id?: number; event?: string; payload?: unknown };
    if (frame.type === 'event') events.push({ event: frame.event!, payload: frame.payload });
    else pending.get(frame.id!)?.(frame);
  });
  let nextId = 1;
  const call = (channel: string, request: unknown) =>
    new Promise<Frame>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, request }));
    });
  return { ws, events, call };
}

describe('headless server', () => {
  it('serves the renderer with the CSP and security headers', async () => {
    const { port } = await start();
    const res = await get(port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Vigil</title>');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(port, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get(port, '/alerts')).body).toContain('<title>Vigil</title>'); // SPA fallback
  });

  it('caches only the hashed assets for good; files kept under their names are revalidated', async () => {
    const { port } = await start();
    expect((await get(port, '/assets/app.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const early = await get(port, '/early-socket.js');
    expect(early.status).toBe(200);
    expect(early.headers['content-type']).toMatch(/javascript/);
    expect(early.headers['cache-control']).toBe('no-cache');
    expect((await get(port, '/')).headers['cache-control']).toBe('no-store');
  });

  it('refuses path traversal and foreign Host headers', async () => {
    const { port } = await start();
    expect((await get(port, '/../outside.txt')).status).toBe(404);
    expect((await get(port, '/assets/%2e%2e%2f%2e%2e%2foutside.txt')).status).toBe(404);
    expect((await get(port, '/assets/..%5c..%5coutside.txt')).status).toBe(404);
    // the URL parser folds /%2e%2e/ away; what remains is a page route, answered with the app
    const folded = await get(port, '/%2e%2e/%2e%2e/etc/passwd');
    expect(folded.body).toContain('<title>Vigil</title>');
    expect((await get(port, '/assets/missing.js')).status).toBe(404);
    expect((await get(port, '/', { Host: 'evil.example:80' })).status).toBe(421);
    expect((await get(port, '/', { Host: `attacker.example:${port}` })).status).toBe(421);
  });

  it('refuses API requests without the token', async () => {
    const { port } = await start();
    expect((await get(port, '/api/health')).status).toBe(401);
    expect((await get(port, '/api/health?token=wrong')).status).toBe(401);
    const ok = await get(port, '/api/health', { Authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true });
  });

  it('closes a contract socket without a valid token with 4001 and answers none of its calls', async () => {
    const { port } = await start();
    for (const token of [null, 'wrong-token-000000']) {
      const { ws } = await connect(port, token);
      const [code, reason] = await new Promise<[number, string]>((resolve) => ws.on('close', (c, r) => resolve([c, r.toString()])));
      expect(code).toBe(4001);
      // the page is told how the server got its token, to say where the right one is
      expect(reason).toBe('a valid token is required; token-source=launch');
    }
  });

  it('refuses a socket opened from a foreign origin', async () => {
    const { port } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${TOKEN}`, { headers: { Origin: 'http://evil.example' } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('carries the same contract: calls, typed errors and push events', async () => {
    const { port } = await start();
    const [id] = services!.alerts.insertMany([sampleAlert()]);
    const { ws, events, call } = await connect(port, TOKEN);
    await new Promise((r) => ws.once('open', r));
    expect(await call('app.info', {})).toMatchObject({ ok: true, result: { name: 'Vigil', mode: 'headless' } });
    const list = await call('alerts.list', { limit: 10 });
    expect(list.result.items.map((a: { id: number }) => a.id)).toEqual([id]);
    expect(await call('alerts.list', { limit: 'ten' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await call('alerts.setStatus', { id, status: 'ACKNOWLEDGED', note: 'on it' })).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContainEqual({ event: 'alerts.changed', payload: { reason: 'status', ids: [id], total: 1 } });
    expect(services!.alerts.history(id!)[0]).toMatchObject({ actor: 'ana', to: 'ACKNOWLEDGED' });
    ws.send('{not json');
    ws.send(JSON.stringify({ id: 9, channel: 'app.info', request: {}, extra: true }));
    const bad = await new Promise<Frame>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('app.info', {})).toMatchObject({ ok: true }); // the socket survives bad frames
    ws.close();
  });

  it('names each socket as the console its calls come from (a newer hunt count replaces only its own)', async () => {
    const callers: (string | undefined)[] = [];
    const { port } = await start({}, (h) => ({ ...h, 'app.info': (req, ctx: CallContext) => (callers.push(ctx.client), h['app.info'](req, ctx)) }));
    const one = await connect(port, TOKEN);
    const two = await connect(port, TOKEN);
    await Promise.all([one, two].map(({ ws }) => new Promise((r) => ws.once('open', r))));
    for (const c of [one, two, one]) expect(await c.call('app.info', {})).toMatchObject({ ok: true });
    expect(callers[0]).toMatch(/^ws:/);
    expect(callers[2]).toBe(callers[0]);
    expect(callers[1]).toMatch(/^ws:/);
    expect(callers[1]).not.toBe(callers[0]);
    one.ws.close();
    two.ws.close();
  });
});

/** Sends a raw HTTP/1.1 upgrade request and returns the status line's code. */
function rawUpgrade(port: number, host: string, extra: Record<string, string> = {}, localAddress?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) }, () => {
      const lines = [
        `GET /api/ws?token=${encodeURIComponent(extra['token'] ?? TOKEN)} HTTP/1.1`,
        `Host: ${host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...Object.entries(extra).filter(([k]) => k !== 'token').map(([k, v]) => `${k}: ${v}`),
      ];
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let text = '';
    sock.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m && text.includes('\r\n\r\n')) {
        sock.destroy();
        resolve({ status: Number(m[1]), text });
      }
    });
    sock.on('error', reject);
  });
}

describe('headless server regressions (issue 15)', () => {
  it('item 2: the DNS-rebinding guard refuses names that only start like a loopback address', async () => {
    const { port } = await start();
    for (const host of [`127.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.attacker.example:${port}`, `127.1:${port}`, `2130706433:${port}`]) {
      expect((await get(port, '/', { Host: host })).status, host).toBe(421);
      expect((await rawUpgrade(port, host)).status, `upgrade ${host}`).toBe(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `127.9.9.9:${port}`]) {
      expect((await get(port, '/', { Host: host })).status, host).toBe(200);
    }
    expect((await rawUpgrade(port, `127.0.0.1:${port}`, { Origin: `http://127.attacker.example:${port}` })).status).toBe(403);
    expect((await rawUpgrade(port, `127.0.0.1:${port}`, { Origin: 'null' })).status).toBe(403);
    expect((await rawUpgrade(port, `127.0.0.1:${port}`, { Origin: `http://localhost:${port}` })).status).toBe(101);
  });

  it('item 2: the server refuses a token shorter than 32 characters', async () => {
    await expect(start({ token: 'short-token-1234' })).rejects.toThrow(/at least 32 characters/);
  });

  it('item 2: wrong tokens are throttled per address with 429 + Retry-After; the right token from elsewhere still works', async () => {
    const { port } = await start({ wrongTokenLimit: { burst: 5, refillPerSecond: 0.01 } });
    const statuses: number[] = [];
    // the audit sent 5,000 tries in 0.9 s; 200 here are enough to see the throttle
    for (let i = 0; i < 200; i++) statuses.push((await get(port, `/api/health?token=guess-${i}`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
    const limited = await get(port, '/api/health?token=guess-x');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // while throttled the address gets no answer about its tokens, not even through the socket
    expect((await get(port, '/api/health', { Authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    expect((await rawUpgrade(port, `127.0.0.1:${port}`, { token: 'guess-y' })).text).toMatch(/^HTTP\/1\.1 429[^]*Retry-After: \d+/);
    // another address with the right token is not slowed down by it
    expect((await get(port, '/api/health', { Authorization: `Bearer ${TOKEN}` }, '127.0.0.2')).status).toBe(200);
    expect((await rawUpgrade(port, `127.0.0.1:${port}`, {}, '127.0.0.2')).status).toBe(101);
  });

  it('item 2: right tokens never count against an address', async () => {
    const { port } = await start({ wrongTokenLimit: { burst: 2, refillPerSecond: 0.01 } });
    for (let i = 0; i < 20; i++) expect((await get(port, '/api/health', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(port, '/api/health?token=wrong')).status).toBe(401);
  });

  it('item 8: slow-loris clients are cut off (header timeout) and connections are capped', async () => {
    const { port } = await start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 5 } });
    const slow = await Promise.all(
      Array.from({ length: 5 }, () => new Promise<net.Socket>((resolve) => {
        const sock = net.connect({ port, host: '127.0.0.1' }, () => {
          sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`); // headers never finished
          resolve(sock);
        });
        sock.resume(); // read the server's 408 and its close
        sock.on('error', () => undefined);
      })),
    );
    // the sixth connection is over the cap: closed by the server at once, before any request
    const extra = net.connect({ port, host: '127.0.0.1' });
    extra.resume();
    extra.on('error', () => undefined);
    await new Promise((r) => extra.once('close', r));
    // the five slow ones are closed by the server (they would otherwise be held for minutes)
    await Promise.all(slow.map((sock) => new Promise((r) => (sock.destroyed ? r(null) : sock.once('close', r)))));
    // and the server still answers a normal client afterwards
    expect((await get(port, '/')).status).toBe(200);
  });
});

/** Starts the built `vigil serve`; resolves with its ready line and what it wrote to stderr so far. */
function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), 'serve', '--port', '0', '--data-dir', tempDir(), ...args], {
    cwd: repoRoot,
    env: { ...process.env, VIGIL_TOKEN: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  if (stdin !== undefined) child.stdin.end(stdin);
  const ready = new Promise<{ line: string; stderr: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^Vigil is serving at (\S+)$/m.exec(out);
      if (m) resolve({ line: m[1]!, stderr });
    });
    child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { ready, stop };
}

describe('vigil serve token options (issue 15 item 2)', () => {
  const good = 'x'.repeat(20) + '-fixed-token-0123456789';

  it('refuses a --token, VIGIL_TOKEN or stdin token shorter than 32 characters', () => {
    const flag = runCli(['serve', '--port', '0', '--token', 'short-token-123', '--data-dir', tempDir()]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--token: the token must be at least 32 characters/);
    const env = runCli(['serve', '--port', '0', '--data-dir', tempDir()], { VIGIL_TOKEN: 'short-token-123' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/VIGIL_TOKEN: the token must be at least 32 characters/);
    const stdin = runCli(['serve', '--port', '0', '--token-stdin', '--data-dir', tempDir()], {}, 'short\n');
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/--token-stdin: the token must be at least 32 characters/);
    expect(runCli(['serve', '--token', good, '--token-stdin']).stderr).toMatch(/not both/);
  });

  it('warns that --token shows in the process list, and does not echo a given token', async () => {
    const served = spawnServe(['--token', good]);
    try {
      const { line, stderr } = await served.ready;
      expect(stderr).toMatch(/--token is visible to every user of this machine in the process list; pass it in VIGIL_TOKEN or on standard input with --token-stdin/);
      expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(line).port);
      expect((await get(port, '/api/health', { Authorization: `Bearer ${good}` })).status).toBe(200);
    } finally {
      await served.stop();
    }
  });

  it('takes the token from standard input or VIGIL_TOKEN without a warning', async () => {
    for (const served of [spawnServe(['--token-stdin'], {}, `${good}\n`), spawnServe([], { VIGIL_TOKEN: good })]) {
      try {
        const { line, stderr } = await served.ready;
        expect(stderr).not.toMatch(/warning/);
        const port = Number(new URL(line).port);
        expect((await get(port, '/api/health', { Authorization: `Bearer ${good}` })).status).toBe(200);
        // the page told "bad token" learns how the token was given
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=wrong`);
        const reason = await new Promise<string>((resolve) => ws.on('close', (_c, r) => resolve(r.toString())));
        expect(reason).toMatch(/token-source=(stdin|env)$/);
      } finally {
        await served.stop();
      }
    }
  });
});

describe('sources over the headless contract (issue 15 item 3)', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** A server whose browser may add files under `dirs`, with a live pipeline host. */
  async function startWithSources(dirs: string[] | null) {
    const staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Vigil</title>');
    app = await testApp(tempDir());
    services = app.services;
    server = await startHeadlessServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      staticDir,
      handlers: app.handlers,
      bus: services.bus,
      logger: silentLogger,
      actor: () => 'ana',
      ...(dirs ? { sourcePaths: new SourceDirs(() => dirs) } : {}),
    });
    const c = await connect(server.port, TOKEN);
    await new Promise((r) => c.ws.once('open', r));
    return c;
  }

  it('refuses /etc/passwd, ".." traversal and symlink escapes, naming the rule; files under a source folder are followed', async () => {
    const work = tempDir();
    const logs = path.join(work, 'logs');
    fs.mkdirSync(logs);
    fs.writeFileSync(path.join(work, 'outside.json'), '{"secret": true}\n');
    fs.symlinkSync('/etc/passwd', path.join(logs, 'passwd.json'));
    fs.symlinkSync('/etc', path.join(logs, 'etc'));
    fs.writeFileSync(path.join(logs, 'eve.json'), '');
    const { call, ws } = await startWithSources([logs]);

    const refused = async (file: string, pattern: RegExp) => {
      const out = await call('sources.add', { path: file, format: 'eve' });
      expect(out, file).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(pattern) } });
    };
    await refused('/etc/passwd', /^\/etc\/passwd is outside the source folders vigil serve allows \(.*logs\)/);
    await refused(`${logs}/../outside.json`, /must not contain "\.\."/);
    await refused(path.join(logs, 'passwd.json'), /leads to \/etc\/passwd \(a symbolic link\), outside the source folders/);
    await refused(path.join(logs, 'etc', 'passwd'), /leads to \/etc\/passwd \(a symbolic link\)/);
    await refused(logs, /outside the source folders/); // the folder itself is not a file under it
    expect(services!.pipelineRepo.listSources()).toEqual([]);
    expect((await call('quarantine.list', {})).result.items).toEqual([]);

    // the browser cannot widen the folders either
    expect(await call('settings.set', { patch: { sourceDirs: ['/'] } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/command line/) } });

    const ok = await call('sources.add', { path: path.join(logs, 'eve.json'), format: 'eve' });
    expect(ok).toMatchObject({ ok: true, result: { path: path.join(logs, 'eve.json') } });
    // a file that does not exist is refused with the reason (a typo must not wait forever)
    expect(await call('sources.add', { path: path.join(logs, 'later.json'), format: 'eve' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `${path.join(logs, 'later.json')} does not exist` },
    });
    // choosing a file with a native dialog is the desktop app's
    expect(await call('sources.pick', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    ws.close();
  });

  it('with no source folder, or no policy at all, the browser cannot add any source', async () => {
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, '');
    const none = await startWithSources([]);
    expect(await none.call('sources.add', { path: file, format: 'eve' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/none is set; start vigil serve with --source-dir DIR/) },
    });
    none.ws.close();
    await server!.close();
    await app!.close();
    const bare = await startWithSources(null);
    expect(await bare.call('sources.add', { path: file, format: 'eve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    bare.ws.close();
  });
});
