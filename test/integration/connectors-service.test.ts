import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorConfig, type ConnectorHealth } from '../../main/contract/connectors.js';
import { AgentsListRequest } from '../../main/contract/wazuh.js';
import type { ConnectorsService } from '../../main/core/connectors.js';
import { secretAccount } from '../../main/core/connector-kinds.js';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import { apiInput, connectorsFor, indexerInput, until } from '../helpers/connectors.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';

const ctx = { actor: 'ana', transport: 'test' as const };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

/** The API user's password: distinct from every name, so a leak would show. */
const PASSWORD = 'Api-Pa55word!';

async function setup(simOpts: Parameters<typeof startWazuhSimulator>[0] = {}, serviceOpts: Parameters<typeof connectorsFor>[1] = {}) {
  const sim = await startWazuhSimulator({ agents: 30, ...simOpts, api: { users: { 'wazuh-wui': PASSWORD }, ...simOpts.api } });
  const dir = tempDir();
  const s = await testServices(dir);
  const vault = new MemoryVault();
  const c = connectorsFor(s, { secrets: vault, ...serviceOpts });
  cleanup.push(async () => {
    await c.stop();
    await s.close();
    await sim.close();
  });
  return { sim, s, c, vault, dir };
}

const parse = (x: Record<string, unknown>) => ConnectorConfig.parse(x);
/** The API connector for the simulator, as the user wazuh-wui. */
const apiIn = (sim: WazuhSimulator, over: Record<string, unknown> = {}) => apiInput(sim, { username: 'wazuh-wui', ...over });

async function saveApi(c: ConnectorsService, sim: WazuhSimulator, over: Record<string, unknown> = {}) {
  return c.save(parse(apiIn(sim, over)), PASSWORD, true, 'ana');
}

describe('connectors: kinds from the schema', () => {
  it('offers every kind of the contract with its form: basic fields first, nested ones flattened, the credential from the schema', async () => {
    const { c } = await setup();
    const kinds = c.kinds();
    expect(kinds.map((k) => k.kind)).toEqual(ConnectorConfig.options.map((o) => o.shape.kind.value));
    const api = kinds.find((k) => k.kind === 'wazuh-api')!;
    expect(api).toMatchObject({ label: 'Wazuh server API', credential: { mode: 'password', label: 'Password' } });
    expect(api.fields[0]).toMatchObject({ name: 'username', type: 'string', required: true, advanced: false });
    expect(api.fields.find((f) => f.name === 'requestsPerMinute')).toMatchObject({ type: 'integer', default: 300, min: 1, advanced: true });
    expect(api.fields.find((f) => f.name === 'timeouts.connectMs')).toMatchObject({ type: 'integer', default: 10_000, advanced: true });
    const indexer = kinds.find((k) => k.kind === 'wazuh-indexer')!;
    expect(indexer.fields.filter((f) => !f.advanced).map((f) => f.name)).toEqual(['username', 'index']);
  });
});

describe('connectors: configurations and the vault', () => {
  it('saves the configuration in SQLite and the password only in the vault; edits keep it; names are unique', async () => {
    const { sim, s, c, vault } = await setup();
    const view = await saveApi(c, sim);
    expect(view).toMatchObject({ has_secret: true, created_by: 'ana', config: { id: 'prod', kind: 'wazuh-api', username: 'wazuh-wui', enabled: true } });
    expect(await vault.get(secretAccount('prod'))).toBe(PASSWORD);
    const row = s.db.prepare('SELECT config FROM connectors').get() as { config: string };
    expect(row.config).not.toContain(PASSWORD);
    // an edit without a secret keeps the saved one
    await c.save(parse(apiIn(sim, { name: 'Production' })), undefined, false, 'bo');
    expect(await vault.get(secretAccount('prod'))).toBe(PASSWORD);
    expect((await c.list())[0]).toMatchObject({ config: { name: 'Production' }, updated_by: 'bo' });
    await expect(c.save(parse(apiIn(sim, { id: 'other', name: 'PRODUCTION' })), 'x', true, 'ana')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(c.save(parse(apiIn(sim)), 'x', true, 'ana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/id "prod" exists/) });
    await expect(c.save(ConnectorConfig.parse(indexerInput(sim, { id: 'prod' })), undefined, false, 'ana')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/kind cannot change/) });
    // a new connector needs its secret
    await expect(c.save(parse(apiIn(sim, { id: 'nosecret', name: 'No secret' })), undefined, true, 'ana')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await vault.list()).toEqual([secretAccount('prod')]);
    const audit = s.audit.recentByAction('connector.', 10).map((e) => [e.action, e.actor, e.details['secret_changed']]);
    expect(audit).toEqual([
      ['connector.update', 'bo', false],
      ['connector.create', 'ana', true],
    ]);
  });

  it('a vault that cannot store the secret saves nothing', async () => {
    const { sim, c, s } = await setup();
    const broken = connectorsFor(s, { secrets: { ...new MemoryVault(), get: async () => null, list: async () => [], delete: async () => false, set: async () => Promise.reject(new Error('the OS keychain is not available')) } });
    cleanup.push(() => broken.stop());
    await expect(broken.save(parse(apiIn(sim)), PASSWORD, true, 'ana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/nothing was saved: the OS keychain/) });
    expect(await c.list()).toEqual([]);
  });

  it('removing a connector removes its secret, health history and agent inventory', async () => {
    const { sim, s, c, vault } = await setup();
    await saveApi(c, sim);
    await c.health('prod', true);
    await c.wazuh.sync('prod');
    expect(c.agentsRepo.count('prod')).toBe(31);
    expect(await c.remove('prod', 'ana')).toBe(true);
    expect(await vault.list()).toEqual([]);
    for (const table of ['connector_health', 'wazuh_agents', 'wazuh_agent_sync']) expect(s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    expect(await c.remove('prod', 'ana')).toBe(false);
  });
});

describe('connectors: test before saving', () => {
  it('tests a draft with the typed secret, and an edit with the saved one', async () => {
    const { sim, c } = await setup();
    expect(await c.test(parse(apiIn(sim)), PASSWORD)).toMatchObject({ ok: true, product: 'Wazuh API', version: '4.14.7' });
    const wrong = await c.test(parse(apiIn(sim)), 'nope');
    expect(!wrong.ok && wrong.failure).toMatchObject({ kind: 'auth_failed', status: 401 });
    expect(await c.test(parse(apiIn(sim)), undefined)).toMatchObject({ ok: false, failure: { kind: 'invalid_config', message: 'give the password of wazuh-wui' } });
    await saveApi(c, sim);
    expect(await c.test(parse(apiIn(sim)), undefined)).toMatchObject({ ok: true });
  });

  it('shows an unknown certificate with its fingerprint, subject and validity; trusting pins exactly that one', async () => {
    const { sim, c } = await setup();
    const r = await c.test(parse(apiIn(sim, { trust: { mode: 'system' } })), PASSWORD);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('tls_untrusted');
    expect(r.failure.certificate).toMatchObject({ fingerprint256: sim.apiServer.cert!.fingerprint256, subject: expect.stringMatching(/wazuh-simulator/), selfSigned: true });
    expect(sim.api.logins).toBe(0); // no password went to a server nobody trusts yet
    await saveApi(c, sim, { trust: { mode: 'system' } });
    await expect(c.trust('prod', 'AB'.repeat(32), 'ana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/now presents/) });
    const pinned = await c.trust('prod', r.failure.certificate!.fingerprint256, 'ana');
    expect(pinned.config.trust).toEqual({ mode: 'pin', sha256: sim.apiServer.cert!.fingerprint256 });
    expect((await c.health('prod', true)).status).toBe('ok');
  });
});

describe('connectors: health', () => {
  it('probes in the background, keeps the history and reports the tool with version and latency', async () => {
    const { sim, c } = await setup();
    await saveApi(c, sim);
    await c.start();
    await until(() => c.repo.history('prod', 5).length > 0, 10_000, 'a first probe');
    const [h] = c.history('prod', 5);
    expect(h).toMatchObject({ status: 'ok', version: '4.14.7', error: null });
    expect(h!.latency_ms).toBeGreaterThanOrEqual(0);
    expect((await c.list())[0]!.health).toMatchObject({ status: 'ok', version: '4.14.7' });
    expect(c.overall()).toMatchObject({ status: 'ok', enabled: 1, by_status: { ok: 1 } });
  });

  it('shows every fault of the simulator to the analyst, then recovers', async () => {
    const { sim, c } = await setup();
    await saveApi(c, sim);
    const cases: { inject: () => void; expect: Partial<ConnectorHealth> & { kind: string } }[] = [
      { inject: () => sim.apiServer.faults.inject({ kind: 'timeout', times: 4 }), expect: { status: 'down', kind: 'timeout' } },
      { inject: () => sim.apiServer.faults.inject({ kind: 'reset', times: 4 }), expect: { status: 'down', kind: 'network' } },
      { inject: () => sim.apiServer.faults.inject({ kind: 'truncate', times: 4 }), expect: { status: 'down', kind: 'network' } },
      { inject: () => sim.apiServer.faults.inject({ kind: 'status', times: 4, reply: { status: 503, body: { title: 'Service Unavailable', detail: 'busy' } } }), expect: { status: 'down', kind: 'http_error' } },
      {
        inject: () => sim.apiServer.faults.inject({ kind: 'status', times: 4, reply: { status: 429, body: { title: 'Wazuh Error', detail: 'Maximum number of requests per minute reached', error: 6001 } } }),
        expect: { status: 'degraded', kind: 'rate_limited' },
      },
      { inject: () => sim.api.revokeTokens(), expect: { status: 'ok', kind: '' } }, // 401 mid-session: one fresh login, unseen
      {
        inject: () => {
          sim.api.opts.users = { 'wazuh-wui': 'changed by the Wazuh admin' };
          sim.api.revokeTokens();
          sim.apiServer.faults.inject({ kind: 'status', times: 1, path: '/', method: 'GET', reply: { status: 401, body: { title: 'Unauthorized', detail: 'Invalid token' } } });
        },
        expect: { status: 'auth_failed', kind: 'auth_failed' },
      },
    ];
    for (const k of cases) {
      expect((await c.health('prod', true)).status).toBe('ok');
      k.inject();
      const h = await c.health('prod', true);
      expect({ status: h.status, kind: h.lastError?.failure.kind ?? '' }, JSON.stringify(h.lastError)).toEqual({ status: k.expect.status, kind: k.expect.kind });
      sim.apiServer.faults.clear();
      sim.api.opts.users = { 'wazuh-wui': PASSWORD };
    }
    expect((await c.health('prod', true)).status).toBe('ok');
    expect(c.history('prod', 100).map((x) => x.status)).toContain('auth_failed');
  });

  it('shows the indexer’s faults too (hang, refused login, server error), then recovers', async () => {
    const { sim, c } = await setup();
    await c.save(ConnectorConfig.parse(indexerInput(sim)), 'admin', true, 'ana');
    for (const [fault, status, kind] of [
      [{ kind: 'timeout', times: 4 }, 'down', 'timeout'],
      [{ kind: 'status', times: 4, reply: { status: 401, body: { error: 'Unauthorized', status: 401 } } }, 'auth_failed', 'auth_failed'],
      [{ kind: 'status', times: 4, reply: { status: 500, body: { error: { type: 'exception', reason: 'cluster_block' }, status: 500 } } }, 'down', 'http_error'],
    ] as const) {
      expect((await c.health('prod-indexer', true)).status).toBe('ok');
      sim.indexerServer.faults.inject(fault);
      const h = await c.health('prod-indexer', true);
      expect([h.status, h.lastError?.failure.kind]).toEqual([status, kind]);
      sim.indexerServer.faults.clear();
    }
    expect((await c.health('prod-indexer', true)).status).toBe('ok');
  });

  it('a changed certificate is never accepted silently: untrusted, with the new fingerprint, until trusted', async () => {
    const { sim, c } = await setup();
    await saveApi(c, sim);
    const old = sim.apiServer.cert!.fingerprint256;
    expect((await c.health('prod', true)).status).toBe('ok');
    const next = await sim.apiServer.swapCertificate();
    const h = await c.health('prod', true);
    expect(h.status).toBe('untrusted_certificate');
    expect(h.lastError?.failure).toMatchObject({ kind: 'tls_mismatch', certificate: { fingerprint256: next.fingerprint256 } });
    expect(h.lastError?.failure.message).toContain(old);
    await c.trust('prod', next.fingerprint256, 'ana');
    expect((await c.health('prod', true)).status).toBe('ok');
  });

  it('a hanging tool never holds up the list or the overall figure; its probe ends as a timeout', async () => {
    const { sim, c: quick } = await setup({}, { probeTimeoutMs: 1500 });
    const slow = await startWazuhSimulator({ agents: 1, api: { users: { 'wazuh-wui': PASSWORD } } });
    cleanup.push(() => slow.close());
    await saveApi(quick, sim);
    await saveApi(quick, slow, { id: 'hung', name: 'Hung manager', timeouts: { connectMs: 1000, headersMs: 60_000, bodyMs: 60_000 } });
    slow.apiServer.faults.inject({ kind: 'timeout', times: 100 });
    await quick.start();
    await until(async () => (await quick.list()).find((v) => v.config.id === 'prod')?.health?.status === 'ok', 10_000, 'the good tool');
    const views = await quick.list();
    expect(views.find((v) => v.config.id === 'hung')).toMatchObject({ probing: true, health: null });
    expect(quick.overall()).toMatchObject({ enabled: 2, by_status: { ok: 1, unknown: 1 }, status: 'ok' });
    await until(async () => (await quick.list()).find((v) => v.config.id === 'hung')?.health !== null, 10_000, 'the hung probe to end');
    const hung = (await quick.list()).find((v) => v.config.id === 'hung')!;
    expect(hung.health).toMatchObject({ status: 'down', lastError: { failure: { kind: 'timeout', message: expect.stringMatching(/no answer to the health check within 2 s/) } } });
    expect(quick.overall()).toMatchObject({ status: 'degraded', problems: [{ id: 'hung', status: 'down' }] });
  });

  it('sees a connector another process saved, and tells the indexer driver', async () => {
    const { sim, s, c, vault } = await setup();
    await c.start();
    let changes = 0;
    c.onChange(() => changes++);
    const other = connectorsFor(s, { secrets: vault });
    cleanup.push(() => other.stop());
    await other.save(ConnectorConfig.parse(indexerInput(sim)), 'admin', true, 'cli');
    await until(() => c.enabledIndexers().length === 1, 5000, 'the reload');
    expect(changes).toBeGreaterThan(0);
    expect(c.enabledIndexers()[0]).toMatchObject({ id: 'prod-indexer', index: 'wazuh-alerts-*' });
    const info = await c.indexerClientFor('prod-indexer').info();
    expect(info.distribution).toBe('opensearch');
    await other.setEnabled('prod-indexer', false, 'cli');
    await until(() => c.enabledIndexers().length === 0, 5000, 'the disable');
    expect(() => c.indexerClientFor('prod-indexer')).toThrow(/not an enabled Wazuh indexer/);
  });
});

describe('Wazuh agents', () => {
  it('syncs the inventory in pages of 500 into SQLite and filters it there; a removed agent leaves on the next sync', async () => {
    const { sim, c } = await setup({ agents: 1200 });
    await saveApi(c, sim);
    const before = sim.apiServer.requests;
    const state = await c.wazuh.sync('prod');
    expect(state).toMatchObject({ total: 1201, error: null, connector_name: 'Prod manager' });
    expect(state.succeeded_at).not.toBeNull();
    expect(sim.apiServer.requests - before).toBe(4); // login + 3 pages
    const all = c.wazuh.list(AgentsListRequest.parse({ sort: { field: 'agent_id', dir: 'asc' }, offset: 0, limit: 5 }), c.wazuhApiIds());
    expect(all.total).toBe(1201);
    expect(all.items.map((a) => a.agent_id)).toEqual(['000', '001', '002', '003', '004']);
    const simCounts = sim.api.agents.reduce<Record<string, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
    expect(all.counts).toEqual(simCounts);
    const active = c.wazuh.list(AgentsListRequest.parse({ status: ['active'], os_platform: 'ubuntu', sort: { field: 'name', dir: 'asc' }, offset: 0, limit: 1000 }), c.wazuhApiIds());
    expect(active.total).toBe(sim.api.agents.filter((a) => a.status === 'active' && a.os?.platform === 'ubuntu').length);
    expect(active.counts['active']).toBe(active.total);
    const web = c.wazuh.list(AgentsListRequest.parse({ group: 'web', sort: { field: 'name', dir: 'asc' }, offset: 0, limit: 1000 }), c.wazuhApiIds());
    expect(web.total).toBe(sim.api.agents.filter((a) => a.group?.includes('web')).length);
    expect(web.facets.group.find((g) => g.value === 'web')?.count).toBe(web.total);
    const byText = c.wazuh.list(AgentsListRequest.parse({ text: 'agent-00042', sort: { field: 'name', dir: 'asc' }, offset: 0, limit: 10 }), c.wazuhApiIds());
    expect(byText.items.map((a) => a.name)).toEqual(['agent-00042']);
    const byCidr = c.wazuh.list(AgentsListRequest.parse({ text: '10.0.1.0/24', sort: { field: 'name', dir: 'asc' }, offset: 0, limit: 1000 }), c.wazuhApiIds());
    expect(byCidr.items.every((a) => a.ip?.startsWith('10.0.1.'))).toBe(true);
    expect(byCidr.total).toBeGreaterThan(100);
    sim.api.agents.splice(sim.api.agents.findIndex((a) => a.id === '042'), 1);
    await c.wazuh.sync('prod');
    expect(c.agentsRepo.get('prod', '042')).toBeNull();
    expect(c.agentsRepo.count('prod')).toBe(1200);
  });

  it('a sync that fails keeps the previous inventory and says why', async () => {
    const { sim, c } = await setup({ agents: 600 });
    await saveApi(c, sim);
    await c.wazuh.sync('prod');
    sim.apiServer.faults.inject({ kind: 'status', times: 2, path: '/agents', reply: { status: 500, body: { title: 'Internal Server Error', detail: 'wazuh-db is down' } } });
    const failed = await c.wazuh.sync('prod');
    expect(failed.error).toMatch(/wazuh-db is down/);
    expect(failed.total).toBe(601);
    expect(failed.succeeded_at).not.toBeNull();
    const ok = await c.wazuh.sync('prod');
    expect(ok.error).toBeNull();
  });

  it('restarts the named agents only, reports queued vs failed per agent with Wazuh’s words, and audits it', async () => {
    const { sim, s, c } = await setup();
    await saveApi(c, sim);
    await c.wazuh.sync('prod');
    const active = sim.api.agents.find((a) => a.status === 'active' && a.id !== '000')!;
    const down = sim.api.agents.find((a) => a.status === 'disconnected')!;
    const r = await c.wazuh.restart('prod', [active.id, down.id, '999'], 'ana');
    expect(r).toMatchObject({ state: 'partly_queued', queued: [{ agent_id: active.id, name: active.name }] });
    expect(r.failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agent_ids: [down.id], code: 1707, message: 'Cannot send request, agent is not active' }),
        expect.objectContaining({ agent_ids: ['999'], code: 1701 }),
      ]),
    );
    expect(r.description).toMatch(/queued, not confirmed/);
    expect(r.description).toContain(`${down.name} (${down.id})`);
    expect(sim.api.actions).toEqual([{ type: 'restart', agents: [active.id] }]);
    const [entry] = s.audit.recentByAction('wazuh.', 1);
    expect(entry).toMatchObject({ id: r.audit_id, actor: 'ana', action: 'wazuh.restart', target_id: 'prod', details: { agents: [{ id: active.id, name: active.name }, { id: down.id }, { id: '999', name: null }], answer: { state: 'partly_queued', queued: [active.id] } } });
    expect(c.wazuh.actions({ agent_id: down.id, limit: 5 }).map((e) => e.id)).toEqual([r.audit_id]);
  });

  it('refuses an empty agent list at every door: Wazuh would act on every agent', async () => {
    const { sim, s, c } = await setup();
    await saveApi(c, sim);
    const h = createHandlers(s, null, null, c);
    for (const [channel, req] of [
      ['wazuh.agents.restart', { connector_id: 'prod', agent_ids: [] }],
      ['wazuh.ar.run', { connector_id: 'prod', agent_ids: [], srcip: '203.0.113.7' }],
    ] as const) {
      const out = await dispatch(h, channel, req, ctx, silentLogger);
      expect(out).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', issues: [expect.stringMatching(/every agent/)] } });
    }
    await expect(c.wazuh.restart('prod', [], 'ana')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(sim.api.actions).toEqual([]);
  });

  it('runs active response with the address in alert.data.srcip; a lost answer is "unknown", not "failed"', async () => {
    const { sim, c } = await setup();
    await saveApi(c, sim);
    const [a, b] = sim.api.agents.filter((x) => x.status === 'active' && x.id !== '000' && !x.arDisabled);
    const r = await c.wazuh.activeResponse('prod', { agent_ids: [a!.id], command: '!firewall-drop', srcip: '203.0.113.7', arguments: [], alert_id: 12 }, 'ana');
    expect(r).toMatchObject({ state: 'queued', command: '!firewall-drop', srcip: '203.0.113.7' });
    expect(sim.api.actions.at(-1)).toMatchObject({ type: 'active-response', agents: [a!.id], command: '!firewall-drop', alert: { data: { srcip: '203.0.113.7' } } });
    sim.apiServer.faults.inject({ kind: 'timeout', times: 1, path: '/active-response' });
    const lost = await c.wazuh.activeResponse('prod', { agent_ids: [b!.id], command: '!firewall-drop', srcip: '203.0.113.7', arguments: [] }, 'ana');
    expect(lost.state).toBe('not_queued');
    expect(lost.failed[0]!.message).toMatch(/may or may not have queued/);
  });

  it('lists the manager’s active response commands, firewall-drop first', async () => {
    const { sim, c } = await setup();
    await saveApi(c, sim);
    const r = await c.wazuh.arCommands('prod');
    expect(r.from_manager).toBe(true);
    expect(r.commands[0]).toBe('!firewall-drop');
    expect(r.commands).toContain('!host-deny');
    sim.apiServer.faults.inject({ kind: 'status', times: 4, path: '/manager/configuration', reply: { status: 403, body: { title: 'Permission Denied', detail: 'no manager:read', error: 4000 } } });
    const fallback = await c.wazuh.arCommands('prod');
    expect(fallback).toMatchObject({ from_manager: false, commands: expect.arrayContaining(['!firewall-drop']) });
    expect(fallback.note).toMatch(/no manager:read/);
  });

  it('shows the agents an alert points at: the Wazuh agent it names, and agents at its addresses', async () => {
    const { sim, s, c } = await setup();
    await saveApi(c, sim);
    await c.wazuh.sync('prod');
    const [named, atSource] = sim.api.agents.filter((a) => a.id !== '000' && a.ip !== 'any');
    const [wazuhAlert, suricataAlert, nothing] = s.alerts.insertMany([
      sampleAlert({ source: 'wazuh', src_ip: atSource!.ip, dst_ip: null }),
      sampleAlert({ source: 'suricata', src_ip: '203.0.113.9', dst_ip: named!.ip }),
      sampleAlert({ source: 'suricata', src_ip: '203.0.113.9', dst_ip: '192.0.2.1' }),
    ]);
    s.db.prepare('INSERT INTO alert_details (alert_id, enrichment) VALUES (?, ?)').run(wazuhAlert, JSON.stringify({ agent: { id: named!.id, name: named!.name, ip: named!.ip } }));
    const m = c.wazuh.alertAgents(wazuhAlert!);
    expect(m.map((x) => [x.match, x.address_role, x.agent.agent_id])).toEqual([
      ['agent', null, named!.id],
      ['address', 'src', atSource!.id],
    ]);
    expect(m[0]).toMatchObject({ connector_name: 'Prod manager', agent: { name: named!.name, os_platform: named!.os?.platform ?? null, groups: named!.group, status: named!.status } });
    expect(m[0]!.synced_at).not.toBeNull();
    expect(c.wazuh.alertAgents(suricataAlert!).map((x) => [x.match, x.address_role, x.agent.agent_id])).toEqual([['address', 'dst', named!.id]]);
    expect(c.wazuh.alertAgents(nothing!)).toEqual([]);
    expect(() => c.wazuh.alertAgents(99_999)).toThrow(/does not exist/);
  });
});
