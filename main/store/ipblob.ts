import { ipKey, ipKeyRange } from './ipkey.js';

/**
 * Compact sortable address keys for the record store: 0x04 + 4 bytes for IPv4 (and IPv4-mapped
 * IPv6), 0x06 + 16 bytes for IPv6. The tag byte keeps the two families apart, so a CIDR block is
 * one contiguous BLOB range of one family, and an IPv4 key costs 5 bytes instead of 32 hex digits.
 */
export function ipBlob(ip: string | null | undefined): Buffer | null {
  if (!ip) return null;
  const v4 = dottedQuad(ip);
  if (v4 !== null) return v4;
  const key = ipKey(ip);
  return key === null ? null : blobOfKey(key);
}

/** A plain dotted IPv4 address ("10.1.2.3") read without string splitting, or null. */
function dottedQuad(ip: string): Buffer | null {
  const n = ip.length;
  if (n < 7 || n > 15) return null;
  const b = Buffer.allocUnsafe(5);
  b[0] = 4;
  let part = 0;
  let val = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? ip.charCodeAt(i) : 46;
    if (c === 46) {
      // no empty part, no leading zero ("010" is octal to some parsers: left to the slow path)
      if (digits === 0 || val > 255 || part > 3 || (digits > 1 && ip.charCodeAt(i - digits) === 48)) return null;
      b[1 + part++] = val;
      val = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      val = val * 10 + (c - 48);
      digits++;
    } else return null;
  }
  return part === 4 ? b : null;
}

/** The address a key stands for, in its usual spelling (IPv6 compressed). */
export function blobIp(b: Uint8Array | null): string | null {
  if (b === null) return null;
  if (b[0] === 4 && b.length === 5) return `${b[1]}.${b[2]}.${b[3]}.${b[4]}`;
  if (b[0] !== 6 || b.length !== 17) return null;
  const groups: string[] = [];
  for (let i = 1; i < 17; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // the longest run of two or more zero groups becomes "::" (RFC 5952)
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface BlobRange {
  lo: Buffer;
  hi: Buffer;
}

const V4_MAPPED = '00000000000000000000ffff';

/** A 32-hex-digit key (ipkey.ts) as a blob key. */
function blobOfKey(key: string): Buffer {
  if (key.startsWith(V4_MAPPED)) return Buffer.from(`04${key.slice(24)}`, 'hex');
  return Buffer.from(`06${key}`, 'hex');
}

/**
 * "10.0.0.0/8", "2001:db8::/32" or one address → the inclusive key range; null when invalid. A
 * block inside ::ffff:0:0/96 is the IPv4 block it maps; a wider IPv6 block matches IPv6 keys only.
 */
export function ipBlobRange(spec: string): BlobRange | null {
  const r = ipKeyRange(spec);
  if (r === null) return null;
  const mapped = r.lo.startsWith(V4_MAPPED) && r.hi.startsWith(V4_MAPPED);
  if (mapped) return { lo: blobOfKey(r.lo), hi: blobOfKey(r.hi) };
  return { lo: Buffer.from(`06${r.lo}`, 'hex'), hi: Buffer.from(`06${r.hi}`, 'hex') };
}
