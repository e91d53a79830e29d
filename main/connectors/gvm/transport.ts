import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { normalizeFingerprint, type GmpTarget, type GmpTlsTarget } from './config.js';
import { GmpConfigError, GmpConnectError, GmpUntrustedCertificateError } from './errors.js';

/**
 * Opens the byte stream to gvmd: its unix socket, or TLS (>= 1.2) over TCP. Trust is decided
 * here, before a single byte of GMP is written:
 *   - a pinned SHA-256 fingerprint wins: the certificate is trusted if and only if it matches;
 *   - otherwise the chain must verify against `caFile` (or the system CAs) and the name must match.
 * Anything else fails with GmpUntrustedCertificateError carrying the fingerprint, so the first
 * contact with gvmd's usual self-signed certificate can be shown to the analyst and pinned.
 */

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new GmpConfigError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

function describeName(name: tls.PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** The trust decision for a completed handshake; null when trusted. */
export function checkTrust(socket: tls.TLSSocket, target: GmpTlsTarget): GmpUntrustedCertificateError | null {
  const cert = socket.getPeerCertificate();
  const fingerprint256 = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : '';
  const info = { fingerprint256, subject: describeName(cert?.subject), issuer: describeName(cert?.issuer), validTo: cert?.valid_to ?? '' };
  if (!fingerprint256) return new GmpUntrustedCertificateError({ ...info, reason: 'not-trusted', detail: 'the server sent no certificate' });
  if (target.fingerprint256) {
    if (fingerprint256 === target.fingerprint256) return null;
    return new GmpUntrustedCertificateError({ ...info, reason: 'pin-mismatch', detail: `it does not match the pinned fingerprint ${target.fingerprint256}` });
  }
  if (!socket.authorized) {
    const why = socket.authorizationError ? String(socket.authorizationError) : 'not signed by a trusted CA';
    return new GmpUntrustedCertificateError({ ...info, reason: 'not-trusted', detail: why });
  }
  const nameErr = tls.checkServerIdentity(target.servername ?? target.host, cert);
  if (nameErr) return new GmpUntrustedCertificateError({ ...info, reason: 'hostname-mismatch', detail: nameErr.message });
  return null;
}

/**
 * Resolves when `event` fires and `check` (the trust decision) passes; rejects on an error, a
 * failed check or `timeoutMs`, destroying the socket.
 */
function whenConnected<T extends net.Socket>(socket: T, event: 'connect' | 'secureConnect', what: string, timeoutMs: number, check?: () => Error | null): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new GmpConnectError(`connecting to ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => fail(new GmpConnectError(`cannot connect to ${what}: ${err.message}`, { cause: err })));
    socket.once(event, () => {
      const refused = check?.();
      if (refused) return fail(refused);
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function connectTls(target: GmpTlsTarget, timeoutMs: number): Promise<tls.TLSSocket> {
  const ca = target.caFile ? readPem(target.caFile, 'CA file') : undefined;
  const cert = target.certFile ? readPem(target.certFile, 'client certificate') : undefined;
  const key = target.keyFile ? readPem(target.keyFile, 'client key') : undefined;
  const servername = target.servername ?? (net.isIP(target.host) ? undefined : target.host);
  const socket = tls.connect({
    host: target.host,
    port: target.port,
    minVersion: 'TLSv1.2',
    ca,
    cert,
    key,
    ...(servername ? { servername } : {}),
    // Verification is done in checkTrust() so an untrusted certificate yields its fingerprint;
    // the name is checked there too, after the chain, to tell the two failures apart.
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
  return whenConnected(socket, 'secureConnect', `${target.host}:${target.port} over TLS`, timeoutMs, () => checkTrust(socket, target));
}

function connectUnix(path: string, timeoutMs: number): Promise<net.Socket> {
  return whenConnected(net.connect({ path }), 'connect', `the gvmd socket ${path}`, timeoutMs);
}

/** A connected, trusted stream to gvmd. */
export function openStream(target: GmpTarget, timeoutMs: number): Promise<net.Socket> {
  return target.kind === 'tls' ? connectTls(target, timeoutMs) : connectUnix(target.path, timeoutMs);
}

/** `host:port` or the socket path, for messages. */
export function describeTarget(target: GmpTarget): string {
  return target.kind === 'tls' ? `${target.host}:${target.port}` : target.path;
}
