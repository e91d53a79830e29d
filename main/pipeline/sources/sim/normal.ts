/**
 * normal: the everyday background. Mostly non-alert EVE records (flow, dns, http, tls) which
 * Vigil counts as skipped, a trickle of low-severity Suricata alerts (stream anomalies, package
 * managers, Windows telemetry), and Wazuh level 3 housekeeping: SSH key logins from the admin
 * network with their PAM sessions, sudo, Windows logons, package installs.
 */
import { type Ctx, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Micros, type Sig, type WRule, COMPLIANCE, eveAlert, eveEvent, flowEnd, syslogTime } from './format.js';
import { type Host, COMMON_DOMAINS, MIRRORS, SERVICES, host, linuxAgents, windowsAgents, workstations, HOSTS } from './world.js';
import { R_5715, R_5501, sshdBody } from './brute-force.js';

const GPCD = 'Generic Protocol Command Decode';
const LOW_SIGS = {
  invalidTs: { sid: 2210044, rev: 2, msg: 'SURICATA STREAM Packet with invalid timestamp', category: GPCD, severity: 3 },
  outOfWindow: { sid: 2210020, rev: 2, msg: 'SURICATA STREAM ESTABLISHED packet out of window', category: GPCD, severity: 3 },
  oneDirection: { sid: 2260002, rev: 1, msg: 'SURICATA Applayer Detect protocol only one direction', category: GPCD, severity: 3 },
  apt: { sid: 2013504, rev: 6, msg: 'ET POLICY GNU/Linux APT User-Agent Outbound likely related to package management', category: 'Not Suspicious Traffic', severity: 3, meta: { former: 'POLICY', created: '2011_08_31', updated: '2020_04_22', sev: 'Informational' } },
  usbMeta: { sid: 2025275, rev: 2, msg: 'ET INFO Windows OS Submitting USB Metadata to Microsoft', category: 'Misc activity', severity: 3, meta: { former: 'INFO', created: '2018_01_31', updated: '2020_08_24', sev: 'Informational' } },
  dropbox: { sid: 2012647, rev: 5, msg: 'ET INFO Dropbox.com Offsite File Backup in Use', category: 'Misc activity', severity: 3, meta: { former: 'POLICY', created: '2011_04_07', updated: '2020_08_20', sev: 'Informational' } },
} satisfies Record<string, Sig>;

const R_5502: WRule = { id: '5502', level: 3, description: 'PAM: Login session closed.', groups: ['pam', 'syslog'], compliance: COMPLIANCE.authSuccess };
const R_5402: WRule = { id: '5402', level: 3, description: 'Successful sudo to ROOT executed.', groups: ['syslog', 'sudo'], mitre: ['T1548.003'], compliance: { pci_dss: ['10.2.5', '10.2.2'], gpg13: ['7.6', '7.8', '7.13'], gdpr: ['IV_32.2'], hipaa: ['164.312.b'], nist_800_53: ['AU.14', 'AC.7', 'AC.6'], tsc: ['CC6.8', 'CC7.2', 'CC7.3'] } };
const R_2901: WRule = { id: '2901', level: 3, description: 'New dpkg (Debian Package) requested to install.', groups: ['syslog', 'dpkg', 'config_changed'], compliance: { pci_dss: ['10.6.1'], gpg13: ['4.10'], hipaa: ['164.312.b'], nist_800_53: ['AU.6'], tsc: ['CC7.2', 'CC7.3'] } };
const R_2902: WRule = { id: '2902', level: 7, description: 'New dpkg (Debian Package) installed.', groups: ['syslog', 'dpkg', 'config_changed'], compliance: { pci_dss: ['10.6.1'], gpg13: ['4.10'], hipaa: ['164.312.b'], nist_800_53: ['AU.6'], tsc: ['CC7.2', 'CC7.3'] } };
const R_60106: WRule = { id: '60106', level: 3, description: 'Windows Logon Success', groups: ['windows', 'windows_security', 'authentication_success'], mitre: ['T1078'], compliance: COMPLIANCE.authSuccess };

const ADMIN_IPS = [host('bastion-01').ip, host('ws-118').ip, host('ws-042').ip];
const PACKAGES: readonly [string, string][] = [
  ['libssl3', '3.0.15-1~deb12u1'],
  ['openssh-server', '1:9.2p1-2+deb12u4'],
  ['nginx', '1.22.1-9+deb12u1'],
  ['curl', '7.88.1-10+deb12u8'],
  ['tzdata', '2026a-0+deb12u1'],
  ['linux-image-6.1.0-28-amd64', '6.1.119-1'],
  ['postgresql-15', '15.10-0+deb12u1'],
];
const SUDO_COMMANDS = ['/usr/bin/systemctl restart nginx', '/usr/bin/apt-get update', '/usr/bin/journalctl -u postgresql', '/usr/bin/tail -f /var/log/syslog', '/usr/sbin/ufw status'];

type Kind = 'flow' | 'dns' | 'http' | 'tls' | 'lowAlert' | 'sshLogin' | 'sudo' | 'dpkg' | 'winLogon';
const KINDS: readonly (readonly [Kind, number])[] = [
  ['flow', 22],
  ['dns', 16],
  ['http', 6],
  ['tls', 10],
  ['lowAlert', 10],
  ['sshLogin', 4],
  ['sudo', 3],
  ['dpkg', 0.4],
  ['winLogon', 7],
];

export class Normal extends Gen {
  private readonly ja3 = new Map<string, string>();

  constructor(ctx: Ctx) {
    super(ctx, 'normal');
  }

  protected plan(): void {
    switch (this.rng.weighted(KINDS)) {
      case 'flow':
        return this.flow();
      case 'dns':
        return this.dns();
      case 'http':
        return this.http();
      case 'tls':
        return this.tls();
      case 'lowAlert':
        return this.lowAlert();
      case 'sshLogin':
        return this.sshLogin();
      case 'sudo':
        return this.sudo();
      case 'dpkg':
        return this.dpkg();
      case 'winLogon':
        return this.winLogon();
    }
  }

  private client(): Host {
    const people = HOSTS.filter((h) => h.role === 'workstation' && h.users.length > 0);
    return this.rng.chance(0.7) ? this.rng.pick(people) : this.rng.pick(HOSTS);
  }

  /** A closed flow: clients to the internet, or east-west to the usual internal services. */
  private flow(): void {
    const rng = this.rng;
    let c = this.client();
    let dst: string;
    let port: number;
    let app: string;
    if (rng.chance(0.55)) {
      const s = rng.pick(SERVICES);
      [dst, port, app] = [s.ip, s.port, 'tls'];
    } else {
      const [name, p, a] = rng.pick([
        ['dc-01', 445, 'smb'],
        ['dc-01', 88, 'krb5'],
        ['dc-01', 389, 'ldap'],
        ['fs-01', 445, 'smb'],
        ['db-01', 5432, 'pgsql'],
        ['mail-01', 993, 'tls'],
        ['web-01', 443, 'tls'],
      ] as const);
      [dst, port, app] = [host(name).ip, p, a];
    }
    if (dst === c.ip) c = rng.pick(workstations());
    const sport = rng.ephemeralPort();
    const out = rng.int(400, 60_000);
    const back = rng.int(800, 2_000_000);
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(c.ip, sport, dst, port));
      const f = { pkts_toserver: Math.ceil(out / 900), pkts_toclient: Math.ceil(back / 1300), bytes_toserver: out, bytes_toclient: back, start: t - rng.int(1, 180) * SECOND };
      return {
        format: 'eve',
        line: eveEvent(e, 'flow', {
          app_proto: app,
          flow: flowEnd(e, f, { state: 'closed', reason: 'timeout', alerted: false }),
          tcp: { tcp_flags: '1b', tcp_flags_ts: '1b', tcp_flags_tc: '1b', syn: true, fin: true, psh: true, ack: true, state: 'closed' },
        }),
      };
    });
  }

  private dns(): void {
    const rng = this.rng;
    const c = this.client();
    const resolver = host('dns-01');
    const name = rng.pick(COMMON_DOMAINS);
    const svc = SERVICES.find((s) => s.sni === name);
    const answerIp = svc?.ip ?? (name.endsWith('corp.example.com') ? host(rng.pick(['dc-01', 'fs-01'])).ip : `${rng.int(13, 199)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`);
    const rrtype = name.startsWith('_ldap') ? 'SRV' : 'A';
    const id = rng.int(1, 65535);
    const sport = rng.ephemeralPort();
    let fid = '';
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(c.ip, sport, resolver.ip, 53, 'UDP'));
      fid = e.flowId;
      return { format: 'eve', line: eveEvent(e, 'dns', { dns: { version: 2, type: 'query', id, rrname: name, rrtype, tx_id: 0, opcode: 0 } }) };
    });
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(c.ip, sport, resolver.ip, 53, 'UDP'), fid);
      const rdata = rrtype === 'SRV' ? `0 100 389 dc-01.corp.example.com` : answerIp;
      return {
        format: 'eve',
        line: eveEvent(e, 'dns', {
          dns: {
            version: 2,
            type: 'answer',
            id,
            flags: '8180',
            qr: true,
            rd: true,
            ra: true,
            opcode: 0,
            rrname: name,
            rrtype,
            rcode: 'NOERROR',
            answers: [{ rrname: name, rrtype, ttl: rng.int(30, 3600), rdata }],
            grouped: { [rrtype]: [rdata] },
          },
        }),
      };
    });
  }

  private http(): void {
    const rng = this.rng;
    const m = rng.pick(MIRRORS);
    const c = m.ua.startsWith('Microsoft') ? rng.pick(workstations()) : rng.pick(linuxAgents());
    const sport = rng.ephemeralPort();
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(c.ip, sport, m.ip, 80));
      return {
        format: 'eve',
        line: eveEvent(e, 'http', {
          tx_id: 0,
          http: { hostname: m.host, url: m.path, http_user_agent: m.ua, http_content_type: 'application/octet-stream', http_method: 'GET', protocol: 'HTTP/1.1', status: 200, length: rng.int(2_000, 4_000_000) },
        }),
      };
    });
  }

  private tls(): void {
    const rng = this.rng;
    const c = this.client();
    const s = rng.pick(SERVICES);
    const sport = rng.ephemeralPort();
    let ja3 = this.ja3.get(c.name);
    if (!ja3) {
      ja3 = rng.hex(32);
      this.ja3.set(c.name, ja3);
    }
    const hash = ja3;
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(c.ip, sport, s.ip, s.port));
      return { format: 'eve', line: eveEvent(e, 'tls', { tls: { sni: s.sni, version: rng.chance(0.8) ? 'TLS 1.3' : 'TLS 1.2', ja3: { hash }, ja3s: { hash: rng.hex(32) } } }) };
    });
  }

  private lowAlert(): void {
    const rng = this.rng;
    const key = rng.weighted([
      ['invalidTs', 4],
      ['outOfWindow', 3],
      ['oneDirection', 2],
      ['apt', 3],
      ['usbMeta', 1],
      ['dropbox', 1],
    ] as const);
    const sig: Sig = LOW_SIGS[key];
    let src: Host;
    let dst: string;
    let port = 443;
    let app: Record<string, unknown> | undefined;
    let appProto: string | undefined;
    if (key === 'apt') {
      src = rng.pick(linuxAgents());
      const m = rng.pick(MIRRORS.filter((x) => x.ua.startsWith('Debian')));
      dst = m.ip;
      port = 80;
      appProto = 'http';
      app = { http: { hostname: m.host, url: m.path, http_user_agent: m.ua, http_method: 'GET', protocol: 'HTTP/1.1', status: 200, length: rng.int(2000, 900_000) } };
    } else if (key === 'usbMeta') {
      src = rng.pick(workstations().filter((h) => h.os === 'windows'));
      dst = '13.107.4.50';
      port = 80;
      appProto = 'http';
      app = { http: { hostname: 'go.microsoft.com', url: '/fwlink/?LinkId=252669&clcid=0x409', http_user_agent: 'MICROSOFT_DEVICE_METADATA_RETRIEVAL_CLIENT', http_method: 'GET', protocol: 'HTTP/1.1', status: 302, length: 0 } };
    } else if (key === 'dropbox') {
      src = rng.pick(workstations());
      dst = '162.125.21.3';
      appProto = 'tls';
      app = { tls: { sni: 'client.dropbox.com', version: 'TLS 1.3' } };
    } else {
      src = this.client();
      const s = rng.pick(SERVICES);
      dst = s.ip;
      if (rng.chance(0.3)) {
        dst = host(rng.pick(['dc-01', 'fs-01', 'web-01'])).ip;
        port = dst === host('web-01').ip ? 443 : 445;
      }
      appProto = port === 445 ? 'smb' : 'tls';
    }
    if (dst === src.ip) src = rng.pick(workstations());
    const sport = rng.ephemeralPort();
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(src.ip, sport, dst, port));
      const opts = {
        flow: { pkts_toserver: rng.int(3, 40), pkts_toclient: rng.int(3, 60), bytes_toserver: rng.int(300, 20_000), bytes_toclient: rng.int(300, 200_000), start: t - rng.int(1, 30) * SECOND },
        ...(appProto ? { appProto } : {}),
        ...(app ? { app } : {}),
      };
      return { format: 'eve', line: eveAlert(e, sig, opts) };
    });
  }

  /** Key-based SSH login from the admin network, its PAM session, and (later) the close. */
  private sshLogin(): void {
    const rng = this.rng;
    const h = rng.pick(linuxAgents().filter((x) => x.role !== 'workstation'));
    const user = rng.pick(h.users.filter((u) => u !== 'root' && u !== 'www-data' && u !== 'postfix')) ?? 'ops';
    const from = rng.pick(ADMIN_IPS.filter((ip) => ip !== h.ip));
    const sport = rng.ephemeralPort();
    const pid = rng.int(1000, 65000);
    const fp = `SHA256:${rng.base32(43)}`;
    const pam = (t: Micros, state: 'opened' | 'closed') => ({
      full_log: `${syslogTime(t)} ${h.name} sshd[${pid}]: pam_unix(sshd:session): session ${state} for user ${user}${state === 'opened' ? '(uid=1000) by (uid=0)' : ''}`,
      predecoder: { program_name: 'sshd', timestamp: syslogTime(t), hostname: h.name },
      decoder: { parent: 'pam', name: 'pam' },
      data: state === 'opened' ? { dstuser: user, uid: '0' } : { dstuser: user },
      location: '/var/log/auth.log',
    });
    this.push(
      (t) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t, R_5715, h, sshdBody(t, h, pid, `Accepted publickey for ${user} from ${from} port ${sport} ssh2: ED25519 ${fp}`, { srcip: from, srcport: String(sport), dstuser: user })) }),
      (t) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t, R_5501, h, pam(t, 'opened')) }),
    );
    if (rng.chance(0.6)) this.push((t) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t, R_5502, h, pam(t, 'closed')) }));
  }

  private sudo(): void {
    const rng = this.rng;
    const h = rng.pick(linuxAgents().filter((x) => x.role !== 'workstation'));
    const user = h.users.find((u) => u === 'deploy' || u === 'ops') ?? 'ops';
    const cmd = rng.pick(SUDO_COMMANDS);
    this.push((t) => ({
      format: 'wazuh',
      line: this.ctx.wazuh.line(t, R_5402, h, {
        full_log: `${syslogTime(t)} ${h.name} sudo:   ${user} : TTY=pts/${rng.int(0, 3)} ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`,
        predecoder: { program_name: 'sudo', timestamp: syslogTime(t), hostname: h.name },
        decoder: { parent: 'sudo', name: 'sudo' },
        data: { srcuser: user, dstuser: 'root', tty: 'pts/0', pwd: `/home/${user}`, command: cmd },
        location: '/var/log/auth.log',
      }),
    }));
  }

  private dpkg(): void {
    const rng = this.rng;
    const h = rng.pick(linuxAgents());
    const [pkg, ver] = rng.pick(PACKAGES);
    const ts = (t: Micros) => new Date(Math.floor(t / 1000)).toISOString().replace('T', ' ').slice(0, 19);
    this.push(
      (t) => ({
        format: 'wazuh',
        line: this.ctx.wazuh.line(t, R_2901, h, { full_log: `${ts(t)} install ${pkg}:amd64 <none> ${ver}`, decoder: { name: 'dpkg-decoder' }, data: { package: pkg, arch: 'amd64', version: ver }, location: '/var/log/dpkg.log' }),
      }),
      (t) => ({
        format: 'wazuh',
        line: this.ctx.wazuh.line(t, R_2902, h, { full_log: `${ts(t)} status installed ${pkg}:amd64 ${ver}`, decoder: { name: 'dpkg-decoder' }, data: { package: pkg, arch: 'amd64', version: ver }, location: '/var/log/dpkg.log' }),
      }),
    );
  }

  /** A domain user logs on: the DC records a network logon (event 4624). */
  private winLogon(): void {
    const rng = this.rng;
    const ws = rng.pick(windowsAgents().filter((h) => h.role === 'workstation'));
    const dc = host('dc-01');
    const on = rng.chance(0.5) ? dc : rng.pick([dc, host('fs-01')]);
    const user = ws.users[0] ?? 'jdoe';
    const logonType = rng.pick(['3', '3', '3', '2', '10']);
    this.push((t) => {
      const iso = new Date(Math.floor(t / 1000)).toISOString();
      return {
        format: 'wazuh',
        line: this.ctx.wazuh.line(t, R_60106, on, {
          decoder: { name: 'windows_eventchannel' },
          data: {
            win: {
              system: {
                providerName: 'Microsoft-Windows-Security-Auditing',
                providerGuid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
                eventID: '4624',
                version: '2',
                level: '0',
                task: '12544',
                opcode: '0',
                keywords: '0x8020000000000000',
                systemTime: iso.replace('Z', '0000Z'),
                eventRecordID: String(rng.int(1_000_000, 9_999_999)),
                processID: '704',
                threadID: String(rng.int(700, 9000)),
                channel: 'Security',
                computer: `${on.name}.corp.example.com`,
                severityValue: 'AUDIT_SUCCESS',
                message: '"An account was successfully logged on."',
              },
              eventdata: {
                subjectUserSid: 'S-1-0-0',
                subjectLogonId: '0x0',
                targetUserSid: `S-1-5-21-3623811015-3361044348-30300820-${rng.int(1100, 1400)}`,
                targetUserName: user,
                targetDomainName: 'CORP',
                targetLogonId: `0x${rng.hex(7)}`,
                logonType,
                logonProcessName: 'Kerberos',
                authenticationPackageName: 'Kerberos',
                workstationName: ws.name.toUpperCase(),
                ipAddress: ws.ip,
                ipPort: String(rng.ephemeralPort()),
                impersonationLevel: '%%1833',
                elevatedToken: '%%1843',
              },
            },
          },
          location: 'EventChannel',
        }),
      };
    });
  }
}
