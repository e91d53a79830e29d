import crypto from 'node:crypto';

/**
 * HS256 JSON Web Tokens (RFC 7519 / RFC 7515), verified with node:crypto. Only HS256 is accepted:
 * a token naming any other algorithm (none, RS256, ...) is refused before its signature is looked at.
 */

export type JwtResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not_yet_valid' | 'no_exp' | 'lifetime' | 'audience' };

/** What a verifier requires beyond the signature. */
export interface JwtPolicy {
  /** Clock tolerance for exp, nbf and iat (seconds). */
  toleranceS?: number;
  /** Refuse a token without `exp` (one would be valid forever). */
  requireExp?: boolean;
  /** Longest lifetime accepted: exp - iat, or exp - now when there is no iat (seconds). */
  maxLifetimeS?: number;
  /** When set, `aud` (a string or a list of strings) must contain it. */
  audience?: string | null;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Three base64url segments: how a token is told apart from a feed token. */
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(token: string): boolean {
  return token.length <= 8192 && SHAPE.test(token);
}

function decodeJson(segment: string): Record<string, unknown> | null {
  if (!SEGMENT.test(segment)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies an HS256 JWT: header alg HS256, signature (constant-time), then `exp` and `nbf`
 * (seconds since the epoch) with a small clock tolerance, and what `policy` requires: `exp`
 * present, a bounded lifetime, the audience.
 */
export function verifyHs256(token: string, secret: string | Buffer, nowMs: number, policy: JwtPolicy = {}): JwtResult {
  const toleranceS = policy.toleranceS ?? 30;
  if (!looksLikeJwt(token)) return { ok: false, reason: 'malformed' };
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = decodeJson(h);
  if (!header) return { ok: false, reason: 'malformed' };
  if (header['alg'] !== 'HS256') return { ok: false, reason: 'algorithm' };
  if (header['crit'] !== undefined) return { ok: false, reason: 'malformed' };
  const expected = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const claims = decodeJson(p);
  if (!claims) return { ok: false, reason: 'malformed' };
  const nowS = nowMs / 1000;
  const exp = claims['exp'];
  const nbf = claims['nbf'];
  const iat = claims['iat'];
  const numeric = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  if (!numeric(exp) || !numeric(nbf) || !numeric(iat)) return { ok: false, reason: 'malformed' };
  if (typeof exp === 'number' && nowS >= exp + toleranceS) return { ok: false, reason: 'expired' };
  if (typeof nbf === 'number' && nowS < nbf - toleranceS) return { ok: false, reason: 'not_yet_valid' };
  if (typeof exp !== 'number') return policy.requireExp ? { ok: false, reason: 'no_exp' } : { ok: true, claims };
  if (policy.maxLifetimeS !== undefined) {
    // a token issued "in the future" counts from now, so iat cannot stretch the window
    const from = typeof iat === 'number' ? Math.min(iat, nowS) : nowS;
    if (exp - from > policy.maxLifetimeS + toleranceS) return { ok: false, reason: 'lifetime' };
  }
  if (policy.audience) {
    const aud = claims['aud'];
    const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    if (!auds.includes(policy.audience)) return { ok: false, reason: 'audience' };
  }
  return { ok: true, claims };
}

/** Signs claims as an HS256 JWT (for tests and for teammates' scripts). */
export function signHs256(claims: Record<string, unknown>, secret: string | Buffer): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
