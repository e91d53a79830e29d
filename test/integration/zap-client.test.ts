import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/core/logger.js';
import { captureLogger } from '../helpers/log-capture.js';
import { mapFindings } from '../../main/connectors/findings.js';
import { testConnectorConfig } from '../../main/connectors/registry.js';
import { staticCredentials, type CredentialSource } from '../../main/connectors/types.js';
import { zapAlertToFinding } from '../../main/connectors/zap/alerts.js';
import { ZapApiError, type ZapClient } from '../../main/connectors/zap/client.js';
import { ZapConnector } from '../../main/connectors/zap/connector.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { SimServer } from '../simulators/wazuh/server-kit.js';
import { startZapSimulator, zapConfig, type ZapSimOptions, type ZapSimulator } from '../simulators/zap/index.js';

const KEY = 'zap-sim-key-4d1f';
const apiKey = (key: string): CredentialSource => ({ get: async () => key });

let sim: ZapSimulator | undefined;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});
const current = () => sim!;


async function setup(opts: ZapSimOptions = {}, extra: { key?: string; config?: Record<string, unknown>; logger?: Logger } = {}) {
  const clock = virtualClock();
  sim = await startZapSimulator({ now: clock.now, ...opts });
  const connector = new ZapConnector(zapConfig(sim, extra.config), {
    credentials: apiKey(extra.key ?? KEY),
    clock,
    random: () => 0.5,
    retry: { maxAttempts: 2, baseDelayMs: 10 },
    ...(extra.logger ? { logger: extra.logger } : {}),
  });
  open.push(connector);
  return { sim, clock, connector, client: connector.client };
}

/** Spider, active scan, passive drain: the whole scan of one site. */
async function scanSite(client: ZapClient, url: string) {
  await client.accessUrl(url);
  const spider = await client.spiderScan(url);
  await client.waitForScan('spider', spider, { pollMs: 1000 });
  const ascan = await client.activeScan(url);
  const progress: number[] = [];
  await client.waitForScan('ascan', ascan, { pollMs: 2000, onProgress: (p) => progress.push(p) });
  await client.drainPassiveScan();
  return { spider, ascan, progress };
}

describe('ZAP connector: test() and health()', () => {
  it('recognises ZAP 2.x with the key in the header', async () => {
    const { connector } = await setup();
    const r = await connector.test();
    expect(r).toMatchObject({ ok: true, product: 'OWASP ZAP', version: '2.16.1', details: { 'passive scan backlog': '0' } });
    const h = await connector.health();
    expect(h).toMatchObject({ status: 'ok', version: '2.16.1', details: { 'active scans running': '0' } });
  });

  it('a wrong key, as ZAP answers it by default (connection closed, no answer): auth_failed', async () => {
    const { sim, connector } = await setup({}, { key: 'not-the-key' });
    const r = await connector.test();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('auth_failed');
    expect(r.failure.message).toMatch(/API key is wrong or missing/);
    expect(r.failure.message).toMatch(/api\.reportpermerrors/);
    expect(sim.zap.refusedKeys).toBeGreaterThan(0);
    expect((await connector.health()).status).toBe('auth_failed');
  });

  it('a wrong key with api.reportpermerrors: ZAP’s bad_api_key error, typed', async () => {
    const { connector, client } = await setup({ reportPermErrors: true }, { key: 'not-the-key' });
    const r = await connector.test();
    expect(!r.ok && r.failure).toMatchObject({ kind: 'auth_failed', status: 400, toolCode: 'bad_api_key', message: expect.stringMatching(/Invalid or missing API key/) });
    const e = await rejection(client.version());
    expect(e).toBeInstanceOf(ZapApiError);
    expect((e as ZapApiError).zapCode).toBe('bad_api_key');
  });

  it('no key in the keychain, or a password instead of a key: invalid_config before any request', async () => {
    const { sim } = await setup();
    const none = await testConnectorConfig(zapConfig(sim), { credentials: apiKey('') });
    expect(!none.ok && none.failure).toMatchObject({ kind: 'invalid_config', message: expect.stringMatching(/no API key/) });
    const pair = await testConnectorConfig(zapConfig(sim), { credentials: staticCredentials('zap', 'pw') });
    expect(!pair.ok && pair.failure.message).toMatch(/takes an API key/);
    expect(sim.zap.log).toHaveLength(0);
  });

  it('says when nothing listens, when ZAP does not answer in time, and when the address is not ZAP', async () => {
    const { connector } = await setup();
    const sim = current();
    sim.server.faults.inject({ kind: 'timeout', times: 10 });
    const slow = new ZapConnector(zapConfig(sim, { timeouts: { connectMs: 500, headersMs: 200, bodyMs: 200 } }), { credentials: apiKey(KEY), retry: { maxAttempts: 1 } });
    open.push(slow);
    expect((await slow.test()) as object).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    sim.server.faults.clear();

    const other = await new SimServer(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' }), { tls: false }).start();
    const wrong = new ZapConnector(zapConfig(sim, { url: other.url }), { credentials: apiKey(KEY), retry: { maxAttempts: 1 } });
    open.push(wrong, other);
    expect((await wrong.test()) as object).toMatchObject({ ok: false, failure: { kind: 'wrong_product', status: 404 } });

    await sim.close();
    const gone = await connector.test();
    expect(!gone.ok && gone.failure.kind).toBe('refused');
  });

  it('refuses a ZAP of another major version', async () => {
    const { connector } = await setup({ version: '3.0.0' });
    const r = await connector.test();
    expect(!r.ok && r.failure).toMatchObject({ kind: 'wrong_product', message: expect.stringMatching(/ZAP 3\.0\.0; Vigil speaks the ZAP 2\.x API/) });
  });
});

describe('ZAP scans', () => {
  it('spider, active scan, passive drain, then every alert once, as findings', async () => {
    const { sim, client } = await setup();
    const url = 'http://shop.test/';
    const { progress } = await scanSite(client, url);
    expect(progress.at(-1)).toBe(100);
    expect(progress.length).toBeGreaterThan(3);
    expect(await client.recordsToScan()).toBe(0);
    expect(await client.spiderResults('0')).toHaveLength(6);

    const alerts = [];
    for await (const page of client.alerts({ baseUrl: 'http://shop.test' }, { pageSize: 4 })) {
      expect(page.duplicates).toBe(0);
      expect(page.malformed).toBe(0);
      alerts.push(...page.alerts);
    }
    const ids = alerts.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(alerts.length).toBe(await client.numberOfAlerts({ baseUrl: 'http://shop.test' }));
    expect(alerts.length).toBe(sim.zap.alerts.length);
    const summary = await client.alertsSummary({ baseUrl: 'http://shop.test' });
    expect(summary.high + summary.medium + summary.low + summary.informational).toBe(alerts.length);
    expect(summary.high).toBeGreaterThan(0); // the active scan's
    expect(summary.medium).toBeGreaterThan(0); // the passive scanner's

    const { findings, rejected } = mapFindings(alerts, zapAlertToFinding);
    expect(rejected).toEqual([]);
    expect(findings.filter((f) => f.severity === 'high').every((f) => f.cweId === 89 || f.cweId === 79)).toBe(true);
    expect(new Set(findings.map((f) => f.key)).size).toBe(findings.length);

    const scans = await client.activeScans();
    expect(scans).toEqual([{ id: '0', progress: 100, state: 'FINISHED', requests: expect.any(Number), alerts: expect.any(Number), newAlerts: expect.any(Number) }]);
  });

  it('an active scan of a URL not in the Sites tree: url_not_found with the fix; fine after accessUrl', async () => {
    const { client } = await setup();
    const e = await rejection(client.activeScan('http://new.test/app'));
    expect(e).toBeInstanceOf(ZapApiError);
    expect(e.failure).toMatchObject({ kind: 'http_error', status: 400, toolCode: 'url_not_found' });
    expect(e.message).toMatch(/URL Not Found in the Scan Tree \(ZAP url_not_found\); the URL must be in ZAP’s Sites tree first/);
    await client.accessUrl('http://new.test/app');
    expect(await client.activeScan('http://new.test/app')).toBe('0');
  });

  it('unknown scans and bad arguments', async () => {
    const { sim, client } = await setup();
    const e = await rejection(client.scanStatus('spider', '42'));
    expect(e.failure).toMatchObject({ toolCode: 'does_not_exist', message: expect.stringMatching(/ZAP does not know it/) });
    const before = sim.zap.log.length;
    expect((await rejection(client.scanStatus('ascan', '1; DROP'))).kind).toBe('invalid_config');
    expect((await rejection(client.spiderScan('ftp://files.test/'))).kind).toBe('invalid_config');
    expect((await rejection(client.accessUrl('not a url'))).kind).toBe('invalid_config');
    expect(sim.zap.log.length).toBe(before); // refused before any request
  });

  it('stops a spider and an active scan (status 100 after a stop)', async () => {
    const { client } = await setup({ spiderMs: 600_000, ascanMs: 600_000 });
    await client.accessUrl('http://slow.test/');
    const s = await client.spiderScan('http://slow.test/');
    const a = await client.activeScan('http://slow.test/');
    expect(await client.scanStatus('spider', s)).toBeLessThan(100);
    await client.stopScan('spider', s);
    await client.stopScan('ascan', a);
    expect(await client.scanStatus('spider', s)).toBe(100);
    expect(await client.scanStatus('ascan', a)).toBe(100);
  });

  it('a scan that stalls is reported as stuck, with where it stands', async () => {
    const { client } = await setup({ stall: { ascan: 40 } });
    await client.accessUrl('http://stuck.test/');
    const id = await client.activeScan('http://stuck.test/');
    const e = await rejection(client.waitForScan('ascan', id, { pollMs: 5_000, stallMs: 60_000 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/the active scan 0 on ZAP \(simulator\) has not moved for 60 s \(40%\): it looks stuck/);
  });

  it('a passive backlog that does not drain in time is reported, not waited on forever', async () => {
    const { client } = await setup({ stall: { passive: true } });
    await client.accessUrl('http://backlog.test/a');
    await client.accessUrl('http://backlog.test/b');
    const e = await rejection(client.drainPassiveScan({ timeoutMs: 30_000 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/ZAP's passive scanner on ZAP \(simulator\) is not done after 30 s \(2 records still to scan; alerts read now would be incomplete\)/);
  });

  it('the drain timeout defaults to the configuration’s passiveScanTimeoutSeconds', async () => {
    const { clock, client } = await setup({ stall: { passive: true } }, { config: { passiveScanTimeoutSeconds: 45 } });
    await client.accessUrl('http://backlog.test/');
    const t0 = clock.now();
    await rejection(client.drainPassiveScan());
    expect(clock.now() - t0).toBeGreaterThanOrEqual(45_000);
    expect(clock.now() - t0).toBeLessThan(47_000);
  });

  it('slow answers: fine within the timeout, a timeout failure beyond it', async () => {
    // undici checks its timeouts on a coarse tick, so "slow" is well past the limit
    const { sim, client } = await setup({ slowMs: 1_200 });
    expect(await client.version()).toBe('2.16.1');
    const impatient = new ZapConnector(zapConfig(sim, { timeouts: { connectMs: 500, headersMs: 200, bodyMs: 200 } }), { credentials: apiKey(KEY), retry: { maxAttempts: 1 } });
    open.push(impatient);
    const r = await impatient.test();
    expect(!r.ok && r.failure.kind).toBe('timeout');
  });
});

describe('ZAP alert paging', () => {
  it('pages from start=1 so that no alert is read twice or skipped (ZAP’s start is 1-based)', async () => {
    const { sim, client } = await setup();
    sim.zap.addAlerts(1234, { falsePositives: 5 });
    const starts: number[] = [];
    const ids: string[] = [];
    for await (const page of client.alerts({}, { pageSize: 100 })) {
      starts.push(page.start);
      expect(page.duplicates).toBe(0);
      ids.push(...page.alerts.map((a) => a.id));
    }
    expect(starts.slice(0, 3)).toEqual([1, 101, 201]);
    expect(ids).toHaveLength(1229); // false positives are never listed
    expect(new Set(ids).size).toBe(1229);
    expect(ids).toEqual(sim.zap.alerts.filter((a) => a.confidence !== 'False Positive').map((a) => a.id));
    expect(await client.numberOfAlerts()).toBe(1229);
  });

  it('the simulator pages like ZAP: start=0 and start=1 are the same page, start=N begins with the N-th', async () => {
    const { sim } = await setup();
    sim.zap.addAlerts(10);
    const get = async (q: string) => {
      const res = await fetch(`${sim!.url}/JSON/alert/view/alerts/?${q}`, { headers: { 'x-zap-api-key': KEY } });
      return ((await res.json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id);
    };
    expect(await get('start=0&count=3')).toEqual(['0', '1', '2']);
    expect(await get('start=1&count=3')).toEqual(['0', '1', '2']);
    expect(await get('start=3&count=3')).toEqual(['2', '3', '4']); // 0-based paging would repeat '2'
    expect(await get('start=4&count=3')).toEqual(['3', '4', '5']);
  });

  it('filters by severity and base URL; refuses a start below 1', async () => {
    const { sim, client } = await setup();
    sim.zap.addAlerts(9, { site: 'http://a.test' });
    sim.zap.addAlerts(6, { site: 'http://b.test' });
    const count = async (filter: Parameters<ZapClient['alerts']>[0]) => {
      let n = 0;
      for await (const p of client.alerts(filter, { pageSize: 4 })) n += p.alerts.length;
      return n;
    };
    expect(await count({ baseUrl: 'http://b.test' })).toBe(6);
    expect(await count({ severity: 'medium' })).toBe(5);
    expect(await count({ baseUrl: 'http://a.test', severity: 'low' })).toBe(3);
    expect((await rejection(client.alertsPage({}, 0, 10))).kind).toBe('invalid_config');
  });

  it('an alert of the wrong shape is counted and logged, the others go on', async () => {
    const logger = captureLogger();
    const { sim, client } = await setup({}, { logger });
    sim.zap.addAlerts(5);
    (sim.zap.alerts[2] as unknown as Record<string, unknown>).risk = 'Catastrophic';
    const pages = [];
    for await (const p of client.alerts({}, { pageSize: 10 })) pages.push(p);
    expect(pages[0]!.alerts).toHaveLength(4);
    expect(pages[0]!.malformed).toBe(1);
    expect(logger.lines.some((l) => /ZAP alert without the expected shape/.test(l) && /risk/.test(l))).toBe(true);
  });
});

describe('the ZAP API key', () => {
  it('is read from the keychain once, and again after ZAP refuses it (a changed key is picked up)', async () => {
    const { sim } = await setup({ reportPermErrors: true });
    let key = 'old-key';
    let reads = 0;
    const c = new ZapConnector(zapConfig(sim), { credentials: { get: async () => (reads++, key) }, retry: { maxAttempts: 1 } });
    open.push(c);
    expect((await rejection(c.client.version())).kind).toBe('auth_failed');
    key = KEY;
    expect(await c.client.version()).toBe('2.16.1');
    await c.client.recordsToScan();
    await c.client.activeScans();
    expect(reads).toBe(2);
  });

  it('goes in the X-ZAP-API-Key header only: never in a URL, never in a log line', async () => {
    const logger = captureLogger();
    const { sim, client, connector } = await setup({}, { logger });
    sim.server.faults.inject({ kind: 'status', times: 1, path: '/JSON/spider/view/status/', reply: { status: 500, body: { code: 'internal_error', message: 'Internal Error' } } });
    sim.server.faults.inject({ kind: 'reset', times: 1, path: '/JSON/pscan/' });
    await connector.test();
    await scanSite(client, 'http://keys.test/');
    for await (const _ of client.alerts()) void _;
    await rejection(client.scanStatus('ascan', '77'));
    expect(sim.zap.log.length).toBeGreaterThan(20);
    for (const entry of sim.zap.log) {
      expect(entry.url).not.toContain(KEY);
      expect(entry.url).not.toMatch(/apikey/i);
      if (entry.url.startsWith('/JSON/')) expect(entry.keyHeader).toBe(KEY);
    }
    expect(sim.zap.keyInQuery).toBe(0);
    expect(logger.lines.length).toBeGreaterThan(0); // the faults were logged
    for (const line of logger.lines) expect(line).not.toContain(KEY);
  });
});
