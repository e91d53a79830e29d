import { describe, expect, it } from 'vitest';
import { Collector, extractFromAlert, extractFromRaw, extractFromRecord, extractFromText, isDomain, observableProblem } from '../../main/cases/observables.js';

const found = (c: Collector) => c.values().map((f) => `${f.type}:${f.value}`).sort();

describe('observable extraction', () => {
  it('types the fields of a Wazuh alert by meaning (agent host, source user, addresses), not file names', () => {
    const raw = JSON.stringify({
      rule: { id: '5710', description: 'sshd: Attempt to login using a non-existent user' },
      agent: { id: '001', name: 'web-01', ip: '10.0.0.21' },
      manager: { name: 'wazuh-manager' },
      id: '1795255201.10452',
      full_log: 'Nov 21 10:00:01 web-01 sshd[2412]: Invalid user admin from 203.0.113.45 port 51234',
      predecoder: { hostname: 'web-01' },
      data: { srcip: '203.0.113.45', srcport: '51234', srcuser: 'admin' },
      location: '/var/ossec/logs/alerts/alerts.json',
      syscheck: { path: '/etc/passwd', sha256_after: 'a'.repeat(64), md5_after: 'b'.repeat(32) },
    });
    expect(found(extractFromRaw(raw))).toEqual(
      ['host:web-01', 'ipv4:10.0.0.21', 'ipv4:203.0.113.45', 'md5:' + 'b'.repeat(32), 'sha256:' + 'a'.repeat(64), 'user:admin'].sort(),
    );
  });

  it('reads Suricata DNS, TLS and HTTP names as domains and builds the URL of an HTTP request', () => {
    const dns = JSON.stringify({ event_type: 'dns', src_ip: '192.168.1.20', dest_ip: '192.168.1.1', dns: { rrname: 'updates.example.org' } });
    expect(found(extractFromRaw(dns))).toEqual(['domain:updates.example.org', 'ipv4:192.168.1.1', 'ipv4:192.168.1.20']);
    const http = JSON.stringify({ src_ip: '10.0.0.5', dest_ip: '198.51.100.9', http: { hostname: 'Evil.Example.COM', url: '/payload.exe', http_user_agent: 'curl/8' }, tls: { sni: 'cdn.example.net' } });
    expect(found(extractFromRaw(http))).toEqual(
      ['domain:cdn.example.net', 'domain:evil.example.com', 'ipv4:10.0.0.5', 'ipv4:198.51.100.9', 'url:http://Evil.Example.COM/payload.exe'].sort(),
    );
    const file = JSON.stringify({ fileinfo: { filename: 'invoice.pdf.exe', md5: 'c'.repeat(32), sha1: 'd'.repeat(40) } });
    expect(found(extractFromRaw(file))).toEqual(['md5:' + 'c'.repeat(32), 'sha1:' + 'd'.repeat(40)]);
  });

  it('does not take file names for domains, in fields or in free text', () => {
    expect(isDomain('alerts.json')).toBe(false);
    expect(isDomain('eve.json')).toBe(false);
    expect(isDomain('report.pdf')).toBe(false);
    expect(isDomain('mail.example.com')).toBe(true);
    expect(isDomain('xn--80ak6aa92e.com')).toBe(true);
    expect(isDomain('shop.example.pl')).toBe(true); // a Polish domain in a DNS field
    expect(isDomain('deploy.sh', true)).toBe(false); // a script in free text
    const text = 'Read /var/log/suricata/eve.json and alerts.json, ran setup.exe and deploy.sh; beacon to c2.bad-domain.net and http://198.51.100.7:8080/x?a=1. See ops@corp.example.org.';
    expect(found(extractFromText(text))).toEqual(['domain:c2.bad-domain.net', 'ipv4:198.51.100.7', 'url:http://198.51.100.7:8080/x?a=1'].sort());
  });

  it('leaves out loopback, unspecified and empty values, and dedups case-insensitively where case does not matter', () => {
    const c = new Collector();
    extractFromText('127.0.0.1 0.0.0.0 ::1 2001:DB8::1 2001:db8::1 ' + 'A'.repeat(64) + ' ' + 'a'.repeat(64), c);
    expect(found(c)).toEqual(['ipv6:2001:db8::1', 'sha256:' + 'a'.repeat(64)]);
    expect(found(extractFromRecord({ user: '-', srcuser: 'N/A' }))).toEqual([]);
  });

  it('takes addresses (and host/user fields when the alert has them) from the alert itself', () => {
    expect(found(extractFromAlert({ src_ip: '203.0.113.7', dst_ip: '10.0.0.5', host: 'db-02', user: 'svc_backup' }))).toEqual([
      'host:db-02',
      'ipv4:10.0.0.5',
      'ipv4:203.0.113.7',
      'user:svc_backup',
    ]);
  });

  it('checks hand-typed values against their type', () => {
    expect(observableProblem('ipv4', '10.0.0.300')).toMatch(/not an IPv4/);
    expect(observableProblem('ipv4', '10.0.0.3')).toBeNull();
    expect(observableProblem('sha1', 'a'.repeat(32))).toMatch(/sha1 hash/);
    expect(observableProblem('url', 'javascript:alert(1)')).toMatch(/not an http/);
    expect(observableProblem('domain', 'alerts.json')).toMatch(/not a domain/);
    expect(observableProblem('user', 'root')).toBeNull();
  });
});
