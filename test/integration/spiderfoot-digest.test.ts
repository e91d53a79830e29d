import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/core/logger.js';
import { captureLogger } from '../helpers/log-capture.js';
import { SpiderFootConfig } from '../../main/contract/connectors.js';
import { SpiderFootConnector } from '../../main/connectors/spiderfoot/connector.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { pythonWithCherryPy, startCherryPy, type CherryPyServer } from '../simulators/spiderfoot/cherrypy.js';
import { spiderFootConfig, spiderFootHarness } from '../simulators/spiderfoot/index.js';

const PASSWORD = 'c0rrect-h0rse';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function setup(password = PASSWORD, username: string | null = 'admin', logger?: Logger) {
  const h = await spiderFootHarness({ users: { admin: PASSWORD } }, { config: { username }, password, ...(logger ? { logger } : {}) });
  open.push(h);
  return h;
}

describe('SpiderFoot behind its Digest login (simulated CherryPy auth_digest)', () => {
  it('logs in on the first challenge, then sends Authorization up front with nc counting up', async () => {
    const { sim, connector, client } = await setup();
    expect(await connector.test()).toMatchObject({ ok: true, details: { login: 'HTTP Digest as admin' } });
    const id = await client.startScan({ name: 'auth', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] });
    await client.scanStatus(id);
    await client.stopScan(id);
    const log = sim.sf.digestLog;
    expect(log.map((r) => [r.method, r.uri, r.nc, r.outcome])).toEqual([
      ['GET', '/ping', '00000001', 'ok'],
      ['POST', '/startscan', '00000002', 'ok'],
      ['GET', `/scanstatus?id=${id}`, '00000003', 'ok'],
      ['POST', `/stopscan?id=${id}`, '00000004', 'ok'],
    ]);
    expect(new Set(log.map((r) => r.nonce)).size).toBe(1);
    expect(log.every((r) => r.uriMatches)).toBe(true);
    // one unauthenticated request in all: the first /ping, answered with the challenge
    expect(sim.sf.requests.length).toBe(log.length + 1);
    expect(sim.sf.scans.size).toBe(1); // the POST went through once
  });

  it('a stale nonce (older than 10 minutes) is renewed without a wrong-password error', async () => {
    const { sim, clock, client } = await setup();
    await client.ping();
    clock.advance(11 * 60_000);
    expect(await client.ping()).toBe('4.0.0');
    const [first, stale, renewed] = sim.sf.digestLog;
    expect(stale).toMatchObject({ outcome: 'stale', nonce: first!.nonce, nc: '00000002' });
    expect(renewed).toMatchObject({ outcome: 'ok', nc: '00000001' });
    expect(renewed!.nonce).not.toBe(first!.nonce);
  });

  it('a restarted SpiderFoot (new nonce key) is logged in again', async () => {
    const { sim, client } = await setup();
    await client.ping();
    sim.sf.restart();
    expect(await client.ping()).toBe('4.0.0');
    expect(sim.sf.digestLog.map((r) => r.outcome)).toEqual(['ok', 'refused', 'ok']);
  });

  it('reads the password at each login, not for every request: a changed one is picked up', async () => {
    const h = await spiderFootHarness({ users: { admin: PASSWORD } }, { config: { username: 'admin' } });
    open.push(h);
    let password = 'old-password';
    let reads = 0;
    const c = new SpiderFootConnector(spiderFootConfig(h.sim, { username: 'admin' }), { credentials: { get: async () => (reads++, { username: 'admin', password }) }, clock: h.clock });
    open.push(c);
    expect((await rejection(c.client.ping())).kind).toBe('auth_failed');
    expect(reads).toBe(1);
    password = PASSWORD;
    for (let i = 0; i < 5; i++) expect(await c.client.ping()).toBe('4.0.0');
    expect(reads).toBe(2);
  });

  it('a wrong password is auth_failed after one try, and the health says so', async () => {
    const { sim, connector } = await setup('wrong-password');
    const r = await connector.test();
    expect(!r.ok && r.failure).toMatchObject({ kind: 'auth_failed', status: 401, message: expect.stringMatching(/refused the login of "admin" \(HTTP Digest, realm "127\.0\.0\.1"\): wrong user name or password/) });
    expect(sim.sf.requests).toHaveLength(2); // the challenge, one refused login: no hammering
    expect((await connector.health()).status).toBe('auth_failed');
  });

  it('no user name configured while SpiderFoot asks for a login: says what to set', async () => {
    const { connector } = await setup(PASSWORD, null);
    const r = await connector.test();
    expect(!r.ok && r.failure).toMatchObject({ kind: 'auth_failed', message: expect.stringMatching(/asks for a login \(HTTP Digest, realm "127\.0\.0\.1"\): set the user name/) });
  });

  it('the password and the Authorization header never reach a log line', async () => {
    const logger = captureLogger();
    const { sim, client } = await setup(PASSWORD, 'admin', logger);
    sim.server.faults.inject({ kind: 'status', times: 1, path: '/scanlist', reply: { status: 503, body: 'busy' } });
    sim.server.faults.inject({ kind: 'reset', times: 1, path: '/scanlist' });
    await client.ping();
    await rejection(client.scanList());
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toMatch(/response=|cnonce=/);
    }
  });
});

const python = pythonWithCherryPy();

// Where CherryPy is installed (Debian: python3-cherrypy3), the client logs in to CherryPy's own
// auth_digest configured as SpiderFoot configures it: the hashes are the ones a real server accepts.
describe.skipIf(!python)('SpiderFoot’s login against the real CherryPy auth_digest', () => {
  let server: CherryPyServer;
  beforeAll(async () => {
    server = await startCherryPy(python!, 'admin', PASSWORD);
  }, 30_000);
  afterAll(async () => {
    await server?.close();
  });

  const config = (extra: Record<string, unknown> = {}) =>
    SpiderFootConfig.parse({ kind: 'spiderfoot', id: 'sf-cherrypy', name: 'SpiderFoot (CherryPy)', url: server.url, username: 'admin', serverTimeZone: 'UTC', ...extra });

  it('is accepted on GET and POST, with nc counting up on one nonce', async () => {
    const c = new SpiderFootConnector(config(), { credentials: staticCredentials('admin', PASSWORD) });
    try {
      expect(await c.test()).toMatchObject({ ok: true, version: '4.0.0' });
      for (let i = 0; i < 3; i++) expect(await c.client.scanStatus('ABCDEF01')).toBeNull();
      expect(await c.client.startScan({ name: 'real', target: '127.0.0.1', modules: ['sfp_portscan_tcp'] })).toBe('C0FFEE42');
      expect(await c.client.stopScan('C0FFEE42')).toEqual({ stopped: true });
    } finally {
      await c.close();
    }
  });

  it('refuses a wrong password', async () => {
    const c = new SpiderFootConnector(config(), { credentials: staticCredentials('admin', 'nope') });
    try {
      const r = await c.test();
      expect(!r.ok && r.failure).toMatchObject({ kind: 'auth_failed', message: expect.stringMatching(/wrong user name or password/) });
    } finally {
      await c.close();
    }
  });
});
