import { describe, expect, it } from 'vitest';
import { canonicalIp, createHostCheck, isLoopbackAddress, originAllowed, parseHostHeader } from '../../main/server/host-check.js';
import { FailureLimiter } from '../../main/server/rate-limit.js';
import { tokenProblem } from '../../main/server/auth.js';

describe('isLoopbackAddress (issue 15 item 2: matched by net.isIP, never by prefix)', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (a) => {
    expect(isLoopbackAddress(a)).toBe(true);
  });
  it.each(['127.attacker.example', '127.0.0.1.nip.io', '127.1', '2130706433', 'localhost', '10.0.0.1', '::2', '::ffff:10.0.0.1', ''])('%s is not', (a) => {
    expect(isLoopbackAddress(a)).toBe(false);
  });
  it('canonicalizes IPv6 spellings', () => {
    expect(canonicalIp('[0:0::1]')).toBe('::1');
    expect(canonicalIp('FE80::1')).toBe('fe80::1');
    expect(canonicalIp('vigil.lan')).toBeNull();
  });
});

describe('parseHostHeader', () => {
  it('splits host and port, default 80', () => {
    expect(parseHostHeader('Example.org:8080')).toEqual({ host: 'example.org', port: 8080 });
    expect(parseHostHeader('[::1]:4780')).toEqual({ host: '[::1]', port: 4780 });
    expect(parseHostHeader('vigil')).toEqual({ host: 'vigil', port: 80 });
  });
  it.each(['a:b:c', 'host:99999', 'host:', '[::1', 'user@host:80', ''])('refuses %s', (h) => {
    expect(parseHostHeader(h)).toBeNull();
  });
});

describe('createHostCheck', () => {
  const machine = () => ['127.0.0.1', '::1', '192.0.2.10', 'fe80::1%eth0'];

  it('loopback bind: loopback literals, localhost and configured names on our port only', () => {
    const ok = createHostCheck({ bindHost: '127.0.0.1', port: 4780, allowedNames: ['vigil.local'] });
    for (const h of ['127.0.0.1:4780', '127.0.0.2:4780', 'localhost:4780', '[::1]:4780', 'vigil.local:4780']) expect(ok(h), h).toBe(true);
    for (const h of ['127.attacker.example:4780', 'localhost.attacker.example:4780', '127.0.0.1:80', '127.0.0.1', 'attacker.example:4780', '192.0.2.10:4780', undefined, ''])
      expect(ok(h), String(h)).toBe(false);
  });

  it('wildcard bind (--host 0.0.0.0): a foreign Host no longer passes; own addresses, localhost and configured names do', () => {
    const ok = createHostCheck({ bindHost: '0.0.0.0', port: 4780, allowedNames: ['soc-jump.corp'], localAddresses: machine });
    for (const h of ['192.0.2.10:4780', '127.0.0.1:4780', 'localhost:4780', '[fe80::1]:4780', 'soc-jump.corp:4780', 'SOC-JUMP.corp:4780']) expect(ok(h), h).toBe(true);
    for (const h of ['attacker.example:4780', '127.attacker.example:4780', '192.0.2.11:4780', '192.0.2.10:80', 'soc-jump.corp.attacker.example:4780'])
      expect(ok(h), h).toBe(false);
    const ok6 = createHostCheck({ bindHost: '::', port: 4780, localAddresses: machine });
    expect(ok6('[::1]:4780')).toBe(true);
    expect(ok6('attacker.example:4780')).toBe(false);
  });

  it('bind to one address: that address or a configured name', () => {
    const ok = createHostCheck({ bindHost: '192.0.2.10', port: 4780, allowedNames: ['vigil.lan'], localAddresses: machine });
    expect(ok('192.0.2.10:4780')).toBe(true);
    expect(ok('vigil.lan:4780')).toBe(true);
    expect(ok('127.0.0.1:4780')).toBe(false);
    expect(ok('attacker.example:4780')).toBe(false);
  });

  it('Origin: http://<allowed host> only; null, other schemes and foreign hosts are refused', () => {
    const ok = createHostCheck({ bindHost: '0.0.0.0', port: 4780, localAddresses: machine });
    expect(originAllowed(undefined, ok)).toBe(true);
    expect(originAllowed('http://192.0.2.10:4780', ok)).toBe(true);
    for (const o of ['http://attacker.example:4780', 'null', 'https://192.0.2.10:4780', 'http://192.0.2.10', 'file://', 'http://u:p@192.0.2.10:4780'])
      expect(originAllowed(o, ok), o).toBe(false);
  });
});

describe('FailureLimiter', () => {
  it('lets an address fail `burst` times, then asks it to wait; time refills it', () => {
    let t = 0;
    const lim = new FailureLimiter({ burst: 3, refillPerSecond: 0.5, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(lim.retryAfter('a')).toBe(0);
      lim.fail('a');
    }
    expect(lim.retryAfter('a')).toBe(2);
    expect(lim.retryAfter('b')).toBe(0); // other addresses are not affected
    t += 2000;
    expect(lim.retryAfter('a')).toBe(0);
    lim.fail('a');
    expect(lim.retryAfter('a')).toBeGreaterThan(0);
    t += 60_000;
    expect(lim.retryAfter('a')).toBe(0);
    expect(lim.size).toBe(0); // a refilled address is forgotten
  });

  it('remembers a bounded number of addresses', () => {
    const lim = new FailureLimiter({ burst: 1, refillPerSecond: 0.001, maxAddresses: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) lim.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(lim.size).toBe(100);
  });
});

describe('tokenProblem', () => {
  it('refuses tokens under 32 characters and tokens with whitespace', () => {
    expect(tokenProblem('a'.repeat(31))).toMatch(/at least 32/);
    expect(tokenProblem(`${'a'.repeat(32)} `)).toMatch(/spaces/);
    expect(tokenProblem('a'.repeat(32))).toBeNull();
  });
});
