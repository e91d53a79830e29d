import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A per-launch token: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer T` or `?token=T`. */
export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return url.searchParams.get('token');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/**
 * DNS-rebinding guard: when the server listens on loopback, the Host header must name a
 * loopback address on our port; otherwise it must name the bound address.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!m) return false;
  const host = m[1]!;
  const hostPort = m[2] ? Number(m[2]) : 80;
  if (hostPort !== port) return false;
  if (isLoopbackHost(boundHost)) return isLoopbackHost(host);
  return host === boundHost.toLowerCase() || host === `[${boundHost.toLowerCase()}]` || boundHost === '0.0.0.0';
}
