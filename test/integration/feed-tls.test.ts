import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { ClientRequest } from 'node:http';
import path from 'node:path';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions, WebSocket } from 'ws';
import { sampleAlert } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { selfsignedGenerator, type CertGenerator } from '../../main/feed/tls.js';
import { ALL_DIALECTS, TestClient, startFeed, type Harness } from './feed-harness.js';

const WS = '/ws/v1/alerts';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// The feed generates certificates with the `selfsigned` package. Where it is not installed yet,
// these tests generate the same kind of certificate with the openssl CLI, so the rest of the TLS
// path (storage, key mode, pinning, reuse) is still exercised.
const SELFSIGNED = 'selfsigned';
const hasSelfsigned = await import(SELFSIGNED).then(
  () => true,
  () => false,
);
const opensslGenerator: CertGenerator = async (req) => {
  const dir = tempDir('vigil-openssl-');
  const san = [...req.dnsNames.map((d) => `DNS:${d}`), ...req.ipAddresses.map((ip) => `IP:${ip}`)].join(',');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=Vigil feed test', '-addext', `subjectAltName=${san}`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert: fs.readFileSync(path.join(dir, 'c.pem'), 'utf8'), key: fs.readFileSync(path.join(dir, 'k.pem'), 'utf8') };
};
const generator = hasSelfsigned ? selfsignedGenerator : opensslGenerator;
const TLS_SELF_SIGNED = { ...ALL_DIALECTS, tls: { mode: 'self-signed' as const } };

/**
 * Connects with fingerprint pinning and nothing else to trust: the request (and the token in its
 * headers) is only sent once the certificate's SHA-256 matches the pin.
 */
function connectPinned(url: string, pin: string, token: string): Promise<TestClient> {
  return TestClient.connect(url, {
    rejectUnauthorized: false,
    headers: { Authorization: `Bearer ${token}` },
    finishRequest: (req: ClientRequest, ws: WebSocket) => {
      req.on('socket', (socket) => {
        (socket as TLSSocket).once('secureConnect', () => {
          const fp = (socket as TLSSocket).getPeerCertificate().fingerprint256;
          if (fp === pin) req.end();
          else {
            req.destroy(new Error(`certificate fingerprint ${fp} does not match the pin`));
            ws.terminate();
          }
        });
      });
    },
  });
}

describe('feed: TLS', () => {
  it(`generates a self-signed certificate on first use (key 0600), shows its fingerprint, and teammates pin it${hasSelfsigned ? '' : ' (openssl stands in for selfsigned)'}`, async () => {
    const dir = tempDir('vigil-feed-tls-');
    h = await startFeed({ dir, patch: TLS_SELF_SIGNED, deps: { certGenerator: generator } });
    const listening = h.server.listening;
    expect(listening.tls).toBe(true);
    expect(listening.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws\/v1\/alerts$/);
    const certFile = path.join(dir, 'feed-tls', 'cert.pem');
    const keyFile = path.join(dir, 'feed-tls', 'key.pem');
    const pin = new crypto.X509Certificate(fs.readFileSync(certFile)).fingerprint256;
    expect(listening.fingerprint256).toBe(pin);
    expect((await h.feed.status()).listening?.fingerprint256).toBe(pin);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(h.services.audit.recent(20).some((e) => e.action === 'feed.tls.generate' && e.details['fingerprint256'] === pin)).toBe(true);

    const token = h.token().secret;
    const c = await connectPinned(h.url(WS), pin, token);
    expect((await c.type('hello')).type).toBe('hello');
    const [id] = h.services.alerts.insertMany([sampleAlert()]);
    expect(await c.type('alert.new')).toMatchObject({ data: { id } });
    c.close();

    // trusting exactly that certificate works too (ca + fingerprint check)
    const viaCa = await TestClient.connect(h.url(WS), {
      ca: fs.readFileSync(certFile),
      headers: { Authorization: `Bearer ${token}` },
      // Node calls it with the peer certificate; @types/ws types it differently
      checkServerIdentity: ((_host: string, cert: PeerCertificate) => (cert.fingerprint256 === pin ? undefined : new Error('pin mismatch'))) as unknown as ClientOptions['checkServerIdentity'],
    });
    await viaCa.type('hello');
    viaCa.close();

    // a wrong pin: the client gives up before sending anything; the server saw no token at all
    const failuresBefore = h.server.totals().auth_failures;
    await expect(connectPinned(h.url(WS), pin.replace(/^../, pin.startsWith('00') ? '11' : '00'), token)).rejects.toThrow();
    expect(h.server.totals().auth_failures).toBe(failuresBefore);
    // plain ws:// to a TLS port does not work
    await expect(TestClient.connect(`ws://127.0.0.1:${h.port}${WS}?token=${token}`)).rejects.toBeTruthy();

    // restarting keeps the same certificate: the pin stays valid
    await h.feed.stop();
    await h.feed.start();
    expect(h.feed.feedServer!.listening.fingerprint256).toBe(pin);
  });

  it('regression: a TLS 1.2 handshake with a CBC cipher is refused; AEAD suites over TLS 1.2 and TLS 1.3 work', async () => {
    // issue 15 item 8: the feed accepted CBC suites with TLS 1.2
    h = await startFeed({ dir: tempDir('vigil-feed-tls-'), patch: TLS_SELF_SIGNED, deps: { certGenerator: generator } });
    const handshake = (opts: tls.ConnectionOptions) =>
      new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: h!.port, rejectUnauthorized: false, ...opts }, () => {
          const r = { protocol: s.getProtocol(), cipher: s.getCipher().name };
          s.end();
          resolve(r);
        });
        s.on('error', reject);
      });
    for (const cbc of ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA']) {
      await expect(handshake({ maxVersion: 'TLSv1.2', ciphers: `${cbc}:@SECLEVEL=0` }), cbc).rejects.toThrow();
    }
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).toEqual({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' })).toMatchObject({ protocol: 'TLSv1.2' });
    expect(await handshake({})).toMatchObject({ protocol: 'TLSv1.3' });
  });

  it("uses the analyst's own certificate and key, and refuses a key that does not match", async () => {
    const dir = tempDir('vigil-own-cert-');
    const a = await opensslGenerator({ commonName: 'mine', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore: new Date(), notAfter: new Date() });
    const b = await opensslGenerator({ commonName: 'other', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore: new Date(), notAfter: new Date() });
    fs.writeFileSync(path.join(dir, 'cert.pem'), a.cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), a.key);
    fs.writeFileSync(path.join(dir, 'other-key.pem'), b.key);
    h = await startFeed({ patch: { ...ALL_DIALECTS, tls: { mode: 'custom', cert_path: path.join(dir, 'cert.pem'), key_path: path.join(dir, 'key.pem') } } });
    const pin = new crypto.X509Certificate(a.cert).fingerprint256;
    expect(h.server.listening.fingerprint256).toBe(pin);
    const c = await connectPinned(h.url(WS), pin, h.token().secret);
    await c.type('hello');
    c.close();
    const st = await h.feed.configure({ patch: { tls: { key_path: path.join(dir, 'other-key.pem') } } }, 'ana');
    expect(st.running).toBe(false);
    expect(st.last_error).toMatch(/is not the private key of/);
  });
});
