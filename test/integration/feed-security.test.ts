// Named regression tests for the feed's admission and credential defects (issue 8 items 15-16,
// issue 15 items 1, 4 and 8): each replays the attack or the misbehaving client that found it.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signHs256 } from '../../main/feed/jwt.js';
import { sampleAlert } from '../helpers/services.js';
import { AegisTab, BlueWallDashboard } from './feed-real-clients.js';
import { ALL_DIALECTS, TestClient, otherProcess, startFeed, until, type Harness } from './feed-harness.js';

const WS = '/ws/v1/alerts';
let h: Harness | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await h?.close();
  h = undefined;
});

function metrics(port: number, token: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/api/v1/feed/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('feed security regressions', () => {
  it('regression: four leaking Aegis tabs on one host cannot lock others out (per-address cap, oldest dropped first)', async () => {
    // issue 8 item 15: ~255 sockets per tab; four tabs filled max_clients and a valid token got 503
    h = await startFeed({
      patch: { ...ALL_DIALECTS, max_clients: 48, max_per_address: 12, dialects: { ...ALL_DIALECTS.dialects, aegis: { enabled: true, allow: ['127.0.0.0/8'] } } },
    });
    const base = `ws://127.0.0.1:${h.port}`;
    const tabs = [0, 1, 2, 3].map(() => new AegisTab(base, { localAddress: '127.0.0.2', timeScale: 0.02 }).start());
    cleanups.push(() => tabs.forEach((t) => t.stop()));
    let most = 0;
    const fromLeaky = () => h!.server.status().clients.filter((c) => c.address === '127.0.0.2' && c.state !== 'closing').length;
    for (let i = 0; i < 24; i++) {
      h.services.alerts.insertMany([sampleAlert({ title: `flow ${i}` })]);
      await sleep(25);
      most = Math.max(most, fromLeaky());
    }
    // the tabs opened far more sockets than the cap; the host never held more than its cap
    expect(tabs.reduce((n, t) => n + t.sockets.length, 0)).toBeGreaterThan(24);
    expect(most).toBeLessThanOrEqual(12);
    expect(h.server.totals().dropped_superseded).toBeGreaterThan(0);
    // other addresses are untouched: a valid token and another host's Aegis tab both get in
    const mate = await TestClient.connect(h.url(WS, { token: h.token('viewer', 'mate').secret }));
    expect((await mate.type('hello')).data.token.name).toBe('mate');
    const other = new AegisTab(base, { localAddress: '127.0.0.3', timeScale: 0.02 }).start();
    cleanups.push(() => other.stop());
    const marker = h.services.alerts.insertMany([sampleAlert({ title: 'after the flood' })])[0]!;
    await until(() => other.alerts.some((a) => a.id === `vigil-${marker}`), 10_000, 'the other host to get the alert');
    await mate.next((f) => f.type === 'alert.new' && f.data.id === marker);
    // and the leaking host still gets alerts (a tab whose sockets were all closed over the cap
    // misses what comes before its hook reconnects: that is its own leak)
    await until(() => tabs.some((t) => t.alerts.some((a) => a.id === `vigil-${marker}`)), 10_000, 'the leaking host to get the alert');
    mate.close();
  });

  it('regression: a dashboard retrying a revoked token is refused before the upgrade and cannot block valid tokens, allow-listed paths or metrics from its address', async () => {
    // issue 8 item 16: BlueWall reconnected every second (the upgrade succeeded, then 4001 reset its
    // backoff); 10 failures got the whole address 429 for 5 minutes
    h = await startFeed({
      patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, aegis: { enabled: true, allow: ['127.0.0.1'] } } },
      // credential changes forget refusals; none is made during the count below
      limits: { tokenCheckMs: 60_000 },
    });
    const revoked = h.token('viewer', 'old-bluewall');
    h.feed.revokeToken(revoked.id, 'ana');
    const bw = new BlueWallDashboard(`ws://127.0.0.1:${h.port}/ws/security/alerts`, revoked.secret, { timeScale: 0.005 }).connect();
    cleanups.push(() => bw.stop());
    await until(() => bw.gaveUp, 10_000, 'BlueWall to give up');
    // it never held a socket: every attempt was answered 401, so its own backoff ran out (5 retries)
    expect(bw.attempts).toBe(6);
    expect(bw.refused).toEqual([401, 401, 401, 401, 401, 401]);
    expect(h.server.totals().connections_total).toBe(0);

    // a script hammering with the same bad credential gets 429 for THAT credential only
    for (let i = 0; i < 4; i++) await expect(TestClient.connect(h.url('/ws/security/alerts', { token: revoked.secret }))).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(h.url('/ws/security/alerts', { token: revoked.secret }))).rejects.toMatchObject({ status: 429 });
    const good = h.token('viewer', 'new-bluewall').secret;
    const ok = await TestClient.connect(h.url('/ws/security/alerts', { token: good }));
    await ok.type('welcome');
    const aegis = await TestClient.connect(h.url('/ws/alerts'));
    expect(aegis.closed).toBeNull();
    expect(await metrics(h.port, good)).toBe(200);
    // failing without a token does not block tokens either
    for (let i = 0; i < 10; i++) expect(await metrics(h.port, null)).toBe(401);
    expect(await metrics(h.port, null)).toBe(429);
    expect(await metrics(h.port, good)).toBe(200);
    ok.close();
    aegis.close();
  });

  it('regression: unauthenticated sockets cannot fill the feed, and an authentication timeout counts as a failure', async () => {
    // issue 15 item 4: 818 token-less IPS sockets from one address made 14 of 18 legitimate connects fail with 503
    h = await startFeed({ patch: { ...ALL_DIALECTS, max_clients: 20 }, limits: { authTimeoutMs: 300, authFailMax: 4 } });
    const silentUrl = h.url('/api/v1/ws/security-alerts');
    const silent: TestClient[] = [];
    for (let i = 0; i < 40; i++) silent.push(await TestClient.connect(silentUrl, { localAddress: '127.0.0.2' }));
    cleanups.push(() => silent.forEach((c) => c.ws.terminate()));
    // a small pool per address: the oldest waiting sockets were closed to make room
    const waiting = h.server.status().clients.filter((c) => c.state === 'authenticating');
    expect(waiting.length).toBeLessThanOrEqual(4);
    await until(() => silent.filter((c) => c.closed?.code === 4008).length === 36, 3000, 'the oldest waiting sockets to be closed');
    // 18 teammates connect at the same time, all of them get in
    const mates = await Promise.all(Array.from({ length: 18 }, (_, i) => TestClient.connect(h!.url(WS, { token: h!.token('viewer', `m${i}`).secret }))));
    for (const m of mates) await m.type('hello');
    // the waiting sockets time out: each is a failed attempt, and the (address, no token) pair is then refused
    await until(() => silent.every((c) => c.closed !== null), 5000, 'the silent sockets to time out');
    expect(silent.filter((c) => c.closed?.code === 4001).length).toBe(4);
    expect(h.server.totals().auth_failures).toBe(4);
    await expect(TestClient.connect(silentUrl, { localAddress: '127.0.0.2' })).rejects.toMatchObject({ status: 429 });
    // the same address with a token is still welcome
    const withToken = await TestClient.connect(h.url('/api/v1/ws/security-alerts', { token: h.token().secret }), { localAddress: '127.0.0.2' });
    expect(withToken.closed).toBeNull();
    for (const m of [...mates, withToken]) m.close();
  });

  it('regression: one token cannot hold more than max_per_token connections (its oldest are closed with 4008)', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, max_per_token: 3 } });
    const shared = h.token('viewer', 'shared').secret;
    const conns: TestClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await TestClient.connect(h.url(WS, { token: shared }));
      await c.type('hello');
      conns.push(c);
    }
    expect((await conns[0]!.waitClose()).code).toBe(4008);
    expect((await conns[1]!.waitClose()).code).toBe(4008);
    expect(conns[1]!.closed!.reason).toContain('with this token');
    const other = await TestClient.connect(h.url(WS, { token: h.token('viewer', 'mine').secret }));
    await other.type('hello');
    expect(conns.slice(2).every((c) => c.closed === null)).toBe(true);
    for (const c of [...conns, other]) c.close();
  });

  it('regression: a rotated JWT secret closes old sessions within seconds', async () => {
    // issue 15 item 1: `vigil feed config --clear-jwt-secret` (or a rotation) in another process did
    // not reach a running `vigil feed serve`: old JWTs kept working
    const oldSecret = 'o'.repeat(40);
    const newSecret = 'n'.repeat(40);
    h = await startFeed({ jwtSecret: oldSecret, patch: { ...ALL_DIALECTS, jwt: { enabled: true } }, limits: { tokenCheckMs: 100 } });
    const exp = Math.floor(Date.now() / 1000) + 600;
    const jwt = (secret: string, sub: string) => signHs256({ sub, role: 'admin', exp }, secret);
    const before = await TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${jwt(oldSecret, 'carol')}` } });
    await before.type('hello');
    const viaToken = await TestClient.connect(h.url(WS, { token: h.token().secret }));
    await viaToken.type('hello');

    const cli = await otherProcess(h);
    cleanups.push(() => cli.close());
    await cli.feed.configure({ patch: {}, jwt_secret: newSecret }, 'ana');
    expect(await before.waitClose(3000)).toMatchObject({ code: 4001, reason: expect.stringContaining('JWT secret changed') });
    await expect(TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${jwt(oldSecret, 'carol')}` } })).rejects.toMatchObject({ status: 401 });
    const after = await TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${jwt(newSecret, 'dave')}` } });
    await after.type('hello');

    // in the process that runs the feed it applies at once, without a restart
    const third = 't'.repeat(40);
    await h.feed.configure({ patch: {}, jwt_secret: third }, 'ana');
    expect((await after.waitClose(1000)).code).toBe(4001);
    const latest = await TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${jwt(third, 'erin')}` } });
    await latest.type('hello');

    // clearing the secret refuses every JWT and closes their sessions; feed tokens are not affected
    await cli.feed.configure({ patch: {}, clear_jwt_secret: true }, 'ana');
    expect((await latest.waitClose(3000)).code).toBe(4001);
    await expect(TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${jwt(third, 'erin')}` } })).rejects.toMatchObject({ status: 401 });
    expect(viaToken.closed).toBeNull();
    // the secret itself never reached SQLite
    const rows = JSON.stringify(h.services.db.prepare('SELECT * FROM feed_state, feed_config').all());
    expect(rows).not.toContain(newSecret);
    viaToken.close();
  });

  it('regression: a JWT without exp, or living longer than the maximum, is refused; the audience is checked when set', async () => {
    // issue 15 item 8: JWTs without exp were accepted forever
    const secret = 's'.repeat(40);
    h = await startFeed({ jwtSecret: secret, patch: { ...ALL_DIALECTS, jwt: { enabled: true, max_lifetime_hours: 12, audience: 'vigil-feed' } } });
    const now = Math.floor(Date.now() / 1000);
    const connect = (claims: Record<string, unknown>) => TestClient.connect(h!.url(WS), { headers: { Authorization: `Bearer ${signHs256({ sub: 'eve', role: 'viewer', ...claims }, secret)}` } });
    await expect(connect({ aud: 'vigil-feed' })).rejects.toMatchObject({ status: 401 });
    await expect(connect({ aud: 'vigil-feed', exp: now + 30 * 86400 })).rejects.toMatchObject({ status: 401 });
    await expect(connect({ aud: 'vigil-feed', iat: now - 3600, exp: now + 12 * 3600 })).rejects.toMatchObject({ status: 401 });
    await expect(connect({ aud: 'another-app', exp: now + 600 })).rejects.toMatchObject({ status: 401 });
    const ok = await connect({ aud: ['another-app', 'vigil-feed'], iat: now, exp: now + 600 });
    await ok.type('hello');
    const reasons = h.services.audit
      .recent(50)
      .filter((e) => e.action === 'feed.auth_failed')
      .map((e) => JSON.stringify(e.details));
    expect(reasons.join(' ')).toContain('JWT without exp');
    ok.close();
  });
});
