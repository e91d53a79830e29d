import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ZapConnector } from '../../main/connectors/zap/connector.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { OpenApiValidator } from '../simulators/wazuh/openapi.js';
import type { Exchange } from '../simulators/wazuh/server-kit.js';
import { startZapSimulator, zapConfig, type ZapSimulator } from '../simulators/zap/index.js';

/**
 * Every request the ZAP client sends must name an operation of ZAP's own API definition
 * (zap-openapi-2.16.1.yaml) with only that operation's parameters and its required ones, and
 * every error the simulator answers must fit the spec's ErrorJson. The spec has no success
 * schemas (every operation documents only `default: ErrorJson`), so success bodies are not
 * checked here.
 */

const ZAP_SPEC = new OpenApiValidator({ file: fileURLToPath(new URL('../simulators/zap/spec/zap-openapi-2.16.1.yaml', import.meta.url)), dialect: '3.0' });
const KEY = 'zap-sim-key-4d1f';

/** Every API path ZapClient calls. */
const CLIENT_PATHS = [
  '/JSON/core/view/version/',
  '/JSON/core/action/accessUrl/',
  '/JSON/spider/action/scan/',
  '/JSON/spider/view/status/',
  '/JSON/spider/action/stop/',
  '/JSON/spider/view/results/',
  '/JSON/ascan/action/scan/',
  '/JSON/ascan/view/status/',
  '/JSON/ascan/action/stop/',
  '/JSON/ascan/view/scans/',
  '/JSON/pscan/view/recordsToScan/',
  '/JSON/alert/view/alerts/',
  '/JSON/alert/view/alertsSummary/',
  '/JSON/alert/view/numberOfAlerts/',
];

let sim: ZapSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the ZAP client against ZAP’s API definition', () => {
  it('sends only operations and parameters the spec defines; errors fit ErrorJson', async () => {
    const violations: string[] = [];
    const seen = new Set<string>();
    const check = (e: Exchange) => {
      const { method, path, query } = e.request;
      if (!path.startsWith('/JSON/')) return; // the API UI probe (HTML, no key) is not an API operation
      seen.add(path);
      violations.push(...ZAP_SPEC.checkRequest(method, path, query));
      if (e.reply.status >= 400) violations.push(...ZAP_SPEC.checkResponse(method, path, e.reply.status, e.contentType, e.body));
    };
    const clock = virtualClock();
    sim = await startZapSimulator({ now: clock.now, onExchange: check });
    const connector = new ZapConnector(zapConfig(sim), { credentials: { get: async () => KEY }, clock });
    const c = connector.client;
    try {
      await connector.test();
      await connector.health();
      await rejection(c.activeScan('http://spec.test/', { recurse: true, inScopeOnly: false, scanPolicyName: 'Default Policy', method: 'GET', postData: '', contextId: '1' }));
      await c.accessUrl('http://spec.test/', { followRedirects: true });
      const spider = await c.spiderScan('http://spec.test/', { maxChildren: 10, recurse: true, contextName: 'Default Context', subtreeOnly: false });
      await c.waitForScan('spider', spider);
      await c.spiderResults(spider);
      await c.stopScan('spider', spider);
      const ascan = await c.activeScan('http://spec.test/', { recurse: true, inScopeOnly: false });
      await c.waitForScan('ascan', ascan);
      await c.stopScan('ascan', ascan);
      await c.activeScans();
      await c.drainPassiveScan();
      for await (const _ of c.alerts({ baseUrl: 'http://spec.test', severity: 'high' }, { pageSize: 2 })) void _;
      await c.alertsSummary({ baseUrl: 'http://spec.test' });
      await c.numberOfAlerts({ baseUrl: 'http://spec.test', severity: 'low' });
      await rejection(c.scanStatus('ascan', '99'));
    } finally {
      await connector.close();
    }
    expect(violations).toEqual([]);
    expect([...seen].sort()).toEqual([...CLIENT_PATHS].sort());
  });

  it('the check is not vacuous: it flags the apikey parameter, unknown names and missing required ones', () => {
    expect(ZAP_SPEC.checkRequest('GET', '/JSON/core/view/version/', new URLSearchParams('apikey=x'))).toEqual(['GET /JSON/core/view/version/: unknown query parameter "apikey"']);
    expect(ZAP_SPEC.checkRequest('GET', '/JSON/core/action/accessUrl/', new URLSearchParams(''))).toEqual(['GET /JSON/core/action/accessUrl/: missing required query parameter "url"']);
    expect(ZAP_SPEC.checkRequest('GET', '/JSON/ascan/view/nothing/', new URLSearchParams(''))[0]).toMatch(/no such operation/);
    expect(ZAP_SPEC.checkResponse('GET', '/JSON/core/view/version/', 400, 'application/json', { message: 'no code' })[0]).toMatch(/code/);
  });
});
