/**
 * The Feed screen's view model: dialect metadata, the settings draft and the patch it becomes,
 * token states, teammate URLs. The renderer imports only types from main/contract, so the
 * few enumerations it needs are restated here (the `satisfies` clauses keep them in sync).
 */
import type { FeedClient, FeedConfig, FeedDialect, FeedListening, FeedRole, FeedTlsMode, FeedToken } from '../../../main/contract/feed.js';
import type { RequestInput } from '../../../main/contract/channels.js';

export type FeedConfigureInput = RequestInput<'feed.configure'>;
type Patch = NonNullable<FeedConfigureInput['patch']>;

export const DIALECT_ORDER = ['native', 'aegis', 'threatstream', 'bluewall', 'ips'] as const satisfies readonly FeedDialect[];
export const TOKENLESS: readonly FeedDialect[] = ['aegis', 'threatstream'];
export const ROLES = ['viewer', 'analyst'] as const satisfies readonly FeedRole[];
export const TLS_MODES = ['off', 'self-signed', 'custom'] as const satisfies readonly FeedTlsMode[];

/** Same rule as the contract's FEED_TOKEN_NAME. */
export const TOKEN_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u;

export interface DialectInfo {
  label: string;
  /** Paths on the feed port; the first one is the main one. */
  paths: string[];
  /** What the other paths are for, in the order of `paths` after the first. */
  otherPaths?: string[];
  /** How a client authenticates on this path. */
  auth: string;
  description: string;
}

export const DIALECTS: Record<FeedDialect, DialectInfo> = {
  native: {
    label: 'Vigil native',
    paths: ['/ws/v1/alerts'],
    auth: 'Token in a Bearer header, a WebSocket subprotocol or ?token=',
    description: 'Other Vigils and scripts: every alert and status change, resumable, analysts may triage.',
  },
  aegis: {
    label: 'Aegis IDS',
    paths: ['/ws/detection/live', '/ws/alerts'],
    otherPaths: ['older builds'],
    auth: 'No token: only the allow-listed addresses',
    description: 'One bare alert object per frame, as the Aegis dashboard reads it; a status change sends the alert again.',
  },
  threatstream: {
    label: 'ThreatStream',
    paths: ['/ws/live'],
    auth: 'No token: only the allow-listed addresses',
    description: 'Threat, alert and risk-index envelopes for the ThreatStream dashboard, with alert status updates.',
  },
  bluewall: {
    label: 'BlueWall',
    paths: ['/ws/security/alerts?token='],
    auth: 'Token (or JWT) appended to ?token=',
    description: 'security_alert frames with the wall fields BlueWall shows on its globe; status changes in the details.',
  },
  ips: {
    label: 'IPS Security Center',
    paths: ['/api/v1/ws/security-alerts?token=', '/ws'],
    otherPaths: ['shipped client'],
    auth: 'Token appended to ?token= or sent in the first message; its shipped client (/ws) sends none: list its host',
    description: 'security_alert frames with subscribe filters; {type:"alert"} frames on /ws, acknowledged following Vigil.',
  },
};

export const ROLE_INFO: Record<FeedRole, { label: string; hint: string }> = {
  viewer: { label: 'Viewer', hint: 'Receives alerts; cannot change anything' },
  analyst: { label: 'Analyst', hint: 'Also changes alert statuses over the feed (audited)' },
};

export const TLS_INFO: Record<FeedTlsMode, { label: string; hint: string }> = {
  off: { label: 'Off', hint: 'ws:// — alerts and tokens cross the network in clear text' },
  'self-signed': { label: 'Self-signed', hint: 'wss:// with a certificate generated on first use; teammates pin its fingerprint' },
  custom: { label: 'Own certificate', hint: 'wss:// with your PEM certificate and key' },
};

export const EXPIRY_OPTIONS: ReadonlyArray<{ value: string; label: string; hours: number | null }> = [
  { value: 'never', label: 'Never', hours: null },
  { value: '1d', label: '1 day', hours: 24 },
  { value: '7d', label: '7 days', hours: 24 * 7 },
  { value: '30d', label: '30 days', hours: 24 * 30 },
  { value: '90d', label: '90 days', hours: 24 * 90 },
];

export const CLIENT_STATE_LABEL: Record<FeedClient['state'], string> = {
  authenticating: 'Authenticating',
  waiting: 'Waiting',
  replaying: 'Replaying',
  live: 'Live',
  closing: 'Closing',
};

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(t: FeedToken): TokenState {
  if (t.revoked_at) return 'revoked';
  return t.active ? 'active' : 'expired';
}

export const TOKEN_STATE_LABEL: Record<TokenState, string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

/** 127.0.0.0/8, ::1 and localhost: only programs on this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export function isWildcard(host: string): boolean {
  const h = host.trim();
  return h === '0.0.0.0' || h === '::';
}

/** Plain words for a bind address. */
export function describeHost(host: string): string {
  if (isLoopback(host)) return 'this machine only';
  if (isWildcard(host)) return 'every network interface';
  return 'this address on the network';
}

// ---------- teammate URLs ----------

export interface TeammateUrl {
  dialect: FeedDialect;
  label: string;
  url: string;
}

/** The URLs teammates use for each enabled path, built on the listening base URL. */
export function teammateUrls(listening: FeedListening, config: FeedConfig): TeammateUrl[] {
  let base: URL;
  try {
    base = new URL(listening.url);
  } catch {
    return [];
  }
  const origin = `${base.protocol}//${base.host}`;
  const out: TeammateUrl[] = [];
  for (const d of DIALECT_ORDER) {
    if (!config.dialects[d].enabled) continue;
    const info = DIALECTS[d];
    info.paths.forEach((p, i) => out.push({ dialect: d, label: i === 0 ? info.label : `${info.label} (${info.otherPaths?.[i - 1] ?? p})`, url: `${origin}${p}` }));
    if (d === 'ips') {
      for (const port of listening.extra_ports) {
        out.push({ dialect: d, label: `${DIALECTS[d].label} (stock client port)`, url: `${base.protocol}//${base.host.replace(/:\d+$/, '')}:${port}/ws` });
      }
    }
  }
  return out;
}

export function metricsUrl(listening: FeedListening): string | null {
  try {
    const base = new URL(listening.url);
    return `${base.protocol === 'wss:' ? 'https:' : 'http:'}//${base.host}/api/v1/feed/metrics`;
  } catch {
    return null;
  }
}

// ---------- settings draft ----------

export interface DialectDraft {
  enabled: boolean;
  /** One address or CIDR block per line. */
  allow: string;
}

export interface FeedDraft {
  host: string;
  port: string;
  maxClients: string;
  maxPerAddress: string;
  maxPerToken: string;
  tlsMode: FeedTlsMode;
  certPath: string;
  keyPath: string;
  dialects: Record<FeedDialect, DialectDraft>;
  ipsPort: string;
  jwtEnabled: boolean;
  roleClaim: string;
  /** `claim value = role`, one per line. */
  roleMap: string;
  jwtMaxLifetimeHours: string;
  /** Empty: no audience check. */
  jwtAudience: string;
  /** Write-only: a new secret to store in the keychain. */
  jwtSecret: string;
  clearJwtSecret: boolean;
}

/** Field keys that errors are attached to (contract issue paths map onto them). */
export type FieldKey =
  | 'host'
  | 'port'
  | 'max_clients'
  | 'max_per_address'
  | 'max_per_token'
  | 'tls'
  | 'tls.cert_path'
  | 'tls.key_path'
  | `dialects.${FeedDialect}.allow`
  | 'dialects.ips.port'
  | 'jwt.role_claim'
  | 'jwt.role_map'
  | 'jwt.max_lifetime_hours'
  | 'jwt.audience'
  | 'jwt_secret';

export type FieldErrors = Partial<Record<FieldKey, string>>;

const FIELD_KEYS: readonly FieldKey[] = [
  'host',
  'port',
  'max_clients',
  'max_per_address',
  'max_per_token',
  'tls.cert_path',
  'tls.key_path',
  'tls',
  ...DIALECT_ORDER.map((d) => `dialects.${d}.allow` as const),
  'dialects.ips.port',
  'jwt.role_claim',
  'jwt.role_map',
  'jwt.max_lifetime_hours',
  'jwt.audience',
  'jwt_secret',
];

export function draftFromConfig(c: FeedConfig): FeedDraft {
  const dialects = {} as Record<FeedDialect, DialectDraft>;
  for (const d of DIALECT_ORDER) dialects[d] = { enabled: c.dialects[d].enabled, allow: c.dialects[d].allow.join('\n') };
  return {
    host: c.host,
    port: String(c.port),
    maxClients: String(c.max_clients),
    maxPerAddress: String(c.max_per_address),
    maxPerToken: String(c.max_per_token),
    tlsMode: c.tls.mode,
    certPath: c.tls.cert_path ?? '',
    keyPath: c.tls.key_path ?? '',
    dialects,
    ipsPort: c.dialects.ips.port === null ? '' : String(c.dialects.ips.port),
    jwtEnabled: c.jwt.enabled,
    roleClaim: c.jwt.role_claim,
    roleMap: Object.entries(c.jwt.role_map)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n'),
    jwtMaxLifetimeHours: String(c.jwt.max_lifetime_hours),
    jwtAudience: c.jwt.audience ?? '',
    jwtSecret: '',
    clearJwtSecret: false,
  };
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseIntField(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function parseRoleMap(text: string): { map: Record<string, FeedRole>; error: string | null } {
  const map: Record<string, FeedRole> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([^=]{1,64}?)\s*[=:]\s*(\S+)$/.exec(line);
    const role = m?.[2]?.toLowerCase();
    if (!m || !m[1] || (role !== 'viewer' && role !== 'analyst')) {
      return { map, error: `"${line.slice(0, 40)}": write one "claim value = viewer|analyst" per line` };
    }
    map[m[1].trim()] = role;
  }
  return { map, error: null };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export interface BuiltRequest {
  request: FeedConfigureInput;
  /** Client-side problems; the request must not be sent while there are any. */
  errors: FieldErrors;
  /** Whether the request changes anything. */
  changed: boolean;
}

/** The feed.configure request for what differs between the draft and the saved config. */
export function buildRequest(draft: FeedDraft, base: FeedConfig): BuiltRequest {
  const errors: FieldErrors = {};
  const patch: Patch = {};

  const host = draft.host.trim();
  if (!host) errors.host = 'Enter the address to listen on, e.g. 127.0.0.1 or 0.0.0.0.';
  else if (host !== base.host) patch.host = host;

  const port = parseIntField(draft.port, 0, 65535);
  if (port === null) errors.port = 'A port from 1 to 65535 (0 picks a free one).';
  else if (port !== base.port) patch.port = port;

  for (const [field, key] of [
    ['maxClients', 'max_clients'],
    ['maxPerAddress', 'max_per_address'],
    ['maxPerToken', 'max_per_token'],
  ] as const) {
    const n = parseIntField(draft[field], 1, 10_000);
    if (n === null) errors[key] = 'A whole number from 1 to 10,000.';
    else if (n !== base[key]) patch[key] = n;
  }

  const cert = draft.certPath.trim() || null;
  const key = draft.keyPath.trim() || null;
  if (draft.tlsMode === 'custom') {
    if (!cert) errors['tls.cert_path'] = 'The path of your PEM certificate.';
    if (!key) errors['tls.key_path'] = 'The path of its PEM private key.';
  }
  const tls: NonNullable<Patch['tls']> = {};
  if (draft.tlsMode !== base.tls.mode) tls.mode = draft.tlsMode;
  if (cert !== base.tls.cert_path) tls.cert_path = cert;
  if (key !== base.tls.key_path) tls.key_path = key;
  if (Object.keys(tls).length) patch.tls = tls;

  const dialects: NonNullable<Patch['dialects']> = {};
  for (const d of DIALECT_ORDER) {
    const dd = draft.dialects[d];
    const allow = lines(dd.allow);
    const one: { enabled?: boolean; allow?: string[]; port?: number | null } = {};
    if (dd.enabled !== base.dialects[d].enabled) one.enabled = dd.enabled;
    if (!sameList(allow, base.dialects[d].allow)) one.allow = allow;
    if (TOKENLESS.includes(d) && dd.enabled && allow.length === 0) {
      errors[`dialects.${d}.allow`] = `${DIALECTS[d].label} cannot send a token: list the addresses allowed to connect (one address or CIDR block per line).`;
    }
    if (d === 'ips') {
      const raw = draft.ipsPort.trim();
      const p = raw === '' ? null : parseIntField(raw, 1, 65535);
      if (raw !== '' && p === null) errors['dialects.ips.port'] = 'A port from 1 to 65535, or empty for none.';
      else if (p !== null && port !== null && p === port) errors['dialects.ips.port'] = 'The extra IPS port must differ from the feed port.';
      else if (p !== base.dialects.ips.port) one.port = p;
    }
    if (Object.keys(one).length) dialects[d] = one;
  }
  if (Object.keys(dialects).length) patch.dialects = dialects;

  const jwt: NonNullable<Patch['jwt']> = {};
  if (draft.jwtEnabled !== base.jwt.enabled) jwt.enabled = draft.jwtEnabled;
  const claim = draft.roleClaim.trim();
  if (!claim) errors['jwt.role_claim'] = 'The claim that holds the role, e.g. role.';
  else if (claim !== base.jwt.role_claim) jwt.role_claim = claim;
  const rm = parseRoleMap(draft.roleMap);
  if (rm.error) errors['jwt.role_map'] = rm.error;
  else if (!sameMap(rm.map, base.jwt.role_map)) jwt.role_map = rm.map;
  const lifetime = parseIntField(draft.jwtMaxLifetimeHours, 1, 24 * 366);
  if (lifetime === null) errors['jwt.max_lifetime_hours'] = 'Hours, from 1 to 8,784 (a year).';
  else if (lifetime !== base.jwt.max_lifetime_hours) jwt.max_lifetime_hours = lifetime;
  const audience = draft.jwtAudience.trim() || null;
  if (audience !== null && audience.length > 256) errors['jwt.audience'] = 'At most 256 characters.';
  else if (audience !== base.jwt.audience) jwt.audience = audience;
  if (Object.keys(jwt).length) patch.jwt = jwt;

  const request: FeedConfigureInput = { patch };
  const secret = draft.jwtSecret;
  if (secret !== '') {
    if (secret.length < 32) errors.jwt_secret = `A JWT secret needs at least 32 characters (this one has ${secret.length}).`;
    else request.jwt_secret = secret;
  } else if (draft.clearJwtSecret) {
    request.clear_jwt_secret = true;
  }

  const changed = Object.keys(patch).length > 0 || request.jwt_secret !== undefined || request.clear_jwt_secret === true;
  return { request, errors, changed };
}

/**
 * Splits contract issues ("patch.dialects.aegis.allow.0: Invalid ...") into per-field messages
 * and the rest.
 */
export function mapIssues(issues: readonly string[], draft?: FeedDraft | null): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const i = issue.indexOf(': ');
    const path = (i > 0 ? issue.slice(0, i) : '').replace(/^patch\./, '').replace(/^\(config\)$/, '');
    let message = i > 0 ? issue.slice(i + 2) : issue;
    const key = FIELD_KEYS.find((k) => path === k || path.startsWith(`${k}.`));
    // An allow-list entry the contract refused: name it (zod only says "Invalid input").
    const allow = /^dialects\.(\w+)\.allow\.(\d+)$/.exec(path);
    if (allow && draft) {
      const entry = lines(draft.dialects[allow[1] as FeedDialect]?.allow ?? '')[Number(allow[2])];
      if (entry !== undefined) message = `“${entry}” is not an IP address or CIDR block (e.g. 10.0.0.7 or 10.0.1.0/24).`;
    } else if (path === 'host' && /invalid/i.test(message)) {
      message = 'Not an IP address: use e.g. 127.0.0.1, 0.0.0.0, :: or one of this machine’s addresses.';
    }
    if (key && !fields[key]) fields[key] = message;
    else other.push(issue);
  }
  return { fields, other };
}

/** The bind host the draft asks for (falls back to the saved one while the field is empty). */
export function draftHost(draft: FeedDraft | null, base: FeedConfig): string {
  const h = draft?.host.trim();
  return h ? h : base.host;
}
