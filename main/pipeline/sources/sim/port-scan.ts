/**
 * port_scan: one source walks many destination ports fast. Mostly external scanners against the
 * exposed hosts (vertical: one host, hundreds of ports; sweep: every exposed host, the top ports),
 * sometimes a compromised workstation scanning the server segment. Suricata ET SCAN alerts per
 * probe, and the target's iptables drops as Wazuh 4101, with the composite 4151 over them.
 */
import { type Ctx, Frequency, Gen, eveAt, tuple } from './engine.js';
import { type Sig, type WRule, eveAlert, syslogTime } from './format.js';
import { type Host, ATTACKERS, exposedHosts, host, byRole } from './world.js';

const META = (created: string, updated: string) =>
  ({ former: 'SCAN', created, updated, sev: 'Minor', mitre: ['TA0043', 'Reconnaissance', 'T1046', 'Network_Service_Discovery'] }) as const;

const SCAN_SIGS: Record<string, Sig> = {
  mssql: { sid: 2010935, rev: 3, msg: 'ET SCAN Suspicious inbound to MSSQL port 1433', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2018_03_27') },
  oracle: { sid: 2010936, rev: 3, msg: 'ET SCAN Suspicious inbound to Oracle SQL port 1521', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2018_03_27') },
  mysql: { sid: 2010937, rev: 3, msg: 'ET SCAN Suspicious inbound to mySQL port 3306', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2018_03_27') },
  pgsql: { sid: 2010939, rev: 3, msg: 'ET SCAN Suspicious inbound to PostgreSQL port 5432', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2018_03_27') },
  vnc58: { sid: 2002910, rev: 6, msg: 'ET SCAN Potential VNC Scan 5800-5820', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2019_07_26') },
  vnc59: { sid: 2002911, rev: 6, msg: 'ET SCAN Potential VNC Scan 5900-5920', category: 'Detection of a Network Scan', severity: 3, meta: META('2010_07_30', '2019_07_26') },
  ssh: { sid: 2001219, rev: 20, msg: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2, meta: META('2010_07_30', '2019_07_26') },
  smb: { sid: 2001569, rev: 14, msg: 'ET SCAN Behavioral Unusual Port 445 traffic Potential Scan or Infection', category: 'Misc activity', severity: 3, meta: META('2010_07_30', '2019_07_26') },
  rdp: { sid: 2023753, rev: 3, msg: 'ET SCAN MS Terminal Server Traffic on Non-standard Port', category: 'Attempted Information Leak', severity: 2, meta: META('2017_01_23', '2020_08_20') },
  nmap: { sid: 2009582, rev: 3, msg: 'ET SCAN NMAP -sS window 1024', category: 'Attempted Information Leak', severity: 2, meta: META('2010_07_30', '2019_07_26') },
};

function sigFor(port: number): Sig {
  if (port === 1433) return SCAN_SIGS.mssql as Sig;
  if (port === 1521) return SCAN_SIGS.oracle as Sig;
  if (port === 3306) return SCAN_SIGS.mysql as Sig;
  if (port === 5432) return SCAN_SIGS.pgsql as Sig;
  if (port >= 5800 && port <= 5820) return SCAN_SIGS.vnc58 as Sig;
  if (port >= 5900 && port <= 5920) return SCAN_SIGS.vnc59 as Sig;
  if (port === 22) return SCAN_SIGS.ssh as Sig;
  if (port === 445) return SCAN_SIGS.smb as Sig;
  if (port === 3389) return SCAN_SIGS.rdp as Sig;
  return SCAN_SIGS.nmap as Sig;
}

const TOP_PORTS = [
  21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 465, 587, 993, 995, 1433, 1521, 1723, 2049, 2375, 3306, 3389,
  5432, 5800, 5900, 5901, 5985, 6379, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 10000, 11211, 27017,
];

const R_4101: WRule = { id: '4101', level: 5, description: 'Firewall drop event.', groups: ['firewall', 'firewall_drop'], compliance: { pci_dss: ['1.4'], gpg13: ['4.12'], hipaa: ['164.312.a.1'], nist_800_53: ['SC.7'], tsc: ['CC6.7', 'CC6.8'] } };
const R_4151: WRule = { id: '4151', level: 10, description: 'Multiple Firewall drop events from same source.', groups: ['firewall', 'multiple_drops'], compliance: { pci_dss: ['1.4', '10.6.1'], gpg13: ['4.12'], hipaa: ['164.312.a.1', '164.312.b'], nist_800_53: ['SC.7', 'AU.6'], tsc: ['CC6.7', 'CC6.8', 'CC7.2', 'CC7.3'] } };

type Tool = 'nmap' | 'masscan';

export class PortScan extends Gen {
  private source = '';
  private tool: Tool = 'nmap';
  private sport = 0;
  private probes: [Host, number][] = [];
  private drops = new Frequency(18, 45, 240);
  private dropLines: string[] = [];

  constructor(ctx: Ctx) {
    super(ctx, 'port_scan');
    this.campaign();
  }

  private campaign(): void {
    const rng = this.rng;
    this.tool = rng.chance(0.7) ? 'nmap' : 'masscan';
    // nmap -sS keeps one raw source port for the whole scan.
    this.sport = rng.ephemeralPort();
    this.drops = new Frequency(18, 45, 240);
    this.dropLines = [];
    const extraPorts = (n: number) => Array.from({ length: n }, () => rng.int(1, 65535));
    if (rng.chance(0.2)) {
      // A compromised workstation mapping the server segment.
      this.source = host('ws-063').ip;
      const servers = byRole('db', 'app', 'file', 'dc', 'ci');
      const ports = rng.shuffle(TOP_PORTS).slice(0, rng.int(18, 30));
      this.probes = rng.shuffle(servers.flatMap((h) => ports.map((p) => [h, p] as [Host, number])));
    } else if (rng.chance(0.3)) {
      // Sweep: the top ports on every exposed host.
      this.source = rng.pick(ATTACKERS);
      const ports = rng.shuffle(TOP_PORTS).slice(0, rng.int(20, 35));
      this.probes = ports.flatMap((p) => exposedHosts().map((h) => [h, p] as [Host, number]));
    } else {
      // Vertical: one host, the top ports then a random spread.
      this.source = rng.pick(ATTACKERS);
      const target = rng.pick(exposedHosts());
      const ports = [...new Set([...rng.shuffle(TOP_PORTS), ...extraPorts(rng.int(100, 300))])];
      this.probes = rng.shuffle(ports).map((p) => [target, p] as [Host, number]);
    }
  }

  protected plan(): void {
    const next = this.probes.shift();
    if (!next) {
      this.campaign();
      return;
    }
    const [target, port] = next;
    const src = this.source;
    const sport = this.tool === 'nmap' ? this.sport : this.rng.ephemeralPort();
    const sig = sigFor(port);
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(src, sport, target.ip, port));
      const open = this.rng.chance(0.08);
      const line = eveAlert(e, sig, {
        flow: { pkts_toserver: 1, pkts_toclient: open ? 1 : this.rng.int(0, 1), bytes_toserver: 58, bytes_toclient: open ? 58 : 54, start: t },
      });
      return { format: 'eve', line };
    });
    if (target.agentId && target.os === 'linux' && this.rng.chance(0.2)) this.drop(target, src, sport, port);
  }

  /** The target's host firewall drops the probe and logs it to kern.log. */
  private drop(target: Host, src: string, sport: number, port: number): void {
    const id = this.rng.int(1, 65535);
    const uptime = `${this.rng.int(100000, 999999)}.${this.rng.int(100000, 999999)}`;
    const data = { srcip: src, dstip: target.ip, protocol: 'TCP', srcport: String(sport), dstport: String(port), action: 'DROP' };
    const body = (t: number) => ({
      full_log: `${syslogTime(t)} ${target.name} kernel: [${uptime}] DROP IN=eth0 OUT= MAC=52:54:00:3a:1f:0c:00:1c:73:00:00:99:08:00 SRC=${src} DST=${target.ip} LEN=44 TOS=0x00 PREC=0x00 TTL=${this.rng.int(38, 54)} ID=${id} PROTO=TCP SPT=${sport} DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0`,
      predecoder: { program_name: 'kernel', timestamp: syslogTime(t), hostname: target.name },
      decoder: { parent: 'iptables', name: 'iptables' },
      data,
      location: '/var/log/kern.log',
    });
    this.push((t) => {
      const b = body(t);
      this.dropLines.push(b.full_log);
      if (this.dropLines.length > 18) this.dropLines.shift();
      if (this.drops.hit(t)) {
        const prev = this.dropLines.slice(0, -1).reverse().join('\n');
        this.pushFront((t2) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t2, R_4151, target, { ...body(t2), previous_output: prev }) }));
      }
      return { format: 'wazuh', line: this.ctx.wazuh.line(t, R_4101, target, b) };
    });
  }
}
