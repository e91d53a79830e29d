import net from 'node:net';
import os from 'node:os';

/**
 * The DNS-rebinding guard of the headless server. A page on attacker.example that rebinds its
 * name to 127.0.0.1 still sends `Host: attacker.example`, so every request (on every bind) must
 * name this server by one of the values below, on the bound port:
 * - bound to loopback: a loopback address literal (127.0.0.0/8, ::1), exactly `localhost`, or a
 *   configured name;
 * - bound to one address: that address, or a configured name;
 * - bound to every address (0.0.0.0, ::): one of the machine's own addresses, `localhost`,
 *   or a configured name.
 * Names are matched exactly (no prefixes, no suffixes); addresses by `net.isIP` and their
 * canonical form, so `127.attacker.example` or `127.0.0.1.nip.io` never pass.
 */
export interface HostCheckOptions {
  /** The address the server listens on (as given to listen()). */
  bindHost: string;
  /** The port it listens on. */
  port: number;
  /** Extra names teammates use to reach a non-loopback bind (`vigil serve --allowed-host`). */
  allowedNames?: readonly string[];
  /** The machine's own addresses (injected for tests; default: os.networkInterfaces()). */
  localAddresses?: () => string[];
}

export type HostCheck = (hostHeader: string | undefined) => boolean;

/** The canonical text of an IP literal (IPv6 without brackets, compressed, lower case), or null. */
export function canonicalIp(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = net.isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return null;
  try {
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/** Whether `text` is a loopback address literal: 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. */
export function isLoopbackAddress(text: string): boolean {
  const ip = canonicalIp(text);
  if (ip === null) return false;
  if (net.isIPv4(ip)) return ip.split('.')[0] === '127';
  return ip === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(ip);
}

export function isWildcardAddress(text: string): boolean {
  const ip = canonicalIp(text);
  return ip === '0.0.0.0' || ip === '::';
}

function machineAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) out.push(a.address);
  }
  return out;
}

/** Splits a Host header into host and port (80 when absent); null when it is not one. */
export function parseHostHeader(value: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return null;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1]!.toLowerCase(), port };
}

export function createHostCheck(opts: HostCheckOptions): HostCheck {
  const names = new Set((opts.allowedNames ?? []).map((n) => n.trim().toLowerCase()).filter(Boolean));
  const bind = opts.bindHost.toLowerCase();
  const loopbackBind = bind === 'localhost' || isLoopbackAddress(bind);
  const wildcardBind = isWildcardAddress(bind);
  const boundIp = canonicalIp(bind);
  const local = opts.localAddresses ?? machineAddresses;

  const hostAllowed = (host: string): boolean => {
    const ip = canonicalIp(host);
    if (ip === null) return names.has(host) || ((loopbackBind || wildcardBind) && host === 'localhost');
    if (loopbackBind) return isLoopbackAddress(ip);
    // link-local addresses carry a zone (fe80::1%eth0) that a Host header never does
    if (wildcardBind) return local().some((a) => canonicalIp(a.replace(/%.*$/, '')) === ip);
    return ip === boundIp;
  };

  return (hostHeader) => {
    if (typeof hostHeader !== 'string' || hostHeader.length === 0 || hostHeader.length > 300) return false;
    const parsed = parseHostHeader(hostHeader);
    if (!parsed || parsed.port !== opts.port) return false;
    return hostAllowed(parsed.host);
  };
}

/**
 * The Origin header of a WebSocket upgrade: absent (a non-browser client) is fine; otherwise it
 * must be http://<an allowed host>. `null` (sandboxed frames, file: pages) is refused.
 */
export function originAllowed(origin: string | undefined, check: HostCheck): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) return false;
  return check(url.host);
}
