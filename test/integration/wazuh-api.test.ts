import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/core/logger.js';
import { HealthMonitor } from '../../main/connectors/health.js';
import { testConnectorConfig } from '../../main/connectors/registry.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { WazuhApiConnector } from '../../main/connectors/wazuh/api.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { apiConfig, indexerConfig } from '../simulators/wazuh/configs.js';
import { startWazuhSimulator, type WazuhSimulator, type WazuhSimulatorOptions } from '../simulators/wazuh/index.js';

let sim: WazuhSimulator | undefined;
const open: WazuhApiConnector[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});

async function setup(opts: WazuhSimulatorOptions = {}, cfg: Parameters<typeof apiConfig>[1] = {}, password = 'wazuh', logger?: Logger) {
  const clock = virtualClock();
  sim = await startWazuhSimulator({ now: clock.now, ...opts });
  const connector = new WazuhApiConnector(apiConfig(sim, cfg), {
    credentials: staticCredentials('wazuh', password),
    clock,
    random: () => 0.5,
    ...(logger ? { logger } : {}),
  });
  open.push(connector);
  return { sim, clock, connector, client: connector.client };
}

describe('Wazuh API connector: test()', () => {
  it('logs in and recognises Wazuh API 4.x', async () => {
    const { connector } = await setup();
    const r = await connector.test();
    expect(r).toMatchObject({ ok: true, product: 'Wazuh API', version: '4.14.7', details: { hostname: 'wazuh-manager' } });
  });

  it('says the password is wrong, with Wazuh’s words', async () => {
    const { connector } = await setup({}, {}, 'not-the-password');
    const r = await connector.test();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toMatchObject({ kind: 'auth_failed', status: 401 });
    expect(r.failure.message).toMatch(/Invalid credentials/);
  });

  it('shows the fingerprint of an unknown self-signed certificate, and works once it is pinned', async () => {
    const { sim, connector } = await setup({}, { trust: { mode: 'system' } });
    const r = await connector.test();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('tls_untrusted');
    expect(r.failure.certificate?.fingerprint256).toBe(sim.apiServer.cert!.fingerprint256);
    expect(sim.api.logins).toBe(0); // no credential went out
    const pinned = new WazuhApiConnector(apiConfig(sim, { trust: { mode: 'pin', sha256: r.failure.certificate!.fingerprint256 } }), { credentials: staticCredentials('wazuh', 'wazuh') });
    open.push(pinned);
    expect((await pinned.test()).ok).toBe(true);
  });

  it('reports a refused port and a server that does not answer', async () => {
    const { sim } = await setup();
    const timeouts = { connectMs: 500, headersMs: 300, bodyMs: 300 };
    const deps = { credentials: staticCredentials('wazuh', 'wazuh'), retry: { maxAttempts: 2, baseDelayMs: 1 } };
    const slow = new WazuhApiConnector(apiConfig(sim, { timeouts }), deps);
    const gone = new WazuhApiConnector(apiConfig(sim, { timeouts }), deps);
    open.push(slow, gone);
    sim.apiServer.faults.inject({ kind: 'timeout', times: 10 });
    const t = await slow.test();
    expect(!t.ok && t.failure.kind).toBe('timeout');
    await sim.close();
    const r = await gone.test();
    expect(!r.ok && r.failure.kind).toBe('refused');
    expect(!r.ok && r.failure.message).toMatch(/refused the connection/);
  });

  it('testing a configuration before it is saved: ok against a real-looking Wazuh', async () => {
    const { sim } = await setup();
    const r = await testConnectorConfig({ ...apiConfig(sim) }, { credentials: staticCredentials('wazuh', 'wazuh') });
    expect(r).toMatchObject({ ok: true, version: '4.14.7' });
  });

  it('refuses a Wazuh API of another major version', async () => {
    const { connector } = await setup({ api: { apiVersion: '5.0.0' } });
    const r = await connector.test();
    expect(!r.ok && r.failure).toMatchObject({ kind: 'wrong_product', message: expect.stringMatching(/runs Wazuh API 5\.0\.0; Vigil speaks the 4\.x API/) });
  });

  it('pointed at the indexer, says it is not the Wazuh API', async () => {
    const { sim } = await setup();
    const wrong = new WazuhApiConnector(apiConfig(sim, { url: sim.indexerUrl, trust: { mode: 'pin', sha256: sim.indexerServer.cert!.fingerprint256 } }), {
      credentials: staticCredentials('wazuh', 'wazuh'),
    });
    open.push(wrong);
    const r = await wrong.test();
    expect(!r.ok && r.failure.kind).toBe('wrong_product');
    // and the indexer connector pointed at the API says the reverse
    const { WazuhIndexerConnector } = await import('../../main/connectors/wazuh/indexer.js');
    const reverse = new WazuhIndexerConnector(indexerConfig(sim, { url: sim.apiUrl, trust: { mode: 'pin', sha256: sim.apiServer.cert!.fingerprint256 } }), {
      credentials: staticCredentials('admin', 'admin'),
    });
    const r2 = await reverse.test();
    await reverse.close();
    expect(!r2.ok && r2.failure.kind).toBe('wrong_product');
  });
});

describe('Wazuh API session', () => {
  it('re-logs in at 80% of the token lifetime, before it expires', async () => {
    const { sim, clock, client } = await setup({ api: { tokenSeconds: 100 } });
    await client.info();
    expect(sim.api.logins).toBe(1);
    clock.advance(79_000);
    await client.info();
    expect(sim.api.logins).toBe(1);
    clock.advance(2_000); // 81 s: past 80%, token still valid on the server
    await client.info();
    expect(sim.api.logins).toBe(2);
  });

  it('after a 401 in mid-session logs in once more and repeats the call', async () => {
    const { sim, client } = await setup();
    await client.info();
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 401, body: { title: 'Unauthorized', detail: 'Invalid token' } }, times: 1, path: '/manager' });
    const info = await client.managerInfo();
    expect(info.version).toBe('v4.14.7');
    expect(sim.api.logins).toBe(2);
    expect(sim.apiServer.faults.served['401']).toBe(1);
  });

  it('recovers when every token is revoked (security configuration changed)', async () => {
    const { sim, clock, client } = await setup();
    await client.info();
    clock.advance(1000); // Wazuh compares whole seconds: tokens issued before this second stop working
    sim.api.revokeTokens();
    expect((await client.agentsSummary()).connection.total).toBe(20);
    expect(sim.api.logins).toBe(2);
  });

  it('gives up after one re-login: a second 401 is auth_failed', async () => {
    const { sim, client } = await setup();
    await client.info();
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 401, body: { title: 'Unauthorized', detail: 'Invalid token' } }, times: 2, path: '/agents' });
    const err = await rejection(client.agentsSummary());
    expect(err.kind).toBe('auth_failed');
    expect(err.message).toMatch(/Invalid token/);
    expect(sim.api.logins).toBe(2);
  });

  it('honours 429 Retry-After and Wazuh’s problem JSON when it gives up', async () => {
    const { sim, clock, client } = await setup();
    const tooMany = { status: 429, headers: { 'retry-after': '7' }, body: { title: 'Wazuh Error', detail: 'Maximum number of requests per minute reached', error: 6001 } };
    sim.apiServer.faults.inject({ kind: 'status', reply: tooMany, times: 1, path: '/cluster' });
    expect(await client.clusterStatus()).toEqual({ enabled: false, running: false });
    expect(clock.slept).toContain(7000);
    sim.apiServer.faults.inject({ kind: 'status', reply: { ...tooMany, headers: { 'retry-after': '3600' } }, times: 1, path: '/cluster' });
    const err = await rejection(client.clusterStatus());
    expect(err.failure).toMatchObject({ kind: 'rate_limited', status: 429, code: 6001, retryAfterMs: 3_600_000 });
    expect(err.message).toMatch(/Maximum number of requests per minute reached/);
  });

  it('the request budget keeps a 300/min client under Wazuh’s limit: no 429 in 700 calls', async () => {
    const { sim, clock, client } = await setup({ api: { maxRequestsPerMinute: 300 } });
    for (let i = 0; i < 700; i++) await client.clusterStatus();
    expect(sim.apiServer.faults.served['429']).toBeUndefined();
    expect(sim.apiServer.requests).toBe(701); // + one login
    expect(clock.slept.length).toBeGreaterThan(0); // it did wait for tokens
  });

  it('without a budget, Wazuh’s own 429 (with Retry-After) is waited out', async () => {
    const { sim, client } = await setup({ api: { maxRequestsPerMinute: 5, rateLimitRetryAfter: true } }, { requestsPerMinute: 100_000 });
    for (let i = 0; i < 12; i++) await client.clusterStatus();
    expect(sim.apiServer.requests).toBeGreaterThan(13); // some were answered 429 and repeated
  });

  it('retries 5xx and truncated answers of reads', async () => {
    const { sim, client } = await setup({ agents: 50 });
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 500, body: { title: 'Wazuh Internal Error', detail: 'boom', error: 1000 } }, times: 1, path: '/agents' });
    sim.apiServer.faults.inject({ kind: 'truncate', times: 1, path: '/agents' });
    sim.apiServer.faults.inject({ kind: 'reset', times: 1, path: '/agents' });
    const page = await client.listAgents();
    expect(page.total).toBe(51);
    expect(sim.apiServer.faults.served).toMatchObject({ '500': 1, truncate: 1, reset: 1 });
  });

  it('the circuit opens after repeated failures and the health says down', async () => {
    const { sim, connector, client } = await setup();
    await client.info();
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 503, body: 'Service Unavailable' }, times: 100 });
    const h = await connector.health();
    expect(h.status).toBe('down');
    const err = await rejection(client.info());
    expect(err.kind).toBe('circuit_open');
  });

  it('never logs the password or the token, even through faults', async () => {
    const lines: string[] = [];
    const logger: Logger = { info: (m, f) => lines.push(m + JSON.stringify(f)), warn: (m, f) => lines.push(m + JSON.stringify(f)), error: (m, f) => lines.push(m + JSON.stringify(f)) };
    const password = 'Pa55-w0rd-SIM!';
    const { sim, client } = await setup({ api: { users: { wazuh: password } } }, {}, password, logger);
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 502, body: 'bad gateway' }, times: 2 });
    sim.apiServer.faults.inject({ kind: 'truncate', times: 1, path: '/agents' });
    await client.listAgents();
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 401, body: { title: 'Unauthorized', detail: 'Invalid token' } }, times: 1 });
    await client.info();
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(log).not.toContain(password);
    expect(log).not.toMatch(/eyJ[\w-]{10,}/);
  });
});

describe('Wazuh API reads', () => {
  it('lists every agent in pages of 500 with the fields the console shows', async () => {
    const { client } = await setup({ agents: 1234 });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.agents()) {
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(500);
      seen.push(...page.items.map((a) => a.id));
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(1235);
    const one = (await client.listAgents({ ids: ['001'] })).items[0]!;
    expect(Object.keys(one)).toEqual(expect.arrayContaining(['id', 'name', 'ip', 'status', 'version', 'lastKeepAlive', 'os', 'group']));
  });

  it('filters by status, OS, group, version, name search and q, and finds one agent', async () => {
    const { sim, client } = await setup({ agents: 300 });
    const all = sim.api.agents;
    const active = await client.listAgents({ status: ['active'] }, { limit: 500 });
    expect(active.total).toBe(all.filter((a) => a.status === 'active').length);
    expect(active.items.every((a) => a.status === 'active')).toBe(true);
    const win = await client.listAgents({ osPlatform: 'windows' });
    expect(win.total).toBe(all.filter((a) => a.os?.platform === 'windows').length);
    const web = await client.listAgents({ group: 'web' });
    expect(web.items.every((a) => a.group?.includes('web'))).toBe(true);
    const old = await client.listAgents({ version: 'Wazuh v3.13.2' });
    expect(old.total).toBe(all.filter((a) => a.version === 'Wazuh v3.13.2').length);
    const search = await client.listAgents({ search: 'agent-00042' });
    expect(search.items.map((a) => a.id)).toEqual(['042']);
    const q = await client.listAgents({ q: 'os.platform=ubuntu;status=active' });
    expect(q.total).toBe(all.filter((a) => a.os?.platform === 'ubuntu' && a.status === 'active').length);
    expect((await client.agent('007'))?.name).toBe('agent-00007');
    expect(await client.agent('999')).toBeNull();
  });

  it('an agent item of the wrong shape is counted and left out, the rest of the page is kept', async () => {
    const { sim, client } = await setup();
    const body = { data: { affected_items: [{ id: '001', name: 'a' }, { name: 'no id' }, { id: '002' }], total_affected_items: 3, failed_items: [], total_failed_items: 0 }, error: 0 };
    sim.apiServer.faults.inject({ kind: 'status', reply: { status: 200, body }, times: 1, path: '/agents' });
    const page = await client.listAgents();
    expect(page.items.map((a) => a.id)).toEqual(['001', '002']);
    expect(page.malformed).toBe(1);
  });

  it('turns a bad query into Wazuh’s error', async () => {
    const { client } = await setup();
    const err = await rejection(client.listAgents({ sort: '-nonsense' }));
    expect(err.failure).toMatchObject({ kind: 'http_error', status: 400, code: 1403 });
  });

  it('reads the agent summary, manager info and status, cluster status; health ok or degraded', async () => {
    const { sim, client, connector } = await setup({ agents: 40 });
    const s = await client.agentsSummary();
    expect(s.connection.total).toBe(40);
    expect(s.connection.active).toBe(sim.api.agents.filter((a) => a.id !== '000' && a.status === 'active').length);
    expect((await client.managerInfo()).version).toBe('v4.14.7');
    expect((await client.managerStatus())['wazuh-analysisd']).toBe('running');
    expect((await connector.health()).status).toBe('ok');

    await sim.close();
    const down = await setup({ api: { stoppedDaemons: ['wazuh-analysisd'], cluster: { enabled: true, running: false } } });
    const h = await down.connector.health();
    expect(h.status).toBe('degraded');
    expect(h.lastError?.failure.message).toMatch(/wazuh-analysisd.*cluster enabled but not running/);
  });

  it('a changed certificate is shown with its new fingerprint; health says untrusted certificate', async () => {
    const { sim, connector } = await setup();
    expect((await connector.health()).status).toBe('ok');
    const next = await sim.apiServer.swapCertificate();
    const h = await connector.health();
    expect(h.status).toBe('untrusted_certificate');
    expect(h.lastError?.failure.kind).toBe('tls_mismatch');
    expect(h.lastError?.failure.certificate?.fingerprint256).toBe(next.fingerprint256);
  });

  it('health is cached for its TTL with one probe in flight', async () => {
    const { sim, clock, connector } = await setup();
    const monitor = new HealthMonitor((signal) => connector.health(signal), { ttlMs: 30_000, clock });
    const [a, b, c] = await Promise.all([monitor.get(), monitor.get(), monitor.get()]);
    expect(monitor.probeCount).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
    const requests = sim.apiServer.requests;
    clock.advance(29_000);
    await monitor.get();
    expect(sim.apiServer.requests).toBe(requests);
    clock.advance(2_000);
    await monitor.get();
    expect(monitor.probeCount).toBe(2);
  });
});

describe('Wazuh agent actions', () => {
  it('refuses an empty agent list before sending anything (Wazuh would act on every agent)', async () => {
    const { sim, client } = await setup();
    const before = sim.apiServer.requests;
    expect((await rejection(client.restartAgents([]))).kind).toBe('invalid_config');
    expect((await rejection(client.activeResponse({ command: '!firewall-drop', agents: [], srcip: '203.0.113.7' }))).message).toMatch(/every agent/);
    expect((await rejection(client.restartAgents(['1; DROP']))).kind).toBe('invalid_config');
    expect(sim.apiServer.requests).toBe(before);
    expect(sim.api.actions).toEqual([]);
  });

  it('restart reports queued and failed agents with Wazuh’s reasons, and says queued is not done', async () => {
    const { sim, client } = await setup({ agents: 30 });
    const active = sim.api.agents.filter((a) => a.id !== '000' && a.status === 'active').map((a) => a.id);
    const inactive = sim.api.agents.find((a) => a.status !== 'active')!.id;
    const r = await client.restartAgents([active[0]!, active[1]!, inactive, '999']);
    expect(r.state).toBe('partly_queued');
    expect(r.queued).toEqual([active[0], active[1]]);
    expect(r.failed).toEqual(
      expect.arrayContaining([expect.objectContaining({ ids: ['999'], code: 1701 }), expect.objectContaining({ ids: [inactive], code: 1707 })]),
    );
    expect(r.description).toMatch(/Queued is not done/);
    expect(sim.api.actions).toEqual([{ type: 'restart', agents: [active[0], active[1]] }]);
    const none = await client.restartAgents(['000']);
    expect(none.state).toBe('not_queued');
    expect(none.failed[0]!.code).toBe(1703);
  });

  it('active response sends alert.data.srcip to the chosen agents only', async () => {
    const { sim, client } = await setup({ agents: 40 });
    const target = sim.api.agents.filter((a) => a.status === 'active' && !a.arDisabled && a.id !== '000')[0]!.id;
    const disabled = sim.api.agents.find((a) => a.arDisabled && a.status === 'active');
    const r = await client.activeResponse({ command: '!firewall-drop', agents: [target, ...(disabled ? [disabled.id] : [])], srcip: '203.0.113.7' });
    expect(r.queued).toEqual([target]);
    if (disabled) expect(r.failed[0]).toMatchObject({ ids: [disabled.id], code: 1750 });
    expect(sim.api.actions).toEqual([{ type: 'active-response', agents: [target], command: '!firewall-drop', arguments: [], alert: { data: { srcip: '203.0.113.7' } } }]);
    expect(r.description).toMatch(/!firewall-drop for 203\.0\.113\.7 queued for 1 agent/);
    await expect(client.activeResponse({ command: '!firewall-drop', agents: [target], srcip: 'not-an-ip' })).rejects.toThrow(/not an IP address/);
  });

  it('a restart whose answer is cut off is not repeated, and says it may have happened', async () => {
    const { sim, client } = await setup();
    sim.apiServer.faults.inject({ kind: 'truncate', times: 1, path: '/agents/restart' });
    const err = await rejection(client.restartAgents(['001']));
    expect(['network', 'bad_response']).toContain(err.kind);
    expect(err.message).toMatch(/may have been carried out/);
    expect(sim.api.actions).toHaveLength(1); // Wazuh acted once; the client did not send it again
  });
});

