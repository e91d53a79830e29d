import net from 'node:net';
import type { ObservableType } from '../contract/index.js';

/** One typed value found in a record. */
export interface Found {
  type: ObservableType;
  value: string;
}

/**
 * Endings that look like a top-level domain but are file extensions: "alerts.json", "eve.json",
 * "invoice.pdf.exe" are file names, not domains. (A few are real TLDs too, e.g. .zip and .mov;
 * in a log they are far more often files.)
 */
const FILE_EXTENSIONS = new Set(
  (
    'json jsonl ndjson log txt csv tsv xml yml yaml toml ini conf cfg config properties env lock ' +
    'html htm xhtml css js mjs cjs ts tsx jsx map php asp aspx jsp cgi pyc rb go java class jar war ' +
    'c h cpp hpp cs vb ps1 psm1 bat cmd bash zsh ksh vbs wsf hta lnk scr ' +
    'exe dll sys drv msi msp bin elf dylib o a ko apk dmg pkg deb rpm iso img vhd vmdk ' +
    'zip gz tgz bz2 xz 7z rar tar zst cab lz lzma z ' +
    'doc docx docm xls xlsx xlsm ppt pptx pptm pdf rtf odt ods odp rst tex ' +
    'png jpg jpeg gif bmp svg ico webp tif tiff mp3 mp4 mov avi mkv wav flac ogg ' +
    'db sqlite sqlite3 mdb bak tmp old swp pid sock dat pem crt cer der key pfx p12 csr evtx pcap pcapng etl'
  ).split(/\s+/),
);

/**
 * Country codes that are also common script or document extensions (.pl Poland, .sh Saint Helena,
 * .py Paraguay, .md Moldova, .rs Serbia, .so Somalia): a domain in a DNS or TLS field, a file name
 * in free text.
 */
const TEXT_ONLY_EXTENSIONS = new Set(['pl', 'sh', 'py', 'md', 'rs', 'so']);

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A registrable-looking DNS name: two or more labels, an alphabetic TLD that is not a file
 * extension. `inText`: found in free text, where script names (run.sh, tool.py) are likelier.
 */
export function isDomain(v: string, inText = false): boolean {
  const d = v.toLowerCase().replace(/\.$/, '');
  if (d.length > 253 || !d.includes('.') || net.isIP(d)) return false;
  const labels = d.split('.');
  const tld = labels[labels.length - 1]!;
  if (!/^(?:[a-z]{2,24}|xn--[a-z0-9-]{2,59})$/.test(tld) || FILE_EXTENSIONS.has(tld) || (inText && TEXT_ONLY_EXTENSIONS.has(tld))) return false;
  return labels.every((l) => LABEL.test(l));
}

/** Addresses that say nothing about an incident: unspecified and loopback. */
function isNoiseIp(v: string): boolean {
  return v === '0.0.0.0' || v === '::' || v === '::1' || v.startsWith('127.');
}

const HEX = /^[0-9a-f]+$/i;
const HASH_TYPE: Record<number, ObservableType> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
const EMPTY_VALUES = new Set(['', '-', 'n/a', 'na', 'none', 'null', 'unknown', '(null)', 'undefined']);

/** Canonical form used for dedup: lower case where case does not matter. */
export function normalizeObservable(type: ObservableType, value: string): string {
  const v = value.trim();
  switch (type) {
    case 'ipv6':
    case 'domain':
    case 'host':
    case 'md5':
    case 'sha1':
    case 'sha256':
      return v.toLowerCase().replace(/\.$/, '');
    default:
      return v;
  }
}

/** Checks a hand-typed value against its type; returns why it does not fit, or null. */
export function observableProblem(type: ObservableType, value: string): string | null {
  const v = value.trim();
  switch (type) {
    case 'ipv4':
      return net.isIPv4(v) ? null : `"${v}" is not an IPv4 address`;
    case 'ipv6':
      return net.isIPv6(v) ? null : `"${v}" is not an IPv6 address`;
    case 'domain':
      return isDomain(v) ? null : `"${v}" is not a domain name`;
    case 'url':
      return urlOf(v) ? null : `"${v}" is not an http, https or ftp URL`;
    case 'md5':
    case 'sha1':
    case 'sha256':
      return HEX.test(v) && HASH_TYPE[v.length] === type ? null : `"${v}" is not a ${type} hash (${type === 'md5' ? 32 : type === 'sha1' ? 40 : 64} hex digits)`;
    case 'user':
    case 'host':
      return v.length > 0 && v.length <= 255 && !/[\r\n\t]/.test(v) ? null : `"${v}" is not a ${type} name`;
  }
}

function urlOf(v: string): URL | null {
  if (!/^(https?|ftp):\/\//i.test(v)) return null;
  try {
    const u = new URL(v);
    return u.hostname ? u : null;
  } catch {
    return null;
  }
}

/** Collects typed values, deduplicated. */
export class Collector {
  private readonly seen = new Map<string, Found>();

  add(type: ObservableType, raw: unknown): void {
    if (typeof raw !== 'string' && typeof raw !== 'number') return;
    const text = String(raw).trim();
    if (EMPTY_VALUES.has(text.toLowerCase()) || text.length > 2048) return;
    const value = normalizeObservable(type, text);
    const key = `${type}\u0000${value}`;
    if (!this.seen.has(key)) this.seen.set(key, { type, value });
  }

  /** An address in any field: typed by family; noise (loopback, unspecified) is left out. */
  ip(raw: unknown): void {
    if (typeof raw !== 'string') return;
    const v = raw.trim();
    const family = net.isIP(v);
    if (family === 0 || isNoiseIp(v)) return;
    this.add(family === 4 ? 'ipv4' : 'ipv6', v);
  }

  domain(raw: unknown, inText = false): void {
    if (typeof raw === 'string' && isDomain(raw.trim(), inText)) this.add('domain', raw);
  }

  url(raw: unknown): void {
    if (typeof raw !== 'string') return;
    const u = urlOf(raw.trim());
    if (!u) return;
    this.add('url', raw);
    if (net.isIP(u.hostname.replace(/^\[|\]$/g, ''))) this.ip(u.hostname.replace(/^\[|\]$/g, ''));
    else this.domain(u.hostname);
  }

  hash(raw: unknown, expected?: ObservableType): void {
    if (typeof raw !== 'string') return;
    const v = raw.trim();
    const type = HEX.test(v) ? HASH_TYPE[v.length] : undefined;
    if (type && (!expected || expected === type) && !/^0+$/.test(v)) this.add(type, v);
  }

  get size(): number {
    return this.seen.size;
  }

  values(): Found[] {
    return [...this.seen.values()];
  }
}

// Field names (the last key of a path, lower case) and what they hold.
const USER_KEYS = /^(user|username|user_name|srcuser|dstuser|src_user|dst_user|account|account_name|targetusername|subjectusername|logon_user|login|uid_name)$/;
const HOST_KEYS = /^(computer|host_name|hostname|machine|workstation|workstationname|device_name)$/;
const DOMAIN_KEYS = /^(rrname|sni|server_name|domain|fqdn|query|qname|http_host|hostname|host)$/;
const URL_KEYS = /^(url|uri|referer|referrer|http_refer|redirect|location|full_url)$/;
const HASH_KEYS = /(md5|sha1|sha256|hash|checksum)/;
/** Parents under which host / hostname name a web or DNS server rather than a machine. */
const NETWORK_PARENTS = new Set(['http', 'tls', 'dns', 'smtp', 'ftp', 'quic', 'query', 'answers', 'url', 'request']);
/** Paths whose "name" is a machine: Wazuh agent.name, ECS host.name, ... */
const HOST_PATHS = new Set(['agent.name', 'host.name', 'host.hostname', 'predecoder.hostname']);

/**
 * Walks a parsed raw record (Suricata EVE, Wazuh alert, or anything JSON) and collects typed
 * values by what their field means, never by scanning the text for dotted words: a field named
 * "location" holding "/var/ossec/logs/alerts/alerts.json" yields nothing, "http.hostname"
 * yields a domain, "agent.name" a host.
 */
export function extractFromRecord(record: unknown, into: Collector = new Collector()): Collector {
  const walk = (v: unknown, path: string[], depth: number): void => {
    if (depth > 12) return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 200)) walk(x, path, depth + 1);
      return;
    }
    if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      for (const [k, x] of Object.entries(obj)) walk(x, [...path, k], depth + 1);
      // Suricata http: the URL is a path; with the hostname it names the resource
      const host = obj['hostname'];
      const url = obj['url'];
      if (path[path.length - 1] === 'http' && typeof host === 'string' && typeof url === 'string' && url.startsWith('/')) {
        into.url(`http://${host}${url}`);
      }
      return;
    }
    if (typeof v !== 'string') return;
    const key = (path[path.length - 1] ?? '').toLowerCase().replace(/-/g, '_');
    const parent = (path[path.length - 2] ?? '').toLowerCase();
    const dotted = path.join('.').toLowerCase();
    if (net.isIP(v.trim())) {
      into.ip(v);
      return;
    }
    if (HOST_PATHS.has(dotted.split('.').slice(-2).join('.'))) {
      into.add('host', v);
      return;
    }
    if (URL_KEYS.test(key)) {
      into.url(v);
      return;
    }
    if (HASH_KEYS.test(key)) {
      const expected = key.includes('sha256') ? 'sha256' : key.includes('sha1') ? 'sha1' : key.includes('md5') ? 'md5' : undefined;
      into.hash(v, expected);
      return;
    }
    if (USER_KEYS.test(key)) {
      into.add('user', v);
      return;
    }
    if ((key === 'hostname' || key === 'host') && !NETWORK_PARENTS.has(parent)) {
      // a machine name (Wazuh predecoder.hostname, syslog host); a dotted one is still a host
      into.add('host', v);
      return;
    }
    if (HOST_KEYS.test(key) && !NETWORK_PARENTS.has(parent)) {
      into.add('host', v);
      return;
    }
    if (DOMAIN_KEYS.test(key)) into.domain(v);
  };
  walk(record, [], 0);
  return into;
}

/** A raw line as stored: JSON when it parses, else free text. */
export function extractFromRaw(raw: string, into: Collector = new Collector()): Collector {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return extractFromText(raw, into);
  }
  return extractFromRecord(parsed, into);
}

const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s<>"'`()[\]{}]+/gi;
const IPV4_IN_TEXT = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
const IPV6_IN_TEXT = /(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?::\d{1,3}(?:\.\d{1,3}){3})?(?![0-9a-f:])/gi;
const HEX_IN_TEXT = /\b[0-9a-f]{32}(?:[0-9a-f]{8})?(?:[0-9a-f]{24})?\b/gi;
const DOMAIN_IN_TEXT = /(?<![\w@/.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w-]|\.\w)/gi;

/**
 * Free text (an attached log excerpt, an e-mail): URLs, addresses, hashes and domain names.
 * Dotted words ending in a file extension are not domains; domains inside URLs are taken from
 * the URL; e-mail addresses are not split into domains.
 */
export function extractFromText(text: string, into: Collector = new Collector()): Collector {
  const t = text.length > 4_000_000 ? text.slice(0, 4_000_000) : text;
  const withoutUrls = t.replace(URL_IN_TEXT, (u) => {
    into.url(u.replace(/[.,;:!?]+$/, ''));
    return ' ';
  });
  for (const m of withoutUrls.matchAll(IPV4_IN_TEXT)) into.ip(m[0]);
  for (const m of withoutUrls.matchAll(IPV6_IN_TEXT)) into.ip(m[0]);
  for (const m of withoutUrls.matchAll(HEX_IN_TEXT)) into.hash(m[0]);
  for (const m of withoutUrls.matchAll(DOMAIN_IN_TEXT)) into.domain(m[0], true);
  return into;
}

/** The alert's own fields: addresses, and host / user / agent names when the alert model has them. */
export function extractFromAlert(alert: { src_ip: string | null; dst_ip: string | null } & Record<string, unknown>, into: Collector = new Collector()): Collector {
  into.ip(alert.src_ip);
  into.ip(alert.dst_ip);
  const agent = alert['agent'];
  const agentName = agent && typeof agent === 'object' ? (agent as { name?: unknown }).name : undefined;
  for (const v of [alert['host'], alert['hostname'], alert['agent_name'], agentName, alert['sensor']]) {
    // the alert model's host is an address when no agent names the machine: it is that address
    if (typeof v === 'string' && net.isIP(v.trim())) into.ip(v);
    else into.add('host', v);
  }
  for (const key of ['user', 'username', 'src_user', 'dst_user']) into.add('user', alert[key]);
  return into;
}
