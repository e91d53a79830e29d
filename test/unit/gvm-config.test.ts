import { describe, expect, it } from 'vitest';
import { ConnectorConfig, GvmConfig } from '../../main/contract/connectors.js';
import { gmpTargetOf } from '../../main/connectors/gvm/connector.js';

/** The Greenbone connector's address: GMP over TLS or gvmd's unix socket, never HTTP. */
describe('GvmConfig', () => {
  const base = { kind: 'gvm', id: 'gvm', name: 'gvmd', username: 'admin' };
  const issues = (input: unknown) => {
    const r = ConnectorConfig.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes tls://host[:port] (9390 by default) and unix:///path, with the trust that applies', () => {
    const tls = GvmConfig.parse({ ...base, url: 'tls://gvm.lab.example/' });
    expect(tls).toMatchObject({ url: 'tls://gvm.lab.example', minQod: 70, includeLog: true, trust: { mode: 'system' } });
    expect(gmpTargetOf(tls)).toEqual({ kind: 'tls', host: 'gvm.lab.example', port: 9390 });
    const pinned = GvmConfig.parse({ ...base, url: 'tls://[::1]:9391', trust: { mode: 'pin', sha256: 'ab'.repeat(32) } });
    expect(gmpTargetOf(pinned)).toEqual({ kind: 'tls', host: '::1', port: 9391, fingerprint256: Array(32).fill('AB').join(':') });
    expect(gmpTargetOf(GvmConfig.parse({ ...base, url: 'tls://10.0.0.2', trust: { mode: 'ca', caFile: '/etc/gvm/ca.pem' } }))).toMatchObject({ caFile: '/etc/gvm/ca.pem' });
    expect(gmpTargetOf(GvmConfig.parse({ ...base, url: 'unix:///run/gvmd/gvmd.sock' }))).toEqual({ kind: 'unix', path: '/run/gvmd/gvmd.sock' });
  });

  it('names what is wrong with an address', () => {
    expect(issues({ ...base, url: 'https://gvm.example:9392' })).toEqual(['url: GMP is reached over tls:// or a unix: socket, not https:']);
    expect(issues({ ...base, url: 'tls://admin:pw@gvm.example' })).toEqual(['url: put credentials in the keychain, not in the address']);
    expect(issues({ ...base, url: 'tls://gvm.example/gmp' })).toEqual(['url: tls:// takes a host and a port, no path']);
    expect(issues({ ...base, url: 'unix:relative.sock' })).toEqual(['url: unix: needs an absolute socket path, e.g. unix:///run/gvmd/gvmd.sock']);
    expect(issues({ ...base, url: 'gvm.example:9390' })[0]).toMatch(/^url: /);
    expect(issues({ ...base, url: 'unix:///run/gvmd/gvmd.sock', trust: { mode: 'pin', sha256: 'ab'.repeat(32) } })).toEqual(['trust: trust mode "pin" needs a tls:// address']);
    expect(issues({ ...base, url: 'tls://gvm.example', minQod: 101 })).toEqual(['minQod: Too big: expected number to be <=100']);
  });
});
