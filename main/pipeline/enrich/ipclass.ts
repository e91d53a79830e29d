/**
 * Address classification without any database: IPv4 and IPv6, by the IANA special-purpose
 * registries (RFC 6890 and successors), reduced to the classes Vigil shows.
 *
 * Accepted input forms
 * - IPv4 dotted quad, strict: four decimal octets 0..255, no leading zeros ("01.2.3.4" is
 *   'invalid': inet_aton would read it as octal, so it is ambiguous; Node's isIP rejects it too),
 *   no surrounding whitespace, no zone id, no brackets.
 * - IPv6 in any RFC 4291 text form (full, compressed, mixed with a trailing dotted quad, any
 *   letter case), optionally inside brackets ("[::1]") and/or with a zone id ("fe80::1%eth0",
 *   "[fe80::1%25eth0]"). A zone id must be non-empty printable ASCII without spaces, '%', '/',
 *   '[' or ']'. Brackets with a port ("[::1]:443") are 'invalid'.
 * - Anything else is 'invalid'.
 *
 * The range tables are built once at module load from constant CIDR lists (pure). The hot path
 * is a hand-written IPv4 parser plus a first-octet table; IPv6 is validated with node:net isIP
 * and parsed by hand into 16-bit groups in a reused scratch buffer. Nothing is cached per address.
 */
import { isIP } from 'node:net';
import type { AddressClass } from '../types.js';

// ---------------------------------------------------------------------------------------------
// IPv4

/**
 * Strict dotted-quad parser over s[start, end). Returns the address as an unsigned 32-bit value
 * (held in a double), or -1 when the text is not a valid IPv4 address.
 */
function parseV4(s: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

interface V4Rule {
  readonly net: number; // network address as int32 (already masked)
  readonly mask: number; // int32 mask
  readonly cls: AddressClass;
}

/** IPv4 special-purpose ranges. More specific entries win over less specific ones. */
const V4_RANGES: ReadonlyArray<readonly [cidr: string, cls: AddressClass]> = [
  ['0.0.0.0/8', 'reserved'], // "this network"
  ['0.0.0.0/32', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'documentation'], // TEST-NET-1
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'], // TEST-NET-2
  ['203.0.113.0/24', 'documentation'], // TEST-NET-3
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'broadcast'],
];

function parseV4Cidr(cidr: string): { net: number; len: number } {
  const slash = cidr.indexOf('/');
  const addr = parseV4(cidr, 0, slash);
  const len = Number(cidr.slice(slash + 1));
  if (addr < 0 || !(len >= 0 && len <= 32)) throw new Error(`bad IPv4 CIDR in table: ${cidr}`);
  return { net: addr, len };
}

function v4Mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) | 0;
}

/**
 * Per first octet: the class when no finer rule matches (from rules of /8 or shorter), and the
 * finer rules (longer than /8) that fall inside that octet, most specific first.
 */
const V4_DEFAULT: readonly AddressClass[] = buildV4Default();
const V4_FINE: ReadonlyArray<readonly V4Rule[] | null> = buildV4Fine();

function buildV4Default(): AddressClass[] {
  const out = new Array<AddressClass>(256).fill('public');
  const coarse = V4_RANGES.map(([cidr, cls]) => ({ ...parseV4Cidr(cidr), cls }))
    .filter((r) => r.len <= 8)
    .sort((a, b) => a.len - b.len); // shorter first, so longer prefixes overwrite
  for (const r of coarse) {
    const first = Math.floor(r.net / 0x1000000);
    const count = 2 ** (8 - r.len);
    for (let o = first; o < first + count; o++) out[o] = r.cls;
  }
  return out;
}

function buildV4Fine(): Array<V4Rule[] | null> {
  const out = new Array<V4Rule[] | null>(256).fill(null);
  const fine = V4_RANGES.map(([cidr, cls]) => ({ ...parseV4Cidr(cidr), cls }))
    .filter((r) => r.len > 8)
    .sort((a, b) => b.len - a.len); // most specific first
  for (const r of fine) {
    const o = Math.floor(r.net / 0x1000000);
    const mask = v4Mask(r.len);
    const list = out[o] ?? (out[o] = []);
    list.push({ net: (r.net & mask) | 0, mask, cls: r.cls });
  }
  return out;
}

function classifyV4(v: number): AddressClass {
  const o = Math.floor(v / 0x1000000);
  const fine = V4_FINE[o];
  if (fine !== null && fine !== undefined) {
    const x = v | 0;
    for (let i = 0; i < fine.length; i++) {
      const r = fine[i]!;
      if ((x & r.mask) === r.net) return r.cls;
    }
  }
  return V4_DEFAULT[o] ?? 'invalid';
}

// ---------------------------------------------------------------------------------------------
// IPv6

/** Scratch buffers for IPv6 parsing; the module is single-threaded and never re-entrant here. */
const G = new Uint16Array(8);
const TMP = new Uint16Array(8);

function hexVal(c: number): number {
  if (c <= 57) return c - 48;
  if (c >= 97) return c - 87;
  return c - 55;
}

/**
 * Parses the ':'-separated groups of s[start, end) into out from index `at`; a trailing dotted
 * quad counts as two groups. The text has been validated by isIP already. Returns the new count,
 * or -1 on a malformed embedded IPv4.
 */
function parseGroups(s: string, start: number, end: number, out: Uint16Array, at: number): number {
  let count = at;
  let segStart = start;
  let val = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 /* : */) {
      out[count++] = val;
      val = 0;
      segStart = i + 1;
    } else if (c === 46 /* . */) {
      const v4 = parseV4(s, segStart, end);
      if (v4 < 0) return -1;
      out[count++] = Math.floor(v4 / 65536);
      out[count++] = v4 & 0xffff;
      return count;
    } else {
      val = (val << 4) | hexVal(c);
    }
  }
  out[count++] = val;
  return count;
}

/** Parses a validated bare IPv6 address (no brackets, no zone) into G. */
function parseV6(s: string): boolean {
  G.fill(0);
  const n = s.length;
  const dc = s.indexOf('::');
  if (dc === -1) return parseGroups(s, 0, n, G, 0) === 8;
  const head = dc === 0 ? 0 : parseGroups(s, 0, dc, G, 0);
  if (head < 0) return false;
  if (dc + 2 < n) {
    const tail = parseGroups(s, dc + 2, n, TMP, 0);
    if (tail < 0 || head + tail > 7) return false;
    for (let k = 0; k < tail; k++) G[8 - tail + k] = TMP[k]!;
  }
  return true;
}

/** Classes a rule can give, plus "look at the embedded IPv4 in the last 32 bits". */
type V6Result = AddressClass | 'embedded-v4';

interface V6Rule {
  readonly words: readonly number[]; // masked group values, only as many groups as the prefix spans
  readonly masks: readonly number[];
  readonly cls: V6Result;
}

/** IPv6 special-purpose ranges. More specific entries win over less specific ones. */
const V6_RANGES: ReadonlyArray<readonly [cidr: string, cls: V6Result]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::ffff:0:0/96', 'embedded-v4'], // IPv4-mapped
  ['64:ff9b::/96', 'embedded-v4'], // NAT64 well-known prefix
  ['fe80::/10', 'link-local'],
  ['fc00::/7', 'unique-local'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001:2::/48', 'benchmarking'],
];

function buildV6Rule(cidr: string, cls: V6Result): V6Rule & { len: number; inGlobal: boolean } {
  const slash = cidr.indexOf('/');
  const addr = cidr.slice(0, slash);
  const len = Number(cidr.slice(slash + 1));
  if (isIP(addr) !== 6 || !parseV6(addr) || !(len >= 0 && len <= 128)) {
    throw new Error(`bad IPv6 CIDR in table: ${cidr}`);
  }
  const words: number[] = [];
  const masks: number[] = [];
  for (let k = 0; k * 16 < len; k++) {
    const bits = Math.min(16, len - k * 16);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    masks.push(mask);
    words.push(G[k]! & mask);
  }
  const inGlobal = len >= 3 && ((words[0] ?? 0) & 0xe000) === 0x2000;
  return { words, masks, cls, len, inGlobal };
}

const V6_RULES = V6_RANGES.map(([cidr, cls]) => buildV6Rule(cidr, cls)).sort((a, b) => b.len - a.len);
/** Rules inside 2000::/3 (default public) and outside it (default reserved), most specific first. */
const V6_GLOBAL: readonly V6Rule[] = V6_RULES.filter((r) => r.inGlobal);
const V6_OTHER: readonly V6Rule[] = V6_RULES.filter((r) => !r.inGlobal);

function matchV6(rules: readonly V6Rule[]): V6Result | null {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    const w = r.words;
    const m = r.masks;
    let k = 0;
    for (; k < w.length; k++) if ((G[k]! & m[k]!) !== w[k]) break;
    if (k === w.length) return r.cls;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Set by classifyCore: the embedded IPv4 (uint32) of an IPv4-mapped or NAT64 address, else -1. */
let lastEmbeddedV4 = -1;
/** Set by classifyCore: the bare address text (no brackets, no zone) when the input was IPv6. */
let lastBareV6: string | null = null;

function zoneOk(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 37 /* % */ || c === 47 /* / */ || c === 91 || c === 93) return false;
  }
  return true;
}

function classifyCore(ip: string): AddressClass {
  lastEmbeddedV4 = -1;
  lastBareV6 = null;
  let end = ip.length;
  if (end === 0) return 'invalid';
  let start = 0;
  if (ip.charCodeAt(0) === 91 /* [ */) {
    if (ip.charCodeAt(end - 1) !== 93 /* ] */) return 'invalid';
    start = 1;
    end--;
  } else {
    // IPv4 fast path (never bracketed).
    const v4 = parseV4(ip, 0, end);
    if (v4 >= 0) return classifyV4(v4);
  }
  const colon = ip.indexOf(':', start);
  if (colon === -1 || colon >= end) return 'invalid';
  let addrEnd = end;
  const pct = ip.indexOf('%', start);
  if (pct !== -1 && pct < end) {
    if (!zoneOk(ip, pct + 1, end)) return 'invalid';
    addrEnd = pct;
  }
  const bare = start === 0 && addrEnd === ip.length ? ip : ip.slice(start, addrEnd);
  if (isIP(bare) !== 6 || !parseV6(bare)) return 'invalid';
  lastBareV6 = bare;
  const global = (G[0]! & 0xe000) === 0x2000;
  const hit = matchV6(global ? V6_GLOBAL : V6_OTHER);
  if (hit === null) return global ? 'public' : 'reserved';
  if (hit !== 'embedded-v4') return hit;
  const v4 = G[6]! * 65536 + G[7]!;
  lastEmbeddedV4 = v4;
  return classifyV4(v4);
}

/** The class of an address given as text. Never throws; non-addresses give 'invalid'. */
export function classifyIp(ip: string): AddressClass {
  return classifyCore(ip);
}

export interface IpInspection {
  class: AddressClass;
  /** 4 or 6 by the written form (an IPv4-mapped IPv6 address is 6); 0 when invalid. */
  version: 0 | 4 | 6;
  /**
   * The text to query a geo database with, only for public addresses: brackets and zone id
   * removed, and the embedded IPv4 (dotted quad) for IPv4-mapped and NAT64 addresses. Null
   * for every other class.
   */
  lookup: string | null;
}

function v4ToString(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Classification plus the address to use for geo lookups (allocates; use classifyIp when only the class is needed). */
export function inspectIp(ip: string): IpInspection {
  const cls = classifyCore(ip);
  if (cls === 'invalid') return { class: cls, version: 0, lookup: null };
  const bare = lastBareV6;
  const version = bare === null ? 4 : 6;
  let lookup: string | null = null;
  if (cls === 'public') {
    if (bare === null) lookup = ip;
    else if (lastEmbeddedV4 >= 0) lookup = v4ToString(lastEmbeddedV4);
    else lookup = bare;
  }
  return { class: cls, version, lookup };
}

/** True when the class is routable on the internet. */
export function isExternalClass(cls: AddressClass): boolean {
  return cls === 'public';
}
