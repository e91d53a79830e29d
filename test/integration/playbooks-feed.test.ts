// The feed step: a playbook tells the LAN feed's clients about an alert, each in a frame its real
// dashboard shows (replayed with the clients of feed-real-clients.ts), and a dry-run sends nothing.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../main/core/app.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testApp } from '../helpers/services.js';
import { callAs } from '../helpers/calls.js';
import { ALL_DIALECTS, ENRICHMENT, TestClient, insertDetailed, startFeed, until } from './feed-harness.js';
import { BlueWallDashboard, ThreatStreamDashboard } from './feed-real-clients.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type TestApp = App & { call(channel: string, req: unknown): Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests check the fields they use

async function app(feedOn: boolean, dir = tempDir()): Promise<TestApp> {
  const a = await testApp(dir, { run: false, feed: 'live', secrets: new MemoryVault() });
  cleanups.push(() => a.close());
  if (feedOn) await a.feed.configure({ patch: ALL_DIALECTS }, 'ana');
  return Object.assign(a, { call: (channel: string, req: unknown) => callAs(a.handlers, channel, req, 'ana') });
}

/**
 * An alert with the details the pipeline stores (threat type, confidence, where its source is),
 * once the running feed has read it (clients that connect later do not get it as a new alert).
 */
async function alertOf(a: App, over: Parameters<typeof sampleAlert>[0] = {}): Promise<number> {
  const [id] = a.services.alerts.insertMany([sampleAlert(over)]);
  a.services.db.prepare("UPDATE alerts SET threat_type = 'brute_force' WHERE id = ?").run(id);
  a.services.db.prepare('INSERT INTO alert_details (alert_id, confidence, enrichment) VALUES (?, 0.8, ?)').run(id, JSON.stringify(ENRICHMENT));
  const server = a.feed.feedServer;
  if (server) await until(() => server.totals().head_seq === a.feed.repo.headSeq(), 5000, 'the feed to read the alert');
  return id!;
}

const playbook = (id: string, extra = '') => `
id: ${id}
name: Escalate ${id}
steps:
  - id: tell
    type: feed
    message: "P1 escalated by playbook {{playbook.name}}: {{alert.title}} from {{alert.src_ip}}"
    severity: critical
    priority: P1
${extra}`;

async function nativeClient(a: App, name: string): Promise<TestClient> {
  const { secret } = a.feed.createToken({ name, role: 'viewer' }, 'ana');
  const c = await TestClient.connect(`ws://127.0.0.1:${a.feed.feedServer!.port}/ws/v1/alerts`, { headers: { Authorization: `Bearer ${secret}` } });
  cleanups.push(() => c.close());
  await c.type('hello');
  return c;
}

describe('playbooks: the feed step', () => {
  it('reaches native, ThreatStream, BlueWall and Aegis clients in their own frames; a dry-run renders them and sends nothing', async () => {
    const a = await app(true);
    const server = a.feed.feedServer!;
    const alertId = await alertOf(a, { title: 'SSH brute force', severity: 'medium', priority: 'P3' });
    const base = `ws://127.0.0.1:${server.port}`;

    const native = await nativeClient(a, 'bob');
    const ts = new ThreatStreamDashboard(`${base}/ws/live`).connect();
    cleanups.push(() => ts.stop());
    await ts.next((m) => m['type'] === 'initial_state');
    const bw = new BlueWallDashboard(`${base}/ws/security/alerts`, a.feed.createToken({ name: 'bluewall', role: 'viewer' }, 'ana').secret).connect();
    cleanups.push(() => bw.stop());
    // Aegis's page keeps alerts by id: a frame with a known id replaces that alert
    const aegis = await TestClient.connect(`${base}/ws/alerts`);
    cleanups.push(() => aegis.close());
    await aegis.next((f) => f.id === `vigil-${alertId}`);
    await until(() => server.clients().filter((c) => c.state === 'live').map((c) => c.dialect).filter((d, i, all) => all.indexOf(d) === i).length === 4, 5000, 'four live dialects');
    const riskBefore = ts.riskScore;

    await a.call('playbooks.save', { source: playbook('escalate') });
    const sentBefore = server.totals().messages_sent;
    const [dry] = await a.call('playbooks.dryRun', { id: 'escalate', alert_id: alertId });
    // nothing went out: sending is synchronous, so the counter would have moved already
    expect(server.totals().messages_sent).toBe(sentBefore);
    const message = `P1 escalated by playbook Escalate escalate: SSH brute force from 203.0.113.7`;
    expect(dry.steps[0]).toMatchObject({ status: 'dry_run', request: { message, severity: 'critical', priority: 'P1', feed: 'running' } });
    const plans = dry.steps[0].request.dialects as { dialect: string; enabled: boolean; variants: { paths: string[]; frames: Record<string, unknown>[] }[] }[];
    expect(plans.map((p) => p.dialect)).toEqual(['native', 'aegis', 'threatstream', 'bluewall', 'ips']);
    const frameOf = (dialect: string) => plans.find((p) => p.dialect === dialect)!.variants[0]!.frames[0]!;
    expect(frameOf('native')).toMatchObject({ type: 'notice', data: { message, run_id: dry.id } });
    expect(frameOf('threatstream')).toMatchObject({ type: 'new_threat', data: { description: message, severity: 'CRITICAL' } });

    const run = await a.call('playbooks.run', { id: 'escalate', alert_id: alertId });
    expect(run.status).toBe('succeeded');
    const response = run.steps[0].response;
    expect(response).toMatchObject({ outcome: 'sent' });
    const rows = Object.fromEntries((response.dialects as { dialect: string; sent: number }[]).map((d) => [d.dialect, d.sent]));
    expect(rows).toEqual({ native: 1, aegis: 1, threatstream: 1, bluewall: 1, ips: 0 });
    expect(response.message).toBe('sent to 4 clients (native 1, aegis 1, threatstream 1, bluewall 1)');

    // native: the first notice it gets is the run's (the dry-run sent none), the alert attached
    const notice = await native.type('notice');
    expect(notice).toMatchObject({ type: 'notice', data: { message, severity: 'critical', priority: 'P1', run_id: run.id, step_id: 'tell', playbook: { id: 'escalate' }, alert: { id: alertId, severity: 'medium' } } });
    // ThreatStream lists it as a new event and its gauge ends where it was
    await until(() => ts.events.some((e) => e.raw['description'] === message), 5000, 'the ThreatStream event');
    await ts.next((m) => m['type'] === 'risk_update');
    expect(ts.events.filter((e) => e.raw['description'] === message)).toHaveLength(1);
    expect(ts.events.find((e) => e.raw['description'] === message)).toMatchObject({ severity: 'critical', type: 'Brute Force', country: 'DE' });
    expect(ts.events.find((e) => e.raw['description'] === message)!.raw['event_id']).toBe(`vigil-notice-${run.id}-tell`);
    expect(ts.riskScore).toBe(riskBefore);
    // BlueWall: one row (the dry-run added none), its details a string
    await until(() => bw.alerts.length === 1, 5000, 'the BlueWall row');
    expect(bw.alerts[0]).toMatchObject({ threat_level: 'high', description: message });
    expect(String(bw.alerts[0]!['details'])).toMatch(new RegExp(`^${message} \\| SSH brute force`));
    // Aegis: the same alert again (its id), with the message and the severity override
    const again = await aegis.next((f) => f.id === `vigil-${alertId}` && f.description === message);
    expect(again).toMatchObject({ severity: 'critical', status: 'NEW', attack_type: 'BRUTE_FORCE' });
    expect(aegis.frames).toHaveLength(2); // the backlog's alert, then the notice

    // the step's log keeps what was sent: the request holds the very frames the clients got
    const logged = (await a.call('playbooks.runGet', { id: run.id })).steps[0].request.dialects.find((p: { dialect: string }) => p.dialect === 'native').variants[0].frames[0];
    expect(logged).toEqual(notice);
  });

  it('sends only to the chosen dialects and clients; the others are counted, not sent to', async () => {
    const a = await app(true);
    const alertId = await alertOf(a);
    const bob = await nativeClient(a, 'bob');
    const carol = await nativeClient(a, 'carol');
    const bw = new BlueWallDashboard(`ws://127.0.0.1:${a.feed.feedServer!.port}/ws/security/alerts`, a.feed.createToken({ name: 'bluewall', role: 'viewer' }, 'ana').secret).connect();
    cleanups.push(() => bw.stop());
    await until(() => a.feed.feedServer!.clients().filter((c) => c.state === 'live').length === 3, 5000, 'three live clients');

    await a.call('playbooks.save', { source: playbook('to-bob', '    dialects: [native]\n    clients: [bob]\n') });
    const run = await a.call('playbooks.run', { id: 'to-bob', alert_id: alertId });
    expect(run.steps[0].response).toMatchObject({ outcome: 'sent', sent: 1, dialects: [{ dialect: 'native', connected: 2, sent: 1, not_chosen: 1 }] });
    expect((await bob.type('notice')).data.run_id).toBe(run.id);

    await a.call('playbooks.save', { source: playbook('to-all') });
    const all = await a.call('playbooks.run', { id: 'to-all', alert_id: alertId });
    // carol's first notice is the second run's: the first one skipped her; BlueWall got one row
    expect((await carol.type('notice')).data.run_id).toBe(all.id);
    await until(() => bw.alerts.length === 1, 5000, 'the BlueWall row');
    expect(bw.alerts[0]!['description']).toMatch(/^P1 escalated by playbook Escalate to-all:/);
  });

  it('with the feed off, or no client connected, the step is done and says so; nothing fails', async () => {
    const off = await app(false);
    const id = await alertOf(off);
    await off.call('playbooks.save', { source: playbook('escalate') });
    const [dry] = await off.call('playbooks.dryRun', { id: 'escalate', alert_id: id });
    expect(dry.steps[0].request).toMatchObject({ feed: 'off' });
    expect(dry.steps[0].request.dialects.find((p: { dialect: string }) => p.dialect === 'native')).toMatchObject({ enabled: true, variants: [{ frames: [{ type: 'notice' }] }] });
    expect(dry.steps[0].request.dialects.find((p: { dialect: string }) => p.dialect === 'bluewall')).toMatchObject({ enabled: false, variants: [] });
    const run = await off.call('playbooks.run', { id: 'escalate', alert_id: id });
    expect(run.status).toBe('succeeded');
    expect(run.steps[0]).toMatchObject({ status: 'done', response: { outcome: 'feed_off', sent: 0, message: 'the LAN feed is off: nothing sent' } });

    const dir = tempDir();
    const on = await app(true, dir);
    const id2 = await alertOf(on);
    await on.call('playbooks.save', { source: playbook('escalate') });
    const lonely = await on.call('playbooks.run', { id: 'escalate', alert_id: id2 });
    expect(lonely.status).toBe('succeeded');
    expect(lonely.steps[0].response).toMatchObject({ outcome: 'no_clients', sent: 0, message: 'no client of the chosen dialects is connected: nothing sent' });

    // another Vigil process on the same data (a CLI run) cannot reach the clients of the feed running here
    const cli = await testApp(dir, { run: false, processName: 'cli:1', secrets: new MemoryVault() });
    cleanups.push(() => cli.close());
    const elsewhere = await callAs(cli.handlers, 'playbooks.run', { id: 'escalate', alert_id: id2 }, 'ana');
    expect(elsewhere.status).toBe('succeeded');
    expect(elsewhere.steps[0].request).toMatchObject({ feed: 'other_process' });
    expect(elsewhere.steps[0].response).toMatchObject({ outcome: 'feed_in_other_process', sent: 0 });
    expect(elsewhere.steps[0].response.message).toMatch(/^the LAN feed runs in test, not in this process: nothing sent/);
  });

  it('refuses an unknown dialect and an empty message at validation', async () => {
    const a = await app(false);
    const bad = await a.call('playbooks.validate', { source: playbook('x', '    dialects: [slack]\n') });
    expect(bad.ok).toBe(false);
    expect(bad.errors.join('\n')).toMatch(/^steps\.0\.dialects\.0: /m);
    const empty = await a.call('playbooks.validate', { source: 'id: x\nname: X\nsteps:\n  - {id: t, type: feed, message: ""}\n' });
    expect(empty.errors.join('\n')).toMatch(/^steps\.0\.message: /m);
  });
});

describe('feed notices: the feed service', () => {
  it('renders again when the feed moved on before the send, so the native seq stays a valid resume point', async () => {
    const h = await startFeed();
    cleanups.push(() => h.close());
    const first = insertDetailed(h, { title: 'first' });
    await until(() => h.server.totals().head_seq === h.feed.repo.headSeq(), 5000, 'the feed to read the alert');
    const c = await TestClient.connect(h.url('/ws/v1/alerts'), { headers: { Authorization: `Bearer ${h.token('viewer', 'bob').secret}` } });
    cleanups.push(() => c.close());
    await c.type('hello');
    const notice = { message: 'look at this', severity: null, priority: null, playbook: { id: 'p', name: 'P', version: 1 }, run_id: 'r1', step_id: 's1', at: '2026-11-21T10:06:00.000Z' };
    const prepared = h.feed.prepareNotice(notice, first, { dialects: ['native'], clients: null });
    const previewed = prepared.preview.dialects[0]!.variants[0]!.frames[0] as { seq: number };

    const second = insertDetailed(h, { title: 'second' });
    const created = await c.next((f) => f.type === 'alert.new' && f.data.id === second);
    const result = prepared.send();
    expect(result).toMatchObject({ outcome: 'sent', sent: 1, rendered_again: true });
    const got = await c.type('notice');
    expect(got.seq).toBe(created.seq);
    expect(got.seq).toBeGreaterThan(previewed.seq);
    expect(got).toMatchObject({ data: { message: 'look at this', alert: { id: first, title: 'first' } } });

    // unchanged feed: the frames sent are the ones previewed
    const again = h.feed.prepareNotice({ ...notice, step_id: 's2' }, first, { dialects: ['native'], clients: null });
    expect(again.send()).not.toHaveProperty('rendered_again');
    expect(await c.next((f) => f.type === 'notice' && f.data.step_id === 's2')).toEqual(again.preview.dialects[0]!.variants[0]!.frames[0]);
    expect(() => h.feed.prepareNotice(notice, 999_999, { dialects: null, clients: null })).toThrow(/alert 999999 does not exist/);
  });
  it("goes through a client's own subscription, with the notice's severity", async () => {
    const h = await startFeed();
    cleanups.push(() => h.close());
    const id = insertDetailed(h, { severity: 'high' });
    await until(() => h.server.totals().head_seq === h.feed.repo.headSeq(), 5000, 'the feed to read the alert');
    const ips = await TestClient.connect(h.url('/api/v1/ws/security-alerts', { token: h.token('viewer', 'ips').secret }));
    cleanups.push(() => ips.close());
    ips.send({ type: 'subscribe', channels: ['alerts'], filters: { severity: ['low'] } });
    await ips.type('subscribed');
    const notice = (step: string, severity: 'critical' | 'low') => ({ message: `${severity} notice`, severity, priority: null, playbook: { id: 'p', name: 'P', version: 1 }, run_id: 'r', step_id: step, at: '2026-11-21T10:06:00.000Z' });
    expect(h.feed.prepareNotice(notice('a', 'critical'), id, { dialects: ['ips'], clients: null }).send()).toMatchObject({
      outcome: 'no_clients',
      message: '1 client connected, none took it (filtered 1): nothing sent',
      dialects: [{ dialect: 'ips', connected: 1, filtered: 1, sent: 0 }],
    });
    expect(h.feed.prepareNotice(notice('b', 'low'), id, { dialects: ['ips'], clients: null }).send()).toMatchObject({ outcome: 'sent', dialects: [{ dialect: 'ips', sent: 1 }] });
    const got = await ips.type('security_alert');
    expect(got).toMatchObject({ severity: 'low', alert: { description: 'low notice', threat_level: 'low' } });
  });
});
