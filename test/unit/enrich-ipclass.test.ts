import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { classifyIp, inspectIp } from '../../main/pipeline/enrich/index.js';
import type { AddressClass } from '../../main/pipeline/types.js';
import { lcgInts } from '../helpers/random.js';

const V4: Array<[string, AddressClass]> = [
  // 0/8 "this network" and the unspecified address
  ['0.0.0.0', 'unspecified'],
  ['0.0.0.1', 'reserved'],
  ['0.255.255.255', 'reserved'],
  ['1.0.0.0', 'public'],
  ['1.1.1.1', 'public'],
  ['8.8.8.8', 'public'],
  // 10/8
  ['9.255.255.255', 'public'],
  ['10.0.0.0', 'private'],
  ['10.1.2.3', 'private'],
  ['10.255.255.255', 'private'],
  ['11.0.0.0', 'public'],
  // 100.64/10
  ['100.63.255.255', 'public'],
  ['100.64.0.0', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.0', 'public'],
  // 127/8
  ['126.255.255.255', 'public'],
  ['127.0.0.0', 'loopback'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['128.0.0.0', 'public'],
  // 169.254/16
  ['169.253.255.255', 'public'],
  ['169.254.0.0', 'link-local'],
  ['169.254.169.254', 'link-local'],
  ['169.254.255.255', 'link-local'],
  ['169.255.0.0', 'public'],
  // 172.16/12
  ['172.15.255.255', 'public'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  // 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16
  ['191.255.255.255', 'public'],
  ['192.0.0.0', 'reserved'],
  ['192.0.0.255', 'reserved'],
  ['192.0.1.0', 'public'],
  ['192.0.2.0', 'documentation'],
  ['192.0.2.255', 'documentation'],
  ['192.0.3.0', 'public'],
  ['192.88.98.255', 'public'],
  ['192.88.99.0', 'reserved'],
  ['192.88.99.255', 'reserved'],
  ['192.88.100.0', 'public'],
  ['192.167.255.255', 'public'],
  ['192.168.0.0', 'private'],
  ['192.168.1.1', 'private'],
  ['192.168.255.255', 'private'],
  ['192.169.0.0', 'public'],
  // 198.18/15, 198.51.100/24
  ['198.17.255.255', 'public'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  ['198.51.99.255', 'public'],
  ['198.51.100.0', 'documentation'],
  ['198.51.100.255', 'documentation'],
  ['198.51.101.0', 'public'],
  // 203.0.113/24
  ['203.0.112.255', 'public'],
  ['203.0.113.0', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['203.0.114.0', 'public'],
  // 224/4, 240/4, broadcast
  ['223.255.255.255', 'public'],
  ['224.0.0.0', 'multicast'],
  ['224.0.0.251', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.0', 'reserved'],
  ['250.1.2.3', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // the geo test addresses
  ['81.2.69.142', 'public'],
  ['175.16.199.1', 'public'],
];

const V6: Array<[string, AddressClass]> = [
  ['::', 'unspecified'],
  ['0:0:0:0:0:0:0:0', 'unspecified'],
  ['::1', 'loopback'],
  ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
  ['::2', 'reserved'],
  ['[::1]', 'loopback'],
  // link-local fe80::/10
  ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fe80::', 'link-local'],
  ['fe80::1', 'link-local'],
  ['FE80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fe80::1%25eth0', 'link-local'],
  ['[fe80::abcd%en0]', 'link-local'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'],
  ['fec0::', 'reserved'], // deprecated site-local
  // unique-local fc00::/7
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fc00::', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
  // multicast ff00::/8
  ['fe00::', 'reserved'],
  ['ff00::', 'multicast'],
  ['ff02::1', 'multicast'],
  ['FF02::1:FF00:1', 'multicast'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
  // documentation 2001:db8::/32 and 3fff::/20
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['2001:db8::', 'documentation'],
  ['2001:DB8::1', 'documentation'],
  ['2001:0db8:0000:0000:0000:0000:0000:0001', 'documentation'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['2001:db9::', 'public'],
  ['3ffe:ffff::1', 'public'],
  ['3fff::', 'documentation'],
  ['3fff:0fff:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['3fff:1000::', 'public'],
  // benchmarking 2001:2::/48
  ['2001:1:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['2001:2::', 'benchmarking'],
  ['2001:2:0:ffff:ffff:ffff:ffff:ffff', 'benchmarking'],
  ['2001:2:1::', 'public'],
  // 2000::/3 public, everything else reserved
  ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['2000::', 'public'],
  ['2001:218::1', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['[2a00:1450:4001:80b::200e]', 'public'],
  ['3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['4000::', 'reserved'],
  ['100::', 'reserved'], // discard-only prefix
  ['::1.2.3.4', 'reserved'], // deprecated IPv4-compatible form
  ['::fffe:1.2.3.4', 'reserved'],
  // IPv4-mapped ::ffff:0:0/96 classifies the embedded IPv4
  ['::ffff:1.2.3.4', 'public'],
  ['::FFFF:10.0.0.1', 'private'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:192.168.1.1', 'private'],
  ['::ffff:255.255.255.255', 'broadcast'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['[::ffff:203.0.113.9]', 'documentation'],
  // NAT64 64:ff9b::/96 classifies the embedded IPv4
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b::a00:1', 'private'],
  ['64:ff9b::100.64.0.1', 'cgnat'],
  ['64:ff9b:1::1.2.3.4', 'reserved'], // local-use NAT64 (RFC 8215) is not the well-known prefix
  ['64:ff9a::', 'reserved'],
];

// Decisions: no leading zeros in IPv4 (octal ambiguity; matches node:net isIP), no whitespace
// trimming, brackets only around IPv6, zone ids only on IPv6 and never empty.
const INVALID: string[] = [
  '',
  ' ',
  '1.2.3',
  '1.2.3.',
  '.1.2.3',
  '1..2.3',
  '256.1.1.1',
  '1.2.3.256',
  '1.2.3.4.5',
  '01.2.3.4',
  '1.2.3.04',
  '00.0.0.0',
  '1.2.3.-1',
  '+1.2.3.4',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '1.2.3.4\n',
  '1.2.3.4%eth0',
  '[1.2.3.4]',
  '0x7f.0.0.1',
  '2130706433',
  'localhost',
  'example.com',
  '::g',
  ':',
  ':::',
  '1::2::3',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '12345::',
  '::ffff:01.2.3.4',
  '::ffff:1.2.3',
  '::ffff:1.2.3.4:5',
  '::1.2.3.4.5',
  'fe80::1%',
  'fe80::1%eth 0',
  '[::1',
  '::1]',
  '[]',
  '[::1]:443',
  '[[::1]]',
  'fe80::1%eth0%1',
  '::1/128',
  '10.0.0.0/8',
];

describe('classifyIp', () => {
  it('covers enough cases', () => {
    expect(V4.length + V6.length + INVALID.length).toBeGreaterThan(150);
    const classes = new Set([...V4, ...V6].map(([, c]) => c));
    classes.add('invalid');
    for (const c of [
      'public',
      'private',
      'loopback',
      'link-local',
      'cgnat',
      'documentation',
      'multicast',
      'broadcast',
      'unspecified',
      'reserved',
      'benchmarking',
      'unique-local',
      'invalid',
    ] satisfies AddressClass[]) {
      expect(classes.has(c), c).toBe(true);
    }
  });

  it.each(V4)('IPv4 %s -> %s', (ip, cls) => {
    expect(classifyIp(ip)).toBe(cls);
  });

  it.each(V6)('IPv6 %s -> %s', (ip, cls) => {
    expect(classifyIp(ip)).toBe(cls);
  });

  it.each(INVALID.map((s) => [JSON.stringify(s), s]))('invalid %s', (_label, s) => {
    expect(classifyIp(s)).toBe('invalid');
  });

  it('agrees with node:net isIP on what is an address (random dotted / colon strings)', () => {
    const rnd = lcgInts(12345);
    const alphabet = '0123456789abcdefABCDEF:.:.::0g%';
    for (let i = 0; i < 20000; i++) {
      const len = 1 + rnd(20);
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet[rnd(alphabet.length)];
      // Zone ids: compare only the zone-free part (our zone rules are our own).
      if (s.includes('%')) continue;
      const valid = isIP(s) !== 0;
      expect(classifyIp(s) !== 'invalid', s).toBe(valid);
    }
    for (let i = 0; i < 5000; i++) {
      const s = [rnd(300), rnd(300), rnd(300), rnd(300)].join('.');
      expect(classifyIp(s) !== 'invalid', s).toBe(isIP(s) === 4);
    }
  });

  it('parses every textual form of random IPv6 addresses to the same class', () => {
    const rnd = lcgInts(777);
    // Reference classifier over BigInt, written independently of the module's tables.
    const big = (g: number[]): bigint => g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n);
    const inNet = (v: bigint, net: bigint, len: number): boolean => v >> BigInt(128 - len) === net >> BigInt(128 - len);
    const net = (s: string): bigint => {
      const [head = '', tail = ''] = s.split('::');
      const h = head ? head.split(':') : [];
      const t = tail ? tail.split(':') : [];
      const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
      return big(all.map((x) => parseInt(x, 16)));
    };
    const ref = (g: number[]): AddressClass => {
      const v = big(g);
      if (v === 0n) return 'unspecified';
      if (v === 1n) return 'loopback';
      if (inNet(v, net('::ffff:0:0'), 96) || inNet(v, net('64:ff9b::'), 96)) {
        return classifyIp(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
      }
      if (inNet(v, net('fe80::'), 10)) return 'link-local';
      if (inNet(v, net('fc00::'), 7)) return 'unique-local';
      if (inNet(v, net('ff00::'), 8)) return 'multicast';
      if (inNet(v, net('2001:db8::'), 32) || inNet(v, net('3fff::'), 20)) return 'documentation';
      if (inNet(v, net('2001:2::'), 48)) return 'benchmarking';
      if (inNet(v, net('2000::'), 3)) return 'public';
      return 'reserved';
    };
    const prefixes = [[0], [0, 0, 0, 0, 0, 0xffff], [0x64, 0xff9b, 0, 0, 0, 0], [0xfe80], [0xfebf], [0xfc00], [0xfdff],
      [0xff02], [0x2001, 0xdb8], [0x2001, 0xdb7], [0x3fff], [0x3fff, 0x1000], [0x2001, 2, 0], [0x2001, 2, 1], [0x2a00], [0x1fff], [0x4000]];
    for (let i = 0; i < 4000; i++) {
      const p = prefixes[rnd(prefixes.length)]!;
      const g: number[] = [];
      for (let k = 0; k < 8; k++) g.push(k < p.length ? p[k]! : rnd(4) === 0 ? 0 : rnd(4) === 0 ? 0xffff : rnd(65536));
      const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
      const short = g.map((x) => x.toString(16)).join(':');
      // Compress the longest run of zero groups (length >= 1, anywhere).
      let bestAt = -1;
      let bestLen = 0;
      for (let a = 0; a < 8; a++) {
        let b = a;
        while (b < 8 && g[b] === 0) b++;
        if (b - a > bestLen) [bestAt, bestLen] = [a, b - a];
      }
      const compressed =
        bestLen === 0
          ? short
          : `${g.slice(0, bestAt).map((x) => x.toString(16)).join(':')}::${g.slice(bestAt + bestLen).map((x) => x.toString(16)).join(':')}`;
      const v4tail = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
      const mixed = `${g.slice(0, 6).map((x) => x.toString(16)).join(':')}:${v4tail}`;
      const expected = ref(g);
      for (const form of [full, short, compressed, compressed.toUpperCase(), mixed, `[${compressed}]`, `${compressed}%eth0`]) {
        expect(isIP(form.replace(/^\[|\]$|%.*$/g, '')), form).toBe(6);
        expect(classifyIp(form), `${form} (${full})`).toBe(expected);
      }
    }
  });

  it('full and compressed forms of the same address classify the same', () => {
    const pairs: Array<[string, string]> = [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['fe80:0000:0000:0000:0000:0000:0000:0001', 'fe80::1'],
      ['0000:0000:0000:0000:0000:ffff:0a00:0001', '::ffff:10.0.0.1'],
      ['2001:0002:0000:0000:0000:0000:0000:0001', '2001:2::1'],
    ];
    for (const [a, b] of pairs) expect(classifyIp(a)).toBe(classifyIp(b));
  });
});

describe('inspectIp', () => {
  it('gives the geo lookup address only for public addresses', () => {
    expect(inspectIp('81.2.69.142')).toEqual({ class: 'public', version: 4, lookup: '81.2.69.142' });
    expect(inspectIp('10.0.0.1')).toEqual({ class: 'private', version: 4, lookup: null });
    expect(inspectIp('[2001:218::1]')).toEqual({ class: 'public', version: 6, lookup: '2001:218::1' });
    expect(inspectIp('2001:218::1%eth0')).toEqual({ class: 'public', version: 6, lookup: '2001:218::1' });
    expect(inspectIp('::ffff:81.2.69.142')).toEqual({ class: 'public', version: 6, lookup: '81.2.69.142' });
    expect(inspectIp('::ffff:5102:458e')).toEqual({ class: 'public', version: 6, lookup: '81.2.69.142' });
    expect(inspectIp('64:ff9b::255.1.2.3')).toEqual({ class: 'reserved', version: 6, lookup: null });
    expect(inspectIp('64:ff9b::d8a0:5339')).toEqual({ class: 'public', version: 6, lookup: '216.160.83.57' });
    expect(inspectIp('fe80::1')).toEqual({ class: 'link-local', version: 6, lookup: null });
    expect(inspectIp('nope')).toEqual({ class: 'invalid', version: 0, lookup: null });
  });

  it('does not leak state between calls', () => {
    inspectIp('::ffff:8.8.8.8');
    expect(inspectIp('1.1.1.1')).toEqual({ class: 'public', version: 4, lookup: '1.1.1.1' });
    inspectIp('2001:218::1');
    expect(inspectIp('9.9.9.9').lookup).toBe('9.9.9.9');
  });
});
