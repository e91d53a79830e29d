import { afterEach, describe, expect, it } from 'vitest';
import { staticCredentials } from '../../main/connectors/types.js';
import { WazuhApiConnector } from '../../main/connectors/wazuh/api.js';
import { WazuhIndexerConnector } from '../../main/connectors/wazuh/indexer.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { apiConfig, indexerConfig } from '../simulators/wazuh/configs.js';
import { specConformance } from '../simulators/wazuh/conformance.js';
import { startWazuhSimulator, tavernAgents, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { OpenApiValidator, OPENSEARCH_SPEC, WAZUH_SPEC } from '../simulators/wazuh/openapi.js';
import { compare, format, loadTavern, pick } from '../simulators/wazuh/tavern.js';

/**
 * Keeps the simulator (and the clients' requests) honest: every exchange of a full client session
 * is validated against the official Wazuh 4.14.7 and OpenSearch 2.19 specs, and chosen stages of
 * Wazuh's own integration tests are replayed against the simulator seeded with their agents.
 */

let sim: WazuhSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the simulator and the clients follow the official specs', () => {
  it('a whole Wazuh API session: every request and answer fits spec-4.14.7', async () => {
    const conf = specConformance();
    const clock = virtualClock();
    sim = await startWazuhSimulator({ agents: 700, now: clock.now, api: { maxRequestsPerMinute: 40, rateLimitRetryAfter: true }, onApiExchange: conf.onApiExchange });
    const deps = { credentials: staticCredentials('wazuh', 'wazuh'), clock };
    const c = new WazuhApiConnector(apiConfig(sim, { requestsPerMinute: 100_000 }), deps);
    try {
      expect((await c.test()).ok).toBe(true);
      await c.health();
      for await (const page of c.client.agents()) expect(page.items.length).toBeGreaterThan(0);
      await c.client.listAgents({ status: ['active', 'disconnected'], osPlatform: 'ubuntu', group: 'default', version: 'Wazuh v4.14.7', q: 'status=active', search: 'agent', sort: '-name' });
      await c.client.listAgents({ name: 'agent-00005', ip: '10.0.0.5', nodeName: 'node01' });
      await c.client.agent('003');
      await c.client.agentsSummary();
      await c.client.managerInfo();
      expect((await c.client.commands()).map((x) => x.executable)).toContain('firewall-drop');
      await c.client.restartAgents(['001', '002', '999', '000']);
      await c.client.activeResponse({ command: '!firewall-drop', agents: ['001', '017'], srcip: '203.0.113.7' });
      await c.client.listAgents({ sort: '-nonsense' }).catch(() => undefined); // 400 problem JSON
      for (let i = 0; i < 45; i++) await c.client.clusterStatus(); // through Wazuh's own 429s
      const bad = new WazuhApiConnector(apiConfig(sim), { credentials: staticCredentials('wazuh', 'nope') });
      expect((await bad.test()).ok).toBe(false); // 401 problem JSON
      await bad.close();
    } finally {
      await c.close();
    }
    expect(conf.checked.api).toBeGreaterThan(60);
    expect(conf.violations).toEqual([]);
  });

  it('a whole indexer session: every request and answer fits the OpenSearch 2.19 spec', async () => {
    const conf = specConformance();
    sim = await startWazuhSimulator({ alerts: 2500, onIndexerExchange: conf.onIndexerExchange });
    const c = new WazuhIndexerConnector(indexerConfig(sim), { credentials: staticCredentials('admin', 'admin') });
    try {
      expect((await c.test()).ok).toBe(true);
      expect((await c.health()).status).toBe('ok');
      let n = 0;
      for await (const page of c.client.pull({ pageSize: 1000, filters: [{ range: { 'rule.level': { gte: 3 } } }] })) n += page.hits.length;
      expect(n).toBe(2500);
      for await (const page of c.client.pull({ pageSize: 1000, usePit: false })) n += page.hits.length;
      expect(n).toBe(5000);
    } finally {
      await c.close();
    }
    expect(conf.checked.indexer).toBeGreaterThan(8);
    expect(conf.violations).toEqual([]);
  });

  it('the validator rejects what the specs do not allow (so the checks above can fail)', () => {
    const w = new OpenApiValidator(WAZUH_SPEC);
    expect(w.checkRequest('GET', '/agents', new URLSearchParams('agents_list=1;x&limit=0&colour=red'))).toEqual([
      expect.stringMatching(/agents_list=1;x\/0 must match format "numbers"/),
      expect.stringMatching(/limit=0 must be >= 1/),
      expect.stringMatching(/unknown query parameter "colour"/),
    ]);
    expect(w.checkResponse('GET', '/agents', 200, 'application/json', { data: { affected_items: [{ id: '001', status: 'sleeping' }], total_affected_items: 1, failed_items: [], total_failed_items: 0 } })).toHaveLength(1);
    expect(w.checkResponse('GET', '/agents/summary/status', 200, 'application/json', { data: { connection: { active: 'eight' } } })).toHaveLength(1);
    expect(w.checkResponse('GET', '/manager/info', 418, 'application/json', {})).toEqual([expect.stringMatching(/status 418 is not documented/)]);
    expect(w.checkRequest('POST', '/agents/frobnicate', new URLSearchParams())).toEqual([expect.stringMatching(/no such operation/)]);
    const o = new OpenApiValidator(OPENSEARCH_SPEC);
    expect(o.checkRequest('POST', '/wazuh-alerts-*/_search', new URLSearchParams(), { size: 'ten', search_after: 'x' })).not.toEqual([]);
    expect(o.checkResponse('POST', '/_search', 200, 'application/json', { took: 1, hits: { hits: 'none' } })).not.toEqual([]);
  });
});

/** Stages of Wazuh's integration tests replayed as they are written (file → test → stages). */
const REPLAY: Record<string, Record<string, string[] | 'all'>> = {
  'test_default_endpoints.tavern.yaml': { 'GET /': 'all' },
  'test_manager_endpoints.tavern.yaml': { 'GET /manager/status': 'all', 'GET /manager/info': 'all' },
  'test_cluster_endpoints.tavern.yaml': { 'GET /cluster/status': 'all' },
  'test_active_response_endpoints.tavern.yaml': { 'PUT /active-response/{:agent_id}': 'all', 'PUT /active-response': 'all' },
  'test_agent_PUT_endpoints.tavern.yaml': { 'PUT /agents/restart': 'all' },
  'test_agent_GET_endpoints.tavern.yaml': {
    'GET /agents/summary/status': 'all',
    'GET /agents': [
      'Get wazuh version',
      'Get all agents',
      'Get all agents inverse order',
      'Get all agents sorted by version in descending order',
      'Get all agents sorted by version in ascending order',
      'Get all agents sorted by status',
      'Pagination with offset 0 and limit 2',
      'Try to show agents using offset -1',
      'Try to show agents with offset not integer value',
      'Try to show agents with offset too large 9999999999999999999',
      'Try to show agents with limit 0',
      'Try to show agents with an invalid limit value',
      'Try to show agents with limit 999999',
      'Try to show agents using wrong sort',
      'Try to sort agents by internal key',
      'Search',
      'Search (Check injection)',
      'Try to show agents using a search with no return',
      'Filter select one field',
      'Filter select multiple fields',
      'Try to show agents using a not allowed selector',
      'Try to show agents using not allowed selector (invalid character)',
      "Filter by agent version following the 'wazuh vX.Y.Z' format",
      "Filter by agent version following the 'wazuh X.Y.Z' format",
      "Filter by agent version following the 'vX.Y.Z' format",
      "Filter by agent version following the 'X.Y.Z' format",
      'Try to show agents using a non existing version',
      'Try to show agents using an invalid version',
      'Filter by agent OS Platform',
      'Try to show agents using a non existing OS Platform',
    ],
  },
  'test_security_POST_endpoints.tavern.yaml': { 'POST /security/user/authenticate': ['Get an API token in raw format'] },
};

describe("Wazuh's own integration tests (tavern), replayed against the simulator", () => {
  for (const [file, tests] of Object.entries(REPLAY)) {
    it(file, async () => {
      sim = await startWazuhSimulator({ tls: false, agents: tavernAgents(), api: { cluster: { enabled: true, running: true } } });
      const login = await fetch(`${sim.apiUrl}/security/user/authenticate`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('wazuh:wazuh').toString('base64')}` } });
      const token = ((await login.json()) as { data: { token: string } }).data.token;
      const all = loadTavern(file);
      const problems: string[] = [];
      let replayed = 0;
      for (const [testName, wanted] of Object.entries(tests)) {
        const test = all.find((t) => t.test_name === testName);
        expect(test, `${file}: no test "${testName}"`).toBeDefined();
        const vars: Record<string, unknown> = { test_login_token: token, basic_auth: Buffer.from('wazuh:wazuh').toString('base64') };
        for (const stage of test!.stages) {
          if (wanted !== 'all' && !wanted.includes(stage.name)) continue;
          const url = /^\{protocol:s\}:\/\/\{host:s\}:\{\w+:d\}(\/.*)$/.exec(stage.request.url)?.[1];
          expect(url, `${stage.name}: url ${stage.request.url}`).toBeDefined();
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries((format(stage.request.params ?? {}, vars) as Record<string, unknown>) ?? {})) params.set(k, String(v).replace(/^True$/, 'true'));
          const headers = format(stage.request.headers ?? {}, vars) as Record<string, string>;
          const body = stage.request.json === undefined ? undefined : JSON.stringify(stage.request.json);
          if (body) headers['content-type'] = 'application/json';
          const res = await fetch(`${sim.apiUrl}${url}${params.size ? `?${params.toString().replace(/%2C/g, ',')}` : ''}`, {
            method: stage.request.method ?? 'GET',
            headers,
            ...(body ? { body } : {}),
          });
          const text = await res.text();
          const json = (() => {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              return text;
            }
          })();
          replayed++;
          const where = `${testName} / ${stage.name}`;
          if (stage.response.status_code !== undefined && res.status !== stage.response.status_code) problems.push(`${where}: status ${res.status}, expected ${stage.response.status_code}: ${text.slice(0, 200)}`);
          if (stage.response.json !== undefined) problems.push(...compare(format(stage.response.json, vars), json).map((d) => `${where}: ${d}`));
          for (const [name, path] of Object.entries(stage.response.save?.json ?? {})) vars[name] = pick(json, path);
          if (stage.name === 'Get an API token in raw format') expect(text).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        }
      }
      expect(replayed).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }
});
