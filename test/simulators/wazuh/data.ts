import { Rng } from '../../../main/pipeline/sources/sim/rng.js';

/**
 * Seeded data for the Wazuh simulator: agents in the shape `GET /agents` returns and alerts in
 * the shape the Wazuh indexer stores (`wazuh-alerts-4.x-YYYY.MM.DD`). Everything is derived from
 * a seed, so a test can rebuild any alert from its position.
 */

/** Uniform [0, 1) numbers from a seed (the scenario simulator's mulberry32). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pad = (n: number, w = 3) => String(n).padStart(w, '0');

export type AgentStatus = 'active' | 'pending' | 'never_connected' | 'disconnected';

export interface SimAgent {
  id: string;
  name: string;
  ip: string;
  registerIP: string;
  status: AgentStatus;
  status_code: number;
  version?: string;
  lastKeepAlive?: string;
  dateAdd: string;
  disconnection_time?: string;
  os?: { name: string; platform: string; version: string; major: string; minor: string; arch: string; uname: string; codename?: string };
  group?: string[];
  group_config_status: 'synced' | 'not synced';
  node_name: string;
  manager: string;
  mergedSum?: string;
  configSum?: string;
  /** Simulator-only: active response is disabled in this agent's ossec.conf (error 1750). */
  arDisabled: boolean;
}

export const MANAGER_VERSION = '4.14.7';
const OSES = [
  { name: 'Ubuntu', platform: 'ubuntu', version: '22.04.4 LTS', major: '22', minor: '04', codename: 'Jammy Jellyfish', arch: 'x86_64' },
  { name: 'CentOS Stream', platform: 'centos', version: '9', major: '9', minor: '0', arch: 'x86_64' },
  { name: 'Microsoft Windows Server 2022 Datacenter', platform: 'windows', version: '10.0.20348.2402', major: '10', minor: '0', arch: 'x86_64' },
  { name: 'macOS', platform: 'darwin', version: '14.4.1', major: '14', minor: '4', codename: 'Sonoma', arch: 'arm64' },
  { name: 'Debian GNU/Linux', platform: 'debian', version: '12', major: '12', minor: '0', codename: 'bookworm', arch: 'x86_64' },
] as const;
const GROUPS = ['default', 'web', 'db', 'dmz', 'windows', 'linux'];

function osOf(o: (typeof OSES)[number], name: string): NonNullable<SimAgent['os']> {
  return { ...o, uname: `${o.platform === 'windows' ? 'Windows' : 'Linux'} |${name} |${o.version}` };
}

function isoNoMs(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The manager (000) plus `count` agents, deterministic for a seed. */
export function makeAgents(count: number, seed = 1, now = Date.now()): SimAgent[] {
  const r = rng(seed);
  const agents: SimAgent[] = [
    {
      id: '000',
      name: 'wazuh-manager',
      ip: '127.0.0.1',
      registerIP: '127.0.0.1',
      status: 'active',
      status_code: 0,
      version: `Wazuh v${MANAGER_VERSION}`,
      lastKeepAlive: '9999-12-31T23:59:59+00:00',
      dateAdd: isoNoMs(now - 400 * 86_400_000),
      os: osOf(OSES[0], 'wazuh-manager'),
      group_config_status: 'synced',
      node_name: 'node01',
      manager: 'wazuh-manager',
      arDisabled: false,
    },
  ];
  for (let i = 1; i <= count; i++) {
    const roll = r();
    const status: AgentStatus = roll < 0.8 ? 'active' : roll < 0.9 ? 'disconnected' : roll < 0.95 ? 'never_connected' : 'pending';
    const name = `agent-${pad(i, 5)}`;
    const o = pick(r, OSES);
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const version = pick(r, [`Wazuh v${MANAGER_VERSION}`, `Wazuh v${MANAGER_VERSION}`, 'Wazuh v4.7.4', 'Wazuh v3.13.2']);
    const groups = r() < 0.3 ? ['default', pick(r, GROUPS.slice(1))] : ['default'];
    const added = now - Math.floor(r() * 300) * 86_400_000;
    const a: SimAgent = {
      id: pad(i),
      name,
      ip: status === 'never_connected' ? 'any' : ip,
      registerIP: status === 'never_connected' ? 'any' : ip,
      status,
      status_code: 0,
      dateAdd: isoNoMs(added),
      group: groups,
      group_config_status: r() < 0.9 ? 'synced' : 'not synced',
      node_name: 'node01',
      manager: 'wazuh-manager',
      arDisabled: i % 17 === 0,
    };
    if (status !== 'never_connected') {
      a.version = version;
      a.os = osOf(o, name);
      a.lastKeepAlive = isoNoMs(status === 'active' ? now - Math.floor(r() * 60_000) : now - Math.floor(r() * 7 * 86_400_000));
      a.mergedSum = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      a.configSum = 'ab73af41699f13fdd81903b5f23d8d00';
    }
    if (status === 'disconnected') a.disconnection_time = a.lastKeepAlive;
    agents.push(a);
  }
  return agents;
}

/**
 * The agents of Wazuh's own API integration environment (tavern tests): 000 the manager,
 * 001-008 active (003 with active response disabled), 009-010 disconnected, 011-012 never
 * connected; 005-008 run 3.13.2, 009-010 run 3.9.2.
 */
export function tavernAgents(now = Date.now()): SimAgent[] {
  const base = makeAgents(12, 7, now);
  return base.map((a, n) => {
    if (n === 0) return a;
    const status: AgentStatus = n <= 8 ? 'active' : n <= 10 ? 'disconnected' : 'never_connected';
    const version = n <= 4 ? `Wazuh v${MANAGER_VERSION}` : n <= 8 ? 'Wazuh v3.13.2' : n <= 10 ? 'Wazuh v3.9.2' : undefined;
    const b: SimAgent = { ...a, name: `wazuh-agent${n}`, status, arDisabled: n === 3, group: ['default'], group_config_status: n <= 8 ? 'synced' : 'not synced' };
    delete b.version;
    delete b.os;
    delete b.lastKeepAlive;
    delete b.disconnection_time;
    if (version) {
      b.version = version;
      b.os = osOf(OSES[0], b.name);
      b.lastKeepAlive = isoNoMs(now - (status === 'active' ? 5_000 : 3 * 86_400_000));
      b.ip = b.registerIP = `172.20.0.${n + 1}`;
    } else {
      b.ip = b.registerIP = 'any';
    }
    return b;
  });
}

// ---- alerts --------------------------------------------------------------------------------

const RULES = [
  { id: '5710', level: 5, description: 'sshd: Attempt to login using a non-existent user', groups: ['syslog', 'sshd', 'authentication_failed', 'invalid_login'], mitre: { id: ['T1110.001'], tactic: ['Credential Access'], technique: ['Password Guessing'] } },
  { id: '5712', level: 10, description: 'sshd: brute force trying to get access to the system. Non existent user.', groups: ['syslog', 'sshd', 'authentication_failures'], mitre: { id: ['T1110'], tactic: ['Credential Access'], technique: ['Brute Force'] } },
  { id: '31103', level: 7, description: 'SQL injection attempt.', groups: ['web', 'accesslog', 'attack', 'sql_injection'], mitre: { id: ['T1190'], tactic: ['Initial Access'], technique: ['Exploit Public-Facing Application'] } },
  { id: '550', level: 7, description: 'Integrity checksum changed.', groups: ['ossec', 'syscheck', 'syscheck_entry_modified', 'syscheck_file'] },
  { id: '60122', level: 5, description: 'Logon Failure - Unknown user or bad password', groups: ['windows', 'windows_security', 'authentication_failed'], mitre: { id: ['T1531'], tactic: ['Impact'], technique: ['Account Access Removal'] } },
  { id: '87105', level: 12, description: 'VirusTotal: Alert - /tmp/payload.bin - 41 engines detected this file', groups: ['virustotal'] },
  { id: '40101', level: 12, description: 'System user successfully logged to the system.', groups: ['syslog', 'attacks'] },
  { id: '533', level: 7, description: 'Listened ports status (netstat) changed (new port opened or closed).', groups: ['ossec'] },
  { id: '100002', level: 15, description: 'Ransomware activity: mass file encryption', groups: ['custom', 'ransomware'], mitre: { id: ['T1486'], tactic: ['Impact'], technique: ['Data Encrypted for Impact'] } },
] as const;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Key of one stored alert: what the index sorts and pages on. */
export interface AlertKey {
  /** epoch ms of `timestamp` */
  ts: number;
  /** OpenSearch document id (20 chars, auto-generated style) */
  id: string;
  /** the seed behind its _source */
  n: number;
}

/**
 * `count` alert keys spread over [from, to), several sharing a millisecond so the _id
 * tie-breaker matters, in random order of arrival.
 */
export function makeAlertKeys(count: number, from: number, to: number, seed = 1, firstN = 0): AlertKey[] {
  const r = rng(seed ^ 0x9e3779b9);
  const keys: AlertKey[] = new Array(count);
  const span = Math.max(1, to - from);
  let ts = from;
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) ts = from + Math.floor(r() * span); // every 3 alerts share a millisecond
    let id = '';
    for (let k = 0; k < 20; k++) id += ID_CHARS[Math.floor(r() * 64)];
    keys[i] = { ts, id, n: firstN + i };
  }
  return keys;
}

/** Wazuh's timestamp form: milliseconds and a +HHMM offset. */
function wazuhTime(ts: number): string {
  return new Date(ts).toISOString().replace('Z', '+0000');
}

export function indexOf(ts: number): string {
  const d = new Date(ts);
  return `wazuh-alerts-4.x-${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1, 2)}.${pad(d.getUTCDate(), 2)}`;
}

/** The `_source` of alert n, as the Wazuh indexer stores it. */
export function alertSource(key: AlertKey, agents: readonly SimAgent[]): Record<string, unknown> {
  const r = rng(key.n * 2654435761);
  const rule = RULES[Math.floor(r() * RULES.length)]!;
  const agent = agents.length > 1 ? agents[1 + Math.floor(r() * (agents.length - 1))]! : agents[0]!;
  const srcip = `${pick(r, [203, 198, 45, 185, 91])}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
  const seconds = Math.floor(key.ts / 1000);
  const src: Record<string, unknown> = {
    timestamp: wazuhTime(key.ts),
    '@timestamp': new Date(key.ts).toISOString(),
    rule: { level: rule.level, description: rule.description, id: rule.id, firedtimes: 1 + Math.floor(r() * 40), mail: rule.level >= 12, groups: [...rule.groups], ...('mitre' in rule ? { mitre: rule.mitre } : {}) },
    agent: { id: agent.id, name: agent.name, ...(agent.ip !== 'any' ? { ip: agent.ip } : {}) },
    manager: { name: 'wazuh-manager' },
    id: `${seconds}.${key.n}`,
    decoder: { name: rule.groups[0] === 'windows' ? 'windows_eventchannel' : rule.groups[0] === 'web' ? 'web-accesslog' : 'sshd', ...(rule.groups[0] === 'syslog' ? { parent: 'sshd' } : {}) },
    location: rule.groups[0] === 'windows' ? 'EventChannel' : rule.groups[0] === 'web' ? '/var/log/nginx/access.log' : '/var/log/auth.log',
    input: { type: 'log' },
  };
  if (rule.groups[0] === 'syslog' || rule.groups[0] === 'web') {
    src.data = { srcip, srcport: String(1024 + Math.floor(r() * 60000)), ...(rule.groups[0] === 'syslog' ? { srcuser: pick(r, ['root', 'admin', 'oracle', 'test']) } : { url: "/index.php?id=1' OR '1'='1", protocol: 'GET', id: '200' }) };
    src.full_log =
      rule.groups[0] === 'syslog'
        ? `${new Date(key.ts).toUTCString().slice(5, 25)} ${agent.name} sshd[${1000 + Math.floor(r() * 30000)}]: Invalid user admin from ${srcip} port 51234`
        : `${srcip} - - [${new Date(key.ts).toUTCString()}] "GET /index.php?id=1%27%20OR%20%271%27=%271 HTTP/1.1" 200 512`;
    src.predecoder = { program_name: 'sshd', timestamp: new Date(key.ts).toUTCString().slice(5, 25), hostname: agent.name };
  } else if ((rule.groups as readonly string[]).includes('syscheck')) {
    src.syscheck = { path: '/etc/passwd', event: 'modified', size_after: '2452', md5_after: 'e5b3f5c9c6a2f1d3e8a7b6c5d4e3f2a1' };
    src.full_log = "File '/etc/passwd' modified";
  } else {
    src.full_log = rule.description;
  }
  return src;
}
