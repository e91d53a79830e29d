// Small pieces of the feed, tested alone: HS256 JWTs, rate limiters, allow-lists, configuration.
import { describe, expect, it } from 'vitest';
import { FeedConfig, FeedConfigPatch } from '../../main/contract/feed.js';
import { AllowList, normalizeAddress } from '../../main/feed/addresses.js';
import { chooseProtocol, tokenFromProtocol } from '../../main/feed/auth.js';
import { looksLikeJwt, signHs256, verifyHs256 } from '../../main/feed/jwt.js';
import { FailureLimiter, TokenBucket } from '../../main/feed/rate.js';
import { mergeConfig } from '../../main/feed/service.js';
import { RiskIndex } from '../../main/feed/dialects/threatstream.js';
import { AlertFilter } from '../../main/feed/dialects/native.js';
import { generateFeedToken, isFeedTokenShape } from '../../main/feed/tokens.js';
import { parseExpiry } from '../../main/cli/commands/feed.js';
import { sampleAlert } from '../helpers/services.js';

const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

describe('HS256 JWT verification', () => {
  // RFC 7515 appendix A.1 (JWS using HMAC SHA-256)
  const RFC_TOKEN =
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const RFC_KEY = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url');
  const EXP_MS = 1300819380 * 1000;

  it('verifies the RFC 7515 A.1 example and honours its exp', () => {
    expect(verifyHs256(RFC_TOKEN, RFC_KEY, EXP_MS - 60_000)).toEqual({ ok: true, claims: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true } });
    expect(verifyHs256(RFC_TOKEN, RFC_KEY, EXP_MS + 29_000)).toMatchObject({ ok: true }); // 30 s tolerance
    expect(verifyHs256(RFC_TOKEN, RFC_KEY, EXP_MS + 31_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tampering, other keys, other algorithms and malformed tokens', () => {
    const [hh, p, s] = RFC_TOKEN.split('.');
    const now = EXP_MS - 60_000;
    expect(verifyHs256(`${hh}.${b64({ iss: 'mallory', exp: 1300819380 })}.${s}`, RFC_KEY, now)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyHs256(RFC_TOKEN, Buffer.from('another key'), now)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyHs256(`${hh}.${p}.${s!.slice(0, -2)}`, RFC_KEY, now)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyHs256(`${b64({ alg: 'none' })}.${p}.`, RFC_KEY, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyHs256(`${b64({ alg: 'none' })}.${p}.AA`, RFC_KEY, now)).toEqual({ ok: false, reason: 'algorithm' });
    expect(verifyHs256(`${b64({ alg: 'HS512' })}.${p}.${s}`, RFC_KEY, now)).toEqual({ ok: false, reason: 'algorithm' });
    expect(verifyHs256(`${b64({ alg: 'RS256' })}.${p}.${s}`, RFC_KEY, now)).toEqual({ ok: false, reason: 'algorithm' });
    expect(verifyHs256(`${b64({ alg: 'HS256', crit: ['x'] })}.${p}.${s}`, RFC_KEY, now)).toEqual({ ok: false, reason: 'malformed' });
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.??.**', `${b64('[1]')}.${p}.${s}`, `${hh}.${b64('"str"')}.AA`]) {
      expect(verifyHs256(bad, RFC_KEY, now).ok, bad).toBe(false);
    }
  });

  it('signs and verifies; nbf is honoured; non-numeric exp is malformed', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    const t = signHs256({ sub: 'a', role: 'viewer', nbf: now / 1000 + 120 }, 'k'.repeat(32));
    expect(looksLikeJwt(t)).toBe(true);
    expect(verifyHs256(t, 'k'.repeat(32), now)).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verifyHs256(t, 'k'.repeat(32), now + 120_000)).toMatchObject({ ok: true, claims: { sub: 'a' } });
    expect(verifyHs256(signHs256({ sub: 'a', exp: 'soon' }, 'k'), 'k', now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('policy: exp required, lifetime bounded (from iat, or from now), audience checked', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    const s = now / 1000;
    const k = 'k'.repeat(32);
    const policy = { requireExp: true, maxLifetimeS: 24 * 3600, audience: 'vigil-feed' };
    const sign = (claims: Record<string, unknown>) => signHs256({ sub: 'a', aud: 'vigil-feed', ...claims }, k);
    expect(verifyHs256(sign({}), k, now, policy)).toEqual({ ok: false, reason: 'no_exp' });
    expect(verifyHs256(sign({}), k, now)).toMatchObject({ ok: true }); // without a policy, as RFC 7519 allows
    expect(verifyHs256(sign({ exp: s + 3600 }), k, now, policy)).toMatchObject({ ok: true });
    expect(verifyHs256(sign({ exp: s + 10 * 365 * 86400 }), k, now, policy)).toEqual({ ok: false, reason: 'lifetime' });
    expect(verifyHs256(sign({ iat: s - 23 * 3600, exp: s + 3600 }), k, now, policy)).toMatchObject({ ok: true });
    expect(verifyHs256(sign({ iat: s - 3600, exp: s + 24 * 3600 }), k, now, policy)).toEqual({ ok: false, reason: 'lifetime' });
    // an iat in the future does not stretch the window
    expect(verifyHs256(sign({ iat: s + 30 * 86400, exp: s + 31 * 86400 }), k, now, policy)).toEqual({ ok: false, reason: 'lifetime' });
    expect(verifyHs256(sign({ iat: 'then', exp: s + 60 }), k, now, policy)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyHs256(sign({ exp: s + 60, aud: 'other' }), k, now, policy)).toEqual({ ok: false, reason: 'audience' });
    expect(verifyHs256(sign({ exp: s + 60, aud: ['other', 'vigil-feed'] }), k, now, policy)).toMatchObject({ ok: true });
    expect(verifyHs256(signHs256({ sub: 'a', exp: s + 60 }, k), k, now, policy)).toEqual({ ok: false, reason: 'audience' });
  });
});

describe('feed building blocks', () => {
  it('token bucket and failure limiter', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(100)).toBe(true); // 100 ms refills one
    expect(b.take(100)).toBe(false);
    const l = new FailureLimiter(3, 60_000, 10_000, 2);
    expect([l.fail('a', 'bad', 0), l.fail('a', 'bad', 1), l.fail('a', 'bad', 2)]).toEqual([false, false, true]);
    expect(l.blockedFor('a', 'bad', 5000)).toBe(5002);
    // only that credential from that address is refused
    expect(l.blockedFor('a', 'good', 5000)).toBe(0);
    expect(l.blockedFor('b', 'bad', 5000)).toBe(0);
    expect(l.blockedFor('a', 'bad', 10_003)).toBe(0);
    l.fail('b', 'x', 0);
    l.fail('c', 'x', 70_000); // bounded: the stale entries go
    expect(l.size).toBeLessThanOrEqual(2);
    l.clear();
    expect(l.size).toBe(0);
  });

  it('allow-lists match addresses and CIDR blocks, IPv4-mapped forms included', () => {
    const a = new AllowList(['10.0.0.0/24', '192.168.1.7', '2001:db8::/32']);
    expect(a.has('10.0.0.200')).toBe(true);
    expect(a.has(normalizeAddress('::ffff:10.0.0.9'))).toBe(true);
    expect(a.has('10.0.1.1')).toBe(false);
    expect(a.has('192.168.1.7')).toBe(true);
    expect(a.has('2001:db8:1::5')).toBe(true);
    expect(a.has('unknown')).toBe(false);
    expect(new AllowList([]).empty).toBe(true);
  });

  it('tokens and subprotocols', () => {
    const t = generateFeedToken();
    expect(isFeedTokenShape(t)).toBe(true);
    expect(tokenFromProtocol(`vigil.token.${t}`)).toBe(t);
    expect(tokenFromProtocol(t)).toBe(t);
    expect(tokenFromProtocol('chat')).toBeNull();
    expect(chooseProtocol(new Set(['chat', `vigil.token.${t}`]))).toBe(`vigil.token.${t}`);
    expect(chooseProtocol(new Set([`vigil.token.${t}`, 'vigil.v1']))).toBe('vigil.v1');
    expect(chooseProtocol(new Set())).toBe(false);
  });

  it('configuration: defaults, merge of patches, validation', () => {
    const d = FeedConfig.parse({});
    expect(d).toMatchObject({ enabled: false, host: '127.0.0.1', port: 8000, tls: { mode: 'off' }, dialects: { native: { enabled: true }, aegis: { enabled: false, allow: [] } }, jwt: { enabled: false } });
    const patch = FeedConfigPatch.parse({ dialects: { bluewall: { enabled: true } }, jwt: { role_map: { boss: 'analyst' } } });
    const merged = FeedConfig.parse(mergeConfig(d, patch));
    expect(merged.dialects.bluewall).toEqual({ enabled: true, allow: [], roles: ['viewer', 'analyst'] });
    expect(merged.dialects.native.enabled).toBe(true);
    expect(merged.jwt.role_map).toEqual({ boss: 'analyst' }); // a map is replaced, not merged
    expect(FeedConfig.safeParse({ dialects: { aegis: { enabled: true } } }).success).toBe(false);
    expect(FeedConfig.safeParse({ tls: { mode: 'custom' } }).success).toBe(false);
    expect(FeedConfig.safeParse({ host: 'example.com' }).success).toBe(false);
    expect(FeedConfigPatch.safeParse({ dialects: { aegis: { allow: ['not an address'] } } }).success).toBe(false);
    expect(FeedConfig.safeParse({ port: 8000, dialects: { ips: { port: 8000 } } }).success).toBe(false);
  });

  it('subscription filters', () => {
    const f = new AlertFilter({ min_severity: 'high', sources: ['Wazuh'], techniques: ['T1110'] });
    const a = { ...sampleAlert({ severity: 'critical', source: 'wazuh', technique_ids: ['T1110.001'] }), id: 1, status: 'NEW' as const, assignee: null, tags: [], technique_ids: ['T1110.001'], agent: null, user: null, host: null, sensor: null };
    expect(f.accepts(a)).toBe(true);
    expect(f.accepts({ ...a, severity: 'medium' })).toBe(false);
    expect(f.accepts({ ...a, source: 'suricata' })).toBe(false);
    expect(f.accepts({ ...a, technique_ids: ['T11100'] })).toBe(false);
    expect(new AlertFilter({}).accepts(a)).toBe(true);
  });

  it("ThreatStream's risk index: weights x confidence, decay x0.85 with a floor of 5, levels and trend", () => {
    const r = new RiskIndex();
    expect(r.snapshot()).toEqual({ value: 5, level: 'NORMAL', trend: 'STABLE' });
    for (let i = 0; i < 4; i++) r.add('critical', 1);
    expect(r.snapshot()).toEqual({ value: 65, level: 'SUSPICIOUS', trend: 'RISING' });
    r.add('critical', 1);
    expect(r.snapshot().level).toBe('CRITICAL');
    r.add('info', 1);
    expect(r.snapshot().value).toBe(77);
    for (let i = 0; i < 30; i++) r.decay(new Date());
    expect(r.snapshot()).toMatchObject({ value: 5, level: 'NORMAL' });
  });

  it('CLI expiry parsing', () => {
    expect(parseExpiry('30d')).toBe(720);
    expect(parseExpiry('12h')).toBe(12);
    expect(parseExpiry('2w')).toBe(336);
    expect(parseExpiry(undefined)).toBeUndefined();
    expect(() => parseExpiry('0h')).toThrow();
    expect(() => parseExpiry('3 days')).toThrow();
  });
});
