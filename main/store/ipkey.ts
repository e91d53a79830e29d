import net from 'node:net';

/**
 * Sortable text keys for IP addresses: 32 lower-case hex digits of the IPv6 form (IPv4 as
 * ::ffff:a.b.c.d). Equal addresses get equal keys whatever their spelling, and a CIDR block is a
 * contiguous key range, so exact and CIDR filters are index range scans.
 */
export function ipKey(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const v = net.isIP(s);
  if (v === 4) return '00000000000000000000ffff' + v4hex(s);
  if (v === 6) return v6hex(s);
  return null;
}

function v4hex(s: string): string {
  let out = '';
  for (const part of s.split('.')) out += Number(part).toString(16).padStart(2, '0');
  return out;
}

function v6hex(s: string): string {
  let text = s.toLowerCase();
  // an embedded dotted IPv4 tail becomes two hextets
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const h = v4hex(tail);
    text = `${text.slice(0, lastColon + 1)}${h.slice(0, 4)}:${h.slice(4)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  const groups = rest === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

export interface KeyRange {
  lo: string;
  hi: string;
}

/** "10.0.0.0/8", "2001:db8::/32" or a single address → the inclusive key range; null if invalid. */
export function ipKeyRange(spec: string): KeyRange | null {
  const [addr, bitsText, extra] = spec.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const key = ipKey(addr);
  if (!key) return null;
  const isV4 = net.isIP(addr.replace(/^\[|\]$/g, '')) === 4;
  if (bitsText === undefined) return { lo: key, hi: key };
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText) + (isV4 ? 96 : 0);
  if (bits > 128 || (isV4 && Number(bitsText) > 32)) return null;
  const n = BigInt(`0x${key}`);
  const hostBits = BigInt(128 - bits);
  const mask = hostBits === 128n ? 0n : ((1n << 128n) - 1n) ^ ((1n << hostBits) - 1n);
  const lo = n & mask;
  const hi = lo | ((1n << hostBits) - 1n);
  return { lo: lo.toString(16).padStart(32, '0'), hi: hi.toString(16).padStart(32, '0') };
}
