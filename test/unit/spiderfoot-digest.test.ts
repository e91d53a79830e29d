import { describe, expect, it } from 'vitest';
import { DigestSession, digestAuthorization, digestResponse, nonceCount, parseDigestChallenge } from '../../main/connectors/spiderfoot/digest.js';

/** Digest auth field values, as a server parses them (quoted values unquoted). */
function fields(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/, '').matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) out[m[1]!] = m[2] ?? m[3]!;
  return out;
}

describe('HTTP Digest (RFC 7616, MD5, qop=auth)', () => {
  it('computes the response of the published examples', () => {
    // RFC 7616 §3.9.1 (MD5)
    expect(
      digestResponse({
        username: 'Mufasa',
        password: 'Circle of Life',
        realm: 'http-auth@example.org',
        nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: 1,
        cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      }),
    ).toBe('8ca523f5e9506fed4657c9700eebdbec');
    // RFC 2617 §3.5
    expect(
      digestResponse({
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: 1,
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('reads CherryPy 18’s challenge (SpiderFoot’s realm is its listen host)', () => {
    const c = parseDigestChallenge('Digest realm="127.0.0.1", nonce="1733342850:5f0b3c1a9e2d4b7c8a6f1e0d3c2b1a09", algorithm="MD5", qop="auth", charset="UTF-8"');
    expect(c).toEqual({
      realm: '127.0.0.1',
      nonce: '1733342850:5f0b3c1a9e2d4b7c8a6f1e0d3c2b1a09',
      qop: ['auth'],
      algorithm: 'MD5',
      opaque: null,
      stale: false,
      charset: 'UTF-8',
    });
    expect(parseDigestChallenge('Digest realm="a, b", nonce="n", qop="auth,auth-int", stale="true", opaque="o\\"x"')).toMatchObject({
      realm: 'a, b',
      qop: ['auth', 'auth-int'],
      stale: true,
      opaque: 'o"x',
    });
    expect(parseDigestChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n"'])).toMatchObject({ realm: 'r', nonce: 'n', qop: [], algorithm: 'MD5' });
    expect(parseDigestChallenge('Basic realm="x"')).toBeNull();
    expect(parseDigestChallenge('Digest realm="x"')).toBeNull(); // no nonce
    expect(parseDigestChallenge(undefined)).toBeNull();
  });

  it('counts requests per nonce (nc 00000001, 00000002, ...) and starts again with a new nonce', () => {
    let n = 0;
    const s = new DigestSession(() => `cn${++n}`);
    expect(s.authorization('GET', '/ping', 'admin', 'pw')).toBeNull();
    s.accept(parseDigestChallenge('Digest realm="127.0.0.1", nonce="100:aa", algorithm="MD5", qop="auth"')!);
    const a1 = fields(s.authorization('GET', '/scanstatus?id=122D9153', 'admin', 'pw')!);
    const a2 = fields(s.authorization('POST', '/stopscan?id=122D9153', 'admin', 'pw')!);
    expect(a1).toMatchObject({ username: 'admin', realm: '127.0.0.1', nonce: '100:aa', uri: '/scanstatus?id=122D9153', qop: 'auth', nc: '00000001', cnonce: 'cn1', algorithm: 'MD5' });
    expect(a2).toMatchObject({ nc: '00000002', cnonce: 'cn2', uri: '/stopscan?id=122D9153' });
    expect(a1.response).toBe(digestResponse({ username: 'admin', password: 'pw', realm: '127.0.0.1', nonce: '100:aa', method: 'GET', uri: '/scanstatus?id=122D9153', qop: 'auth', nc: 1, cnonce: 'cn1' }));
    expect(a2.response).toBe(digestResponse({ username: 'admin', password: 'pw', realm: '127.0.0.1', nonce: '100:aa', method: 'POST', uri: '/stopscan?id=122D9153', qop: 'auth', nc: 2, cnonce: 'cn2' }));
    s.accept(parseDigestChallenge('Digest realm="127.0.0.1", nonce="700:bb", algorithm="MD5", qop="auth", stale="true"')!);
    expect(fields(s.authorization('GET', '/ping', 'admin', 'pw')!)).toMatchObject({ nonce: '700:bb', nc: '00000001' });
    expect(nonceCount(255)).toBe('000000ff');
  });

  it('quotes what needs quoting and handles MD5-sess and the RFC 2069 form', () => {
    const h = digestAuthorization({ username: 'a"b', password: 'p', realm: 'r', nonce: 'n', method: 'GET', uri: '/x?y=1,2', qop: 'auth', nc: 1, cnonce: 'c' }, 'op');
    expect(h).toMatch(/^Digest username="a\\"b", realm="r", nonce="n", uri="\/x\?y=1,2", algorithm=MD5, response="[0-9a-f]{32}", qop=auth, nc=00000001, cnonce="c", opaque="op"$/);
    const sess = digestResponse({ username: 'u', password: 'p', realm: 'r', nonce: 'n', method: 'GET', uri: '/', qop: 'auth', nc: 1, cnonce: 'c', algorithm: 'MD5-sess' });
    const plain = digestResponse({ username: 'u', password: 'p', realm: 'r', nonce: 'n', method: 'GET', uri: '/', qop: 'auth', nc: 1, cnonce: 'c' });
    expect(sess).not.toBe(plain);
    const rfc2069 = digestAuthorization({ username: 'u', password: 'p', realm: 'r', nonce: 'n', method: 'GET', uri: '/', qop: null, nc: 1, cnonce: 'c' });
    expect(rfc2069).not.toMatch(/nc=|cnonce=|qop=/);
  });

  it('refuses challenges it cannot answer', () => {
    const s = new DigestSession();
    expect(() => s.accept(parseDigestChallenge('Digest realm="r", nonce="n", algorithm="SHA-256", qop="auth"')!)).toThrow(/SHA-256/);
    expect(() => s.accept(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"')!)).toThrow(/auth-int/);
    expect(s.ready).toBe(false);
  });
});
