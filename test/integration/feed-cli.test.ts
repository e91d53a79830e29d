import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { ALL_DIALECTS, TestClient, startFeed, until, type Harness } from './feed-harness.js';

// `vigil feed ...` from the built CLI (npm test builds first; run `npx tsc -b main` before running
// this file alone). It is called through its module so the test does not depend on cli/index.ts.
const dist = (p: string) => pathToFileURL(path.join(repoRoot, 'dist', 'main', p)).href;
const RUNNER = `
const { feedCommand } = await import(${JSON.stringify(dist('cli/commands/feed.js'))});
const { UsageError } = await import(${JSON.stringify(dist('cli/errors.js'))});
try { process.exitCode = await feedCommand(process.argv.slice(1)); }
catch (e) { process.stderr.write('vigil: ' + e.message + '\\n'); process.exitCode = e instanceof UsageError ? 2 : 1; }
`;

function vigilFeed(args: string[], dataDir: string, input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RUNNER, '--', ...args, '--data-dir', dataDir], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const built = fs.existsSync(path.join(repoRoot, 'dist', 'main', 'cli', 'commands', 'feed.js'));
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.skipIf(!built)('vigil feed (CLI)', () => {
  it('creates, lists and revokes tokens; a running feed closes the revoked token at once', async () => {
    h = await startFeed();
    const created = vigilFeed(['token', 'create', '--name', 'erin', '--role', 'analyst', '--expires', '30d', '--json'], h.dir);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { token, secret } = JSON.parse(created.stdout);
    expect(token).toMatchObject({ name: 'erin', role: 'analyst', active: true, revoked_at: null });
    expect(Date.parse(token.expires_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(secret).toMatch(/^vgf_[A-Za-z0-9_-]{43}$/);
    // only the hash is stored
    const rows = JSON.stringify(h.services.db.prepare('SELECT * FROM feed_tokens').all());
    expect(rows).not.toContain(secret);

    const c = await TestClient.connect(h.url('/ws/v1/alerts', { token: secret }));
    expect((await c.type('hello')).data.token).toEqual({ name: 'erin', role: 'analyst' });

    const list = vigilFeed(['token', 'list', '--json'], h.dir);
    expect(JSON.parse(list.stdout).map((t: { name: string }) => t.name)).toContain('erin');
    expect(vigilFeed(['token', 'list'], h.dir).stdout).toMatch(/erin\s+analyst/);
    expect(vigilFeed(['token', 'create', '--name', 'erin'], h.dir)).toMatchObject({ code: 1, stderr: expect.stringMatching(/exists already/) });

    const revoked = vigilFeed(['token', 'revoke', '--name', 'erin', '--json'], h.dir);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ revoked: true });
    expect((await c.waitClose(3000)).code).toBe(4001);
  });

  it('saves configuration (a token-less dialect needs an allow-list), reports running feeds, and prints help', async () => {
    h = await startFeed();
    const dir = h.dir;
    const before = h.feed.feedServer;
    const bad = vigilFeed(['config', '--dialect', 'aegis=on', '--allow', 'aegis='], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/aegis clients cannot send a token/);
    const ok = vigilFeed(['config', '--dialect', 'aegis=on', '--allow', 'aegis=10.0.0.0/24,127.0.0.1', '--json'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).dialects.aegis).toMatchObject({ enabled: true, allow: ['10.0.0.0/24', '127.0.0.1'] });
    // the running feed (this test process) applies configuration saved by another process
    await until(() => h!.feed.feedServer !== null && h!.feed.feedServer !== before, 5000, 'the feed to restart');
    const aegis = await TestClient.connect(`ws://127.0.0.1:${h.feed.feedServer!.port}/ws/alerts`);
    expect(aegis.closed).toBeNull();
    aegis.close();
    const status = vigilFeed(['status', '--json'], dir);
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st.running).toBe(false); // the CLI process runs no feed itself
    expect(st.processes.length).toBeGreaterThanOrEqual(1);
    expect(st.processes[0].listening.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/v1\/alerts$/);
    expect(vigilFeed(['status'], dir).stdout).toMatch(/client\(s\)/);
    for (const args of [['--help'], ['serve', '--help'], ['token', 'create', '--help'], ['token', 'list', '--help'], ['token', 'revoke', '--help'], ['status', '--help'], ['config', '--help']]) {
      const r = vigilFeed(args, dir);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: vigil feed/);
    }
    expect(vigilFeed(['token', 'create'], dir)).toMatchObject({ code: 2, stderr: 'vigil: --name is required\n' });
    expect(vigilFeed(['token', 'create', '--name', 'x', '--expires', 'soon'], dir).code).toBe(2);
    expect(vigilFeed(['bogus'], dir).code).toBe(2);
  }, 120_000);

  it('status lists the clients of every running feed, busiest addresses first; config sets the caps and the JWT policy', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, aegis: { enabled: true, allow: ['127.0.0.0/8'] } } } });
    const dir = h.dir;
    // issue 8 item 21: who holds the sockets, whichever process runs the feed
    const port = h.feed.feedServer!.port;
    const held = await Promise.all([0, 1, 2].map(() => TestClient.connect(`ws://127.0.0.1:${port}/ws/alerts`, { localAddress: '127.0.0.2' })));
    const mate = await TestClient.connect(`ws://127.0.0.1:${port}/ws/v1/alerts?token=${h.token('viewer', 'mate').secret}`);
    await mate.type('hello');
    await until(() => (h!.feed.repo.listRuntime()[0]?.clients.length ?? 0) === 4, 5000, 'the published client list');
    const st = JSON.parse(vigilFeed(['status', '--json'], dir).stdout);
    expect(st.processes[0].clients).toHaveLength(4);
    expect(st.processes[0].clients.find((c: { token_name: string }) => c.token_name === 'mate')).toMatchObject({ address: '127.0.0.1', dialect: 'native', state: 'live' });
    const text = vigilFeed(['status'], dir).stdout;
    expect(text).toMatch(/4 client\(s\)/);
    expect(text).toMatch(/by address: 127\.0\.0\.2 3, 127\.0\.0\.1 1/);
    expect(text).toMatch(/127\.0\.0\.2\s+aegis\s+aegis@127\.0\.0\.2\s+live/);
    expect(text).toMatch(/127\.0\.0\.1\s+native\s+mate\s+live/);
    for (const c of [...held, mate]) c.close();

    const limits = vigilFeed(['config', '--max-per-address', '5', '--max-per-token', '3', '--jwt-max-lifetime', '7d', '--jwt-audience', 'soc', '--json'], dir);
    expect(JSON.parse(limits.stdout)).toMatchObject({ max_per_address: 5, max_per_token: 3, jwt: { max_lifetime_hours: 168, audience: 'soc' } });
    expect(vigilFeed(['config', '--jwt-max-lifetime', '2y'], dir).code).toBe(2);
    expect(JSON.parse(vigilFeed(['config', '--jwt-audience', 'none', '--json'], dir).stdout).jwt.audience).toBeNull();
    expect(vigilFeed(['config'], dir).stdout).toMatch(/at most 1000 clients, 5 per address, 3 per token/);
  }, 120_000);

  it('serve runs a feed in the foreground and prints where', async () => {
    const dir = tempDir('vigil-feed-serve-');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, '--', 'serve', '--port', '0', '--data-dir', dir], { cwd: repoRoot });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Vigil feed at (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    expect(line).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/v1\/alerts$/);
    const created = JSON.parse(vigilFeed(['token', 'create', '--name', 'sam', '--json'], dir).stdout);
    const c = await TestClient.connect(`${line}?token=${created.secret}`);
    expect((await c.type('hello')).data.token.name).toBe('sam');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await c.waitClose()).code).toBe(1001);
  });
});
