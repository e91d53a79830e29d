import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/core/logger.js';
import { captureLogger } from '../helpers/log-capture.js';
import { SpiderFootApiError } from '../../main/connectors/spiderfoot/client.js';
import { SpiderFootConnector } from '../../main/connectors/spiderfoot/connector.js';
import { testConnectorConfig } from '../../main/connectors/registry.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { spiderFootConfig, spiderFootHarness, type SpiderFootSimOptions } from '../simulators/spiderfoot/index.js';
import { startZapSimulator } from '../simulators/zap/index.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function setup(opts: SpiderFootSimOptions = {}, config: Record<string, unknown> = {}, logger?: Logger) {
  const h = await spiderFootHarness(opts, { config, ...(logger ? { logger } : {}) });
  open.push(h);
  return h;
}

describe('SpiderFoot connector: test() and health()', () => {
  it('recognises SpiderFoot 4 and says which zone its dates are read in', async () => {
    const { connector } = await setup();
    expect(await connector.test()).toMatchObject({ ok: true, product: 'SpiderFoot', version: '4.0.0', details: { 'server time zone': 'UTC', login: 'none' } });
    expect(await connector.health()).toMatchObject({ status: 'ok', version: '4.0.0', details: { scans: '0', 'scans running': '0' } });
  });

  it('without a configured zone, says the dates are read as UTC by assumption', async () => {
    const { connector } = await setup({}, { serverTimeZone: null });
    const r = await connector.test();
    expect(r.ok && r.details['server time zone']).toMatch(/UTC \(assumed/);
  });

  it('not SpiderFoot: another product, a 404 page, an old SpiderFoot', async () => {
    const { sim } = await setup({ version: '3.5' });
    const old = await testConnectorConfig(spiderFootConfig(sim), { credentials: staticCredentials('admin', 'x') });
    expect(!old.ok && old.failure).toMatchObject({ kind: 'wrong_product', message: expect.stringMatching(/SpiderFoot 3\.5; Vigil speaks the SpiderFoot 4 web API/) });
    const zap = await startZapSimulator();
    open.push(zap);
    const r = await testConnectorConfig(spiderFootConfig(sim, { url: zap.url }), { credentials: staticCredentials('admin', 'x'), retry: { maxAttempts: 1 } });
    expect(!r.ok && r.failure).toMatchObject({ kind: 'wrong_product', message: expect.stringMatching(/not SpiderFoot's web API/) });
  });

  it('nothing listening, and an answer that does not come', async () => {
    const { sim, connector } = await setup({ slowMs: 1_200 });
    const impatient = new SpiderFootConnector(spiderFootConfig(sim, { timeouts: { connectMs: 500, headersMs: 200, bodyMs: 200 } }), { credentials: staticCredentials('a', 'b'), retry: { maxAttempts: 1 } });
    open.push(impatient);
    expect((await impatient.test()) as object).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect((await connector.test()).ok).toBe(true); // slow, but within its 3 s
    await sim.close();
    const r = await connector.test();
    expect(!r.ok && r.failure.kind).toBe('refused');
  });
});

describe('SpiderFoot scans', () => {
  it('starts a scan with all five fields and Accept: application/json, follows it to FINISHED, reads its events', async () => {
    const { sim, client } = await setup();
    const id = await client.startScan({ name: 'vigil-1', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    const req = sim.sf.requests.find((r) => r.path === '/startscan')!;
    expect(req).toMatchObject({ method: 'POST', accept: 'application/json', params: { scanname: 'vigil-1', scantarget: '127.0.0.1', modulelist: 'sfp_portscan_tcp', typelist: '', usecase: '' } });

    const early = await client.scanStatus(id);
    expect(early).toMatchObject({ name: 'vigil-1', status: 'STARTING', finished: { utc: null } });
    const seen: string[] = [];
    const done = await client.waitForScan(id, { pollMs: 2_000, onStatus: (s) => seen.push(s.status) });
    expect(done.value.status).toBe('FINISHED');
    expect(seen).toContain('RUNNING');
    expect(done.value.finished.utc).not.toBeNull();

    const list = await client.scanList();
    expect(list.malformed).toEqual([]);
    expect(list.items).toEqual([expect.objectContaining({ id, name: 'vigil-1', target: '127.0.0.1', status: 'FINISHED', eventCount: 2, risk: { high: 0, medium: 0, low: 0, info: 0 } })]);

    const events = await client.scanEvents(id);
    expect(events.items.map((e) => e.eventType)).toEqual(['ROOT', 'IP_ADDRESS', 'TCP_PORT_OPEN']);
    const { findings, rejected, malformed } = await client.findings(id);
    expect([rejected, malformed]).toEqual([[], 0]);
    expect(findings.map((f) => f.title)).toEqual(['IP Address: 127.0.0.1', 'Open TCP Port: 127.0.0.1:8888']);
    expect(findings[1]).toMatchObject({ asset: { host: '127.0.0.1', port: 8888, protocol: 'tcp' }, observedAt: expect.stringMatching(/Z$/) });

    const summary = await client.scanSummary(id);
    expect(summary.items.map((r) => [r.key, r.description, r.total])).toEqual([
      ['IP_ADDRESS', 'IP Address', 1],
      ['TCP_PORT_OPEN', 'Open TCP Port', 1],
    ]);
  });

  it('SpiderFoot’s refusals come back in its words; bad input is refused before any request', async () => {
    const { sim, client } = await setup();
    const e = await rejection(client.startScan({ name: 'x', target: 'not a target!', modules: ['sfp_portscan_tcp'] }));
    expect(e).toBeInstanceOf(SpiderFootApiError);
    expect(e.failure).toMatchObject({ kind: 'http_error', toolCode: 'ERROR', status: 200, message: expect.stringMatching(/\/startscan: Unrecognised target type\.$/) });
    const n = sim.sf.requests.length;
    expect((await rejection(client.startScan({ name: 'x', target: '127.0.0.1' }))).message).toMatch(/needs modules, event types or a use case/);
    expect((await rejection(client.startScan({ name: 'x', target: '127.0.0.1', modules: ['dnsresolve; rm'] }))).kind).toBe('invalid_config');
    expect((await rejection(client.scanStatus('A,B'))).kind).toBe('invalid_config');
    expect(sim.sf.requests.length).toBe(n);
    expect(await client.scanStatus('NOPE')).toBeNull();
  });

  it('starts by event types or by use case too', async () => {
    const { sim, client } = await setup();
    await client.startScan({ name: 't', target: 'example.org', types: ['TCP_PORT_OPEN'] });
    await client.startScan({ name: 'u', target: 'Example.ORG', useCase: 'passive' });
    const list = (await client.scanList()).items;
    expect(list.map((s) => s.target)).toEqual(['example.org', 'example.org']); // SpiderFoot lower-cases targets
    expect(sim.sf.requests.filter((r) => r.path === '/startscan').map((r) => [r.params.typelist, r.params.usecase])).toEqual([
      ['TCP_PORT_OPEN', ''],
      ['', 'passive'],
    ]);
  });

  it('stops a running scan (ABORT-REQUESTED, then ABORTED); a scan that is over is not an error', async () => {
    const { client } = await setup();
    const id = await client.startScan({ name: 'stop-me', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    expect(await client.stopScan(id)).toEqual({ stopped: true });
    expect((await client.scanStatus(id))!.status).toBe('ABORT-REQUESTED');
    expect((await client.waitForScan(id, { pollMs: 2_000 })).value.status).toBe('ABORTED');
    expect(await client.stopScan(id)).toEqual({ stopped: false, reason: `Scan ${id} has already aborted.` });
    const unknown = await rejection(client.stopScan('NOPE'));
    expect(unknown.failure).toMatchObject({ kind: 'http_error', status: 404, toolCode: '404', message: expect.stringMatching(/Scan NOPE does not exist/) });
  });

  it('a scan in ERROR-FAILED is over; stopscan refuses it with SpiderFoot’s reason', async () => {
    const { sim, client } = await setup();
    const id = await client.startScan({ name: 'f', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    sim.sf.force(id, 'ERROR-FAILED');
    expect((await client.waitForScan(id)).value.status).toBe('ERROR-FAILED');
    sim.sf.force(id, 'CREATED');
    expect(await client.stopScan(id)).toEqual({ stopped: false, reason: "The running scan is currently in the state 'CREATED', please try again later or restart SpiderFoot." });
  });

  it('a scan that stalls is reported as stuck', async () => {
    const { client } = await setup({ stall: true });
    const id = await client.startScan({ name: 's', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    const e = await rejection(client.waitForScan(id, { pollMs: 10_000, stallMs: 120_000 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/SpiderFoot scan [0-9A-F]{8} on SpiderFoot \(simulator\) has not moved for 120 s \(RUNNING\): it looks stuck/);
  });

  it('a 303 instead of JSON (Accept lost on the way) still yields the started scan', async () => {
    const logger = captureLogger();
    const { sim, client } = await setup({}, {}, logger);
    sim.server.faults.inject({ kind: 'status', times: 1, path: '/startscan', reply: { status: 303, headers: { location: `${sim.url}/scaninfo?id=38357E51`, 'content-type': 'text/html;charset=utf-8' }, body: 'This resource can be found at ...' } });
    expect(await client.startScan({ name: 'n', target: '127.0.0.1', modules: ['sfp__stor_db'] })).toBe('38357E51');
    expect(logger.lines.some((l) => /redirect/.test(l))).toBe(true);
  });

  it('a scan start is sent once: a connection lost after sending is reported, not repeated', async () => {
    const { sim, client } = await setup();
    sim.server.faults.inject({ kind: 'reset', times: 1, path: '/startscan' });
    const before = sim.server.requests;
    const e = await rejection(client.startScan({ name: 'once', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] }));
    expect(e.message).toMatch(/may have been carried out/);
    expect(sim.server.requests - before).toBe(1);
    expect(sim.server.faults.served.reset).toBe(1);
  });

  it('CherryPy’s 404 page (a missing parameter) is a typed error', async () => {
    const { sim, client } = await setup();
    sim.server.faults.inject({ kind: 'status', times: 1, path: '/scanstatus', reply: { status: 404, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><h4>Not Found</h4></html>' } });
    const e = await rejection(client.scanStatus('ABCDEF01'));
    expect(e.failure).toMatchObject({ kind: 'http_error', status: 404, toolCode: 'not_found', message: expect.stringMatching(/required parameter is missing/) });
  });
});

describe('SpiderFoot data', () => {
  it('unescapes data for display and keeps it raw; a row of the wrong shape is counted, the rest read', async () => {
    const logger = captureLogger();
    const { sim, client } = await setup({}, {}, logger);
    const id = await client.startScan({ name: 'd', target: 'example.org', modules: ['sfp__stor_db'] });
    await client.waitForScan(id, { pollMs: 5_000 });
    const during = sim.sf.scans.get(id)!.created + 1_000;
    sim.sf.addEvents(id, [
      { type: 'RAW_RIR_DATA', data: '<b>Tom & Jerry\'s "site"</b>', risk: 50, generated: during },
      { type: 'MALICIOUS_IPADDR', data: '10.9.9.9', risk: 500, generated: during },
    ]);
    sim.sf.addCorrelation(id, { id: 'c-1', title: 'example.org is on a blocklist', ruleId: 'blacklisted', ruleRisk: 'HIGH', ruleName: 'Blacklisted', ruleDescr: 'A blocklist names it.', ruleLogic: '{}', eventCount: 1 });
    const events = await client.scanEvents(id);
    const raw = events.items.find((e) => e.eventType === 'RAW_RIR_DATA')!;
    expect(raw.data).toBe('<b>Tom & Jerry\'s "site"</b>');
    expect(raw.dataRaw).toBe('&lt;b&gt;Tom &amp; Jerry&#x27;s &quot;site&quot;&lt;/b&gt;');
    expect(events.malformed).toHaveLength(1);
    expect(events.malformed[0]!.reason).toMatch(/position 6/);
    expect(logger.lines.some((l) => /rows without the expected shape/.test(l))).toBe(true);

    const f = await client.findings(id);
    expect(f.malformed).toBe(1);
    expect(f.findings.find((x) => x.ruleId === 'RAW_RIR_DATA')).toMatchObject({ severity: 'medium', evidence: '<b>Tom & Jerry\'s "site"</b>' });
    expect(f.findings.find((x) => x.ruleId === 'blacklisted')).toMatchObject({ severity: 'high', title: 'example.org is on a blocklist' });
    expect((await client.scanStatus(id))!.risk).toEqual({ high: 1, medium: 0, low: 0, info: 0 });
  });

  it('reads the server’s local times in the configured zone', async () => {
    const { sim, client } = await setup({ timeZone: 'Europe/Paris' }, { serverTimeZone: 'Europe/Paris' });
    const id = await client.startScan({ name: 'tz', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    const s = await client.scanStatus(id);
    const created = sim.sf.scans.get(id)!.created;
    expect(s!.created.utc).toBe(new Date(Math.floor(created / 1000) * 1000).toISOString());
    expect(s!.created.local).not.toBe(new Date(created).toISOString().slice(0, 19).replace('T', ' ')); // Paris is not UTC
    expect(s!.finished).toMatchObject({ local: '1970-01-01 01:00:00', utc: null }); // the epoch in Paris: running
  });
});
