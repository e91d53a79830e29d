import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeEve } from '../../main/pipeline/normalize/index.js';
import { summaryOf } from '../../main/hunt/fields.js';
import type { SensorRecord, SourcePosition } from '../../main/pipeline/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lines = fs.readFileSync(path.join(here, '..', 'fixtures', 'eve', 'records.jsonl'), 'utf8').split('\n').filter(Boolean);
const pos: SourcePosition = { file: 'eve.json', line: 1, offset: 0 };

function recordOf(line: string): SensorRecord {
  const r = normalizeEve(line, pos);
  if (r.kind === 'quarantined' || r.record === undefined) throw new Error(`no record: ${r.kind} ${'reason' in r ? r.reason : ''}`);
  return r.record;
}

/** What each golden line must give: the common fields, then the summary by field name. */
type Want = Partial<Omit<SensorRecord, 'slots' | 'raw' | 'ts'>> & { ts: string; summary: Record<string, string | number> };

const GOLDEN: [string, Want][] = [
  ['dns v1 query', { ts: '2026-11-21T10:00:00.100Z', type: 'dns', sensor: 'sensor-1', src_ip: '192.168.1.114', src_port: 38886, dst_ip: '8.8.8.8', dst_port: 53, proto: 'UDP', flow_id: '1835623357181964', summary: { 'dns.type': 'query', 'dns.rrname': 'twitter.com', 'dns.rrtype': 'A' } }],
  ['dns v2 answer, detailed', { ts: '2026-11-21T10:00:00.200Z', type: 'dns', sensor: null, summary: { 'dns.type': 'answer', 'dns.rcode': 'NOERROR', 'dns.rrname': 'www.suricata-ids.org', 'dns.rrtype': 'A', 'dns.answers': 'suricata-ids.org 192.0.78.24 192.0.78.25' } }],
  ['dns v2 answer, grouped, NXDOMAIN', { ts: '2026-11-21T10:00:00.300Z', type: 'dns', flow_id: '99', summary: { 'dns.type': 'answer', 'dns.rcode': 'NXDOMAIN', 'dns.rrname': 'nx.example.ru', 'dns.rrtype': 'A', 'dns.answers': '192.0.78.24 192.0.78.25 suricata-ids.org' } }],
  ['dns v3 response (+0900)', { ts: '2026-03-02T00:14:05.118Z', type: 'dns', summary: { 'dns.type': 'response', 'dns.rcode': 'NOERROR', 'dns.rrname': 'www.example.com', 'dns.rrtype': 'A', 'dns.answers': 'example.com 203.0.113.10' } }],
  ['http', { ts: '2026-11-21T10:00:01.000Z', type: 'http', summary: { 'http.hostname': 'direkte.vg.no', 'http.url': '/jansson/releases/jansson-2.6.tar.gz', 'http.method': 'GET', 'http.user_agent': 'Wget/1.13.4 (linux-gnu)', 'http.content_type': 'application/x-gzip', 'http.status': 200 } }],
  ['tls with ja3, ja3s, ja4 and community_id', { ts: '2026-11-21T10:00:02.000Z', type: 'tls', community_id: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=', summary: { 'tls.sni': 'www.google.com', 'tls.subject': 'C=US, ST=California, L=Mountain View, O=Google Inc, CN=*.google.com', 'tls.issuer': 'C=US, O=Google Inc, CN=Google Internet Authority G2', 'tls.ja3': 'e7d705a3286e19ea42f587b3443d3b0a', 'tls.ja3s': '0b9e2c6c5d7c9c9e8f2a4b6d8f0a1c2e', 'tls.ja4': 't13d1516h2_8daaf6152771_02713d6af862', 'tls.version': 'TLS 1.2' } }],
  ['fileinfo (tenzir excerpt shape, +0200)', { ts: '2011-08-12T14:59:22.181Z', type: 'fileinfo', app_proto: 'http', summary: { 'file.name': '/', 'file.sha256': '2e4ae1e8d2c5cd00dd8e3a8b6e6a6d4a1d3b7e9d8f1a2b3c4d5e6f708192a3b4', 'file.magic': 'HTML document, ASCII text', 'file.size': 301 } }],
  ['flow', { ts: '2026-11-21T10:05:00.000Z', type: 'flow', app_proto: 'dns', summary: { 'flow.state': 'established', 'flow.reason': 'timeout', 'flow.bytes': 229, 'flow.pkts': 2, 'flow.duration': 1.25 } }],
  ['netflow', { ts: '2011-08-12T12:55:22.154Z', type: 'netflow', summary: { 'flow.bytes': 74, 'flow.pkts': 1, 'flow.duration': 0 } }],
  ['anomaly, decode, no flow id (-0800)', { ts: '1970-01-01T00:04:21.000Z', type: 'anomaly', flow_id: null, src_port: 0, summary: { 'anomaly.type': 'decode', 'anomaly.event': 'decoder.udp.pkt_too_small' } }],
  ['anomaly, applayer', { ts: '2016-01-11T13:10:54.612Z', type: 'anomaly', app_proto: 'tls', summary: { 'anomaly.type': 'applayer', 'anomaly.event': 'APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION' } }],
  ['smb', { ts: '2026-11-21T10:06:00.000Z', type: 'smb', summary: { 'smb.command': 'SMB2_COMMAND_CREATE', 'smb.filename': 'admin\\secrets.docx' } }],
  ['krb5', { ts: '2026-11-21T10:07:00.000Z', type: 'krb5', summary: { 'krb5.cname': 'missandei', 'krb5.sname': 'MSSQLSvc/db01.essos.local:1433' } }],
  ['dhcp', { ts: '2026-11-21T10:08:00.000Z', type: 'dhcp', summary: { 'dhcp.hostname': 'laptop-7', 'dhcp.assigned_ip': '192.168.0.50' } }],
  ['ssh', { ts: '2026-11-21T10:09:00.000Z', type: 'ssh', summary: { 'ssh.client': 'libssh2_1.10.0', 'ssh.server': 'OpenSSH_9.6p1' } }],
  ['smtp', { ts: '2026-11-21T10:10:00.000Z', type: 'smtp', summary: { 'smtp.from': '<alice@example.org>', 'smtp.to': '<bob@example.com> <carol@example.com>' } }],
  ['IPv6 flow, flow_id 2^64-1', { ts: '2026-11-21T10:11:00.000Z', type: 'flow', sensor: 'sensor-v6', src_ip: '2001:0db8:0000:0000:0000:0000:0000:0001', dst_ip: '2001:db8::53', flow_id: '18446744073709551615', summary: { 'flow.state': 'established', 'flow.reason': 'timeout', 'flow.bytes': 210, 'flow.pkts': 2, 'flow.duration': 1 } }],
  ['ICMP flow without ports', { ts: '2026-11-21T10:12:00.000Z', type: 'flow', proto: 'ICMP', src_port: null, dst_port: null, summary: { 'flow.state': 'established', 'flow.reason': 'timeout', 'flow.bytes': 784, 'flow.pkts': 8, 'flow.duration': 3 } }],
  ['an event type Vigil has no summary for (quic): common fields and raw', { ts: '2026-11-21T10:13:00.000Z', type: 'quic', dst_port: 443, flow_id: '11000', summary: {} }],
  ['alert', { ts: '2026-11-21T10:14:00.000Z', type: 'alert', summary: { 'alert.signature': 'ET SCAN Potential SSH Scan', 'alert.category': 'Attempted Information Leak', 'alert.signature_id': 2001219, 'alert.severity': 2 } }],
];

describe('EVE records of every type are kept with their pivot and summary fields (golden)', () => {
  it('has one expectation per line', () => {
    expect(GOLDEN).toHaveLength(lines.length);
  });

  GOLDEN.forEach(([name, want], i) => {
    it(name, () => {
      const line = lines[i]!;
      const r = recordOf(line);
      const { ts, summary, ...common } = want;
      expect(new Date(r.ts).toISOString()).toBe(ts);
      expect(r).toMatchObject(common);
      expect(summaryOf(r.type, r.slots)).toEqual(summary);
      expect(r.raw).toBe(line);
    });
  });

  it('the real tenzir excerpt gives one record per line, the quic one included', () => {
    const real = fs.readFileSync(path.join(here, '..', 'fixtures', 'real', 'tenzir-eve.json'), 'utf8').split('\n').filter((l) => l.trim());
    expect(real.map((l) => recordOf(l).type)).toEqual(['alert', 'dns', 'fileinfo', 'flow', 'http', 'netflow', 'quic']);
  });

  it('summary text is cut to 512 characters (the raw line keeps it whole)', () => {
    const url = `/${'a'.repeat(2000)}`;
    const r = recordOf(JSON.stringify({ timestamp: '2026-11-21T10:00:00Z', event_type: 'http', http: { url } }));
    expect(summaryOf('http', r.slots)['http.url']).toBe(url.slice(0, 512));
    expect(r.raw).toContain(url);
  });
});
