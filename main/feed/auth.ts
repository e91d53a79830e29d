import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FeedConfig, FeedDialect, FeedRole } from '../contract/feed.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FeedRepo } from '../store/feed-repo.js';
import type { Logger } from '../core/logger.js';
import { looksLikeJwt, verifyHs256, type JwtResult } from './jwt.js';
import { digestsEqual, hashFeedToken, isFeedTokenShape } from './tokens.js';
import type { Identity } from './session.js';

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; code: 4001 | 4003; reason: string };

/** Where a token may travel, in order of preference. */
export type TokenCarrier = 'header' | 'protocol' | 'query';

export interface PresentedToken {
  token: string;
  via: TokenCarrier;
  /** The Sec-WebSocket-Protocol value that carried it (echoed back to the client). */
  protocol?: string;
}

export const TOKEN_PROTOCOL_PREFIX = 'vigil.token.';
export const NATIVE_SUBPROTOCOL = 'vigil.v1';
/** The keychain account of the HS256 secret. */
export const JWT_SECRET_ACCOUNT = 'feed.jwt.secret';

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return (Array.isArray(raw) ? raw.join(',') : raw)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && p.length <= 8192);
}

/** A token carried by a Sec-WebSocket-Protocol value: `vigil.token.<T>` or the bare token. */
export function tokenFromProtocol(p: string): string | null {
  if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length) || null;
  return isFeedTokenShape(p) || looksLikeJwt(p) ? p : null;
}

/** `Authorization: Bearer T`, then a subprotocol, then `?token=T` (browsers). */
export function presentedToken(req: IncomingMessage, url: URL): PresentedToken | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+\S/i.test(auth)) return { token: auth.replace(/^Bearer\s+/i, '').trim(), via: 'header' };
  for (const p of offeredProtocols(req)) {
    const t = tokenFromProtocol(p);
    if (t) return { token: t, via: 'protocol', protocol: p };
  }
  const q = url.searchParams.get('token');
  if (q) return { token: q, via: 'query' };
  return null;
}

/** The subprotocol to echo: vigil.v1 if offered, else the one that carried the token, else the first. */
export function chooseProtocol(protocols: Set<string>): string | false {
  if (protocols.has(NATIVE_SUBPROTOCOL)) return NATIVE_SUBPROTOCOL;
  for (const p of protocols) if (tokenFromProtocol(p)) return p;
  const first = protocols.values().next();
  return first.done ? false : first.value;
}

const JWT_REFUSAL: Record<Exclude<JwtResult, { ok: true }>['reason'], string> = {
  malformed: 'JWT malformed',
  algorithm: 'JWT algorithm not HS256',
  signature: 'JWT signature',
  expired: 'JWT expired',
  not_yet_valid: 'JWT not yet valid',
  no_exp: 'JWT without exp',
  lifetime: 'JWT lifetime over the maximum',
  audience: 'JWT audience',
};

/** The failure-limiter key of a request that carried no credential. */
export const NO_CREDENTIAL = '-';

/**
 * The failure-limiter key of a presented credential: a short digest, so the limiter never holds a
 * token and one bad token is told apart from another (and from a good one) without keeping either.
 */
export function credentialKey(token: string): string {
  return `c:${crypto.createHash('sha256').update(token, 'utf8').digest('base64url').slice(0, 22)}`;
}

/** Names one JWT secret without revealing it (sessions remember which secret admitted them). */
function secretIdOf(secret: string | null): string | null {
  return secret === null ? null : crypto.createHash('sha256').update(`vigil-feed-jwt\u0000${secret}`, 'utf8').digest('base64url').slice(0, 16);
}

export interface JwtSettings {
  enabled: boolean;
  roleClaim: string;
  roleMap: Record<string, FeedRole>;
  /** Longest lifetime accepted (exp - iat, or exp - now). */
  maxLifetimeS: number;
  /** Required `aud`, when set. */
  audience: string | null;
}

/** JWT settings from the feed configuration. */
export function jwtSettings(c: FeedConfig): JwtSettings {
  return { enabled: c.jwt.enabled, roleClaim: c.jwt.role_claim, roleMap: c.jwt.role_map, maxLifetimeS: c.jwt.max_lifetime_hours * 3600, audience: c.jwt.audience };
}

/**
 * Checks feed tokens (hash lookup, constant-time compare, revocation and expiry read from SQLite
 * at every check, so a token revoked by any process is refused at once) and, when configured,
 * HS256 JWTs (secret from the OS keychain; exp required, lifetime bounded, nbf and aud honoured;
 * role claim mapped). The secret can be replaced while running (rotation).
 */
export class Authenticator {
  private secret: string | null;
  private currentSecretId: string | null;

  constructor(
    private readonly repo: FeedRepo,
    private readonly jwt: JwtSettings,
    secret: string | null,
    private readonly now: () => Date,
  ) {
    this.secret = secret;
    this.currentSecretId = secretIdOf(secret);
  }

  /** Which secret JWTs are checked against now (null: none); a digest, never the secret. */
  get secretId(): string | null {
    return this.currentSecretId;
  }

  /** Replaces the JWT secret; true when it changed. */
  setSecret(secret: string | null): boolean {
    const id = secretIdOf(secret);
    if (id === this.currentSecretId) return false;
    this.secret = secret;
    this.currentSecretId = id;
    return true;
  }

  check(token: string): AuthOutcome {
    if (token.length > 8192) return { ok: false, code: 4001, reason: 'bad token' };
    if (isFeedTokenShape(token)) {
      const hash = hashFeedToken(token);
      const row = this.repo.findByHash(hash);
      if (!row || !digestsEqual(row.hash, hash)) return { ok: false, code: 4001, reason: 'unknown token' };
      if (row.revoked_at !== null) return { ok: false, code: 4001, reason: 'revoked token' };
      const expiresAt = row.expires_at ? Date.parse(row.expires_at) : null;
      if (expiresAt !== null && expiresAt <= this.now().getTime()) return { ok: false, code: 4001, reason: 'expired token' };
      return { ok: true, identity: { kind: 'token', tokenId: row.id, name: row.name, role: row.role, expiresAt } };
    }
    if (looksLikeJwt(token)) {
      if (!this.jwt.enabled || !this.secret) return { ok: false, code: 4001, reason: 'JWTs are not accepted' };
      const r = verifyHs256(token, this.secret, this.now().getTime(), { requireExp: true, maxLifetimeS: this.jwt.maxLifetimeS, audience: this.jwt.audience });
      if (!r.ok) return { ok: false, code: 4001, reason: JWT_REFUSAL[r.reason] };
      const sub = r.claims['sub'] ?? r.claims['username'];
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) return { ok: false, code: 4001, reason: 'JWT without sub' };
      const claim = r.claims[this.jwt.roleClaim];
      const claimRole = typeof claim === 'string' ? claim : Array.isArray(claim) ? claim.find((x): x is string => typeof x === 'string' && Object.hasOwn(this.jwt.roleMap, x)) : undefined;
      const role = claimRole !== undefined && Object.hasOwn(this.jwt.roleMap, claimRole) ? this.jwt.roleMap[claimRole] : undefined;
      if (!role) return { ok: false, code: 4003, reason: `JWT role ${JSON.stringify(String(claimRole ?? '')).slice(0, 40)} is not allowed` };
      const exp = r.claims['exp'] as number; // required by the policy
      return {
        ok: true,
        identity: { kind: 'jwt', tokenId: null, name: `jwt:${sub}`, role, expiresAt: exp * 1000, claimRole: claimRole!, secretId: this.currentSecretId! },
      };
    }
    return { ok: false, code: 4001, reason: 'bad token' };
  }
}

/** Applies a dialect's role list to an identity. */
export function roleAllowed(config: FeedConfig, dialect: FeedDialect, role: FeedRole): boolean {
  return config.dialects[dialect].roles.includes(role);
}

interface FailureEntry {
  windowStart: number;
  unreported: number;
  reasons: Record<string, number>;
  lastDialect: string;
}

/**
 * Writes feed activity to the audit log without flooding it: the first auth failure of an address
 * is written at once, the following ones are counted and written as one entry per period; a
 * client's connects are written at most once per period per (identity, address, path).
 */
export class FeedAudit {
  private readonly failures = new Map<string, FailureEntry>();
  private readonly recentConnects = new Map<string, number>();

  constructor(
    private readonly audit: AuditRepo,
    private readonly logger: Logger,
    private readonly periodMs: number,
    private readonly now: () => Date,
  ) {}

  private append(rec: Parameters<AuditRepo['append']>[0]): void {
    try {
      this.audit.append(rec);
    } catch (err) {
      this.logger.warn('feed audit write failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  authFailure(address: string, reason: string, dialect: string): void {
    const t = this.now().getTime();
    let e = this.failures.get(address);
    if (!e || t - e.windowStart >= this.periodMs) {
      if (e && e.unreported > 0) this.flushOne(address, e);
      if (this.failures.size >= 10_000) this.flush(true);
      e = { windowStart: t, unreported: 0, reasons: {}, lastDialect: dialect };
      this.failures.set(address, e);
      this.append({ actor: 'feed', action: 'feed.auth_failed', target_type: 'feed_client', target_id: address, details: { address, reason, dialect, count: 1 } });
      return;
    }
    e.unreported++;
    e.reasons[reason] = (e.reasons[reason] ?? 0) + 1;
    e.lastDialect = dialect;
  }

  /** One credential from one address is refused for a while (its last failure reason, never the credential). */
  blocked(address: string, untilMs: number, reason: string): void {
    this.append({ actor: 'feed', action: 'feed.auth_blocked', target_type: 'feed_client', target_id: address, details: { address, reason, until: new Date(untilMs).toISOString() } });
  }

  connected(identity: Identity, address: string, dialect: FeedDialect): void {
    const key = `${identity.name}|${address}|${dialect}`;
    const t = this.now().getTime();
    const last = this.recentConnects.get(key);
    if (last !== undefined && t - last < this.periodMs) return;
    this.recentConnects.set(key, t);
    this.append({
      actor: identity.kind === 'address' ? 'feed' : `feed:${identity.name}`,
      action: 'feed.connect',
      target_type: identity.kind === 'token' ? 'feed_token' : 'feed_client',
      target_id: identity.tokenId !== null ? String(identity.tokenId) : address,
      details: { address, dialect, role: identity.role, credential: identity.kind },
    });
  }

  dropped(identity: Identity | null, address: string, dialect: FeedDialect, why: 'lagging' | 'abuse' | 'superseded'): void {
    const key = `drop|${identity?.name ?? '-'}|${address}|${why}`;
    const t = this.now().getTime();
    const last = this.recentConnects.get(key);
    if (last !== undefined && t - last < this.periodMs) return;
    this.recentConnects.set(key, t);
    this.append({
      actor: 'feed',
      action: `feed.client_${why}`,
      target_type: 'feed_client',
      target_id: address,
      details: { address, dialect, token: identity?.name ?? null },
    });
  }

  private flushOne(address: string, e: FailureEntry): void {
    this.append({
      actor: 'feed',
      action: 'feed.auth_failed',
      target_type: 'feed_client',
      target_id: address,
      details: { address, count: e.unreported, reasons: e.reasons, dialect: e.lastDialect, since: new Date(e.windowStart).toISOString() },
    });
    e.unreported = 0;
    e.reasons = {};
  }

  /** Writes the counts of periods that ended (or all, when stopping) and forgets stale entries. */
  flush(all = false): void {
    const t = this.now().getTime();
    for (const [address, e] of this.failures) {
      const ended = t - e.windowStart >= this.periodMs;
      if ((ended || all) && e.unreported > 0) this.flushOne(address, e);
      if (ended || all) this.failures.delete(address);
    }
    for (const [k, at] of this.recentConnects) if (t - at >= this.periodMs) this.recentConnects.delete(k);
  }
}
