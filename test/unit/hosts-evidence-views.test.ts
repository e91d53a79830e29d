import { describe, expect, it } from 'vitest';
import type { EventRow, EventsEvidence } from '../../main/contract/hunt.js';
import { hostsHref, parseHash, routeHref } from '../../renderer/app/router.js';
import { evidenceTimeline, flowNote, hostsNote, relationLabel } from '../../renderer/features/alert-detail/evidence-model.js';
import { classLabel, hostsListRequest, hostsQueryString, openAlertCounts, parseHostsQuery, portLabel, portsQuery, portsRange, portsRangeText } from '../../renderer/features/hosts/model.js';
import { eventTypeLabel, hostQuery, recordSummary, recordSummaryParts } from '../../renderer/lib/records.js';
import { huntHref, huntViewHref, parseHuntQuery as parseHuntView, spanAround, sameView, timeOrder, valueHuntView, viewBounds, withoutGroupBy, withTimeOrder } from '../../renderer/features/hunt/model.js';
import { parseHuntQuery } from '../../main/hunt/query.js';

function row(id: number, ts: string, event_type: string, summary: EventRow['summary'] = {}, app_proto: string | null = null): EventRow {
  return {
    id,
    ts,
    event_type,
    sensor: 'sensor-1',
    source_id: 'import:test',
    src_ip: '10.0.0.5',
    src_port: 51000,
    dst_ip: '93.184.216.34',
    dst_port: 80,
    proto: 'TCP',
    app_proto,
    flow_id: '8422898859791863878',
    community_id: '1:x=',
    summary,
  };
}

describe('a host page\'s ports', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('counts over the shortest Hunt range that holds the host\'s last record', () => {
    expect(portsRange('2026-12-07T11:59:00Z', now)).toBe('24h');
    expect(portsRange('2026-12-06T12:00:00.001Z', now)).toBe('24h');
    expect(portsRange('2026-12-06T12:00:00Z', now)).toBe('7d');
    expect(portsRange('2026-11-10T00:00:00Z', now)).toBe('30d');
    expect(portsRange('2025-01-01T00:00:00Z', now)).toBe('all');
    // a clock behind the sensor's: still the shortest
    expect(portsRange('2026-12-07T13:00:00Z', now)).toBe('24h');
  });

  it('queries flows by side in the hunt language, IPv6 included', () => {
    for (const ip of ['10.0.0.5', '2001:db8::1']) {
      for (const side of ['in', 'out'] as const) {
        const ast = parseHuntQuery(portsQuery(ip, side));
        expect(ast.groupby).toEqual(['dst_port', 'proto']);
        expect(ast.terms.map((t) => [t.field, t.values.map((v) => v.text)])).toEqual([
          ['event_type', ['flow']],
          [side === 'in' ? 'dst_ip' : 'src_ip', [ip]],
        ]);
      }
    }
  });

  it('names each range in the title and at the end of a sentence', () => {
    expect(portsRangeText('24h')).toEqual({ title: 'last 24 hours', span: 'in the last 24 hours' });
    expect(portsRangeText('7d').span).toBe('in the last 7 days');
    expect(portsRangeText('30d').title).toBe('last 30 days');
    // not "over the all records kept"
    expect(`No flow record names this host ${portsRangeText('all').span}.`).toBe('No flow record names this host in any record kept.');
  });

  it('labels a port with its protocol, a portless protocol alone', () => {
    expect(portLabel([443, 'TCP'])).toBe('443/TCP');
    expect(portLabel([null, 'ICMP'])).toBe('ICMP');
    expect(portLabel([53, null])).toBe('53/?');
    expect(portLabel([null, null])).toBe('—');
  });
});

describe('Hosts routes and view', () => {
  it('parses the list, a host page (IPv4, IPv6) and writes them back', () => {
    expect(parseHash('#/hosts')).toEqual({ name: 'hosts', ip: null, query: '' });
    expect(parseHash('#/hosts/10.0.0.5')).toEqual({ name: 'hosts', ip: '10.0.0.5', query: '' });
    expect(parseHash(hostsHref('2001:db8::1'))).toEqual({ name: 'hosts', ip: '2001:db8::1', query: '' });
    expect(parseHash('#/hosts/%E0%A4%A')).toBeNull();
    expect(parseHash('#/hosts/10.0.0.5/extra')).toBeNull();
    const r = parseHash('#/hosts?q=10.0.0.0/8&view=agents')!;
    expect(routeHref(r)).toBe('#/hosts?q=10.0.0.0/8&view=agents');
    expect(routeHref({ name: 'hosts', ip: '10.0.0.5', query: 'sort=records' })).toBe('#/hosts/10.0.0.5?sort=records');
  });

  it('reads the list view leniently and writes only what differs from the default', () => {
    expect(parseHostsQuery('')).toEqual({ q: '', sort: 'last_seen', seen: 'all', view: 'addresses' });
    expect(parseHostsQuery('q=%2010.0.0.0/8%20&sort=records&seen=24h&view=agents')).toEqual({ q: '10.0.0.0/8', sort: 'records', seen: '24h', view: 'agents' });
    expect(parseHostsQuery('sort=bogus&seen=3y&view=x')).toEqual({ q: '', sort: 'last_seen', seen: 'all', view: 'addresses' });
    expect(hostsQueryString({ q: '', sort: 'last_seen', seen: 'all', view: 'addresses' })).toBe('');
    expect(hostsQueryString({ q: '2001:db8::/32', sort: 'first_seen', seen: '7d', view: 'addresses' })).toBe('q=2001:db8::/32&sort=first_seen&seen=7d');
  });

  it('turns a view into the hosts.list request', () => {
    const now = Date.parse('2026-11-21T12:00:00.000Z');
    expect(hostsListRequest(parseHostsQuery(''), now)).toEqual({ sort: 'last_seen' });
    expect(hostsListRequest(parseHostsQuery('q=10.0.0.0/8&seen=1h&sort=records'), now)).toEqual({ sort: 'records', cidr: '10.0.0.0/8', seen_after: '2026-11-21T11:00:00.000Z' });
  });

  it('orders open alerts most severe first without zeros, and labels classes', () => {
    expect(openAlertCounts({ low: 3, critical: 1, high: 0 } as never)).toEqual([
      { severity: 'critical', n: 1 },
      { severity: 'low', n: 3 },
    ]);
    expect(classLabel('link_local')).toBe('Link local');
    expect(classLabel('private')).toBe('Private');
  });
});

describe('record summaries and hunt links', () => {
  it('says what each record type holds in one line', () => {
    expect(recordSummary(row(1, '', 'dns', { 'dns.type': 'answer', 'dns.rrname': 'vg.no', 'dns.rrtype': 'A', 'dns.rcode': 'NOERROR', 'dns.answers': '1.2.3.4 5.6.7.8' }))).toBe(
      'answer vg.no A NOERROR → 1.2.3.4 5.6.7.8',
    );
    expect(recordSummary(row(1, '', 'http', { 'http.method': 'GET', 'http.hostname': 'vg.no', 'http.url': '/a.gz', 'http.status': 200 }))).toBe('GET vg.no/a.gz → 200');
    expect(recordSummary(row(1, '', 'tls', { 'tls.sni': 'www.google.com', 'tls.version': 'TLS 1.3' }))).toBe('SNI www.google.com TLS 1.3');
    expect(recordSummary(row(1, '', 'fileinfo', { 'file.name': '/a.gz', 'file.size': 2048, 'file.sha256': 'ab12' }))).toBe('/a.gz (2.0 KiB) sha256 ab12');
    expect(recordSummary(row(1, '', 'flow', { 'flow.bytes': 469350, 'flow.pkts': 450, 'flow.state': 'closed', 'flow.reason': 'timeout' }, 'http'))).toBe('http 458 KiB 450 pkts closed (timeout)');
    expect(recordSummary(row(1, '', 'alert', { 'alert.signature': 'ET X', 'alert.signature_id': 2013028 }))).toBe('ET X [sid 2013028]');
    expect(recordSummary(row(1, '', 'smb', { 'smb.command': 'SMB2_COMMAND_CREATE', 'smb.filename': 'a.docx' }))).toBe('command=SMB2_COMMAND_CREATE filename=a.docx');
    expect(recordSummary(row(1, '', 'quic'))).toBe('');
    expect(eventTypeLabel('fileinfo')).toBe('File');
    expect(eventTypeLabel('dns')).toBe('DNS');
    expect(eventTypeLabel('netflow')).toBe('Netflow');
  });

  it('marks the names, addresses, URLs and hashes in a summary as values to pivot from', () => {
    const dns = row(1, '', 'dns', { 'dns.type': 'answer', 'dns.rrname': 'vg.no', 'dns.rrtype': 'CNAME', 'dns.answers': 'cdn.vg.no 1.2.3.4 2001:db8::1' });
    expect(recordSummaryParts(dns)).toEqual([
      'answer ',
      { kind: 'domain', value: 'vg.no' },
      ' CNAME → ',
      { kind: 'domain', value: 'cdn.vg.no' },
      ' ',
      { kind: 'ip', value: '1.2.3.4' },
      ' ',
      { kind: 'ip', value: '2001:db8::1' },
    ]);
    const http = row(1, '', 'http', { 'http.method': 'GET', 'http.hostname': 'vg.no', 'http.url': '/a.gz', 'http.status': 200 });
    expect(recordSummaryParts(http)).toEqual(['GET ', { kind: 'domain', value: 'vg.no' }, { kind: 'url', value: '/a.gz' }, ' → 200']);
    // a URL without its host, a TLS session without SNI
    expect(recordSummaryParts(row(1, '', 'http', { 'http.url': '/x' }))).toEqual([{ kind: 'url', value: '/x' }]);
    expect(recordSummaryParts(row(1, '', 'tls', { 'tls.version': 'TLS 1.2' }))).toEqual(['TLS 1.2']);
    expect(recordSummaryParts(row(1, '', 'tls', { 'tls.sni': 'a.example' }))).toEqual(['SNI ', { kind: 'domain', value: 'a.example' }]);
    expect(recordSummaryParts(row(1, '', 'fileinfo', { 'file.name': '/a.gz', 'file.sha256': 'ab12' }))).toEqual(['/a.gz sha256 ', { kind: 'hash', value: 'ab12' }]);
    // the text of the pieces is the one-line summary
    expect(recordSummary(dns)).toBe('answer vg.no CNAME → cdn.vg.no 1.2.3.4 2001:db8::1');
  });

  it('links a host to Hunt with a query the hunt language parses', () => {
    for (const ip of ['10.0.0.5', '2001:db8::1']) {
      const q = hostQuery(ip);
      expect(parseHuntQuery(q).terms).toMatchObject([{ field: 'ip', values: [{ text: ip }] }]);
      expect(huntHref(q)).toBe(`#/hunt?q=${encodeURIComponent(q)}`);
    }
  });

  it('links to Hunt over a fixed span, which the Hunt view reads back and queries over', () => {
    const at = Date.parse('2026-11-14T03:30:00Z');
    const span = spanAround(at, at + 60_000, 3_600_000);
    expect(span).toEqual({ from: '2026-11-14T02:30:00.000Z', to: '2026-11-14T04:31:00.001Z' });
    const href = huntHref('flow_id:123', span);
    expect(href).toBe(`#/hunt?q=flow_id%3A123&from=2026-11-14T02%3A30%3A00.000Z&to=2026-11-14T04%3A31%3A00.001Z`);
    const view = parseHuntView(href.slice('#/hunt?'.length));
    expect(view).toEqual({ q: 'flow_id:123', range: '24h', span });
    // the span, not the last 24 hours of now, whenever it runs
    expect(viewBounds(view, Date.parse('2026-12-07T00:00:00Z'))).toEqual(span);
    expect(viewBounds({ q: '', range: '1h' }, Date.parse('2026-12-07T00:00:00Z'))).toEqual({ from: '2026-12-06T23:00:00.000Z', to: '2026-12-07T00:00:01.000Z' });
    // written back the same way, and a range picked ends it
    expect(huntViewHref(view)).toBe('#/hunt?q=flow_id%3A123&from=2026-11-14T02%3A30%3A00.000Z&to=2026-11-14T04%3A31%3A00.001Z');
    expect(huntViewHref({ q: view.q, range: '7d' })).toBe('#/hunt?q=flow_id%3A123&range=7d');
    expect(sameView(view, { ...view })).toBe(true);
    expect(sameView(view, { q: view.q, range: view.range })).toBe(false);
    // a value's "Hunt": the last 7 days, or the week up to an old sighting and the day after it
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(valueHuntView('ip:10.0.0.5', undefined, now)).toEqual({ q: 'ip:10.0.0.5', range: '7d' });
    expect(valueHuntView('ip:10.0.0.5', '2026-12-01T12:00:00Z', now)).toEqual({ q: 'ip:10.0.0.5', range: '7d' });
    expect(valueHuntView('ip:10.0.0.5', '2026-11-14T03:30:00Z', now)).toEqual({
      q: 'ip:10.0.0.5',
      range: '7d',
      span: { from: '2026-11-07T03:30:00.000Z', to: '2026-11-15T03:30:00.000Z' },
    });
    expect(valueHuntView('ip:10.0.0.5', 'not a time', now)).toEqual({ q: 'ip:10.0.0.5', range: '7d' });
    // a span that is no span falls back to the range, never an error
    for (const bad of ['from=2026-11-14T04:00:00Z&to=2026-11-14T03:00:00Z', 'from=yesterday&to=2026-11-14T03:00:00Z', 'from=2026-11-14T04:00:00Z']) {
      expect(parseHuntView(`q=x&range=7d&${bad}`)).toEqual({ q: 'x', range: '7d' });
    }
  });
});

describe('the Hunt list\'s order by time (its Time header)', () => {
  it('reads the order of a query and turns it, keeping the other pipes; a "|" in a value is no pipe', () => {
    expect(timeOrder('event_type:dns')).toBe('desc');
    expect(timeOrder('event_type:dns | sort ts asc | head 20')).toBe('asc');
    expect(timeOrder('event_type:dns | sort ts')).toBe('desc');
    expect(timeOrder('event_type:dns | sort dns.rrname asc')).toBeNull();
    expect(timeOrder('dns.rrname:"a | sort ts asc"')).toBe('desc');
    const cases: [string, 'asc' | 'desc', string][] = [
      ['event_type:dns | head 20', 'asc', 'event_type:dns | sort ts asc | head 20'],
      ['event_type:dns | sort ts asc | head 20', 'desc', 'event_type:dns | head 20'],
      ['', 'asc', '| sort ts asc'],
      ['event_type:dns | sort dns.rrname desc', 'asc', 'event_type:dns | sort ts asc'],
      ['dns.rrname:"a|b" | groupby src_ip', 'asc', 'dns.rrname:"a|b" | groupby src_ip | sort ts asc'],
    ];
    for (const [q, dir, want] of cases) {
      expect(withTimeOrder(q, dir)).toBe(want);
      // what the main process parses: that order, nothing else changed
      const ast = parseHuntQuery(want);
      expect(ast.sort === null ? 'desc' : ast.sort.dir).toBe(dir);
      expect(ast.terms).toEqual(parseHuntQuery(q).terms);
      expect(ast.head).toEqual(parseHuntQuery(q).head);
    }
    expect(withoutGroupBy('dns.rrname:"a|b" | groupby src_ip | head 5')).toBe('dns.rrname:"a|b" | head 5');
  });
});

describe('evidence timeline', () => {
  it('puts the three parts on one timeline, oldest first, each record once under its closest relation', () => {
    const section = (rows: EventRow[], query = 'q') => ({ rows, truncated: false, query });
    const http = row(4, '2026-11-21T12:00:00.000Z', 'http');
    const ev: EventsEvidence = {
      alert_id: 1,
      from: '2026-11-21T11:55:00.000Z',
      to: '2026-11-21T12:05:00.000Z',
      flow: section([row(7, '2026-11-21T12:00:05.000Z', 'flow'), http]),
      community: section([row(8, '2026-11-21T12:00:05.000Z', 'flow')]),
      // the host part finds the flow's http record again, and the DNS lookup before it
      hosts: section([row(2, '2026-11-21T11:59:30.000Z', 'dns'), http]),
      contributors: { rows: [], total: 0 },
    };
    expect(evidenceTimeline(ev).map((t) => [t.row.id, t.relation])).toEqual([
      [2, 'host'],
      [4, 'flow'],
      [7, 'flow'],
      [8, 'community'],
    ]);
  });

  const empty = (query = '') => ({ rows: [] as EventRow[], truncated: false, query });
  const base: EventsEvidence = { alert_id: 1, from: '2026-11-21T11:55:00.000Z', to: '2026-11-21T12:05:00.000Z', flow: empty(), community: empty(), hosts: empty(), contributors: { rows: [], total: 0 } };

  it('says why a part is empty', () => {
    expect(flowNote({ ...base, flow: empty('flow_id:1') }, { source: 'suricata' })).toBe(
      'No records kept for this flow: the sensor’s eve.json did not include flow records (or retention pruned them).',
    );
    expect(flowNote(base, { source: 'wazuh' })).toMatch(/^Wazuh alerts carry no Suricata flow id/);
    expect(flowNote({ ...base, contributors: { rows: [], total: 6 } }, { source: 'wazuh' })).toMatch(/^A correlation alert has no flow of its own/);
    expect(flowNote({ ...base, flow: { rows: [row(1, '2026-11-21T12:00:00.000Z', 'alert')], truncated: false, query: 'flow_id:1' } }, { source: 'suricata' })).toBe('1 record of the same flow.');
    expect(hostsNote(base, '±5 min')).toBe('The alert names no address, so no host records are looked up.');
    expect(hostsNote({ ...base, hosts: empty('ip:10.0.0.5') }, '±1 h')).toMatch(/^No DNS, HTTP, TLS or file records of the source or destination within ±1 h\. Widen the window/);
  });

  it('tags a host record with whose it is', () => {
    const dns = { row: { ...row(2, '', 'dns'), src_ip: '10.0.0.53', dst_ip: '10.0.0.5' }, relation: 'host' as const };
    expect(relationLabel(dns, { src_ip: '10.0.0.5', dst_ip: '93.184.216.34' })).toBe('src host');
    expect(relationLabel(dns, { src_ip: '81.2.69.142', dst_ip: '10.0.0.5' })).toBe('dst host');
    expect(relationLabel({ ...dns, relation: 'flow' }, { src_ip: '10.0.0.5', dst_ip: null })).toBe('same flow');
  });
});
