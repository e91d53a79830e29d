import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorConfig, ConnectorHealth, Sha256Fingerprint, TlsTrust } from '../../main/contract/connectors.js';
import { HealthMonitor, healthOfError, statusOfFailure } from '../../main/connectors/health.js';
import { REDACTED, redactString, redactValue } from '../../main/connectors/redact.js';
import { ConnectorRegistry, createConnector, parseConnectorConfig, testConnectorConfig } from '../../main/connectors/registry.js';
import { connectorFailure, staticCredentials } from '../../main/connectors/types.js';
import { decodeJwt, WazuhApiConnector, wazuhVersion } from '../../main/connectors/wazuh/api.js';
import { WazuhIndexerConnector } from '../../main/connectors/wazuh/indexer.js';
import { virtualClock } from '../simulators/wazuh/clock.js';

const FP = 'AB:'.repeat(31) + 'CD';
afterEach(() => {
  vi.useRealTimers();
});

describe('connector configuration (contract schemas)', () => {
  it('fills the defaults: system trust, 60 s polling, 30 s health TTL, 300 requests/min for the Wazuh API', () => {
    const c = ConnectorConfig.parse({ kind: 'wazuh-api', id: 'wazuh-prod', name: 'Wazuh', url: 'https://wazuh.example:55000/', username: 'wazuh-wui' });
    expect(c).toMatchObject({
      url: 'https://wazuh.example:55000',
      enabled: true,
      trust: { mode: 'system' },
      pollIntervalSeconds: 60,
      healthTtlSeconds: 30,
      requestsPerMinute: 300,
      timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 },
    });
    const i = ConnectorConfig.parse({ kind: 'wazuh-indexer', id: 'idx', name: 'Indexer', url: 'https://10.0.0.5:9200', username: 'admin' });
    expect(i).toMatchObject({ index: 'wazuh-alerts-*', backfillHours: 24, pageSize: 1000 });
  });

  it('says exactly what is wrong', () => {
    const bad = (input: Record<string, unknown>) => {
      try {
        parseConnectorConfig({ kind: 'wazuh-api', id: 'w', name: 'W', url: 'https://w:55000', username: 'u', ...input });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(bad({ url: 'https://wazuh:secret@w:55000' })).toMatch(/url: put credentials in the keychain/);
    expect(bad({ url: 'ftp://w' })).toMatch(/url: a URL such as https/);
    expect(bad({ url: 'https://w:55000/?token=x' })).toMatch(/takes no query/);
    expect(bad({ url: 'http://w:55000', trust: { mode: 'pin', sha256: FP } })).toMatch(/trust: trust mode "pin" needs an https URL/);
    expect(bad({ trust: { mode: 'pin', sha256: 'abc' } })).toMatch(/trust.sha256: a SHA-256 fingerprint is 64 hex digits/);
    expect(bad({ trust: { mode: 'insecure' } })).toMatch(/trust/);
    expect(bad({ id: 'Has Spaces' })).toMatch(/id: lower-case letters/);
    expect(bad({ password: 'x' })).toMatch(/password/); // unknown key: secrets never go into a configuration
    expect(bad({ requestsPerMinute: 0 })).toMatch(/requestsPerMinute/);
    expect(bad({})).toBe('');
  });

  it('normalises fingerprints to AA:BB:.. upper case', () => {
    expect(Sha256Fingerprint.parse(FP.toLowerCase().replace(/:/g, ''))).toBe(FP);
    expect(TlsTrust.parse({ mode: 'pin', sha256: FP.toLowerCase() })).toEqual({ mode: 'pin', sha256: FP });
  });
});

describe('registry', () => {
  const api = { kind: 'wazuh-api', id: 'wazuh', name: 'Wazuh', url: 'https://127.0.0.1:1', username: 'wazuh' };
  const idx = { kind: 'wazuh-indexer', id: 'indexer', name: 'Indexer', url: 'https://127.0.0.1:1', username: 'admin' };

  it('builds each kind from its configuration and describes it without a secret', async () => {
    const a = createConnector(api, { credentials: staticCredentials('wazuh', 'hunter2-secret') });
    const i = createConnector(idx, { credentials: staticCredentials('admin', 'hunter2-secret') });
    expect(a).toBeInstanceOf(WazuhApiConnector);
    expect(i).toBeInstanceOf(WazuhIndexerConnector);
    expect(JSON.stringify([a.describe(), i.describe()])).not.toContain('hunter2');
    expect(a.describe()).toMatchObject({ kind: 'wazuh-api', product: 'Wazuh API', trust: 'system CAs' });
    await Promise.all([a.close(), i.close()]);
    expect(() => createConnector({ ...api, kind: 'nessus' }, { credentials: staticCredentials('a', 'b') })).toThrow(/invalid connector configuration: kind/);
  });

  it('testing a configuration before saving it: an invalid one is a failed result naming each problem', async () => {
    const r = await testConnectorConfig({ ...api, url: 'https://u:p@host', trust: { mode: 'pin', sha256: 'zz' } }, { credentials: staticCredentials('wazuh', 'pw') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('invalid_config');
    expect(r.failure.message).toMatch(/url: put credentials in the keychain/);
    expect(r.failure.message).toMatch(/trust.sha256/);
    const refused = await testConnectorConfig(api, { credentials: staticCredentials('wazuh', 'pw'), retry: { maxAttempts: 1 } });
    expect(!refused.ok && refused.failure.kind).toBe('refused');
  });

  it('keeps connectors by id with cached health, and replaces one on a new configuration', async () => {
    const clock = virtualClock();
    const asked: string[] = [];
    const reg = new ConnectorRegistry({ clock, retry: { maxAttempts: 1 }, credentialsFor: (id) => (asked.push(id), staticCredentials(id === 'wazuh' ? 'wazuh' : 'admin', 'pw')) });
    await reg.set(api);
    await reg.set(idx);
    expect(reg.list().map((c) => c.id)).toEqual(['wazuh', 'indexer']);
    expect(asked).toEqual(['wazuh', 'indexer']);
    const h = await reg.health('wazuh');
    expect(h.status).toBe('down');
    expect(h.lastError?.failure.kind).toBe('refused');
    expect(await reg.health('wazuh')).toBe(h); // cached
    const replaced = await reg.set({ ...api, name: 'Wazuh (renamed)' });
    expect(reg.get('wazuh')).toBe(replaced);
    await expect(reg.health('nope')).rejects.toThrow(/no connector "nope"/);
    await reg.close();
    expect(reg.list()).toEqual([]);
  });
});

describe('HealthMonitor', () => {
  it('shares one probe between concurrent callers and turns a throwing probe into a health record', async () => {
    const clock = virtualClock();
    let release!: () => void;
    let calls = 0;
    const changes: string[] = [];
    const m = new HealthMonitor(
      () => {
        calls++;
        return new Promise((_resolve, reject) => {
          release = () => reject(connectorFailure('auth_failed', 'Wazuh rejected the password'));
        });
      },
      { ttlMs: 30_000, clock, onChange: (h) => changes.push(h.status) },
    );
    const a = m.get();
    const b = m.get();
    const c = m.refresh();
    await new Promise((r) => setImmediate(r));
    release();
    const [ha, hb, hc] = await Promise.all([a, b, c]);
    expect(calls).toBe(1);
    expect(ha).toBe(hb);
    expect(hb).toBe(hc);
    expect(ConnectorHealth.parse(ha).status).toBe('auth_failed');
    expect(ha.lastError?.failure.message).toBe('Wazuh rejected the password');
    expect(changes).toEqual(['auth_failed']);
    expect(m.peek()).toBe(ha);
  });

  it('refreshes in the background every TTL until stopped', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const ok = ConnectorHealth.parse({ status: 'ok', version: '4.14.7', latencyMs: 1, lastError: null, checkedAt: new Date(0).toISOString() });
    const m = new HealthMonitor(async () => (calls++, ok), { ttlMs: 30_000 });
    m.start();
    await vi.advanceTimersByTimeAsync(95_000);
    expect(calls).toBe(4); // at start, then at 30, 60 and 90 s
    m.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(4);
  });

  it('maps failure kinds to health statuses', () => {
    expect(statusOfFailure({ kind: 'tls_untrusted', message: '' })).toBe('untrusted_certificate');
    expect(statusOfFailure({ kind: 'tls_mismatch', message: '' })).toBe('untrusted_certificate');
    expect(statusOfFailure({ kind: 'forbidden', message: '' })).toBe('auth_failed');
    expect(statusOfFailure({ kind: 'rate_limited', message: '' })).toBe('degraded');
    expect(statusOfFailure({ kind: 'timeout', message: '' })).toBe('down');
    expect(healthOfError(new Error('boom'), new Date(0)).lastError?.failure).toEqual({ kind: 'network', message: 'boom' });
  });
});

describe('redaction', () => {
  it('cuts schemes, JWTs, password pairs and known secrets out of strings', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3In0.sig_nature-123';
    const s = redactString(`Authorization: Bearer abc.def and Basic d2F6dWg6d2F6dWg= and ${jwt} /x?password=hunter2&limit=5 my-own-secret`, ['my-own-secret']);
    expect(s).not.toMatch(/abc\.def|d2F6dWg6|eyJ|hunter2|my-own-secret/);
    expect(s).toContain('limit=5');
  });

  it('replaces secret-named fields at any depth', () => {
    expect(redactValue({ headers: { Authorization: 'x', accept: 'json' }, body: { password: 'p', user: 'u', api_key: 'k' }, list: [{ token: 't' }] })).toEqual({
      headers: { Authorization: REDACTED, accept: 'json' },
      body: { password: REDACTED, user: 'u', api_key: REDACTED },
      list: [{ token: REDACTED }],
    });
  });
});

describe('Wazuh helpers', () => {
  it('decodes exp and nbf of a JWT and tolerates garbage', () => {
    const payload = Buffer.from(JSON.stringify({ nbf: 100, exp: 1000, sub: 'wazuh' })).toString('base64url');
    expect(decodeJwt(`h.${payload}.s`)).toEqual({ nbf: 100, exp: 1000, iat: undefined });
    expect(decodeJwt('not a token')).toEqual({});
    expect(decodeJwt('a.%%%.c')).toEqual({});
  });

  it('reads versions in every form Wazuh writes them', () => {
    expect(wazuhVersion('v4.14.7')).toEqual([4, 14]);
    expect(wazuhVersion('Wazuh v4.7.4')).toEqual([4, 7]);
    expect(wazuhVersion('5.0.0')).toEqual([5, 0]);
    expect(wazuhVersion('unknown')).toBeNull();
  });
});
