/**
 * ddos: many (mostly spoofed) sources against one exposed target. Each wave is one technique:
 * SYN flood, HTTP flood from a botnet, or UDP reflection (NTP, DNS, SSDP, memcached) where the
 * "source" is the abused reflector. A few sources carry most of the volume. ET DOS alerts
 * (Attempted Denial of Service, severity 2) plus some of the flood's flow records.
 */
import { type Ctx, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Proto, type Sig, eveAlert, eveEvent, flowEnd } from './format.js';
import { type Host, ATTACKERS, host, randomPublicIp } from './world.js';

const META = (created: string, updated: string) =>
  ({ former: 'DOS', target: 'Server', created, updated, sev: 'Major', mitre: ['TA0040', 'Impact', 'T1498', 'Network_Denial_of_Service'] }) as const;
const DOS = 'Attempted Denial of Service';

interface Wave {
  kind: 'syn' | 'http' | 'ntp' | 'dns' | 'ssdp' | 'memcached';
  sig: Sig;
  proto: Proto;
  /** Source port (reflection) or null for ephemeral. */
  sport: number | null;
  /** Destination port, or null: reflected replies go to the few ports the attacker spoofed. */
  dport: number | null;
  bytes: [number, number];
}

const WAVES: readonly Wave[] = [
  { kind: 'syn', proto: 'TCP', sport: null, dport: 80, bytes: [60, 60], sig: { sid: 2019404, rev: 5, msg: 'ET DOS Potential Tsunami SYN Flood Denial Of Service Attempt', category: DOS, severity: 2, meta: META('2014_10_15', '2019_07_26') } },
  { kind: 'http', proto: 'TCP', sport: null, dport: 80, bytes: [400, 900], sig: { sid: 2018208, rev: 3, msg: 'ET DOS Inbound GoldenEye DoS attack', category: DOS, severity: 2, meta: META('2014_03_05', '2019_07_26') } },
  { kind: 'http', proto: 'TCP', sport: null, dport: 80, bytes: [300, 700], sig: { sid: 2012049, rev: 5, msg: 'ET DOS Inbound Low Orbit Ion Cannon LOIC DDOS Tool desu string', category: DOS, severity: 2, meta: META('2010_12_13', '2019_07_26') } },
  { kind: 'ntp', proto: 'UDP', sport: 123, dport: null, bytes: [468, 482], sig: { sid: 2019010, rev: 3, msg: 'ET DOS Likely NTP DDoS In Progress PEER_LIST Response to Non-Ephemeral Port IMPL 0x03', category: DOS, severity: 2, meta: META('2014_08_26', '2019_07_26') } },
  { kind: 'dns', proto: 'UDP', sport: 53, dport: null, bytes: [3000, 4100], sig: { sid: 2016016, rev: 8, msg: 'ET DOS DNS Amplification Attack Inbound', category: DOS, severity: 2, meta: META('2012_12_11', '2019_07_26') } },
  { kind: 'ssdp', proto: 'UDP', sport: 1900, dport: null, bytes: [300, 340], sig: { sid: 2019102, rev: 3, msg: 'ET DOS Possible SSDP Amplification Scan in Progress', category: DOS, severity: 2, meta: META('2014_09_03', '2019_07_26') } },
  { kind: 'memcached', proto: 'UDP', sport: 11211, dport: null, bytes: [1400, 1400], sig: { sid: 2025402, rev: 3, msg: 'ET DOS Possible Memcached DDoS Amplification Inbound', category: DOS, severity: 2, meta: META('2018_02_27', '2019_09_28') } },
];

const TARGETS = ['web-01', 'web-02', 'mail-01'];

export class Ddos extends Gen {
  private target: Host = host('web-01');
  private wave: Wave = WAVES[0] as Wave;
  private sources: string[] = [];
  private ports: number[] = [];
  private left = 0;

  constructor(ctx: Ctx) {
    super(ctx, 'ddos');
    this.campaign();
  }

  private campaign(): void {
    const rng = this.rng;
    this.target = host(rng.pick(TARGETS));
    this.wave = rng.pick(WAVES);
    // A handful of heavy hitters first (some of the known-bad pool), then a long spoofed tail.
    const heavy = rng.shuffle(ATTACKERS).slice(0, rng.int(2, 4));
    const tail = Array.from({ length: rng.int(150, 600) }, () => randomPublicIp(rng));
    this.sources = [...heavy, ...tail];
    this.ports = this.wave.dport !== null ? [this.wave.dport] : [80, 443, rng.int(1024, 65535)].slice(0, rng.int(1, 3));
    this.left = rng.int(800, 3000);
  }

  protected plan(): void {
    if (this.left-- <= 0) this.campaign();
    const { target, wave } = this;
    const src = this.sources[this.rng.skewedIndex(this.sources.length, 3)] as string;
    const sport = wave.sport ?? this.rng.ephemeralPort();
    const dport = this.rng.pick(this.ports);
    const bytes = this.rng.int(wave.bytes[0], wave.bytes[1]);
    const pkts = this.rng.int(1, wave.kind === 'syn' ? 3 : 40);
    const stats = (t: number) => ({
      pkts_toserver: pkts,
      pkts_toclient: wave.kind === 'http' ? this.rng.int(1, 10) : 0,
      bytes_toserver: pkts * bytes,
      bytes_toclient: wave.kind === 'http' ? this.rng.int(200, 4000) : 0,
      start: t - this.rng.int(0, 3 * SECOND),
    });
    if (this.rng.chance(0.85)) {
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(src, sport, target.ip, dport, wave.proto));
        const app: Record<string, unknown> | undefined =
          wave.kind === 'http'
            ? { http: { hostname: `${target.name}.corp.example.com`, url: `/?${this.rng.hex(8)}=${this.rng.hex(12)}`, http_user_agent: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1', http_method: 'GET', protocol: 'HTTP/1.1', length: 0 } }
            : undefined;
        const opts = { flow: stats(t), ...(app ? { app, appProto: 'http' } : {}) };
        return { format: 'eve', line: eveAlert(e, wave.sig, opts) };
      });
    } else {
      // Flood flows that time out without a signature match: still on the wire, still logged.
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(src, sport, target.ip, dport, wave.proto));
        const f = stats(t);
        const body: Record<string, unknown> = { app_proto: 'failed', flow: flowEnd(e, f, { state: wave.proto === 'TCP' ? 'new' : 'established', reason: 'timeout', alerted: false }) };
        if (wave.proto === 'TCP') body.tcp = { tcp_flags: '02', tcp_flags_ts: '02', tcp_flags_tc: '00', syn: true, state: 'syn_sent' };
        else delete body.app_proto;
        return { format: 'eve', line: eveEvent(e, 'flow', body) };
      });
    }
  }
}
