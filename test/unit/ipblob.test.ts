import { describe, expect, it } from 'vitest';
import { blobIp, ipBlob, ipBlobRange } from '../../main/store/ipblob.js';

describe('compact address keys of the record store', () => {
  it.each([
    ['10.1.2.3', '040a010203', '10.1.2.3'],
    ['255.255.255.255', '04ffffffff', '255.255.255.255'],
    ['::ffff:10.1.2.3', '040a010203', '10.1.2.3'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '0620010db8000000000000000000000001', '2001:db8::1'],
    ['fe80::1%eth0', '06fe800000000000000000000000000001', 'fe80::1'],
    ['::', '0600000000000000000000000000000000', '::'],
    ['1:0:0:2:0:0:0:3', '0600010000000000020000000000000003', '1:0:0:2::3'],
  ])('%s → %s → %s', (ip, hex, back) => {
    expect(ipBlob(ip)!.toString('hex')).toBe(hex);
    expect(blobIp(ipBlob(ip))).toBe(back);
  });

  it.each(['', '10.1.2', '10.1.2.256', '010.1.2.3', 'example.com', '1.2.3.4.5'])('%s is no address (or takes the careful path)', (ip) => {
    const b = ipBlob(ip);
    // "010.1.2.3" is refused by the fast path and by node's parser alike
    expect(b).toBeNull();
  });

  it('a CIDR block is one contiguous range of its own family', () => {
    const r = ipBlobRange('10.0.0.0/8')!;
    expect([r.lo.toString('hex'), r.hi.toString('hex')]).toEqual(['040a000000', '040affffff']);
    const inside = ipBlob('10.200.3.4')!;
    expect(Buffer.compare(r.lo, inside) <= 0 && Buffer.compare(inside, r.hi) <= 0).toBe(true);
    const v6 = ipBlob('0a00::1')!; // an IPv6 key never falls in an IPv4 range
    expect(Buffer.compare(r.lo, v6) <= 0 && Buffer.compare(v6, r.hi) <= 0).toBe(false);
    expect(ipBlobRange('::ffff:10.0.0.0/104')).toEqual(r);
    const r6 = ipBlobRange('2001:db8::/32')!;
    expect([r6.lo.toString('hex'), r6.hi.toString('hex')]).toEqual(['0620010db8000000000000000000000000', '0620010db8ffffffffffffffffffffffff']);
    expect(ipBlobRange('10.0.0.0/33')).toBeNull();
    expect(ipBlobRange('nope/8')).toBeNull();
  });
});
