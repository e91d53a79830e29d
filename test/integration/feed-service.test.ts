import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/handlers.js';
import { createFeedHandlers, createFeedSetStatus } from '../../main/core/feed-handlers.js';
import { silentLogger } from '../../main/core/logger.js';
import type { Services } from '../../main/core/services.js';
import { feedChannels } from '../../main/contract/feed.js';
import { FeedService } from '../../main/feed/service.js';
import { FeedRepo } from '../../main/store/feed-repo.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { FAST_LIMITS, TestClient, until } from './feed-harness.js';

let services: Services | undefined;
let feed: FeedService | undefined;
afterEach(async () => {
  await feed?.stop();
  await services?.close();
  feed = services = undefined;
});

async function build(dir = tempDir('vigil-feed-svc-')) {
  services = await testServices(dir);
  const vault = new MemoryVault();
  feed = new FeedService({
    db: services.db,
    audit: services.audit,
    logger: silentLogger,
    dataDir: dir,
    appName: 'Vigil',
    appVersion: '0.0.0-test',
    secrets: vault,
    setStatus: createFeedSetStatus(() => createHandlers(services!), silentLogger),
    limits: FAST_LIMITS,
  });
  return { dir, vault, feed, handlers: createFeedHandlers({ feed }) };
}

describe('feed service (the Feed screen and the lead wiring)', () => {
  it('is off by default, binds 127.0.0.1:8000 when enabled, and follows configuration saved by another process', async () => {
    const { dir, feed: f } = await build();
    await f.startIfEnabled();
    const st = await f.status();
    expect(st).toMatchObject({ running: false, listening: null, config: { enabled: false, host: '127.0.0.1', port: 8000 } });
    const changes: boolean[] = [];
    f.onChanged((p) => changes.push(p.running));
    // `vigil feed config --enable --port 0` from another process
    const other = await testServices(dir);
    const repo = new FeedRepo(other.db);
    repo.setConfig({ ...repo.getConfig().config, enabled: true, port: 0 }, 'cli');
    await until(() => f.running, 5000, 'the feed to start');
    expect(f.feedServer!.listening.host).toBe('127.0.0.1');
    await until(() => changes.includes(true), 3000, 'a feed.changed notification');
    repo.setConfig({ ...repo.getConfig().config, enabled: false }, 'cli');
    await until(() => !f.running, 5000, 'the feed to stop');
    await other.close();
  });

  it('implements the feed channels: schemas parse, secrets go to the keychain only, tokens are shown once', async () => {
    const { vault, handlers } = await build();
    const ctx = { actor: 'ana', transport: 'test' as const };
    const req = feedChannels['feed.configure'].request.parse({ patch: { enabled: true, port: 0, jwt: { enabled: true } }, jwt_secret: 's'.repeat(40) });
    const st = await handlers['feed.configure'](req, ctx);
    expect(feedChannels['feed.configure'].response.parse(st)).toMatchObject({ running: true, jwt_secret_set: true, config: { jwt: { enabled: true } } });
    expect(await vault.get('feed.jwt.secret')).toBe('s'.repeat(40));
    const dump = JSON.stringify(services!.db.prepare('SELECT * FROM feed_config').all()) + JSON.stringify(services!.audit.recent(100));
    expect(dump).not.toContain('s'.repeat(40));
    expect(feedChannels['feed.configure'].request.safeParse({ jwt_secret: 'short' }).success).toBe(false);
    await expect(
      Promise.resolve(handlers['feed.configure'](feedChannels['feed.configure'].request.parse({ patch: { dialects: { aegis: { enabled: true } } } }), ctx)),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const created = await handlers['feed.tokens.create'](feedChannels['feed.tokens.create'].request.parse({ name: 'Zoë K.', role: 'analyst', expires_in_hours: 24 }), ctx);
    expect(feedChannels['feed.tokens.create'].response.parse(created).token).toMatchObject({ name: 'Zoë K.', role: 'analyst', active: true });
    expect(feedChannels['feed.tokens.create'].request.safeParse({ name: '<script>' }).success).toBe(false);
    await expect(Promise.resolve().then(() => handlers['feed.tokens.create']({ name: 'Zoë K.', role: 'viewer' }, ctx))).rejects.toMatchObject({ code: 'CONFLICT' });
    const listed = await handlers['feed.tokens.list']({ include_revoked: false }, ctx);
    expect(listed.map((t) => t.name)).toEqual(['Zoë K.']);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const c = await TestClient.connect(`ws://127.0.0.1:${feed!.feedServer!.port}/ws/v1/alerts?token=${created.secret}`);
    await c.type('hello');
    const st2 = await handlers['feed.status']({}, ctx);
    expect(st2.clients.map((x) => x.token_name)).toEqual(['Zoë K.']);
    expect(await handlers['feed.tokens.revoke']({ id: created.token.id }, ctx)).toEqual({ revoked: true, closed: 1 });
    expect((await c.waitClose()).code).toBe(4001);
    expect(await handlers['feed.tokens.revoke']({ id: created.token.id }, ctx)).toEqual({ revoked: false, closed: 0 });
    await expect(Promise.resolve().then(() => handlers['feed.tokens.revoke']({ id: 999 }, ctx))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await handlers['feed.tokens.list']({ include_revoked: true }, ctx))[0]).toMatchObject({ active: false, revoked_at: expect.any(String) });
    const actions = services!.audit.recent(100).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['feed.configure', 'feed.jwt_secret.set', 'feed.token.create', 'feed.token.revoke', 'feed.connect']));
  });

  it('reports a port in use instead of throwing, and keeps the configuration', async () => {
    const { feed: f, handlers } = await build();
    const net = await import('node:net');
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const st = await handlers['feed.configure']({ patch: { enabled: true, port } }, { actor: 'ana', transport: 'test' });
    expect(st).toMatchObject({ running: false, last_error: `port ${port} on 127.0.0.1 is already in use`, config: { enabled: true, port } });
    blocker.close();
    expect(f.running).toBe(false);
  });
});
