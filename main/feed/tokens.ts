import crypto from 'node:crypto';

/** Feed tokens: `vgf_` + 32 random bytes in base64url (valid in a URL, a header and a subprotocol). */
export const TOKEN_PREFIX = 'vgf_';
const TOKEN_SHAPE = /^vgf_[A-Za-z0-9_-]{43}$/;

export function generateFeedToken(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

export function isFeedTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Hex SHA-256: what the database keeps instead of the token. */
export function hashFeedToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters shown in listings so a teammate can tell tokens apart. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/** Constant-time equality of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}
