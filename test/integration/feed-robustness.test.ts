import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAlert } from '../helpers/services.js';
import { TestClient, startFeed, until, type Harness } from './feed-harness.js';

const WS = '/ws/v1/alerts';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The TCP socket under a ws client (what a client that stops reading leaves alone). */
function tcp(c: TestClient): Socket {
  return (c.ws as unknown as { _socket: Socket })._socket;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('feed: backpressure and hostile clients', () => {
  it('drops a client that stops reading with a lagging notice and 1013 while the others receive everything', async () => {
    const maxQueueBytes = 256 * 1024;
    h = await startFeed({ limits: { maxQueueBytes, maxQueueMessages: 1000, lagGraceMs: 20_000 } });
    const token = h.token().secret;
    const fast = await Promise.all([0, 1, 2].map(() => TestClient.connect(h!.url(WS, { token }))));
    const slow = await TestClient.connect(h.url(WS, { token }));
    for (const c of [...fast, slow]) await c.type('hello');
    tcp(slow).pause(); // stops reading: the kernel buffers fill, then the server's queue

    const dropped = new Promise<{ id: string; why: string }>((resolve) => h!.server.on('session-dropped', resolve));
    let droppedYet = false;
    void dropped.then(() => (droppedYet = true));
    const title = 'x'.repeat(2000);
    const inserted: number[] = [];
    let maxQueued = 0;
    for (let batch = 0; batch < 40 && !droppedYet; batch++) {
      inserted.push(...h.services.alerts.insertMany(Array.from({ length: 500 }, (_, i) => sampleAlert({ title: `${batch}/${i} ${title}` }))));
      const head = h.services.pipelineRepo.outboxHead();
      await until(() => h!.server.headSeq() >= head || droppedYet, 10_000, 'the fan-out');
      for (const c of h.server.status().clients) maxQueued = Math.max(maxQueued, c.queue_bytes);
      // the fast clients read what they were sent before the next batch (they share this process
      // with the server: on a loaded machine they could otherwise fall behind as well)
      await until(() => droppedYet || fast.every((c) => (c.frames.at(-1)?.seq ?? 0) >= head), 20_000, 'the fast clients to read the batch');
    }
    const drop = await dropped;
    expect(drop.why).toBe('lagging');
    // what the server held for the slow client stayed bounded (one batch of frames over the limit at most)
    expect(maxQueued).toBeLessThan(maxQueueBytes + 500 * 2200);

    // the fast clients got every alert, in order, exactly once
    const last = inserted[inserted.length - 1]!;
    for (const c of fast) {
      await c.next((f) => f.type === 'alert.new' && f.data.id === last, 20_000);
      expect(c.frames.filter((f) => f.type === 'alert.new').map((f) => f.data.id)).toEqual(inserted);
      expect(c.closed).toBeNull();
    }
    // the slow client, once it reads again, finds the notice and the 1013 close at the end
    tcp(slow).resume();
    const closed = await slow.waitClose(20_000);
    expect(closed.code).toBe(1013);
    const notice = slow.frames.find((f) => f.type === 'lagging');
    expect(notice).toBeDefined();
    const got = slow.frames.filter((f) => f.type === 'alert.new');
    expect(notice.data.resume_from).toBe(got.length ? got[got.length - 1].seq : 0);
    expect(h.server.totals().dropped_lagging).toBe(1);

    // and it resumes from there without gap or duplicate
    const again = await TestClient.connect(h.url(WS, { token, since_seq: String(notice.data.resume_from) }));
    await again.next((f) => f.type === 'alert.new' && f.data.id === last, 20_000);
    const ids = [...got, ...again.frames.filter((f) => f.type === 'alert.new')].map((f) => f.data.id);
    expect(ids).toEqual(inserted);
    for (const c of [...fast, again]) c.close();
  });

  it('answers an inbound flood with RATE_LIMITED errors, then closes the abuser with 1008; others are untouched', async () => {
    h = await startFeed({ limits: { msgRatePerSec: 5, msgBurst: 5, abuseLimit: 50 } });
    const token = h.token().secret;
    const abuser = await TestClient.connect(h.url(WS, { token }));
    const bystander = await TestClient.connect(h.url(WS, { token }));
    await abuser.type('hello');
    await bystander.type('hello');
    for (let i = 0; i < 100; i++) abuser.send({ type: 'ping' });
    expect(await abuser.next((f) => f.type === 'error' && f.data.code === 'RATE_LIMITED')).toBeTruthy();
    expect((await abuser.waitClose()).code).toBe(1008);
    const [id] = h.services.alerts.insertMany([sampleAlert()]);
    expect(await bystander.type('alert.new')).toMatchObject({ data: { id } });
    expect(h.server.totals().dropped_abuse).toBe(1);
    bystander.close();
  });

  it('survives 10,000 fuzzed client frames (bad JSON, huge, binary, unknown types, wrong shapes) on every path', async () => {
    h = await startFeed({ limits: { msgRatePerSec: 1e9, msgBurst: 1e9, errorsPerSec: 5 } });
    const analyst = h.token('analyst').secret;
    const viewer = h.token('viewer').secret;
    const watchers = [await TestClient.connect(h.url(WS, { token: viewer })), await TestClient.connect(h.url('/ws/alerts'))];
    await watchers[0]!.type('hello');
    const rnd = mulberry32(20261121);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const paths = [
      () => h!.url(WS, { token: analyst }),
      () => h!.url(WS, { token: viewer }),
      () => h!.url('/ws/live'),
      () => h!.url('/ws/alerts'),
      () => h!.url('/ws/security/alerts', { token: viewer }),
      () => h!.url('/api/v1/ws/security-alerts', { token: viewer }),
      () => h!.url('/ws'),
    ];
    const junkValue = (): unknown =>
      pick<() => unknown>([
        () => null,
        () => Math.floor(rnd() * 1e12) - 5e11,
        () => rnd() * 1e308,
        () => 'x'.repeat(Math.floor(rnd() * 300)),
        () => [1, 'two', { three: 3 }],
        () => ({ nested: { deeper: [null, true] } }),
        () => -1,
        () => '\u0000\ud83d\ude00',
      ])();
    const frames: (() => string | Buffer)[] = [
      () => '{',
      () => 'null',
      () => '[]',
      () => '42',
      () => '"just a string"',
      () => '{"type":',
      () => 'x'.repeat(Math.floor(rnd() * 2000)),
      () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rnd() * 256))),
      () => '['.repeat(5000) + ']'.repeat(5000),
      () => JSON.stringify({ type: 'x'.repeat(100) }),
      () => JSON.stringify({ type: pick(['ping', 'subscribe', 'resume', 'set_status', 'handshake', 'request_state', 'auth', 'unsubscribe', 'pong']), ...Object.fromEntries(['ref', 'since_seq', 'filters', 'id', 'status', 'note', 'token', 'channels', 'epoch'].filter(() => rnd() < 0.5).map((k) => [k, junkValue()])) }),
      () => JSON.stringify({ type: 'subscribe', filters: { min_severity: pick(['critical', 'bogus', 3]), sources: [junkValue()], techniques: ['T1110', 'nope'] } }),
      () => JSON.stringify({ type: 'set_status', id: Math.floor(rnd() * 10) + 1, status: pick(['NEW', 'RESOLVED', 'bogus']), note: 'n'.repeat(Math.floor(rnd() * 5000)) }),
      () => JSON.stringify({ type: 'resume', since_seq: pick([0, 1e15, -5, 'a', 2 ** 60]) }),
      () => JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { x: 1 } }, type: 'ping' }),
      () => 'y'.repeat(70 * 1024), // over maxPayload: ws closes with 1009
    ];
    let sent = 0;
    let connections = 0;
    let errorsSeen = 0;
    const inserted: number[] = [];
    while (sent < 10_000) {
      const c = await TestClient.connect(pick(paths)()).catch(() => null);
      connections++;
      if (!c || c.closed) continue;
      const n = 50 + Math.floor(rnd() * 400);
      for (let i = 0; i < n && sent < 10_000 && c.ws.readyState === c.ws.OPEN; i++, sent++) c.ws.send(pick(frames)(), { binary: rnd() < 0.02 });
      if (rnd() < 0.3) inserted.push(...h.services.alerts.insertMany([sampleAlert({ title: `during fuzz ${sent}` })]));
      // a protocol ping round trip: the server has handled everything sent before it
      if (c.ws.readyState === c.ws.OPEN) {
        await new Promise<void>((resolve) => {
          c.ws.once('pong', () => resolve());
          c.ws.once('close', () => resolve());
          c.ws.ping();
        });
      }
      errorsSeen += c.frames.filter((f) => f?.type === 'error').length;
      c.ws.terminate();
    }
    expect(sent).toBe(10_000);
    expect(errorsSeen).toBeGreaterThan(0); // the frames did reach the handlers
    expect(connections).toBeGreaterThan(10);
    // the server is alive, and the clients that behaved got every alert
    const [lastId] = h.services.alerts.insertMany([sampleAlert({ title: 'after the fuzz' })]);
    inserted.push(lastId!);
    await watchers[0]!.next((f) => f.type === 'alert.new' && f.data.id === lastId, 10_000);
    await watchers[1]!.next((f) => f.id === `vigil-${lastId}`, 10_000);
    expect(watchers[0]!.frames.filter((f) => f.type === 'alert.new').map((f) => f.data.id)).toEqual(inserted);
    expect(watchers[1]!.frames.map((f) => f.id)).toEqual(inserted.map((id) => `vigil-${id}`));
    expect(watchers.every((w) => w.closed === null)).toBe(true);
    watchers[0]!.send({ type: 'ping', ref: 'alive' });
    expect(await watchers[0]!.next((f) => f.type === 'pong' && f.data.ref === 'alive')).toBeTruthy();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    for (const w of watchers) w.close();
  }, 120_000);
});
