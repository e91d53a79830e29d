import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GmpClient } from '../../main/connectors/gvm/client.js';
import { GmpConfigError, GmpConnectError, GmpUntrustedCertificateError } from '../../main/connectors/gvm/errors.js';
import { ADMIN, startGvm, testPki, type GvmHarness } from '../simulators/gvm/harness.js';

/** Trust decisions of the TLS transport, and the "test connection" outcome built on them. */

let h: GvmHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const fp = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

describe('GMP over TLS: trust', () => {
  it('trusts a certificate signed by the configured CA, with TLS 1.2 or newer', async () => {
    h = await startGvm('tls');
    expect(await h.client.testConnection()).toEqual({ ok: true, version: '22.7', role: 'Admin', timezone: 'UTC', target: `127.0.0.1:${h.sim.tlsPort}` });
  });

  it('first contact with a self-signed certificate: a typed error with its fingerprint, nothing sent', async () => {
    h = await startGvm('tls', { tls: (await testPki()).selfSigned });
    const err = await h.client.getVersion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpUntrustedCertificateError);
    expect(err).toMatchObject({ code: 'untrusted-certificate', reason: 'not-trusted', fingerprint256: fp(h.pki.selfSigned.cert) });
    expect((err as GmpUntrustedCertificateError).subject).toContain('CN=localhost');
    expect(h.sim.stats.commands).toEqual([]);
    const outcome = await h.client.testConnection();
    expect(outcome).toMatchObject({ ok: false, code: 'untrusted-certificate', fingerprint256: fp(h.pki.selfSigned.cert) });
    expect(h.sim.stats.commands).toEqual([]);
  });

  it('trusts a pinned fingerprint whatever signed it (any case, with or without colons)', async () => {
    h = await startGvm('tls', { tls: (await testPki()).selfSigned });
    const pin = fp(h.pki.selfSigned.cert);
    const pinned = h.newClient({ tls: { caFile: undefined, fingerprint256: pin.replace(/:/g, '').toLowerCase() } });
    expect(await pinned.testConnection()).toMatchObject({ ok: true, version: '22.7' });
    const wrong = h.newClient({ tls: { fingerprint256: fp(h.pki.server.cert) } });
    await expect(wrong.getVersion()).rejects.toMatchObject({ code: 'untrusted-certificate', reason: 'pin-mismatch', fingerprint256: pin });
  });

  it('a pin replaces the CA: a CA-signed certificate that is not the pinned one is refused', async () => {
    h = await startGvm('tls');
    const other = h.newClient({ tls: { fingerprint256: fp(h.pki.selfSigned.cert) } });
    await expect(other.getVersion()).rejects.toMatchObject({ reason: 'pin-mismatch', fingerprint256: fp(h.pki.server.cert) });
  });

  it('refuses a CA-signed certificate issued for another name', async () => {
    h = await startGvm('tls');
    const c = h.newClient({ tls: { servername: 'gvm.example.org' } });
    await expect(c.getVersion()).rejects.toMatchObject({ code: 'untrusted-certificate', reason: 'hostname-mismatch' });
  });

  it('presents a client certificate when gvmd demands one, and fails clearly without it', async () => {
    const pki = await testPki();
    h = await startGvm('tls', { tls: { ...pki.server, ca: pki.ca.cert, requireClientCert: true } });
    const withCert = h.newClient({ tls: { certFile: h.file('client.pem', pki.client.cert), keyFile: h.file('client.key', pki.client.key) } });
    expect(await withCert.testConnection()).toMatchObject({ ok: true });
    const outcome = await h.client.testConnection();
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ code: expect.stringMatching(/^(tls|connect|connection-lost)$/) });
    expect(h.sim.stats.authentications).toBe(1);
  });

  it('reports an unreadable CA file and half a client key pair as configuration errors', async () => {
    h = await startGvm('tls');
    const missing = h.newClient({ tls: { caFile: path.join(h.dir, 'nope.pem') } });
    await expect(missing.getVersion()).rejects.toBeInstanceOf(GmpConfigError);
    expect(() => new GmpClient({ target: { kind: 'tls', host: '127.0.0.1', certFile: 'c.pem' } }, () => ADMIN)).toThrow(/certFile and keyFile go together/);
    expect(() => new GmpClient({ target: { kind: 'tls', host: '127.0.0.1', fingerprint256: 'AB:CD' } }, () => ADMIN)).toThrow(GmpConfigError);
  });
});

describe('GMP over TLS: a server that never answers the handshake', () => {
  it('gives up after timeoutMs with a connect error', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const c = new GmpClient({ target: { kind: 'tls', host: '127.0.0.1', port }, timeoutMs: 500 }, () => ADMIN);
      await expect(c.getVersion()).rejects.toThrow(/connecting to 127\.0\.0\.1:\d+ over TLS timed out after 500 ms/);
      expect(await c.testConnection()).toMatchObject({ ok: false, code: 'connect' });
    } finally {
      silent.close();
    }
  });
});

describe('GMP over the unix socket', () => {
  it('a missing socket is a connect error; test connection says so', async () => {
    h = await startGvm('unix');
    const c = new GmpClient({ target: { kind: 'unix', path: path.join(h.dir, 'missing.sock') } }, () => ADMIN);
    await expect(c.getVersion()).rejects.toBeInstanceOf(GmpConnectError);
    expect(await c.testConnection()).toMatchObject({ ok: false, code: 'connect', target: path.join(h.dir, 'missing.sock') });
    const wrong = h.newClient();
    h.creds.password = 'nope';
    expect(await wrong.testConnection()).toMatchObject({ ok: false, code: 'auth-failed', status: 400 });
  });
});
