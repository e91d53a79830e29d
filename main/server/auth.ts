import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Shortest token `vigil serve` accepts: a guessable token would make the rate limit the only guard. */
export const MIN_TOKEN_LENGTH = 32;

/** A per-launch token: 32 random bytes, URL-safe (43 characters). */
export function generateToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Why a token cannot be used, or null when it can. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `the token must be at least ${MIN_TOKEN_LENGTH} characters (got ${token.length})`;
  if (/[\s\0]/.test(token)) return 'the token must not contain spaces, line breaks or NUL';
  return null;
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
