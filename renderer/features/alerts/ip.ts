/**
 * Client-side checks for the address filters (the server validates again and answers
 * BAD_REQUEST with its own message, which the list's error state shows).
 */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export function isIPv4(s: string): boolean {
  return V4.test(s);
}

export function isIPv6(s: string): boolean {
  if (!s.includes(':') || /[^0-9a-fA-F:.]/.test(s)) return false;
  try {
    // the URL parser implements the full IPv6 grammar (compression, embedded IPv4)
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** null when `spec` is an IPv4/IPv6 address or CIDR block, else a message for the field. */
export function ipFilterError(spec: string): string | null {
  const text = spec.trim();
  if (!text) return null;
  const parts = text.split('/');
  if (parts.length > 2) return 'Use one address or one CIDR block, e.g. 10.0.0.0/8';
  const addr = (parts[0] ?? '').replace(/^\[(.*)\]$/, '$1');
  const bits = parts[1];
  const v4 = isIPv4(addr);
  const v6 = !v4 && isIPv6(addr);
  if (!v4 && !v6) return `“${addr || text}” is not an IP address`;
  if (bits === undefined) return null;
  if (!/^\d{1,3}$/.test(bits)) return 'The prefix length after “/” must be a number';
  const max = v4 ? 32 : 128;
  if (Number(bits) > max) return `An ${v4 ? 'IPv4' : 'IPv6'} prefix is at most /${max}`;
  return null;
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/i;

export function techniqueError(spec: string): string | null {
  const text = spec.trim();
  if (!text || TECHNIQUE.test(text)) return null;
  return 'A technique id like T1110 or T1110.001';
}
