import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signHs256 } from '../../main/feed/jwt.js';
import { testServices, sampleAlert } from '../helpers/services.js';
import { ALL_DIALECTS, TestClient, startFeed, until, type Harness } from './feed-harness.js';

const WS = '/ws/v1/alerts';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body ? JSON.parse(body) : null }));
      })
      .on('error', reject);
  });
}

describe('feed: native protocol', () => {
  it('says hello, then streams alert.new and alert.updated frames written by any connection', async () => {
    h = await startFeed();
    const { secret } = h.token('viewer', 'bob');
    const c = await TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${secret}` } });
    const hello = await c.type('hello');
    expect(hello).toMatchObject({ type: 'hello', seq: 0, data: { server: 'Vigil', version: '0.0.0-test', protocol: 1, head_seq: 0, token: { name: 'bob', role: 'viewer' } } });

    // another connection to the same database stands for another Vigil process
    const other = await testServices(h.dir);
    try {
      const [id] = other.alerts.insertMany([sampleAlert({ title: 'from another process' })]);
      const created = await c.type('alert.new');
      expect(created).toMatchObject({ type: 'alert.new', data: { id, title: 'from another process', severity: 'high', status: 'NEW', count: 1, threat_type: 'unknown' } });
      expect(created.seq).toBeGreaterThan(0);
      expect(created.data).not.toHaveProperty('enrichment');
      other.alerts.setStatus(id!, 'ACKNOWLEDGED', 'ana', null);
      const updated = await c.type('alert.updated');
      expect(updated).toMatchObject({ type: 'alert.updated', change: 'status', data: { id, status: 'ACKNOWLEDGED' } });
      expect(updated.seq).toBeGreaterThan(created.seq);
    } finally {
      await other.close();
    }
    // the connect is audited under the token's name, with the address
    const connects = h.services.audit.recent(50).filter((e) => e.action === 'feed.connect');
    expect(connects[0]).toMatchObject({ actor: 'feed:bob', details: { address: '127.0.0.1', dialect: 'native' } });
    // last use recorded
    expect(h.feed.listTokens(false).find((t) => t.name === 'bob')).toMatchObject({ last_used_addr: '127.0.0.1' });
    c.close();
  });

  it('accepts the token as Bearer, as a subprotocol (echoed back) and as ?token=', async () => {
    h = await startFeed();
    const { secret } = h.token();
    const viaProto = await TestClient.connect(h.url(WS), { protocols: ['vigil.v1', `vigil.token.${secret}`] });
    await viaProto.type('hello');
    expect(viaProto.ws.protocol).toBe('vigil.v1');
    const bare = await TestClient.connect(h.url(WS), { protocols: [`vigil.token.${secret}`] });
    await bare.type('hello');
    expect(bare.ws.protocol).toBe(`vigil.token.${secret}`);
    const viaQuery = await TestClient.connect(h.url(WS, { token: secret }));
    await viaQuery.type('hello');
    for (const c of [viaProto, bare, viaQuery]) c.close();
  });

  it('refuses a missing, unknown or malformed token with HTTP 401 and a role the path does not allow with 403, before the upgrade', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, bluewall: { enabled: true, roles: ['analyst'] } } } });
    for (const url of [h.url(WS), h.url(WS, { token: 'vgf_' + 'A'.repeat(43) }), h.url(WS, { token: 'nonsense' })]) {
      await expect(TestClient.connect(url)).rejects.toMatchObject({ status: 401 });
    }
    await expect(TestClient.connect(h.url(WS), { headers: { Authorization: 'Bearer vgf_' + 'C'.repeat(43) } })).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(h.url(WS), { protocols: ['vigil.v1', `vigil.token.vgf_${'D'.repeat(43)}`] })).rejects.toMatchObject({ status: 401 });
    const viewer = h.token('viewer');
    await expect(TestClient.connect(h.url('/ws/security/alerts', { token: viewer.secret }))).rejects.toMatchObject({ status: 403 });
    expect(h.server.status().clients).toEqual([]);
    const analyst = h.token('analyst');
    const ok = await TestClient.connect(h.url('/ws/security/alerts', { token: analyst.secret }));
    expect((await ok.type('welcome')).type).toBe('welcome');
    ok.close();
  });

  it('accepts HS256 JWTs (secret from the keychain): role claim mapped, exp honoured, other algorithms refused', async () => {
    const secret = 'x'.repeat(40);
    h = await startFeed({ jwtSecret: secret, patch: { ...ALL_DIALECTS, jwt: { enabled: true } } });
    const now = Math.floor(Date.now() / 1000);
    const good = signHs256({ sub: 'carol', role: 'admin', exp: now + 60 }, secret);
    const c = await TestClient.connect(h.url(WS), { headers: { Authorization: `Bearer ${good}` } });
    expect((await c.type('hello')).data.token).toEqual({ name: 'jwt:carol', role: 'analyst' });
    c.close();
    const refused = (token: string) => TestClient.connect(h!.url(WS, { token }));
    await expect(refused(signHs256({ sub: 'carol', role: 'admin', exp: now - 3600 }, secret))).rejects.toMatchObject({ status: 401 });
    await expect(refused(signHs256({ sub: 'carol', role: 'admin', exp: now + 60 }, 'y'.repeat(40)))).rejects.toMatchObject({ status: 401 });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","role":"admin","exp":${now + 60}}`).toString('base64url')}.AAAA`;
    await expect(refused(none)).rejects.toMatchObject({ status: 401 });
    await expect(refused(signHs256({ sub: 'dave', role: 'guest', exp: now + 60 }, secret))).rejects.toMatchObject({ status: 403 });
    // the secret never reaches SQLite
    const dump = h.services.db.prepare("SELECT group_concat(config) AS c FROM feed_config").get() as { c: string };
    expect(dump.c).not.toContain(secret);
  });

  it('answers ping, applies subscribe filters, and lets analysts (not viewers) set a status through the contract', async () => {
    h = await startFeed();
    const viewer = await TestClient.connect(h.url(WS, { token: h.token('viewer', 'vera').secret }));
    const analyst = await TestClient.connect(h.url(WS, { token: h.token('analyst', 'al').secret }));
    await viewer.type('hello');
    await analyst.type('hello');
    viewer.send({ type: 'ping', ref: 7 });
    expect(await viewer.type('pong')).toMatchObject({ data: { ref: 7 } });
    viewer.send({ type: 'subscribe', filters: { min_severity: 'critical', techniques: ['T1110'] }, ref: 'f' });
    await viewer.type('subscribed');
    const ids = h.services.alerts.insertMany([
      sampleAlert({ severity: 'high', technique_ids: ['T1110.001'] }),
      sampleAlert({ severity: 'critical', technique_ids: ['T1046'] }),
      sampleAlert({ severity: 'critical', technique_ids: ['T1110.003'], title: 'wanted' }),
    ]);
    const got = await viewer.type('alert.new');
    expect(got.data).toMatchObject({ id: ids[2], title: 'wanted' });
    await analyst.next((f) => f.type === 'alert.new' && f.data.id === ids[2]);
    expect(viewer.frames.filter((f) => f.type === 'alert.new')).toHaveLength(1);

    // viewers get an error frame, not a close
    viewer.send({ type: 'set_status', id: ids[0], status: 'ACKNOWLEDGED', ref: 1 });
    expect(await viewer.type('error')).toMatchObject({ data: { code: 'FORBIDDEN', ref: 1 } });
    expect(viewer.closed).toBeNull();
    // the contract's rules apply (closing needs a note by default)
    analyst.send({ type: 'set_status', id: ids[0], status: 'RESOLVED', ref: 2 });
    expect(await analyst.type('error')).toMatchObject({ data: { code: 'BAD_REQUEST', ref: 2 } });
    analyst.send({ type: 'set_status', id: ids[0], status: 'RESOLVED', note: 'blocked at the edge', ref: 3 });
    expect(await analyst.type('result')).toMatchObject({ data: { ok: true, ref: 3, alert: { id: ids[0], status: 'RESOLVED' } } });
    await analyst.next((f) => f.type === 'alert.updated' && f.data.id === ids[0] && f.change === 'status');
    const history = h.services.alerts.history(ids[0]!);
    expect(history.at(-1)).toMatchObject({ actor: 'feed:al', to: 'RESOLVED', note: 'blocked at the edge' });

    viewer.send('{not json');
    expect(await viewer.next((f) => f.type === 'error' && f.data.code === 'BAD_JSON')).toBeTruthy();
    viewer.send({ type: 'explode' });
    expect(await viewer.next((f) => f.type === 'error' && f.data.code === 'UNKNOWN_TYPE')).toBeTruthy();
    viewer.send({ type: 'resume', since_seq: -1 });
    expect(await viewer.next((f) => f.type === 'error' && f.data.code === 'BAD_REQUEST')).toBeTruthy();
    viewer.close();
    analyst.close();
  });

  it('resumes after a disconnect from SQLite with no gap and no duplicate, then continues live', async () => {
    h = await startFeed({ limits: { replayPage: 7 } });
    const { secret } = h.token();
    const first = await TestClient.connect(h.url(WS, { token: secret }));
    await first.type('hello');
    const before = h.services.alerts.insertMany(Array.from({ length: 5 }, (_, i) => sampleAlert({ title: `a${i}` })));
    await first.next((f) => f.type === 'alert.new' && f.data.id === before[4]);
    const lastSeq = Math.max(...first.frames.filter((f) => f.type?.startsWith('alert.')).map((f) => f.seq));
    first.close();
    await first.waitClose();

    // written while the client is away: 40 new alerts and some status changes, by another connection
    const other = await testServices(h.dir);
    const missed = other.alerts.insertMany(Array.from({ length: 40 }, (_, i) => sampleAlert({ title: `m${i}` })));
    for (const id of missed.slice(0, 5)) other.alerts.setStatus(id, 'INVESTIGATING', 'ana', null);
    const expected = other.pipelineRepo.outboxSince(lastSeq, 10_000).map((r) => r.seq);
    expect(expected).toHaveLength(45);

    const again = await TestClient.connect(h.url(WS, { token: secret, since_seq: String(lastSeq) }));
    const hello = await again.type('hello');
    expect(hello.seq).toBe(lastSeq);
    // more alerts arrive DURING the replay: they must come once, after it, in order
    const during = other.alerts.insertMany(Array.from({ length: 10 }, (_, i) => sampleAlert({ title: `d${i}` })));
    await again.type('resumed');
    const after = other.alerts.insertMany([sampleAlert({ title: 'live-after' })]);
    await again.next((f) => f.type === 'alert.new' && f.data.id === after[0]);
    await other.close();

    const seqs = again.frames.filter((f) => f.type === 'alert.new' || f.type === 'alert.updated').map((f) => f.seq);
    const all = h.services.pipelineRepo.outboxSince(lastSeq, 10_000).map((r) => r.seq);
    expect(seqs).toEqual(all); // every event after lastSeq exactly once, in order
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all.length).toBe(45 + during.length + 1);
    again.close();
  });

  it('a resume message after live delivery began replays only what is missing (no duplicate)', async () => {
    h = await startFeed({ limits: { replayPage: 3 } });
    const { secret } = h.token();
    const ids = h.services.alerts.insertMany(Array.from({ length: 6 }, (_, i) => sampleAlert({ title: `old${i}` })));
    await until(() => h!.server.headSeq() === 6, 3000, 'the feed to read the outbox');
    const c = await TestClient.connect(h.url(WS, { token: secret }));
    const hello = await c.type('hello');
    const liveIds = h.services.alerts.insertMany([sampleAlert({ title: 'live1' }), sampleAlert({ title: 'live2' })]);
    await c.next((f) => f.type === 'alert.new' && f.data.id === liveIds[1]);
    c.send({ type: 'resume', since_seq: 0, ref: 'r' });
    expect(await c.type('resumed')).toMatchObject({ data: { since_seq: 0, replayed: 6, ref: 'r' } });
    const got = c.frames.filter((f) => f.type === 'alert.new').map((f) => f.data.id);
    expect(got.sort((a: number, b: number) => a - b)).toEqual([...ids, ...liveIds]);
    expect(hello.data.head_seq).toBe(6);
    c.send({ type: 'resume', since_seq: 0 });
    expect(await c.next((f) => f.type === 'error' && f.data.code === 'ALREADY_RESUMED')).toBeTruthy();
    c.send({ type: 'ping' });
    await c.type('pong');
    c.close();
  });

  it('refuses a revoked token at once and closes its open sockets, whichever process revoked it', async () => {
    h = await startFeed();
    const a = h.token('viewer', 'alice');
    const b = h.token('viewer', 'bruno');
    const ca = await TestClient.connect(h.url(WS, { token: a.secret }));
    const cb = await TestClient.connect(h.url(WS, { token: b.secret }));
    await ca.type('hello');
    await cb.type('hello');
    // in-process revocation (the Feed screen)
    expect(h.feed.revokeToken(a.id, 'ana')).toEqual({ revoked: true, closed: 1 });
    expect(await ca.waitClose()).toMatchObject({ code: 4001 });
    await expect(TestClient.connect(h.url(WS, { token: a.secret }))).rejects.toMatchObject({ status: 401 });
    // revocation by another process (`vigil feed token revoke`)
    const other = await testServices(h.dir);
    const { FeedRepo } = await import('../../main/store/feed-repo.js');
    new FeedRepo(other.db).revokeToken(b.id, 'cli');
    await other.close();
    expect(await cb.waitClose(2000)).toMatchObject({ code: 4001 });
    expect(h.services.audit.recent(20).some((e) => e.action === 'feed.token.revoke' && e.target_id === String(a.id))).toBe(true);
  });

  it('refuses a credential that keeps failing from one address with HTTP 429 and aggregates the failures in the audit log', async () => {
    h = await startFeed({ limits: { authFailMax: 5, authBlockMs: 60_000 } });
    const bad = h.url(WS, { token: `vgf_${'B'.repeat(43)}` });
    for (let i = 0; i < 5; i++) await expect(TestClient.connect(bad)).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(bad)).rejects.toMatchObject({ status: 429 });
    // a valid token from the same address is not affected
    const ok = await TestClient.connect(h.url(WS, { token: h.token().secret }));
    await ok.type('hello');
    ok.close();
    const failures = h.services.audit.recent(50).filter((e) => e.action === 'feed.auth_failed');
    expect(failures).toHaveLength(1); // the first at once; the rest are counted, written per period
    expect(h.services.audit.recent(50).some((e) => e.action === 'feed.auth_blocked')).toBe(true);
    await h.feed.stop(); // flushes the counts
    const after = h.services.audit.recent(50).filter((e) => e.action === 'feed.auth_failed');
    expect(after).toHaveLength(2);
    expect(after[0]!.details).toMatchObject({ count: 4 });
  });

  it('lists clients and totals in status() and serves the totals at an authenticated metrics endpoint', async () => {
    h = await startFeed();
    const { secret } = h.token('viewer', 'mona');
    const c = await TestClient.connect(h.url(WS, { token: secret }));
    await c.type('hello');
    h.services.alerts.insertMany([sampleAlert()]);
    await c.type('alert.new');
    const st = await h.feed.status();
    expect(st.running).toBe(true);
    expect(st.clients).toHaveLength(1);
    expect(st.clients[0]).toMatchObject({ token_name: 'mona', address: '127.0.0.1', dialect: 'native', state: 'live', alerts_sent: 1 });
    expect(st.totals).toMatchObject({ connections_total: 1, connections_active: 1, alerts_sent: 1 });
    const base = `http://127.0.0.1:${h.port}/api/v1/feed/metrics`;
    expect((await getJson(base)).status).toBe(401);
    const m = await getJson(base, { Authorization: `Bearer ${secret}` });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ connections_active: 1, alerts_sent: 1, head_seq: 1 });
    // the figures are published for `vigil feed status` in other processes
    await until(() => h!.feed.repo.listRuntime().length > 0, 3000, 'runtime figures');
    c.close();
    await c.waitClose();
    await until(() => h!.server.status().clients.length === 0, 3000, 'session removal');
  });

  it('terminates a client that stops answering protocol pings', async () => {
    h = await startFeed({ limits: { pingIntervalMs: 50, pongTimeoutMs: 150 } });
    const c = await TestClient.connect(h.url(WS, { token: h.token().secret }), { autoPong: false });
    await c.type('hello');
    const closed = await c.waitClose(3000);
    expect(closed.code).toBe(1006);
    // a client that answers pings stays, well past the timeout
    const healthy = await TestClient.connect(h.url(WS, { token: h.token().secret }));
    await healthy.type('hello');
    await new Promise<void>((resolve) => {
      let pings = 0;
      healthy.ws.on('ping', () => ++pings === 6 && resolve());
    });
    expect(healthy.closed).toBeNull();
    healthy.close();
  });
});
