/**
 * exfiltration: an internal host ships data to an external server. Two channels per campaign:
 * DNS tunnelling (long base32 labels under a .top domain, TXT queries through the internal
 * resolver, plus the resolver's own lookups) and a large outbound TLS/HTTP transfer. ET INFO /
 * ET POLICY alerts carry T1048 in their metadata; the staging archive shows up in Wazuh FIM.
 */
import { type Ctx, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Sig, type WRule, COMPLIANCE, eveAlert, eveEvent, flowEnd, isoSeconds } from './format.js';
import { type Host, EXFIL_SERVERS, host } from './world.js';
import { R_554 } from './ransomware.js';

const EXFIL_MITRE = ['TA0010', 'Exfiltration', 'T1048', 'Exfiltration_Over_Alternative_Protocol'] as const;
const PRIVACY = 'Potential Corporate Privacy Violation';

const DNS_TOP: Sig = { sid: 2027757, rev: 3, msg: 'ET INFO DNS Query for Suspicious .top Domain', category: PRIVACY, severity: 2, meta: { former: 'INFO', deployment: 'Perimeter', created: '2019_07_26', updated: '2020_09_17', sev: 'Minor', mitre: EXFIL_MITRE } };
const DNS_TUNNEL: Sig = { sid: 2027758, rev: 2, msg: 'ET INFO Possible DNS Tunneling - Long Encoded Subdomain Query', category: PRIVACY, severity: 2, meta: { former: 'INFO', deployment: 'Perimeter', created: '2019_07_26', updated: '2020_09_17', sev: 'Major', mitre: EXFIL_MITRE } };
const LARGE_OUT: Sig = { sid: 2024897, rev: 4, msg: 'ET POLICY Large outbound transfer to external host', category: PRIVACY, severity: 1, meta: { former: 'POLICY', deployment: 'Perimeter', created: '2017_10_23', updated: '2020_08_20', sev: 'Major', mitre: EXFIL_MITRE } };
const HTTP_POST_TOP: Sig = { sid: 2027759, rev: 2, msg: 'ET INFO HTTP POST Request to Suspicious *.top Domain', category: 'Potentially Bad Traffic', severity: 2, meta: { former: 'INFO', deployment: 'Perimeter', created: '2019_07_26', updated: '2020_09_17', sev: 'Minor', mitre: EXFIL_MITRE } };

const R_ARCHIVE: WRule = { ...R_554, compliance: COMPLIANCE.syscheck };

export class Exfiltration extends Gen {
  private source: Host = host('db-01');
  private server = EXFIL_SERVERS[0] as (typeof EXFIL_SERVERS)[number];
  private left = 0;
  private sent = 0;
  private flow = { id: '', sport: 0, start: 0, ja3: '', ja3s: '' };

  constructor(ctx: Ctx) {
    super(ctx, 'exfiltration');
    this.campaign();
  }

  private campaign(): void {
    const rng = this.rng;
    this.source = host(rng.pick(['db-01', 'ws-057', 'fs-01', 'app-01']));
    this.server = rng.pick(EXFIL_SERVERS);
    this.left = rng.int(150, 500);
    this.sent = 0;
    this.flow = { id: '', sport: 0, start: 0, ja3: '', ja3s: '' };
    if (this.source.os === 'linux') {
      const src = this.source;
      const name = rng.pick(['db_dump', 'backup', 'export', 'pg_all']);
      this.push((t) => {
        const path = `/tmp/.cache/${name}_${isoSeconds(t).slice(0, 10).replace(/-/g, '')}.tar.gz`;
        const size = rng.int(50, 900) * 1024 * 1024;
        return {
          format: 'wazuh',
          line: this.ctx.wazuh.line(t, R_ARCHIVE, src, {
            full_log: `File '${path}' added\nMode: realtime\n`,
            syscheck: { path, mode: 'realtime', size_after: String(size), perm_after: 'rw-r--r--', uid_after: '999', gid_after: '999', md5_after: rng.hex(32), sha1_after: rng.hex(40), sha256_after: rng.hex(64), uname_after: 'postgres', gname_after: 'postgres', mtime_after: isoSeconds(t), inode_after: rng.int(100000, 9999999), event: 'added' },
            decoder: { name: 'syscheck_new_entry' },
            location: 'syscheck',
          }),
        };
      });
    }
  }

  protected plan(): void {
    if (this.left-- <= 0) this.campaign();
    if (this.rng.chance(0.65)) this.dnsTunnel();
    else this.bulk();
  }

  private dnsTunnel(): void {
    const rng = this.rng;
    const src = this.source;
    const resolver = host('dns-01');
    const { domain } = this.server;
    const qname = `${rng.base32(rng.int(40, 63))}.${rng.base32(rng.int(20, 50))}.${rng.hex(4)}.${domain}`;
    const id = rng.int(1, 65535);
    const sport = rng.ephemeralPort();
    let fid: string | undefined;
    // Client to internal resolver: the query event, often an alert on it.
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(src.ip, sport, resolver.ip, 53, 'UDP'));
      fid = e.flowId;
      return { format: 'eve', line: eveEvent(e, 'dns', { dns: { version: 2, type: 'query', id, rrname: qname, rrtype: 'TXT', tx_id: 0, opcode: 0 } }) };
    });
    if (rng.chance(0.5)) {
      const sig = qname.length > 90 && rng.chance(0.5) ? DNS_TUNNEL : DNS_TOP;
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(src.ip, sport, resolver.ip, 53, 'UDP'), fid);
        return {
          format: 'eve',
          line: eveAlert(e, sig, {
            txId: 0,
            flow: { pkts_toserver: 1, pkts_toclient: 0, bytes_toserver: 60 + qname.length, bytes_toclient: 0, start: t },
            appProto: 'dns',
            app: { dns: { query: [{ type: 'query', id, rrname: qname, rrtype: 'TXT', tx_id: 0, opcode: 0 }] } },
          }),
        };
      });
    }
    // The resolver recursing out to the attacker's authoritative server (the edge sensor sees it).
    if (rng.chance(0.4)) {
      const rport = rng.ephemeralPort();
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(resolver.ip, rport, this.server.ip, 53, 'UDP'));
        return {
          format: 'eve',
          line: eveAlert(e, DNS_TOP, {
            txId: 0,
            flow: { pkts_toserver: 1, pkts_toclient: 1, bytes_toserver: 70 + qname.length, bytes_toclient: 200 + rng.int(0, 180), start: t },
            appProto: 'dns',
            app: { dns: { query: [{ type: 'query', id: rng.int(1, 65535), rrname: qname, rrtype: 'TXT', tx_id: 0, opcode: 0 }] } },
          }),
        };
      });
    }
  }

  private bulk(): void {
    const rng = this.rng;
    const src = this.source;
    const { ip, domain } = this.server;
    if (rng.chance(0.25)) {
      // Chunked HTTP POST uploads, one short connection each.
      const sport = rng.ephemeralPort();
      const size = rng.int(1, 8) * 1024 * 1024;
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(src.ip, sport, ip, 80));
        const flow = { pkts_toserver: Math.ceil(size / 1400), pkts_toclient: Math.ceil(size / 14000), bytes_toserver: size + 400, bytes_toclient: 900, start: t - rng.int(1, 8) * SECOND };
        return {
          format: 'eve',
          line: eveAlert(e, HTTP_POST_TOP, {
            txId: 0,
            flow,
            appProto: 'http',
            app: { http: { hostname: `upload.${domain}`, url: `/api/v2/sync?part=${rng.int(1, 9999)}`, http_user_agent: 'curl/7.88.1', http_content_type: 'application/octet-stream', http_method: 'POST', protocol: 'HTTP/1.1', status: 200, length: 2 } },
          }),
        };
      });
      return;
    }
    // One long-lived TLS upload, re-alerted as it grows; a fresh connection now and then.
    if (!this.flow.id || rng.chance(0.08)) this.flow = { id: '', sport: rng.ephemeralPort(), start: 0, ja3: rng.hex(32), ja3s: rng.hex(32) };
    const f = this.flow;
    this.sent += rng.int(2, 40) * 1024 * 1024;
    const sent = this.sent;
    this.push((t) => {
      if (!f.start) f.start = t - rng.int(5, 60) * SECOND;
      const e = eveAt(this.ctx, t, tuple(src.ip, f.sport, ip, 443), f.id || undefined);
      if (!f.id) f.id = e.flowId;
      const flow = { pkts_toserver: Math.ceil(sent / 1400), pkts_toclient: Math.ceil(sent / 14000), bytes_toserver: sent, bytes_toclient: Math.ceil(sent / 40), start: f.start };
      if (rng.chance(0.7)) {
        return {
          format: 'eve',
          line: eveAlert(e, LARGE_OUT, { flow, appProto: 'tls', app: { tls: { sni: `cdn.${domain}`, version: 'TLS 1.3', ja3: { hash: f.ja3 }, ja3s: { hash: f.ja3s } } } }),
        };
      }
      return { format: 'eve', line: eveEvent(e, 'flow', { app_proto: 'tls', flow: flowEnd(e, flow, { state: 'established', reason: 'timeout', alerted: true }) }) };
    });
  }
}
