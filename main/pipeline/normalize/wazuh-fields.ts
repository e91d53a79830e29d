/**
 * Where a Wazuh alert keeps its addresses and user. `data.*` is whatever the decoder produced, so
 * the same fact lives under a different path per decoder (sshd writes `data.srcip`, the Windows
 * eventchannel decoder `data.win.eventdata.ipAddress`, the AWS module `data.aws.sourceIPAddress`,
 * ...). Each list below is tried in order and the FIRST path holding a usable value wins:
 * an address must be an IPv4 or IPv6 address (node:net isIP; "ip:port" and "[v6]:port" forms are
 * split, "::ffff:a.b.c.d" becomes a.b.c.d), a user a non-empty string other than "-". A port is
 * read from the same row as the address it belongs to (or, with no address at all, from the first
 * row that has one). Anything else falls through to the next row; a record with no match keeps
 * null fields (its raw line is always kept).
 *
 * The table is documented for analysts in docs/wazuh-fields.md; keep the two in step.
 */
import { isIP } from 'node:net';
import { isObject, loosePort, type JsonObject } from './common.js';

export interface AddressRow {
  /** Dotted path from the alert's root, e.g. "data.win.eventdata.ipAddress". */
  ip: string;
  /** Path of the port that goes with this address, or null. */
  port: string | null;
  /** What writes it (for the docs and for whoever extends the table). */
  decoder: string;
}

export interface UserRow {
  path: string;
  decoder: string;
}

/** Source address (the actor, the client, the remote end). */
export const WAZUH_SRC_FIELDS: readonly AddressRow[] = [
  { ip: 'data.srcip', port: 'data.srcport', decoder: 'syslog decoders (sshd, pam, web-accesslog, firewalls, ...)' },
  { ip: 'data.src_ip', port: 'data.src_port', decoder: 'JSON decoder (Suricata EVE through Wazuh, custom JSON logs)' },
  { ip: 'data.win.eventdata.ipAddress', port: 'data.win.eventdata.ipPort', decoder: 'windows_eventchannel: Security 4624/4625/4648/4771/4776' },
  { ip: 'data.win.eventdata.sourceIp', port: 'data.win.eventdata.sourcePort', decoder: 'windows_eventchannel: Sysmon event 3 (network connection)' },
  { ip: 'data.win.eventdata.sourceAddress', port: 'data.win.eventdata.sourcePort', decoder: 'windows_eventchannel: Filtering Platform 5156/5157' },
  { ip: 'data.aws.sourceIPAddress', port: null, decoder: 'aws-s3 module: CloudTrail' },
  { ip: 'data.aws.srcaddr', port: 'data.aws.srcport', decoder: 'aws-s3 module: VPC flow logs' },
  { ip: 'data.office365.ClientIP', port: null, decoder: 'office365 module (ClientIP may carry ":port")' },
  { ip: 'data.office365.ActorIpAddress', port: null, decoder: 'office365 module' },
  { ip: 'data.barracuda.waf.client_ip', port: 'data.barracuda.waf.client_port', decoder: 'Barracuda WAF decoder (wazuh/integrations)' },
];

/** Destination address (the target, the server). */
export const WAZUH_DST_FIELDS: readonly AddressRow[] = [
  { ip: 'data.dstip', port: 'data.dstport', decoder: 'syslog decoders (firewalls, auditd, ...)' },
  { ip: 'data.dest_ip', port: 'data.dest_port', decoder: 'JSON decoder (Suricata EVE through Wazuh)' },
  { ip: 'data.dst_ip', port: 'data.dst_port', decoder: 'JSON decoder (custom JSON logs)' },
  { ip: 'data.win.eventdata.destinationIp', port: 'data.win.eventdata.destinationPort', decoder: 'windows_eventchannel: Sysmon event 3' },
  { ip: 'data.win.eventdata.destAddress', port: 'data.win.eventdata.destPort', decoder: 'windows_eventchannel: Filtering Platform 5156/5157' },
  { ip: 'data.aws.dstaddr', port: 'data.aws.dstport', decoder: 'aws-s3 module: VPC flow logs' },
  { ip: 'data.barracuda.waf.server_ip', port: 'data.barracuda.waf.server_port', decoder: 'Barracuda WAF decoder (wazuh/integrations)' },
];

/** The account the alert is about. */
export const WAZUH_USER_FIELDS: readonly UserRow[] = [
  { path: 'data.srcuser', decoder: 'syslog decoders (sshd, su, sudo, ...)' },
  { path: 'data.dstuser', decoder: 'syslog decoders (sudo, su, auditd, ...)' },
  { path: 'data.user', decoder: 'syslog decoders (pam, ftpd, Barracuda, ...)' },
  { path: 'data.win.eventdata.targetUserName', decoder: 'windows_eventchannel: Security (the account logged on, or tried)' },
  { path: 'data.win.eventdata.subjectUserName', decoder: 'windows_eventchannel: Security (the account that acted)' },
  { path: 'data.win.eventdata.user', decoder: 'windows_eventchannel: Sysmon ("DOMAIN\\user")' },
  { path: 'data.aws.userIdentity.userName', decoder: 'aws-s3 module: CloudTrail' },
  { path: 'data.office365.UserId', decoder: 'office365 module' },
  { path: 'syscheck.audit.user.name', decoder: 'syscheck (FIM with who-data)' },
];

interface CompiledAddress {
  ip: readonly string[];
  port: readonly string[] | null;
}

const split = (p: string) => p.split('.');
const SRC = WAZUH_SRC_FIELDS.map((r): CompiledAddress => ({ ip: split(r.ip), port: r.port === null ? null : split(r.port) }));
const DST = WAZUH_DST_FIELDS.map((r): CompiledAddress => ({ ip: split(r.ip), port: r.port === null ? null : split(r.port) }));
const USER = WAZUH_USER_FIELDS.map((r) => split(r.path));

function at(root: JsonObject, path: readonly string[]): unknown {
  let v: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (!isObject(v)) return undefined;
    v = v[path[i]!];
  }
  return v;
}

const V4_PORT_RE = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/;
const V6_PORT_RE = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/;

/**
 * A decoder's address value → the address (and a port written with it), or null when it is not
 * an IP address ("-", a host name, "sanitized", a number, ...).
 */
export function addressOf(v: unknown): { ip: string; port: number | null } | null {
  if (typeof v !== 'string' || v.length < 2 || v.length > 64) return null;
  const kind = isIP(v);
  if (kind === 4) return { ip: v, port: null };
  if (kind === 6) {
    // IPv4-mapped (Windows writes ::ffff:10.0.0.5): the IPv4 address is the one analysts search for
    if (v.length > 7 && v.slice(0, 7).toLowerCase() === '::ffff:' && isIP(v.slice(7)) === 4) return { ip: v.slice(7), port: null };
    return { ip: v, port: null };
  }
  const m = V4_PORT_RE.exec(v) ?? V6_PORT_RE.exec(v);
  if (m && isIP(m[1]!) !== 0) return { ip: m[1]!, port: loosePort(m[2]) };
  return null;
}

function firstAddress(o: JsonObject, rows: readonly CompiledAddress[]): { ip: string | null; port: number | null } {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const a = addressOf(at(o, row.ip));
    if (a === null) continue;
    const port = row.port === null ? null : loosePort(at(o, row.port));
    return { ip: a.ip, port: port ?? a.port };
  }
  // no address: a port on its own still says something (a decoder that wrote a host name)
  for (let i = 0; i < rows.length; i++) {
    const path = rows[i]!.port;
    const port = path === null ? null : loosePort(at(o, path));
    if (port !== null) return { ip: null, port };
  }
  return { ip: null, port: null };
}

export interface WazuhFields {
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  user: string | null;
}

/** The addresses and user of one alert, read through the tables above. Never throws. */
export function wazuhFields(o: JsonObject): WazuhFields {
  const src = firstAddress(o, SRC);
  const dst = firstAddress(o, DST);
  let user: string | null = null;
  for (let i = 0; i < USER.length && user === null; i++) {
    const v = at(o, USER[i]!);
    if (typeof v === 'string' && v.length > 0 && v !== '-') user = v;
  }
  return { src_ip: src.ip, src_port: src.port, dst_ip: dst.ip, dst_port: dst.port, user };
}
