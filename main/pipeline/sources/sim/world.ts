/**
 * The simulated estate: internal hosts with stable names, the Wazuh agents on them, the
 * external addresses attackers come from and the services normal traffic talks to.
 */
import { type Rng } from './rng.js';

export type HostRole = 'web' | 'db' | 'dc' | 'file' | 'mail' | 'dns' | 'bastion' | 'app' | 'ci' | 'workstation';

export interface Host {
  name: string;
  ip: string;
  os: 'linux' | 'windows';
  role: HostRole;
  /** Wazuh agent id ("001"...), null when the host runs no agent. */
  agentId: string | null;
  /** Local accounts (Linux) or domain users who log on here (Windows). */
  users: readonly string[];
}

export const MANAGER_NAME = 'wazuh-manager';
export const DOMAIN = 'corp.example.com';

export const HOSTS: readonly Host[] = [
  { name: 'dc-01', ip: '10.0.0.5', os: 'windows', role: 'dc', agentId: '001', users: ['administrator', 'svc_backup'] },
  { name: 'dns-01', ip: '10.0.0.53', os: 'linux', role: 'dns', agentId: '002', users: ['root', 'ops'] },
  { name: 'web-01', ip: '10.0.1.10', os: 'linux', role: 'web', agentId: '003', users: ['root', 'ubuntu', 'deploy', 'www-data'] },
  { name: 'web-02', ip: '10.0.1.11', os: 'linux', role: 'web', agentId: '004', users: ['root', 'ubuntu', 'deploy', 'www-data'] },
  { name: 'mail-01', ip: '10.0.1.25', os: 'linux', role: 'mail', agentId: '005', users: ['root', 'postfix', 'ops'] },
  { name: 'bastion-01', ip: '10.0.1.22', os: 'linux', role: 'bastion', agentId: '006', users: ['root', 'ops', 'deploy', 'admin'] },
  { name: 'db-01', ip: '10.0.2.20', os: 'linux', role: 'db', agentId: '007', users: ['root', 'postgres', 'ops'] },
  { name: 'app-01', ip: '10.0.2.31', os: 'linux', role: 'app', agentId: '008', users: ['root', 'ubuntu', 'deploy'] },
  { name: 'ci-01', ip: '10.0.2.40', os: 'linux', role: 'ci', agentId: '009', users: ['root', 'jenkins', 'deploy'] },
  { name: 'fs-01', ip: '10.0.3.15', os: 'windows', role: 'file', agentId: '010', users: ['administrator', 'svc_backup'] },
  { name: 'ws-042', ip: '192.168.1.42', os: 'windows', role: 'workstation', agentId: '011', users: ['jdoe'] },
  { name: 'ws-057', ip: '192.168.1.57', os: 'windows', role: 'workstation', agentId: '012', users: ['asmith'] },
  { name: 'ws-063', ip: '192.168.1.63', os: 'windows', role: 'workstation', agentId: '013', users: ['mbrown'] },
  { name: 'ws-101', ip: '192.168.1.101', os: 'windows', role: 'workstation', agentId: '014', users: ['kwilson'] },
  { name: 'ws-118', ip: '192.168.1.118', os: 'linux', role: 'workstation', agentId: '015', users: ['lgarcia'] },
  { name: 'printer-02', ip: '192.168.1.250', os: 'linux', role: 'workstation', agentId: null, users: [] },
];

export function host(name: string): Host {
  const h = HOSTS.find((x) => x.name === name);
  if (!h) throw new Error(`unknown simulated host ${name}`);
  return h;
}

export const byRole = (...roles: HostRole[]): Host[] => HOSTS.filter((h) => roles.includes(h.role));
export const withAgent = (hosts: readonly Host[]): Host[] => hosts.filter((h) => h.agentId !== null);
export const linuxAgents = (): Host[] => withAgent(HOSTS.filter((h) => h.os === 'linux'));
export const windowsAgents = (): Host[] => withAgent(HOSTS.filter((h) => h.os === 'windows'));
export const workstations = (): Host[] => withAgent(byRole('workstation'));
/** Internet-facing hosts: what external attackers reach. */
export const exposedHosts = (): Host[] => byRole('web', 'mail', 'bastion');
/** Hosts an SSH brute force can land on (exposed Linux boxes with an agent). */
export const sshTargets = (): Host[] => withAgent(exposedHosts()).filter((h) => h.os === 'linux');

/**
 * External attacker pool. The first five resolve in MaxMind's test databases (GB, SE, CN, US,
 * GB); the rest are public addresses from hosting ranges often seen in scans.
 */
export const ATTACKERS: readonly string[] = [
  '81.2.69.142',
  '89.160.20.128',
  '175.16.199.1',
  '216.160.83.57',
  '2.125.160.217',
  '45.155.205.233',
  '45.95.147.236',
  '185.220.101.47',
  '185.156.73.54',
  '103.75.201.4',
  '103.145.13.220',
  '193.32.162.157',
];

/** Where exfiltration lands: attacker-controlled hosting. */
export const EXFIL_SERVERS: readonly { ip: string; domain: string }[] = [
  { ip: '185.156.73.54', domain: 'cdn-telemetry.top' },
  { ip: '45.155.205.233', domain: 'sync-update.top' },
  { ip: '103.75.201.4', domain: 'img-static.top' },
  { ip: '89.160.20.128', domain: 'api-metrics.top' },
];

/** Benign external services normal traffic talks to. */
export const SERVICES: readonly { ip: string; sni: string; port: number }[] = [
  { ip: '142.250.74.46', sni: 'www.google.com', port: 443 },
  { ip: '13.107.42.14', sni: 'login.microsoftonline.com', port: 443 },
  { ip: '20.190.159.2', sni: 'outlook.office365.com', port: 443 },
  { ip: '151.101.1.69', sni: 'github.githubassets.com', port: 443 },
  { ip: '140.82.121.4', sni: 'github.com', port: 443 },
  { ip: '104.16.132.229', sni: 'cdnjs.cloudflare.com', port: 443 },
  { ip: '52.84.150.39', sni: 'd1.awsstatic.com', port: 443 },
  { ip: '162.159.137.232', sni: 'discord.com', port: 443 },
  { ip: '34.107.221.82', sni: 'detectportal.firefox.com', port: 443 },
  { ip: '17.253.144.10', sni: 'swscan.apple.com', port: 443 },
];

export const MIRRORS: readonly { ip: string; host: string; ua: string; path: string }[] = [
  { ip: '151.101.2.132', host: 'deb.debian.org', ua: 'Debian APT-HTTP/1.3 (2.6.1)', path: '/debian/pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb' },
  { ip: '91.189.91.83', host: 'archive.ubuntu.com', ua: 'Debian APT-HTTP/1.3 (2.7.14)', path: '/ubuntu/dists/noble-updates/InRelease' },
  { ip: '13.107.4.50', host: 'download.windowsupdate.com', ua: 'Microsoft-Delivery-Optimization/10.0', path: '/c/msdownload/update/software/defu/2026/11/am_delta_patch_1.421.1234.0_7c1f.exe' },
  { ip: '23.61.248.203', host: 'ctldl.windowsupdate.com', ua: 'Microsoft-CryptoAPI/10.0', path: '/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab' },
];

export const COMMON_DOMAINS: readonly string[] = [
  'www.google.com',
  'login.microsoftonline.com',
  'outlook.office365.com',
  'github.com',
  'api.github.com',
  'registry.npmjs.org',
  'slack.com',
  'teams.microsoft.com',
  'update.googleapis.com',
  'ocsp.digicert.com',
  'time.windows.com',
  'wpad.corp.example.com',
  'dc-01.corp.example.com',
  '_ldap._tcp.dc._msdcs.corp.example.com',
  'fs-01.corp.example.com',
];

/** Usernames SSH brute-forcers cycle through. */
export const BRUTE_USERS: readonly string[] = [
  'root', 'admin', 'ubuntu', 'test', 'oracle', 'postgres', 'user', 'git', 'pi', 'ftpuser',
  'deploy', 'guest', 'support', 'administrator', 'jenkins', 'hadoop', 'minecraft', 'centos',
  'ec2-user', 'ansible', 'mysql', 'nagios', 'www', 'backup', 'dev', 'operator', 'sysadmin',
];

const PRIVATE_OR_RESERVED: readonly [number, number, number][] = [
  // [first octet, second-octet min, second-octet max]
  [0, 0, 255], [10, 0, 255], [100, 64, 127], [127, 0, 255], [169, 254, 254], [172, 16, 31],
  [192, 168, 168], [198, 18, 19],
];

/** A random routable IPv4 address (spoofed flood sources, botnet members). */
export function randomPublicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(1, 223);
    const b = rng.int(0, 255);
    if (PRIVATE_OR_RESERVED.some(([o, lo, hi]) => a === o && b >= lo && b <= hi)) continue;
    if (a === 192 && b === 0) continue; // 192.0.0.0/24, 192.0.2.0/24
    if (a === 198 && b === 51) continue; // 198.51.100.0/24
    if (a === 203 && b === 0) continue; // 203.0.113.0/24
    return `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}
