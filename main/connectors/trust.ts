import type crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { buildConnector } from 'undici';
import type { CertificateInfo, TlsTrust } from '../contract/connectors.js';
import { connectorFailure } from './types.js';

/**
 * Per-connector TLS trust. Three modes (contract TlsTrust), never a global "ignore certificates":
 * - system: Node's CA store, host name checked;
 * - ca: only the CAs in the configured PEM file (they replace the system store), host name checked;
 * - pin: the server must present exactly the certificate whose SHA-256 (of the DER bytes) was
 *   pinned. Chain and host name are NOT checked in this mode: the pin is stronger than both (it
 *   names one certificate, not any certificate a CA signed for that name), and self-signed Wazuh
 *   certificates are usually issued for a node name that differs from the URL the analyst types.
 *   TLS session resumption is off in pin mode so every connection shows its certificate.
 * An unknown certificate is never used silently: probeCertificate() reads it (no request is sent)
 * so the analyst can be asked "trust this certificate? SHA-256 AB:CD:...".
 */

/** AA:BB:... form of a SHA-256 digest. */
export function formatFingerprint(digest: Buffer): string {
  return digest.toString('hex').toUpperCase().match(/../g)!.join(':');
}

export function certificateInfo(cert: crypto.X509Certificate): CertificateInfo {
  return {
    fingerprint256: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    subjectAltName: cert.subjectAltName ?? null,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
  };
}

/** The certificate of a TLS socket, or null when it shows none. */
export function peerCertificate(socket: tls.TLSSocket): crypto.X509Certificate | null {
  return socket.getPeerX509Certificate() ?? null;
}

/** Node/OpenSSL verification codes that mean "I do not know who signed this". */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
/** Trusted chain, but not for this host or not now. */
const MISMATCH_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export type TlsProblem = 'untrusted' | 'mismatch' | 'other';

/** Classifies a TLS error by its code (walking `cause`), or null when it is not a TLS error. */
export function tlsProblem(err: unknown): TlsProblem | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNTRUSTED_CODES.has(code)) return 'untrusted';
    if (MISMATCH_CODES.has(code) || code === 'VIGIL_TLS_PIN_MISMATCH') return 'mismatch';
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /^(CERT|X509)_/.test(code)) return 'other';
  }
  return null;
}

/** Thrown from the pinning connector: carries what the server presented. */
export class PinMismatchError extends Error {
  readonly code = 'VIGIL_TLS_PIN_MISMATCH';
  constructor(
    readonly expected: string,
    readonly presented: CertificateInfo | null,
  ) {
    super(
      presented
        ? `the server presented certificate SHA-256 ${presented.fingerprint256}, not the pinned ${expected}`
        : `the server presented no certificate (pinned ${expected})`,
    );
    this.name = 'PinMismatchError';
  }
}

/** undici connect option for a trust mode (plus the connect timeout). */
export function connectorFor(trust: TlsTrust, connectTimeoutMs: number): buildConnector.connector {
  switch (trust.mode) {
    case 'system':
      return buildConnector({ timeout: connectTimeoutMs });
    case 'ca': {
      let ca: string;
      try {
        ca = fs.readFileSync(trust.caFile, 'utf8');
      } catch (err) {
        throw connectorFailure('invalid_config', `cannot read the CA file ${trust.caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      if (!/-----BEGIN CERTIFICATE-----/.test(ca)) throw connectorFailure('invalid_config', `${trust.caFile} holds no PEM certificate`);
      return buildConnector({ timeout: connectTimeoutMs, ca });
    }
    case 'pin': {
      // Chain verification is replaced by the pin check below, after the handshake and before
      // a single byte of the request is written.
      const base = buildConnector({ timeout: connectTimeoutMs, rejectUnauthorized: false, maxCachedSessions: 0 });
      return (opts, callback) =>
        base(opts, (err, socket) => {
          if (err) return callback(err, null);
          const cert = socket instanceof tls.TLSSocket ? peerCertificate(socket) : null;
          if (cert && cert.fingerprint256 === trust.sha256) return callback(null, socket!);
          socket!.destroy();
          callback(new PinMismatchError(trust.sha256, cert ? certificateInfo(cert) : null), null);
        });
    }
  }
}

/** The URL schemes with a certificate to read, and their default ports. */
const TLS_SCHEMES: Record<string, number> = { 'https:': 443, 'tls:': 9390 };

/**
 * Connects, completes the TLS handshake without verifying anything, reads the server's
 * certificate and disconnects: no HTTP request (and so no credential) is ever sent.
 */
export function probeCertificate(url: string, timeoutMs = 10_000): Promise<CertificateInfo> {
  const u = new URL(url);
  // https, or GMP over TLS (tls://host, gvmd's port 9390 by default)
  const defaultPort = TLS_SCHEMES[u.protocol];
  if (!defaultPort) return Promise.reject(connectorFailure('invalid_config', `${url} is not https or tls: there is no certificate to read`));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(u.port || defaultPort),
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once('secureConnect', () => {
      const cert = peerCertificate(socket);
      socket.end();
      if (cert) resolve(certificateInfo(cert));
      else reject(connectorFailure('tls_error', `${u.host} completed TLS without a certificate`));
    });
    socket.once('timeout', () => fail(connectorFailure('timeout', `no TLS handshake with ${u.host} within ${timeoutMs} ms`)));
    socket.once('error', fail);
  });
}

/** How a connector trusts its server, in words. */
export function describeTrust(t: TlsTrust): string {
  return t.mode === 'pin' ? `pinned SHA-256 ${t.sha256}` : t.mode === 'ca' ? `CA file ${t.caFile}` : 'system CAs';
}
