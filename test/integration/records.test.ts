import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createPipeline } from '../../main/pipeline/stages.js';
import { ContractError, DEFAULT_SETTINGS } from '../../main/contract/index.js';
import type { RawRecord } from '../../main/pipeline/sources/types.js';
import { tempDir } from '../helpers/tmp.js';
import { lcgInts } from '../helpers/random.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { RecordsRepo } from '../../main/store/records-repo.js';
import { compileWhere } from '../../main/store/records-query.js';
import { parseHuntQuery } from '../../main/hunt/query.js';
import { blobIp } from '../../main/store/ipblob.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'eve', 'records.jsonl');
const ALL = { from: '1960-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

function rec(raw: string, i: number, file = 'eve.json'): RawRecord {
  return { raw, format: 'eve', position: { file, line: i + 1, offset: i * 1000 } };
}

/** One connection seen by two sensors: flow, dns, http and an alert on sensor-a (flow id 777), the flow again on sensor-b (flow id 888). */
function connection(): string[] {
  const base = { src_ip: '10.9.0.5', src_port: 50000, dest_ip: '198.51.100.7', dest_port: 80, proto: 'TCP', community_id: '1:sameflow=' };
  const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o }).replace(/"flow_id":"(\d+)"/, '"flow_id":$1');
  return [
    line({ timestamp: '2026-11-21T12:00:00.000000+0000', flow_id: '777', event_type: 'http', host: 'sensor-a', http: { hostname: 'evil.example', url: '/payload.exe', http_method: 'GET', status: 200 } }),
    line({ timestamp: '2026-11-21T12:00:01.000000+0000', flow_id: '777', event_type: 'alert', host: 'sensor-a', alert: { signature_id: 2000001, severity: 1, signature: 'ET MALWARE payload', category: 'A Network Trojan was detected' } }),
    line({ timestamp: '2026-11-21T12:00:05.000000+0000', flow_id: '777', event_type: 'flow', host: 'sensor-a', flow: { bytes_toserver: 500, bytes_toclient: 90000, pkts_toserver: 5, pkts_toclient: 70, state: 'closed' } }),
    line({ timestamp: '2026-11-21T12:00:05.500000+0000', flow_id: '888', event_type: 'flow', host: 'sensor-b', flow: { bytes_toserver: 500, bytes_toclient: 90000, state: 'closed' } }),
    line({ timestamp: '2026-11-21T11:59:59.000000+0000', flow_id: '776', event_type: 'dns', host: 'sensor-a', src_ip: '10.9.0.5', dest_ip: '10.9.0.53', dest_port: 53, proto: 'UDP', community_id: '1:dnsflow=', dns: { type: 'query', rrname: 'evil.example', rrtype: 'A' } }),
    // outside the evidence window (15 min), and a record of an unrelated host
    line({ timestamp: '2026-11-21T14:00:00.000000+0000', flow_id: '999', event_type: 'dns', host: 'sensor-a', dest_ip: '10.9.0.53', dest_port: 53, proto: 'UDP', community_id: '1:late=', dns: { type: 'query', rrname: 'late.example', rrtype: 'A' } }),
    line({ timestamp: '2026-11-21T12:00:02.000000+0000', flow_id: '1000', event_type: 'dns', host: 'sensor-a', src_ip: '10.9.9.9', dest_ip: '10.9.0.53', dest_port: 53, proto: 'UDP', community_id: '1:other=', dns: { type: 'query', rrname: 'other.example', rrtype: 'A' } }),
  ];
}

async function setup(settings: Partial<typeof DEFAULT_SETTINGS> = {}) {
  const s = await testServices(tempDir());
  const { pipeline } = await createPipeline(s.db, { ...DEFAULT_SETTINGS, ...settings }, path.join(repoRoot, 'resources'), () => {});
  s.pipelineRepo.ensureSource('import:test', 'import', 'eve', null);
  return { s, pipeline };
}

describe('record store: every EVE record is kept, crash-safe, and found again', () => {
  it('stores every line of every type with its raw text exact, and counts them per source', async () => {
    const { s, pipeline } = await setup();
    const lines = fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean);
    const out = pipeline.process('import:test', lines.map((l, i) => rec(l, i)), { cursor: { offset: 1 } });
    expect(out.records).toBe(lines.length);
    expect(out.quarantined).toBe(0);
    const rows = s.hunt.query('', ALL, 1000, undefined).rows;
    expect(rows).toHaveLength(lines.length);
    for (const r of rows) {
      const d = s.hunt.get(r.id);
      expect(lines).toContain(d.raw);
      expect(d.source_id).toBe('import:test');
      expect(d.file).toBe('eve.json');
    }
    expect(s.hunt.query('flow_id:18446744073709551615', ALL, 10, undefined).rows.map((r) => [r.flow_id, r.src_ip])).toEqual([['18446744073709551615', '2001:db8::1']]);
    expect(s.hunt.query('src_ip:2001:db8::/32', ALL, 10, undefined).rows).toHaveLength(1);
    expect(s.hunt.query('event_type:quic', ALL, 10, undefined).rows.map((r) => r.summary)).toEqual([{}]);
    expect(s.pipelineRepo.getSource('import:test')!.skipped_types).toMatchObject({ dns: 4, flow: 3, anomaly: 2, quic: 1 });
    await s.close();
  });

  it('group-by flow_id gives each flow id exactly, apart from its neighbours, and its drill-down finds it', async () => {
    const { s, pipeline } = await setup();
    // uint64 flow ids past 2^53: as doubles, neighbours are one number
    const ids = ['18446744073709551615', '18446744073709551614', '1456497475139980701', '1456497475139980702', '1456497475139980702', '777'];
    const lines = ids.map((id, i) => `{"timestamp":"2026-11-21T12:00:0${i}.000000+0000","flow_id":${id},"event_type":"flow","src_ip":"10.0.0.${i}","dest_ip":"10.0.1.1","proto":"TCP","community_id":"1:c${i % 2}="}`);
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    for (const fields of [['flow_id'], ['flow_id', 'event_type']]) {
      const g = s.hunt.groupBy('', ALL, fields, 100);
      // ties in any order
      const byCount = (a: (string | number | null)[], b: (string | number | null)[]) => Number(b[1]) - Number(a[1]) || String(a[0]).localeCompare(String(b[0]));
      expect(g.groups.map((x) => [x.values[0]!, x.count]).sort(byCount), fields.join(' ')).toEqual([
        ['1456497475139980702', 2],
        ['1456497475139980701', 1],
        ['18446744073709551614', 1],
        ['18446744073709551615', 1],
        ['777', 1],
      ]);
      for (const x of g.groups) expect(s.hunt.query(x.drill, ALL, 10, undefined).rows.map((r) => r.flow_id)).toEqual(Array(x.count).fill(x.values[0]));
    }
    await s.close();
  });

  it('a batch rolled back stores no record and leaves the cursor; the batch again stores each record once', async () => {
    const { s, pipeline } = await setup();
    const input = connection().map((l, i) => rec(l, i));
    expect(() =>
      pipeline.process('import:test', input, {
        cursor: { offset: 99 },
        inTransaction: () => {
          throw new Error('crash before commit');
        },
      }),
    ).toThrow('crash before commit');
    expect(s.hunt.query('', ALL, 100, undefined).rows).toEqual([]);
    expect(s.db.prepare('SELECT count(*) AS n FROM record_blocks').get()).toEqual({ n: 0 });
    expect(s.pipelineRepo.getSource('import:test')!.cursor).toBeNull();
    pipeline.process('import:test', input, { cursor: { offset: 99 } });
    expect(s.hunt.query('', ALL, 100, undefined).rows).toHaveLength(input.length);
    expect(s.pipelineRepo.getSource('import:test')!.cursor).toEqual({ offset: 99 });
    await s.close();
  });

  it('queries: filters, OR, NOT, CIDR, comparisons, paging without gaps or repeats, histogram and group-by totals agree', async () => {
    const { s, pipeline } = await setup();
    const lines = [...fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean), ...connection()];
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    const q = (query: string) => s.hunt.query(query, ALL, 1000, undefined).rows;
    expect(q('event_type:dns dns.rrname:*.example').map((r) => r.summary['dns.rrname']).sort()).toEqual(['evil.example', 'late.example', 'other.example']);
    expect(q('dns.rrname:EVIL.example').map((r) => r.summary['dns.rrname'])).toEqual(['evil.example']);
    expect(q('event_type:(http OR tls) src_ip:10.0.0.0/8').map((r) => r.event_type).sort()).toEqual(['http', 'http', 'tls']);
    expect(q('flow.bytes:>=90000').map((r) => r.sensor).sort()).toEqual(['sensor-a', 'sensor-b']);
    expect(q('event_type:dns -dns.rrname:*.example').every((r) => !String(r.summary['dns.rrname']).endsWith('.example'))).toBe(true);
    expect(q('ip:10.9.0.53 | sort ts asc').map((r) => r.ts)).toEqual([...q('ip:10.9.0.53').map((r) => r.ts)].reverse());
    expect(q('event_type:dns | sort dns.rrname asc | head 2').map((r) => r.summary['dns.rrname'])).toEqual(['evil.example', 'late.example']);
    // an injection attempt is a value like any other: nothing matches and nothing is harmed
    expect(q(`dns.rrname:"x' OR '1'='1" | head 5`)).toEqual([]);
    expect(q(`sensor:"'); DROP TABLE records; --"`)).toEqual([]);
    expect(q('').length).toBe(lines.length);

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = s.hunt.query('', ALL, 3, cursor);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(lines.length);
    expect(new Set(seen).size).toBe(lines.length);

    const h = s.hunt.histogram('event_type:dns', { from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' }, 24);
    expect(h.bucket_ms).toBe(3_600_000);
    expect(h.total).toBe(s.hunt.query('event_type:dns', { from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' }, 1000, undefined).rows.length);
    const g = s.hunt.groupBy('event_type:dns | groupby dns.rrname', ALL, undefined, 100);
    expect(g.total).toBe(q('event_type:dns').length);
    const evil = g.groups.find((x) => x.values[0] === 'evil.example')!;
    expect(evil.drill).toBe('event_type:dns dns.rrname:evil.example');
    expect(q(evil.drill)).toHaveLength(evil.count);
    // by event type: one count per type, same figures as listing each type
    const byType = s.hunt.groupBy('sensor:sensor-a | groupby event_type', ALL, undefined, 100);
    expect(byType.groups.map((x) => [x.values[0], x.count])).toEqual([
      ['dns', 3],
      ['alert', 1],
      ['flow', 1],
      ['http', 1],
    ]);
    expect(byType.total).toBe(q('sensor:sensor-a').length);
    expect(byType.groups.every((x) => q(x.drill).length === x.count)).toBe(true);
    // a per-type field groups only its own type's records (s1 is also http.hostname)
    expect(s.hunt.groupBy('', ALL, ['http.hostname'], 100).groups.map((x) => x.values[0]).sort()).toEqual(['direkte.vg.no', 'evil.example']);
    expect(() => s.hunt.groupBy('', ALL, ['nope'], 10)).toThrow('fields: unknown field "nope"');
    expect(s.hunt.groupBy('dns.rrname:"a|b"', ALL, ['dns.rrname'], 10).total).toBe(0); // a "|" inside a value is no pipe
    expect(() => s.hunt.groupBy('| groupby ip', ALL, undefined, 10)).toThrow(/group or sort by src_ip or dst_ip/);
    expect(() => s.hunt.groupBy('event_type:dns', ALL, undefined, 10)).toThrow(/name one or two fields/);
    const bySrc = s.hunt.groupBy('event_type:dns', ALL, ['src_ip'], 100);
    expect(bySrc.groups.every((x) => typeof x.values[0] === 'string' || x.values[0] === null)).toBe(true);
    expect(() => s.hunt.query('dns.rrname:', ALL, 10, undefined)).toThrow(new ContractError('BAD_REQUEST', 'query: expected a value after dns.rrname: at column 12'));
    expect(s.hunt.check('dns.rrnam:x')).toEqual({ ok: false, message: 'unknown field "dns.rrnam" (did you mean dns.rrname?) at column 1', column: 1 });
    await s.close();
  });

  it('a head, or a sort by a field, pages to its end: every row it lists, none past it', async () => {
    const { s, pipeline } = await setup();
    const lines = [...fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean), ...connection()];
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    const all = (query: string, limit: number) => {
      const pages: number[][] = [];
      let cursor: string | undefined;
      do {
        const page = s.hunt.query(query, ALL, limit, cursor);
        pages.push(page.rows.map((r) => r.id));
        cursor = page.next ?? undefined;
      } while (cursor && pages.length < 100);
      return pages;
    };
    const newest = s.hunt.query('', ALL, 1000, undefined).rows.map((r) => r.id);
    expect(newest.length).toBeGreaterThan(10);
    // a head larger than a page: pages of 3 up to the head, not one page
    expect(all('| head 7', 3)).toEqual([newest.slice(0, 3), newest.slice(3, 6), newest.slice(6, 7)]);
    expect(all('| head 6', 3)).toEqual([newest.slice(0, 3), newest.slice(3, 6)]);
    expect(all(`| head ${newest.length + 5}`, 1000)).toEqual([newest]);
    // a sort by a field: page by page, the rows of one sorted list
    const sorted = s.hunt.query('event_type:dns | sort dns.rrname asc', ALL, 1000, undefined).rows.map((r) => r.id);
    expect(sorted.length).toBeGreaterThan(4);
    expect(all('event_type:dns | sort dns.rrname asc', 2).flat()).toEqual(sorted);
    expect(all('event_type:dns | sort dns.rrname asc | head 3', 2)).toEqual([sorted.slice(0, 2), sorted.slice(2, 3)]);
    // the histogram says how many the list reaches
    const h = s.hunt.histogram('| head 7', ALL, 10);
    expect([h.total, h.listed]).toEqual([newest.length, 7]);
    expect(s.hunt.histogram('', ALL, 10).listed).toBe(newest.length);
    // a cursor of one kind of list is refused by the other
    const timeCursor = s.hunt.query('| head 7', ALL, 3, undefined).next!;
    const sortCursor = s.hunt.query('event_type:dns | sort dns.rrname asc', ALL, 2, undefined).next!;
    expect(() => s.hunt.query('event_type:dns | sort dns.rrname asc', ALL, 2, timeCursor)).toThrow('cursor: not a cursor this call gave');
    expect(() => s.hunt.query('| head 7', ALL, 3, sortCursor)).toThrow('cursor: not a cursor this call gave');
    const forged = Buffer.from(JSON.stringify({ seen: -1 })).toString('base64url');
    expect(() => s.hunt.query('event_type:dns | sort dns.rrname asc', ALL, 2, forged)).toThrow('cursor: not a cursor this call gave');
    await s.close();
  });

  it('evidence: the alert\'s flow on every sensor, the same community id elsewhere, its hosts\' records around it', async () => {
    const { s, pipeline } = await setup();
    pipeline.process('import:test', connection().map((l, i) => rec(l, i)));
    const alert = s.db.prepare("SELECT id FROM alerts WHERE title = 'ET MALWARE payload'").get() as { id: number };
    const ev = s.hunt.evidence(alert.id, 900, 100);
    expect(ev.flow.rows.map((r) => [r.event_type, r.flow_id])).toEqual([
      ['http', '777'],
      ['alert', '777'],
      ['flow', '777'],
    ]);
    expect(ev.flow.query).toBe('flow_id:777');
    expect(ev.community.rows.map((r) => [r.event_type, r.sensor, r.flow_id])).toEqual([['flow', 'sensor-b', '888']]);
    // DNS/HTTP/TLS/file records of 10.9.0.5 and 198.51.100.7 within 15 minutes: not the late query, not the other host
    expect(ev.hosts.rows.map((r) => [r.event_type, r.summary['dns.rrname'] ?? r.summary['http.hostname']])).toEqual([
      ['dns', 'evil.example'],
      ['http', 'evil.example'],
    ]);
    expect(s.hunt.query(ev.hosts.query, { from: ev.from, to: ev.to }, 100, undefined).rows).toHaveLength(2);
    expect(() => s.hunt.evidence(999_999, 900, 10)).toThrow(/not found/);
    await s.close();
  });

  it('hosts: every address with first/last seen, records, class and open alerts; one host\'s records by type', async () => {
    const { s, pipeline } = await setup();
    pipeline.process('import:test', connection().map((l, i) => rec(l, i)));
    const list = s.hunt.hosts({ sort: 'last_seen', limit: 2 });
    expect(list.rows).toHaveLength(2);
    const rest = s.hunt.hosts({ sort: 'last_seen', limit: 100, cursor: list.next! });
    const all = [...list.rows, ...rest.rows].map((h) => h.ip);
    expect(all.sort()).toEqual(['10.9.0.5', '10.9.0.53', '10.9.9.9', '198.51.100.7']);
    expect(s.hunt.hosts({ sort: 'records', limit: 10, cidr: '198.51.100.0/24' }).rows.map((h) => [h.ip, h.class, h.open_alerts])).toEqual([['198.51.100.7', 'documentation', { high: 1 }]]);
    const d = s.hunt.hostDetail('10.9.0.5', 5);
    expect(d).toMatchObject({ ip: '10.9.0.5', class: 'private', records: 6, first_seen: '2026-11-21T11:59:59.000Z', last_seen: '2026-11-21T14:00:00.000Z' });
    expect(d.recent.map((t) => [t.event_type, t.total, t.rows.length])).toEqual([
      ['dns', 2, 2],
      ['flow', 2, 2],
      ['alert', 1, 1],
      ['http', 1, 1],
    ]);
    expect(d.alerts.map((a) => a.title)).toEqual(['ET MALWARE payload']);
    // when it was active: its records per hour (hours with none left out), each hour's count the
    // records a hunt of it finds there, all of them its records
    expect(d.activity.map((a) => a.hour)).toEqual(['2026-11-21T11:00:00.000Z', '2026-11-21T12:00:00.000Z', '2026-11-21T14:00:00.000Z']);
    for (const a of d.activity) {
      const hour = { from: a.hour, to: new Date(Date.parse(a.hour) + 3_600_000).toISOString() };
      expect(s.hunt.query(d.queries.all, hour, 1000, undefined).rows).toHaveLength(a.count);
    }
    expect(d.activity.reduce((n, a) => n + a.count, 0)).toBe(d.records);
    // a host seen over more than 90 days: the activity of its last 90
    const lookup = (ts: string) => JSON.stringify({ timestamp: ts, event_type: 'dns', src_ip: '10.9.7.7', src_port: 5353, dest_ip: '10.9.7.53', dest_port: 53, proto: 'UDP', dns: { type: 'query', rrname: 'old.example', rrtype: 'A' } });
    pipeline.process('import:test', [lookup('2026-08-01T08:30:00.000000+0000'), lookup('2026-08-24T08:30:00.000000+0000'), lookup('2026-11-21T09:15:00.000000+0000')].map((l, i) => rec(l, 100 + i)));
    const old = s.hunt.hostDetail('10.9.7.7', 1);
    expect([old.records, old.first_seen]).toEqual([3, '2026-08-01T08:30:00.000Z']);
    expect(old.activity).toEqual([
      { hour: '2026-08-24T08:00:00.000Z', count: 1 },
      { hour: '2026-11-21T09:00:00.000Z', count: 1 },
    ]);
    // the latest of each type, newest first, merged from the records naming it as source and as destination
    expect(s.hunt.hostDetail('10.9.0.5', 1).recent.map((t) => [t.event_type, t.total, t.rows.map((r) => r.ts)])).toEqual([
      ['dns', 2, ['2026-11-21T14:00:00.000Z']],
      ['flow', 2, ['2026-11-21T12:00:05.500Z']],
      ['alert', 1, ['2026-11-21T12:00:01.000Z']],
      ['http', 1, ['2026-11-21T12:00:00.000Z']],
    ]);
    expect(s.hunt.hostDetail('10.9.0.53', 10).recent.map((t) => [t.event_type, t.rows.map((r) => r.ts)])).toEqual([
      ['dns', ['2026-11-21T14:00:00.000Z', '2026-11-21T12:00:02.000Z', '2026-11-21T11:59:59.000Z']],
    ]);
    expect(s.hunt.query(d.queries.dns, ALL, 10, undefined).rows).toHaveLength(2);
    expect(() => s.hunt.hostDetail('10.1.1.1', 5)).toThrow(/no record names/);
    await s.close();
  });

  it('saved queries are kept by name (saving a name again replaces it); a query that does not parse is refused', async () => {
    const { s } = await setup();
    const a = s.hunt.saveQuery('dns to .ru', 'event_type:dns dns.rrname:*.ru', 'ana');
    s.hunt.saveQuery('dns to .ru', 'event_type:dns dns.rrname:*.su', 'bo');
    expect(s.hunt.savedQueries().map((q) => [q.id, q.query, q.created_by])).toEqual([[a.id, 'event_type:dns dns.rrname:*.su', 'bo']]);
    expect(() => s.hunt.saveQuery('bad', 'dns.rrname:', 'ana')).toThrow(/expected a value/);
    expect(s.hunt.removeSavedQuery(a.id)).toBe(true);
    expect(s.hunt.savedQueries()).toEqual([]);
    await s.close();
  });
});

describe('address pages across id buckets (the address indexes lead with id >> 16)', () => {
  /** Host 10.1.0.1's records at these seconds after 2026-11-21 10:00, as dns (source) and flow (destination) in turn. */
  function hostLines(seconds: readonly number[]): string[] {
    return seconds.map((sec, i) => {
      const ts = new Date(Date.UTC(2026, 10, 21, 10, 0, sec)).toISOString().replace('Z', '000+0000');
      const side = i % 2 ? { src_ip: '192.0.2.9', dest_ip: '10.1.0.1', event_type: 'flow', flow: { state: 'closed' } } : { src_ip: '10.1.0.1', dest_ip: '192.0.2.53', event_type: 'dns', dns: { type: 'query', rrname: `q${sec}.example`, rrtype: 'A' } };
      return JSON.stringify({ timestamp: ts, flow_id: 1000 + sec, proto: 'UDP', src_port: 5000, dest_port: 53, host: 'sensor-a', ...side });
    });
  }

  it('pages in time order both ways, with no gap or repeat, when a later bucket holds older records (an old file imported last)', async () => {
    const { s, pipeline } = await setup();
    // the next record's id: a filler row (no address, in no block) moves the rowid past a bucket boundary
    const jumpTo = (id: number) => {
      s.db.prepare("INSERT INTO records (id, ts, type) VALUES (?, 0, 'filler')").run(id - 1);
    };
    let line = 0;
    const write = (lines: string[]) => pipeline.process('import:test', lines.map((l) => rec(l, line++)));
    write(hostLines([0, 1, 2, 3, 4, 5, 6, 7]));
    jumpTo(65_536 * 2 + 10);
    write(hostLines([100, 101, 102, 103, 104, 105]));
    jumpTo(65_536 * 4 - 3);
    // imported last, in one block that runs from bucket 3 into bucket 4: records older than
    // everything, and some in between the two buckets above
    write(hostLines([-30, 50, 51, 52, 8, 103]));
    s.db.prepare("DELETE FROM records WHERE type = 'filler'").run();
    const ids = (s.db.prepare('SELECT DISTINCT id >> 16 AS b FROM records ORDER BY b').pluck().all() as number[]);
    expect(ids).toEqual([0, 2, 3, 4]);

    const all = s.db.prepare('SELECT id, ts FROM records').all() as { id: number; ts: number }[];
    const desc = [...all].sort((a, b) => b.ts - a.ts || b.id - a.id).map((r) => r.id);
    for (const query of ['src_ip:10.1.0.1', 'dst_ip:10.1.0.1', 'ip:10.1.0.1', 'src_ip:10.1.0.0/24', 'src_ip:10.1.0.1 event_type:dns']) {
      const want = query.startsWith('dst')
        ? desc.filter((id) => (s.db.prepare('SELECT hex(dst) FROM records WHERE id = ?').pluck().get(id) as string) === '040A010001')
        : query === 'ip:10.1.0.1'
          ? desc
          : desc.filter((id) => (s.db.prepare('SELECT hex(src) FROM records WHERE id = ?').pluck().get(id) as string) === '040A010001');
      for (const [order, expected] of [['desc', want], ['asc', [...want].reverse()]] as const) {
        const q = order === 'asc' ? `${query} | sort ts asc` : query;
        const seen: number[] = [];
        let cursor: string | undefined;
        // bounded: a page that ignored the cursor would repeat forever
        for (let pages = 0; pages < 30; pages++) {
          const page = s.hunt.query(q, ALL, 3, cursor);
          seen.push(...page.rows.map((r) => r.id));
          cursor = page.next ?? undefined;
          if (!cursor) break;
        }
        expect(seen, `${q}, pages of 3`).toEqual(expected);
        for (const n of [1, 2, 4]) expect(s.hunt.query(q, ALL, n, undefined).rows.map((r) => r.id), `${q}, first ${n}`).toEqual(expected.slice(0, n));
      }
    }
    // the first two of dst_ip: 10:01:45, then the 10:01:43 of the later bucket (a tie on time with the
    // first bucket's second row, the larger id first); read from the repository, as the service reads
    // one row more than it shows
    const tied = new RecordsRepo(s.db).page(compileWhere(parseHuntQuery('dst_ip:10.1.0.1'), 0, 4e12), { dir: 'desc', limit: 2 });
    expect(tied.map((r) => r.id)).toEqual(desc.filter((id) => (s.db.prepare('SELECT hex(dst) FROM records WHERE id = ?').pluck().get(id) as string) === '040A010001').slice(0, 2));
    expect(tied.map((r) => r.ts)).toEqual(['2026-11-21T10:01:45.000Z', '2026-11-21T10:01:43.000Z']);
    expect(tied[1]!.id).toBeGreaterThan(65_536 * 4);
    // a window that holds only some of the buckets' records
    const window = { from: '2026-11-21T10:00:05Z', to: '2026-11-21T10:01:42Z' };
    const inWindow = all.filter((r) => r.ts >= Date.parse(window.from) && r.ts < Date.parse(window.to)).sort((a, b) => b.ts - a.ts || b.id - a.id).map((r) => r.id);
    expect(s.hunt.query('ip:10.1.0.1', window, 100, undefined).rows.map((r) => r.id)).toEqual(inWindow);
    expect(s.hunt.query('src_ip:10.1.0.1', window, 2, undefined).rows.map((r) => r.ts)).toEqual(['2026-11-21T10:01:40.000Z', '2026-11-21T10:00:51.000Z']);
    // the host page: counts over every bucket; the latest of each type, newest first, across buckets
    const d = s.hunt.hostDetail('10.1.0.1', 2);
    expect(d.recent.map((t) => [t.event_type, t.total, t.rows.map((r) => r.ts)])).toEqual([
      ['dns', 10, ['2026-11-21T10:01:44.000Z', '2026-11-21T10:01:42.000Z']],
      ['flow', 10, ['2026-11-21T10:01:45.000Z', '2026-11-21T10:01:43.000Z']],
    ]);
    expect(s.hunt.hostDetail('10.1.0.1', 20).recent.find((t) => t.event_type === 'dns')!.rows.map((r) => r.ts).at(-1)).toBe('2026-11-21T09:59:30.000Z');
    await s.close();
  });
});

describe('a record from an address to itself', () => {
  const line = (ts: string, type: string, dst: string) =>
    JSON.stringify({ timestamp: ts, event_type: type, src_ip: '10.9.8.8', src_port: 139, dest_ip: dst, dest_port: 139, proto: 'TCP', ...(type === 'dns' ? { dns: { type: 'query', rrname: 'x.example', rrtype: 'A' } } : { flow: {} }) });

  it('counts once in the host\'s records, its types and its activity, twice in the group-bys by side; retention takes it back', async () => {
    const s = await testServices(tempDir());
    const now = new Date('2026-11-23T12:00:00Z');
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, () => now);
    s.pipelineRepo.ensureSource('import:test', 'import', 'eve', null);
    // two LAND-like flows and a lookup on the 20th (one block), a loop on the 23rd (another)
    const old = [line('2026-11-20T10:00:00.000000+0000', 'flow', '10.9.8.8'), line('2026-11-20T10:15:00.000000+0000', 'dns', '10.9.0.53'), line('2026-11-20T10:30:00.000000+0000', 'flow', '10.9.8.8')];
    pipeline.process('import:test', old.map((l, i) => rec(l, i)));
    pipeline.process('import:test', [rec(line('2026-11-23T10:00:00.000000+0000', 'flow', '10.9.8.8'), 10)]);
    const d = s.hunt.hostDetail('10.9.8.8', 5);
    expect(d.records).toBe(4);
    expect(d.recent.map((t) => [t.event_type, t.total])).toEqual([
      ['flow', 3],
      ['dns', 1],
    ]);
    expect(d.activity).toEqual([
      { hour: '2026-11-20T10:00:00.000Z', count: 3 },
      { hour: '2026-11-23T10:00:00.000Z', count: 1 },
    ]);
    // each hour's count is what a hunt of the host finds there
    for (const a of d.activity) expect(s.hunt.query(d.queries.all, { from: a.hour, to: new Date(Date.parse(a.hour) + 3_600_000).toISOString() }, 100, undefined).rows).toHaveLength(a.count);
    // counted by source and by destination, it is on both sides
    const by = (q: string) => s.hunt.groupBy(q, ALL, undefined, 10).groups.map((g) => [g.values[0], g.count]);
    expect(by('| groupby src_ip')).toEqual([['10.9.8.8', 4]]);
    expect(by('| groupby dst_ip')).toEqual([
      ['10.9.8.8', 3],
      ['10.9.0.53', 1],
    ]);
    // the 20th goes (two days): its loops go from the hours with it
    expect(pipeline.pruneRecords(2, 1e12, 10).records).toBe(3);
    expect(s.hunt.hostDetail('10.9.8.8', 5).activity).toEqual([{ hour: '2026-11-23T10:00:00.000Z', count: 1 }]);
    expect(s.db.prepare('SELECT hour, hex(ip) AS ip, n FROM record_host_loops').all()).toEqual([{ hour: Math.trunc(Date.parse('2026-11-23T10:00:00Z') / 3_600_000), ip: '040A090808', n: 1 }]);
    await s.close();
  });
});

describe('record store retention', () => {
  function day(d: number, n: number): string[] {
    return Array.from({ length: n }, (_, i) =>
      JSON.stringify({ timestamp: `2026-11-${String(d).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}.000000+0000`, event_type: 'flow', src_ip: `10.1.${d}.${1 + (i % 200)}`, dest_ip: '10.2.0.1', proto: 'TCP', flow: {} }),
    );
  }

  it('drops whole blocks past the age limit, oldest first, in small steps; then the oldest while over the size limit', async () => {
    const s = await testServices(tempDir());
    const now = new Date('2026-11-23T12:00:00Z');
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, () => now);
    for (const d of [20, 21, 22, 23]) pipeline.process('import:test', day(d, 300).map((l, i) => rec(l, i)));
    const count = () => (s.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    const blocks = () => (s.db.prepare('SELECT count(*) AS n FROM record_blocks').get() as { n: number }).n;
    expect([count(), blocks()]).toEqual([1200, 4]);
    // 2 days: the 20th and the 21st (10:00 < 21st 12:00) go, one block per step
    expect(pipeline.pruneRecords(2, 1e12, 1)).toEqual({ records: 300, more: true });
    expect(pipeline.pruneRecords(2, 1e12, 1)).toEqual({ records: 300, more: true });
    expect(pipeline.pruneRecords(2, 1e12, 1)).toEqual({ records: 0, more: false });
    expect([count(), blocks()]).toEqual([600, 2]);
    expect(s.db.prepare('SELECT count(*) AS n FROM record_raw').get()).toEqual({ n: 2 });
    // hosts last seen before the cutoff go too
    expect(s.hunt.hosts({ sort: 'last_seen', limit: 500 }).rows.every((h) => h.last_seen >= '2026-11-21T12:00:00.000Z')).toBe(true);
    // every record left still reads back whole
    for (const r of s.hunt.query('', ALL, 1000, undefined).rows.slice(0, 5)) expect(s.hunt.get(r.id).raw).toContain('"event_type":"flow"');
    // over the size limit: the oldest block goes whatever its age
    expect(pipeline.pruneRecords(30, 1, 1)).toEqual({ records: 300, more: true });
    expect(s.hunt.query('', ALL, 1000, undefined).rows.every((r) => r.ts.startsWith('2026-11-23'))).toBe(true);
    await s.close();
  });
});

describe('hunt group-by: the index-only count agrees with a brute-force count', () => {
  interface Rec {
    ms: number;
    type: string;
    sensor: string;
    src: string | null;
    dst: string;
    s1: string | null;
    s2: string | null;
    proto: string | null;
    app: string | null;
    dport: number | null;
  }
  const HOUR = 3_600_000;
  const T0 = Date.parse('2026-11-20T10:00:00Z');
  const NAMES = ['a.example', 'b.example', 'c.example.ru', 'd.example.ru', '80', 'x.test'];

  /** Six hours of dns, tls, http and flow records (one batch, so one set of blocks, per hour). */
  function hours(): Rec[][] {
    const rnd = lcgInts(7);
    return Array.from({ length: 6 }, (_, h) =>
      Array.from({ length: 400 }, (_, i): Rec => {
        // a type of the sensor's own, named in mixed case
        const type = ['dns', 'dns', 'tls', 'http', 'flow', 'Custom_Thing'][rnd(6)]!;
        const s1 = type === 'flow' ? 'closed' : type === 'Custom_Thing' || rnd(9) === 0 ? null : NAMES[rnd(NAMES.length)]!;
        return {
          ms: T0 + h * HOUR + Math.floor((i * HOUR) / 400),
          type,
          sensor: `sensor-${rnd(2)}`,
          src: rnd(10) === 0 ? null : rnd(4) === 0 ? `2001:db8::${rnd(3) + 1}` : `10.0.0.${rnd(5) + 1}`,
          dst: `10.9.0.${rnd(3) + 1}`,
          s1,
          s2: type === 'dns' ? ['A', 'AAAA'][rnd(2)]! : null,
          proto: [null, 'TCP', 'UDP', 'UDP'][rnd(4)]!,
          app: [null, 'dns', 'http', 'tls'][rnd(4)]!,
          dport: [null, 53, 80, 443, 8080][rnd(5)]!,
        };
      }),
    );
  }

  function line(r: Rec): string {
    const o: Record<string, unknown> = { timestamp: new Date(r.ms).toISOString().replace('Z', '000+0000'), event_type: r.type, host: r.sensor, dest_ip: r.dst };
    if (r.src !== null) o.src_ip = r.src;
    if (r.proto !== null) o.proto = r.proto;
    if (r.app !== null) o.app_proto = r.app;
    if (r.dport !== null) o.dest_port = r.dport;
    const named = r.s1 !== null ? r.s1 : undefined;
    if (r.type === 'dns') o.dns = { type: 'query', rrname: named, rrtype: r.s2 };
    if (r.type === 'tls') o.tls = { sni: named };
    if (r.type === 'http') o.http = { hostname: named, url: '/' };
    if (r.type === 'flow') o.flow = { state: r.s1 };
    return JSON.stringify(o);
  }

  /** Counts of the records kept by `keep`, by the values `by` gives, as sorted [values, count] pairs. */
  function bruteForce(recs: readonly Rec[], keep: (r: Rec) => boolean, by: (r: Rec) => (string | number | null)[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of recs) if (keep(r)) counts.set(JSON.stringify(by(r)), (counts.get(JSON.stringify(by(r))) ?? 0) + 1);
    return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  function fast(s: Awaited<ReturnType<typeof testServices>>, query: string, range: { from: number; to: number }): [string, number][] {
    const g = s.hunt.groupBy(query, { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }, undefined, 10_000);
    expect(g.total).toBe(g.groups.reduce((n, x) => n + x.count, 0));
    return g.groups.map((x): [string, number] => [JSON.stringify(x.values), x.count]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  function agree(s: Awaited<ReturnType<typeof testServices>>, recs: readonly Rec[]): void {
    // partial hours at both ends
    const range = { from: T0 + 17 * 60_000, to: T0 + 4 * HOUR + 43 * 60_000 };
    const inRange = (r: Rec) => r.ms >= range.from && r.ms < range.to;
    const cases: [string, (r: Rec) => boolean, (r: Rec) => (string | number | null)[]][] = [
      ['event_type:dns | groupby dns.rrname', (r) => r.type === 'dns', (r) => [r.s1]],
      ['| groupby tls.sni', (r) => r.type === 'tls', (r) => [r.s1]],
      ['sensor:sensor-1 | groupby http.hostname', (r) => r.type === 'http' && r.sensor === 'sensor-1', (r) => [r.s1]],
      ['event_type:dns -dns.rrname:*.ru | groupby dns.rrname', (r) => r.type === 'dns' && !(r.s1 ?? '').endsWith('.ru'), (r) => [r.s1]],
      // a filter on a field the index does not carry: the rows are read from the table
      ['dns.rrtype:AAAA | groupby dns.rrname', (r) => r.type === 'dns' && r.s2 === 'AAAA', (r) => [r.s1]],
      ['src_ip:10.0.0.0/8 | groupby dns.rrname', (r) => r.type === 'dns' && r.src !== null && r.src.startsWith('10.'), (r) => [r.s1]],
      // addresses (IPv4, IPv6, none) and two fields
      ['event_type:dns | groupby src_ip', (r) => r.type === 'dns', (r) => [r.src]],
      ['| groupby http.hostname dst_ip', (r) => r.type === 'http', (r) => [r.s1, r.dst]],
      ['| groupby src_ip sensor', () => true, (r) => [r.src, r.sensor]],
      // every type by what the type index carries: one range of it per type the store holds
      ['| groupby src_ip', () => true, (r) => [r.src]],
      ['| groupby dst_ip', () => true, (r) => [r.dst]],
      ['| groupby src_ip dst_ip', () => true, (r) => [r.src, r.dst]],
      ['-event_type:flow | groupby dst_ip', (r) => r.type !== 'flow', (r) => [r.dst]],
      ['sensor:sensor-1 | groupby src_ip', (r) => r.sensor === 'sensor-1', (r) => [r.src]],
      // event types match without regard to case, as every other name does
      ['event_type:custom_thing | groupby src_ip', (r) => r.type === 'Custom_Thing', (r) => [r.src]],
      ['event_type:Custom_Thing | groupby src_ip', (r) => r.type === 'Custom_Thing', (r) => [r.src]],
      ['| groupby event_type', () => true, (r) => [r.type.toLowerCase()]],
      // several event types: one range of the type index each
      ['event_type:(dns OR http) | groupby src_ip', (r) => r.type === 'dns' || r.type === 'http', (r) => [r.src]],
      ['event_type:(dns OR tls) sensor:sensor-0 | groupby dst_ip event_type', (r) => (r.type === 'dns' || r.type === 'tls') && r.sensor === 'sensor-0', (r) => [r.dst, r.type]],
      // type, sensor, protocols and destination port: from the hourly counts (missing values included)
      ['| groupby sensor', () => true, (r) => [r.sensor]],
      ['| groupby proto', () => true, (r) => [r.proto]],
      ['| groupby app_proto', () => true, (r) => [r.app]],
      ['| groupby dst_port', () => true, (r) => [r.dport]],
      ['| groupby proto dst_port', () => true, (r) => [r.proto, r.dport]],
      ['| groupby dst_port event_type', () => true, (r) => [r.dport, r.type.toLowerCase()]],
      ['event_type:(FLOW OR custom_thing) | groupby app_proto sensor', (r) => r.type === 'flow' || r.type === 'Custom_Thing', (r) => [r.app, r.sensor]],
      ['event_type:nosuch | groupby dst_port', () => false, (r) => [r.dport]],
      // other filters: every row is grouped
      ['sensor:sensor-1 | groupby proto', (r) => r.sensor === 'sensor-1', (r) => [r.proto]],
      ['-event_type:flow | groupby dst_port', (r) => r.type !== 'flow', (r) => [r.dport]],
    ];
    for (const [query, keep, by] of cases) expect(fast(s, query, range), query).toEqual(bruteForce(recs, (r) => inRange(r) && keep(r), by));
  }

  it('over partial hours, with filters the index serves and filters it does not, before and after retention', async () => {
    const s = await testServices(tempDir());
    const now = new Date(T0 + 6 * HOUR + 48 * HOUR);
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, () => now);
    const byHour = hours();
    byHour.forEach((recs, h) => pipeline.process('import:test', recs.map((r, i) => rec(line(r), h * 1000 + i))));
    // the hourly address counts (migration 0018) are those of the records, after ingest and after retention
    const hourCounts = () => s.db.prepare('SELECT role, hour, hex(ip) AS ip, n FROM record_host_hours ORDER BY 1, 2, 3').all();
    const recount = () =>
      s.db
        .prepare(
          `SELECT 0 AS role, ts / 3600000 AS hour, hex(src) AS ip, count(*) AS n FROM records GROUP BY 2, 3
           UNION ALL SELECT 1, ts / 3600000, hex(dst), count(*) FROM records GROUP BY 2, 3 ORDER BY 1, 2, 3`,
        )
        .all();
    expect(hourCounts()).toEqual(recount());
    // and those by type, sensor, protocols and destination port (migration 0021)
    const kindCounts = () => s.db.prepare('SELECT hour, type, sensor, proto, app_proto, dport, n FROM record_hours ORDER BY 1, 2, 3, 4, 5, 6').all();
    const rekind = () =>
      s.db
        .prepare(
          `SELECT ts / 3600000 AS hour, type, coalesce(sensor, '') AS sensor, coalesce(proto, '') AS proto, coalesce(app_proto, '') AS app_proto,
             coalesce(dport, -1) AS dport, count(*) AS n FROM records GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
        )
        .all();
    expect(kindCounts()).toEqual(rekind());
    agree(s, byHour.flat());
    // the group-by of one type by s1 or an address is counted from the (type, ts, s1, src, dst) index alone
    for (const col of ['s1', 'hex(src)']) {
      const plan = s.db.prepare(`EXPLAIN QUERY PLAN SELECT ${col} FROM records INDEXED BY records_type_ts WHERE ts >= 0 AND ts < 1 AND type = 'dns'`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' | ')).toMatch(/COVERING INDEX records_type_ts/);
    }
    // retention drops the first two hours' blocks (older than 2 days + 4 hours before now)
    const days = (6 * HOUR + 48 * HOUR - 2 * HOUR) / 86_400_000;
    while (pipeline.pruneRecords(days, 1e12, 1).more);
    expect((s.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n).toBe(4 * 400);
    expect(hourCounts()).toEqual(recount());
    expect(kindCounts()).toEqual(rekind());
    agree(s, byHour.slice(2).flat());
    await s.close();
  });
  it('from the hourly counts, the answer of grouping every row at every limit and in the same order of ties; no whole hour groups every row', async () => {
    const { s, pipeline } = await setup();
    hours().forEach((recs, h) => pipeline.process('import:test', recs.map((r, i) => rec(line(r), h * 1000 + i))));
    const hourly = vi.spyOn(RecordsRepo.prototype, 'hourGroups');
    const iso = (ms: number) => new Date(ms).toISOString();
    const ranges = [
      { from: iso(T0 + 17 * 60_000), to: iso(T0 + 4 * HOUR + 43 * 60_000) },
      { from: iso(T0), to: iso(T0 + 6 * HOUR) },
      { from: iso(T0 + 5 * 60_000), to: iso(T0 + 50 * 60_000) },
    ];
    const queries = ['| groupby sensor', '| groupby dst_port', '| groupby event_type', '| groupby app_proto proto', '| groupby dst_port sensor', 'event_type:(dns OR Http) | groupby proto dst_port'];
    let served = 0;
    for (const range of ranges) {
      for (const q of queries) {
        for (const limit of [1, 2, 3, 5, 10_000]) {
          const fast = s.hunt.groupBy(q, range, undefined, limit);
          if (hourly.mock.results.at(-1)!.value !== null) served++;
          // the same query grouped from every row
          hourly.mockImplementationOnce(() => null);
          expect(fast, `${q} ${limit} ${range.from}`).toEqual(s.hunt.groupBy(q, range, undefined, limit));
        }
      }
    }
    // every query of the two ranges holding whole hours; none of the range within one hour
    expect(served).toBe(2 * queries.length * 5);
    // ties at every cut, a day later: each (proto, port) twice, so port 80 four times
    const tied = [['TCP', 80], ['TCP', 443], ['UDP', 53], ['UDP', 80], ['SCTP', 9]].flatMap(([proto, port], i) =>
      [0, 1].map((k) => JSON.stringify({ timestamp: iso(T0 + 30 * HOUR + (2 * i + k) * 60_000).replace('Z', '000+0000'), event_type: 'flow', proto, dest_port: port, flow: {} })),
    );
    pipeline.process('import:test', tied.map((l, i) => rec(l, 9000 + i)));
    const later = { from: iso(T0 + 30 * HOUR), to: iso(T0 + 32 * HOUR) };
    for (const q of ['| groupby proto dst_port', '| groupby dst_port proto', '| groupby dst_port', '| groupby proto']) {
      for (const limit of [1, 2, 3, 4]) {
        const fast = s.hunt.groupBy(q, later, undefined, limit);
        expect(hourly.mock.results.at(-1)!.value).not.toBeNull();
        hourly.mockImplementationOnce(() => null);
        expect(fast, `${q} ${limit}`).toEqual(s.hunt.groupBy(q, later, undefined, limit));
      }
    }
    hourly.mockRestore();
    await s.close();
  });
});

describe('group-by flow_id or community_id over whole blocks, from the id-bucket indexes', () => {
  const MIN = 60_000;
  const T0 = Date.parse('2026-11-20T10:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();

  /** `n` flow records from `start`, one a second; flow and community ids from small pools (ties), some missing. */
  function batch(start: number, n: number, seed: number): string[] {
    const rnd = lcgInts(seed);
    return Array.from({ length: n }, (_, i) => {
      // ids past 2^63 (stored negative) and small ones; as many missing as a common value has
      const f = rnd(150);
      const flow = f === 0 ? '' : `"flow_id":${f < 45 ? `1844674407370955${1500 + rnd(40)}` : 1000 + rnd(120)},`;
      const community = rnd(40) === 0 ? '' : `"community_id":"1:${'abcd'[rnd(4)]}${rnd(10)}=",`;
      return `{"timestamp":"${iso(start + i * 1000).replace('Z', '000+0000')}",${flow}${community}"event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.1.1","proto":"TCP","flow":{}}`;
    });
  }

  async function store(batches: [number, number][]) {
    const { s, pipeline } = await setup();
    let line = 0;
    batches.forEach(([start, n], b) => pipeline.process('import:test', batch(start, n, b + 1).map((l) => rec(l, line++))));
    return s;
  }

  function agree(s: Awaited<ReturnType<typeof testServices>>, ranges: { from: string; to: string }[]): number {
    const ids = vi.spyOn(RecordsRepo.prototype, 'idGroups');
    let served = 0;
    for (const range of ranges) {
      for (const q of ['| groupby flow_id', '| groupby community_id']) {
        for (const limit of [1, 2, 3, 5, 40, 10_000]) {
          const fast = s.hunt.groupBy(q, range, undefined, limit);
          if (ids.mock.results.at(-1)?.value) served++;
          // the same query grouped from every row
          ids.mockImplementationOnce(() => null);
          expect(fast, `${q} ${limit} ${range.from}`).toEqual(s.hunt.groupBy(q, range, undefined, limit));
        }
      }
    }
    ids.mockRestore();
    return served;
  }

  it('gives the answer of grouping every row, at every limit, with missing values and ties; blocks at the ends read with their time', async () => {
    // twelve batches of 20 minutes (a block each), and one of two days before imported among them
    const batches: [number, number][] = Array.from({ length: 12 }, (_, b): [number, number] => [T0 + b * 20 * MIN, 1200]);
    batches.splice(6, 0, [T0 - 48 * 60 * MIN, 500]);
    const s = await store(batches);
    const served = agree(s, [
      { from: iso(T0 + 7 * MIN), to: iso(T0 + 3 * 60 * MIN + 13 * MIN) },
      { from: iso(T0), to: iso(T0 + 4 * 60 * MIN) },
      { from: iso(T0 - 49 * 60 * MIN), to: iso(T0 + 5 * 60 * MIN) },
      // ending at the time of a block's last record, which the range leaves out
      { from: iso(T0), to: iso(T0 + 1199 * 1000) },
      // within one block: no whole block
      { from: iso(T0 + 3 * MIN), to: iso(T0 + 9 * MIN) },
    ]);
    // every query of the four ranges that hold a whole block; none of the last
    expect(served).toBe(4 * 2 * 6);
    await s.close();
  });

  it('ranks "no value" first among the values it ties with, as grouping every row does', async () => {
    const { s, pipeline } = await setup();
    const ids = ['5', '5', '5', '7', '', '6', '7', '', '6', '9'];
    const lines = ids.map((id, i) => `{"timestamp":"${iso(T0 + i * 1000).replace('Z', '000+0000')}",${id ? `"flow_id":${id},"community_id":"1:${id}=",` : ''}"event_type":"flow","flow":{}}`);
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    expect(agree(s, [{ from: iso(T0), to: iso(T0 + MIN) }])).toBe(2 * 6);
    expect(s.hunt.groupBy('| groupby flow_id', { from: iso(T0), to: iso(T0 + MIN) }, undefined, 3).groups.map((g) => g.values[0])).toEqual(['5', null, '6']);
    await s.close();
  });

  it('groups every row when records of other times split the whole blocks into many runs', async () => {
    const batches: [number, number][] = Array.from({ length: 40 }, (_, b): [number, number] => (b % 2 === 0 ? [T0 + b * 10 * MIN, 300] : [T0 - 96 * 60 * MIN + b * MIN, 50]));
    const s = await store(batches);
    expect(agree(s, [{ from: iso(T0), to: iso(T0 + 7 * 60 * MIN) }])).toBe(0);
    await s.close();
  });

  it('groups every row when many blocks straddle the range\'s ends (records out of time order)', async () => {
    // a whole block, then 600 blocks of two records: one before the range, one in it (SQLite
    // takes 500 reads at most in one compound SELECT)
    const { s, pipeline } = await setup();
    pipeline.process('import:test', batch(T0 + 10 * MIN, 300, 1).map((l, i) => rec(l, i)));
    for (let b = 0; b < 600; b++) {
      const [before] = batch(T0 - 60 * MIN + b * 1000, 1, b + 2);
      const [inside] = batch(T0 + 20 * MIN + b * 1000, 1, b + 900);
      pipeline.process('import:test', [rec(before!, 1000 + 2 * b), rec(inside!, 1001 + 2 * b)]);
    }
    expect(agree(s, [{ from: iso(T0), to: iso(T0 + 60 * MIN) }])).toBe(0);
    await s.close();
  });
});

describe('group-by a port counts the ports in an array', () => {
  const T0 = Date.parse('2026-11-20T10:07:00Z');

  it('gives the answer of counting every row, at every limit: ties at the bound, ports 0 and 65535, and none', async () => {
    const { s, pipeline } = await setup();
    const rnd = lcgInts(11);
    // few values, so many counts tie; 9 and 10 rank apart from "9" < "10" as text
    const POOL = [0, 65535, 1, 9, 10, 53, 80, 100, 443, 8080, 49152, 60000];
    const recs = Array.from({ length: 3000 }, (_, i) => ({
      ms: T0 + i * 1000,
      type: rnd(4) === 0 ? 'dns' : 'flow',
      sport: rnd(15) === 0 ? null : POOL[rnd(POOL.length)]!,
      dport: rnd(20) === 0 ? null : POOL[rnd(POOL.length)]!,
    }));
    const lines = recs.map((r) => {
      const ports = `${r.sport !== null ? `"src_port":${r.sport},` : ''}${r.dport !== null ? `"dest_port":${r.dport},` : ''}`;
      return `{"timestamp":"${new Date(r.ms).toISOString().replace('Z', '000+0000')}","event_type":"${r.type}","src_ip":"10.0.0.1",${ports}"dest_ip":"10.0.1.1","proto":"TCP"}`;
    });
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    const range = { from: T0 + 5_000, to: T0 + 2_990_000 };
    // ranked as every group-by ranks: by count, then by the value's key ('#' and the number, as text; 'n' for none)
    const expected = (keep: (r: (typeof recs)[number]) => boolean, port: (r: (typeof recs)[number]) => number | null, limit: number) => {
      const counts = new Map<number | null, number>();
      for (const r of recs) if (r.ms >= range.from && r.ms < range.to && keep(r)) counts.set(port(r), (counts.get(port(r)) ?? 0) + 1);
      const key = (v: number | null) => (v === null ? 'n' : `#${v}`);
      const ranked = [...counts].sort((a, b) => b[1] - a[1] || (key(a[0]) < key(b[0]) ? -1 : 1));
      return ranked.slice(0, limit).map(([v, count]) => ({ values: [v], count }));
    };
    const cases: [string, (r: (typeof recs)[number]) => boolean, (r: (typeof recs)[number]) => number | null][] = [
      ['| groupby src_port', () => true, (r) => r.sport],
      ['event_type:flow | groupby dst_port', (r) => r.type === 'flow', (r) => r.dport],
      ['-src_port:53 | groupby src_port', (r) => r.sport !== 53, (r) => r.sport],
    ];
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const [q, keep, port] of cases) {
      for (const limit of [1, 2, 3, 4, 5, 7, 12, 40, 100_000]) {
        const got = s.hunt.groupBy(q, { from: iso(range.from), to: iso(range.to) }, undefined, limit);
        expect(got.groups.map((g) => ({ values: g.values, count: g.count })), `${q} ${limit}`).toEqual(expected(keep, port, limit));
        expect(got.total).toBe(recs.filter((r) => r.ms >= range.from && r.ms < range.to && keep(r)).length);
      }
    }
    await s.close();
  });
});

describe('group-by two fields counts the pairs inside SQLite', () => {
  const T0 = Date.parse('2026-11-20T10:07:00Z');

  it('gives the answer of GROUP BY at every limit, ties in its order, "no value" apart from every value', async () => {
    const { s, pipeline } = await setup();
    const rnd = lcgInts(5);
    const lines = Array.from({ length: 2500 }, (_, i) => {
      const o: Record<string, unknown> = { timestamp: new Date(T0 + i * 1000).toISOString().replace('Z', '000+0000'), event_type: ['flow', 'dns', 'tls'][rnd(3)], dest_ip: '10.0.1.1' };
      const src = rnd(6);
      if (src > 0) o.src_ip = src < 4 ? `10.0.0.${src}` : `2001:db8::${src}`;
      if (rnd(8) > 0) o.host = ['sensor-a', 'sensor-b', ''][rnd(3)];
      // port 0 and no port are two groups
      if (rnd(7) > 0) o.dest_port = [0, 53, 443][rnd(3)];
      if (rnd(5) > 0) o.proto = ['TCP', 'UDP'][rnd(2)];
      return JSON.stringify(o);
    });
    pipeline.process('import:test', lines.map((l, i) => rec(l, i)));
    const range = { from: T0 + 3_000, to: T0 + 2_470_000 };
    const counted = vi.spyOn(RecordsRepo.prototype as unknown as { pairCounts: () => unknown }, 'pairCounts');
    const cases: [string, string, string][] = [
      ['| groupby src_ip sensor', 'src', 'sensor'],
      ['| groupby dst_port src_ip', 'dport', 'src'],
      ['event_type:(flow OR tls) | groupby proto dst_port', 'proto', 'dport'],
    ];
    const shown = (v: unknown) => (Buffer.isBuffer(v) ? blobIp(v) : v);
    for (const [q, a, b] of cases) {
      const types = q.startsWith('event_type') ? " AND type IN ('flow', 'tls')" : '';
      for (const limit of [1, 2, 3, 5, 8, 13, 1000]) {
        const got = s.hunt.groupBy(q, { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }, undefined, limit);
        const sorted = s.db
          .prepare(`SELECT ${a} AS a, ${b} AS b, count(*) AS n FROM records WHERE ts >= ? AND ts < ?${types} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?`)
          .all(range.from, range.to, limit) as { a: unknown; b: unknown; n: number }[];
        expect(got.groups.map((g) => [...g.values, g.count]), `${q} ${limit}`).toEqual(sorted.map((r) => [shown(r.a), shown(r.b), r.n]));
        const total = s.db.prepare(`SELECT count(*) AS n FROM records WHERE ts >= ? AND ts < ?${types}`).get(range.from, range.to) as { n: number };
        expect(got.total).toBe(total.n);
      }
    }
    expect(counted).toHaveBeenCalledTimes(3 * 7);
    counted.mockRestore();
    // nothing of the count is left behind
    expect(s.db.prepare("SELECT count(*) AS n FROM temp.sqlite_schema WHERE type = 'table'").get()).toEqual({ n: 0 });
    await s.close();
  });
});

describe('group-by source and destination address ("conversations") counts only the pairs that can rank', () => {
  const HOUR = 3_600_000;
  const T0 = Date.parse('2026-11-20T10:00:00Z');

  /**
   * Five hours of records between heavy-tailed sources and destinations (IPv4 and IPv6), some with
   * no source or no destination, most pairs seen once or twice (ties at every limit). Ports,
   * protocols and sensors are drawn apart (the addresses drawn are the same whatever they are): some
   * ICMP with no port, and sensor names whose order differs by UTF-16 and by UTF-8.
   */
  function lines(noAddressShare: number): string[] {
    const rnd = lcgInts(11);
    const other = lcgInts(12);
    const ports = [443, 53, 80, 22, 8443, 3389, 445, 25];
    const sensors = ['sensor-hq', 'sensor-dmz', 'sensor-\u{1F6F0}', 'sensor-\uFF21'];
    const skewed = (n: number) => Math.min(n - 1, Math.floor(n * (rnd(10_000) / 10_000) ** 3));
    const srcs = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `2001:db8::${i}` : `10.0.${i >> 4}.${(i & 15) + 1}`));
    const dsts = Array.from({ length: 60 }, (_, i) => (i % 9 === 4 ? `2001:db8:1::${i}` : `198.51.100.${i + 1}`));
    return Array.from({ length: 3000 }, (_, i) => {
      // flows, DNS and HTTP (by position: the addresses drawn are the same whatever the type)
      const type = ['flow', 'flow', 'flow', 'flow', 'flow', 'dns', 'dns', 'dns', 'http', 'http'][i % 10]!;
      const o: Record<string, unknown> = {
        timestamp: new Date(T0 + Math.floor((i * 5 * HOUR) / 3000)).toISOString().replace('Z', '000+0000'),
        event_type: type,
        ...(other(10) === 0 ? { proto: 'ICMP' } : { proto: other(4) === 0 ? 'UDP' : 'TCP', dest_port: ports[Math.floor(ports.length * (other(1000) / 1000) ** 2)] }),
        host: sensors[other(sensors.length)],
        ...(type === 'flow' ? { flow: { state: 'closed' } } : type === 'dns' ? { dns: { type: 'query', rrname: 'a.example', rrtype: 'A' } } : { http: { hostname: 'a.example', url: '/' } }),
      };
      if (rnd(1000) >= noAddressShare * 1000) o.src_ip = srcs[skewed(srcs.length)];
      if (rnd(1000) >= noAddressShare * 1000) o.dest_ip = dsts[skewed(dsts.length)];
      return JSON.stringify(o);
    });
  }

  async function store(noAddressShare: number) {
    const s = await testServices(tempDir());
    // one record far in the past at id 65530: the range's records span two id buckets
    s.db.prepare("INSERT INTO records (id, ts, type) VALUES (65530, 0, 'flow')").run();
    s.db.prepare("INSERT INTO record_blocks (id, last_id, source_id, file, ts_min, ts_max, raw_bytes) VALUES (65530, 65530, 'import:test', NULL, 0, 0, 0)").run();
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {});
    const all = lines(noAddressShare);
    for (let i = 0; i < all.length; i += 500) pipeline.process('import:test', all.slice(i, i + 500).map((l, j) => rec(l, i + j)));
    expect((s.db.prepare('SELECT max(id) >> 16 AS b FROM records').get() as { b: number }).b).toBe(1);
    return s;
  }

  /** The answer of a plain GROUP BY over every row (of the given types), as the screen shows it. */
  function everyRow(s: Awaited<ReturnType<typeof testServices>>, range: { from: number; to: number }, order: 'src, dst' | 'dst, src', limit: number, types: string[] | null = null) {
    const of = types ? ` AND type IN (${types.map(() => '?').join(', ')})` : '';
    const rows = s.db
      .prepare(`SELECT ${order}, count(*) AS n FROM records WHERE ts >= ? AND ts < ?${of} GROUP BY ${order} ORDER BY n DESC, ${order} LIMIT ?`)
      .raw()
      .all(range.from, range.to, ...(types ?? []), limit) as [Buffer | null, Buffer | null, number][];
    const total = (s.db.prepare(`SELECT count(*) AS n FROM records WHERE ts >= ? AND ts < ?${of}`).get(range.from, range.to, ...(types ?? [])) as { n: number }).n;
    return { total, groups: rows.map(([a, b, n]) => ({ values: [blobIp(a), blobIp(b)], count: n })) };
  }

  function shown(s: Awaited<ReturnType<typeof testServices>>, query: string, range: { from: number; to: number }, limit: number) {
    const g = s.hunt.groupBy(query, { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }, undefined, limit);
    return { total: g.total, groups: g.groups.map((x) => ({ values: x.values, count: x.count })) };
  }

  it('gives the plain GROUP BY answer at every limit, in both orders, over partial hours, with IPv6 and missing addresses', async () => {
    const s = await store(0.02);
    const pairs = vi.spyOn(RecordsRepo.prototype, 'pairGroups');
    const ranges = [
      { from: T0 + 17 * 60_000, to: T0 + 4 * HOUR + 43 * 60_000 },
      { from: T0, to: T0 + 5 * HOUR },
    ];
    for (const range of ranges) {
      for (const limit of [1, 2, 3, 5, 10, 25, 100, 10_000]) {
        expect(shown(s, '| groupby src_ip dst_ip', range, limit), `src dst ${limit}`).toEqual(everyRow(s, range, 'src, dst', limit));
        expect(shown(s, '| groupby dst_ip src_ip', range, limit), `dst src ${limit}`).toEqual(everyRow(s, range, 'dst, src', limit));
      }
    }
    // held to event types (named in any case), the address indexes serve those types only
    const typed: [string, string[]][] = [
      ['event_type:flow', ['flow']],
      ['event_type:(DNS OR http)', ['dns', 'http']],
      ['event_type:nosuch', []],
      // under a third of the records: every row is grouped
      ['event_type:dns', ['dns']],
    ];
    for (const [filter, types] of typed) {
      for (const limit of [1, 5, 25, 10_000]) {
        expect(shown(s, `${filter} | groupby src_ip dst_ip`, ranges[0]!, limit), `${filter} ${limit}`).toEqual(everyRow(s, ranges[0]!, 'src, dst', limit, types));
        expect(shown(s, `${filter} | groupby dst_ip src_ip`, ranges[0]!, limit), `${filter} ${limit}`).toEqual(everyRow(s, ranges[0]!, 'dst, src', limit, types));
      }
    }
    // the pairs were counted by address, not by the plain GROUP BY, at the limits the screen asks
    // for: all but those of DNS alone
    expect(pairs).toHaveBeenCalledTimes(32 + 32);
    expect(pairs.mock.results.filter((r) => r.value === null)).toHaveLength(8);
    // a filter on anything else, or a negated type, groups every row
    for (const q of ['-event_type:flow | groupby src_ip dst_ip', 'event_type:flow sensor:x | groupby src_ip dst_ip', 'event_type:flo* | groupby src_ip dst_ip']) shown(s, q, ranges[0]!, 5);
    expect(pairs).toHaveBeenCalledTimes(32 + 32);
    pairs.mockRestore();
    // the top 5 pairs take the partners of 25 of the 100 addresses (the others count less than the 5th pair)
    const prepare = s.db.prepare.bind(s.db);
    // the addresses whose partners were read (each read a bucket at a time)
    const read = new Set<string>();
    const spy = vi.spyOn(s.db, 'prepare').mockImplementation(((sql: string) => {
      const stmt = prepare(sql);
      const side = /INDEXED BY records_(src|dst)_ts/.exec(sql)?.[1];
      if (side) {
        const all = stmt.all.bind(stmt);
        stmt.all = ((...args: unknown[]) => {
          read.add(`${side} ${(args[1] as Buffer).toString('hex')}`);
          return all(...args);
        }) as typeof stmt.all;
      }
      return stmt;
    }) as typeof s.db.prepare);
    const top = new RecordsRepo(s.db).pairGroups(ranges[0]!.from, ranges[0]!.to, 5, ['src', 'dst'], null)!;
    spy.mockRestore();
    expect(top.groups).toEqual(shown(s, '| groupby src_ip dst_ip', ranges[0]!, 5).groups.map((g) => ({ values: g.values.map((v) => (v === null ? null : expect.any(Buffer))), count: g.count })));
    expect(read.size).toBeGreaterThan(0);
    expect(read.size).toBeLessThan(30);
    await s.close();
  });

  it('group-by one address and a field its index carries: the answer of grouping every row, reading the largest addresses only', async () => {
    for (const noAddress of [0.02, 0.6]) {
      const s = await store(noAddress);
      const byField = vi.spyOn(RecordsRepo.prototype, 'addressFieldGroups');
      const iso = (ms: number) => new Date(ms).toISOString();
      const ranges = [
        { from: iso(T0 + 17 * 60_000), to: iso(T0 + 4 * HOUR + 43 * 60_000) },
        { from: iso(T0), to: iso(T0 + 5 * HOUR) },
        { from: iso(T0 + 60_000), to: iso(T0 + 50 * 60_000) },
      ];
      const queries = [
        '| groupby src_ip event_type',
        '| groupby event_type dst_ip',
        'event_type:(flow OR DNS) | groupby dst_ip event_type',
        'event_type:nosuch | groupby event_type src_ip',
        '| groupby src_ip dst_port',
        '| groupby dst_port dst_ip',
        'event_type:flow | groupby dst_ip proto',
        '| groupby sensor src_ip',
        // under a third of the records, and a filter on anything else: every row is grouped
        'event_type:http | groupby src_ip event_type',
        'sensor:x | groupby src_ip event_type',
        'proto:TCP | groupby src_ip dst_port',
      ];
      let served = 0;
      for (const range of ranges) {
        for (const q of queries) {
          for (const limit of [1, 2, 3, 5, 25, 10_000]) {
            const calls = byField.mock.calls.length;
            const fast = s.hunt.groupBy(q, range, undefined, limit);
            if (byField.mock.calls.length === calls) continue;
            if (byField.mock.results.at(-1)!.value !== null) served++;
            // the same query grouped from every row
            byField.mockImplementationOnce(() => null);
            expect(fast, `${q} ${limit} ${range.from} (${noAddress})`).toEqual(s.hunt.groupBy(q, range, undefined, limit));
          }
        }
      }
      // the first eight queries over the two ranges holding whole hours
      expect(served, String(noAddress)).toBe(2 * 8 * 6);
      byField.mockRestore();
      // the top 5 read the values of a few of the 40 sources
      const prepare = s.db.prepare.bind(s.db);
      for (const field of ['type', 'dport', 'sensor'] as const) {
        const read = new Set<string>();
        const spy = vi.spyOn(s.db, 'prepare').mockImplementation(((sql: string) => {
          const stmt = prepare(sql);
          if (sql.startsWith(`SELECT ${field} FROM records INDEXED BY records_src_ts`)) {
            // from the index entries alone (migration 0022), never the rows
            const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, Buffer.alloc(4), 0, 0) as { detail: string }[];
            expect(plan.map((p) => p.detail).join('; '), field).toMatch(/USING COVERING INDEX records_src_ts/);
            const all = stmt.all.bind(stmt);
            stmt.all = ((...args: unknown[]) => {
              read.add((args[1] as Buffer).toString('hex'));
              return all(...args);
            }) as typeof stmt.all;
          }
          return stmt;
        }) as typeof s.db.prepare);
        expect(new RecordsRepo(s.db).addressFieldGroups('src', field, true, T0, T0 + 5 * HOUR, 5, null)!.groups).toHaveLength(5);
        spy.mockRestore();
        expect(read.size, field).toBeGreaterThan(0);
        expect(read.size, field).toBeLessThan(noAddress > 0.5 ? 40 : 15);
      }
      await s.close();
    }
  });

  it('orders tied groups as SQLite does: no value first, ports as numbers, sensors by their UTF-8 bytes', async () => {
    const { s, pipeline } = await setup();
    // one source: port 443 twice, port 80 and no port (ICMP) once each; two sensors twice each
    const records = [
      { host: 'sensor-\uFF21', proto: 'TCP', dest_port: 80 },
      { host: 'sensor-\u{1F6F0}', proto: 'TCP', dest_port: 443 },
      { host: 'sensor-\uFF21', proto: 'ICMP' },
      { host: 'sensor-\u{1F6F0}', proto: 'TCP', dest_port: 443 },
    ];
    const at = (i: number) => new Date(T0 + HOUR + i * 60_000).toISOString().replace('Z', '000+0000');
    pipeline.process('import:test', records.map((r, i) => rec(JSON.stringify({ timestamp: at(i), event_type: 'flow', src_ip: '10.0.0.1', dest_ip: '10.0.1.1', ...r }), i)));
    const range = { from: T0, to: T0 + 3 * HOUR };
    const byField = vi.spyOn(RecordsRepo.prototype, 'addressFieldGroups');
    // 80 before 443 (as numbers, not as text), "no port" before both
    expect(shown(s, '| groupby src_ip dst_port', range, 10).groups).toEqual([
      { values: ['10.0.0.1', 443], count: 2 },
      { values: ['10.0.0.1', null], count: 1 },
      { values: ['10.0.0.1', 80], count: 1 },
    ]);
    // U+FF21 is after U+1F6F0 in UTF-16 (a surrogate pair starts with 0xD83D) but before it in UTF-8
    expect(shown(s, '| groupby sensor src_ip', range, 1).groups).toEqual([{ values: ['sensor-\uFF21', '10.0.0.1'], count: 2 }]);
    expect(shown(s, '| groupby src_ip sensor', range, 10).groups.map((g) => g.values[1])).toEqual(['sensor-\uFF21', 'sensor-\u{1F6F0}']);
    expect(byField.mock.results.map((r) => r.value === null)).toEqual([false, false, false]);
    byField.mockRestore();
    await s.close();
  });

  it('takes an address whose count ties the bound: one of its pairs may tie and rank first', async () => {
    const { s, pipeline } = await setup();
    // 10.0.0.3 -> .30 five times; 10.0.0.2 -> .20 three times and -> .21 once; 10.0.0.1 -> .10 three times
    const pairs: [string, string, number][] = [['10.0.0.3', '10.0.1.30', 5], ['10.0.0.2', '10.0.1.20', 3], ['10.0.0.2', '10.0.1.21', 1], ['10.0.0.1', '10.0.1.10', 3]];
    const all = pairs.flatMap(([src, dst, n]) => Array.from({ length: n }, () => ({ src, dst })));
    const at = (i: number) => new Date(T0 + HOUR + i * 60_000).toISOString().replace('Z', '000+0000');
    // the one record to .21 is DNS: by source and type, 10.0.0.2 counts 4 (3 flows and 1 DNS)
    const typeOf = (p: { dst: string }) => (p.dst === '10.0.1.21' ? 'dns' : 'flow');
    pipeline.process('import:test', all.map((p, i) => rec(JSON.stringify({ timestamp: at(i), event_type: typeOf(p), src_ip: p.src, dest_ip: p.dst, proto: 'TCP' }), i)));
    const range = { from: T0, to: T0 + 3 * HOUR };
    // 10.0.0.1 (3 records) is read after 10.0.0.2 (4) and its flows tie 10.0.0.2's at 3: it ranks first among them
    const byType = shown(s, '| groupby src_ip event_type', range, 2);
    expect(byType.groups).toEqual([
      { values: ['10.0.0.3', 'flow'], count: 5 },
      { values: ['10.0.0.1', 'flow'], count: 3 },
    ]);
    expect(byType.total).toBe(12);
    // the second pair ties at 3: 10.0.0.1 ranks before 10.0.0.2
    expect(shown(s, '| groupby src_ip dst_ip', range, 2).groups).toEqual([
      { values: ['10.0.0.3', '10.0.1.30'], count: 5 },
      { values: ['10.0.0.1', '10.0.1.10'], count: 3 },
    ]);
    expect(shown(s, '| groupby src_ip dst_ip', range, 2)).toEqual(everyRow(s, range, 'src, dst', 2));
    await s.close();
  });

  it('counts "no address" from the type index when it is among the largest on both sides; a range of no whole hour is grouped by every row', async () => {
    const s = await store(0.6);
    const range = { from: T0 + 17 * 60_000, to: T0 + 4 * HOUR + 43 * 60_000 };
    const repo = new RecordsRepo(s.db);
    for (const limit of [1, 3, 10, 10_000]) {
      const top = repo.pairGroups(range.from, range.to, limit, ['src', 'dst'], null)!;
      expect({ total: top.total, groups: top.groups.map((g) => ({ values: g.values.map((v) => blobIp(v as Buffer | null)), count: g.count })) }).toEqual(
        everyRow(s, range, 'src, dst', limit),
      );
      expect(shown(s, '| groupby src_ip dst_ip', range, limit)).toEqual(everyRow(s, range, 'src, dst', limit));
    }
    expect(everyRow(s, range, 'src, dst', 1).groups[0]!.values).toEqual([null, null]);
    expect(repo.pairGroups(T0 + 60_000, T0 + 50 * 60_000, 10, ['src', 'dst'], null)).toBeNull();
    expect(shown(s, '| groupby src_ip dst_ip', { from: T0 + 60_000, to: T0 + 50 * 60_000 }, 10)).toEqual(everyRow(s, { from: T0 + 60_000, to: T0 + 50 * 60_000 }, 'src, dst', 10));
    await s.close();
  });
});

describe('correlation alerts keep the events that made them fire', () => {
  const fail = (i: number, ip = '81.2.69.142') =>
    JSON.stringify({
      timestamp: `2026-11-21T10:00:${String(10 + i).padStart(2, '0')}.000+0000`,
      rule: { level: 5, id: '5716', description: 'sshd: authentication failed.', groups: ['syslog', 'sshd', 'authentication_failed'], mitre: { id: ['T1110.001'] } },
      agent: { id: '001', name: 'web-01', ip: '10.0.0.5' },
      data: { srcip: ip, dstip: '10.0.0.5', srcuser: 'root' },
      full_log: `Failed password for root from ${ip} port 50000 ssh2`,
      location: '/var/log/auth.log',
    });
  const wz = (raw: string, i: number): RawRecord => ({ raw, format: 'wazuh', position: { file: 'alerts.json', line: i + 1, offset: null } });

  it('a brute force links every failed login in its window, across batches, and counts them', async () => {
    const { s, pipeline } = await setup({ bruteForceFailures: 5 });
    // three failures, then three more in the next batch, and one from elsewhere (not a contributor)
    pipeline.process('wazuh:test', [0, 1, 2].map((i) => wz(fail(i), i)));
    pipeline.process('wazuh:test', [...[3, 4, 5].map((i) => wz(fail(i), i)), wz(fail(6, '81.2.69.143'), 6)]);
    const bf = s.db.prepare("SELECT id FROM alerts WHERE rule_id = 'vigil:brute_force'").get() as { id: number };
    const ev = s.hunt.evidence(bf.id, 900, 100);
    const failures = s.db.prepare("SELECT id FROM events WHERE src_ip = '81.2.69.142' ORDER BY ts DESC, id DESC").all() as { id: number }[];
    expect(ev.contributors.rows.map((r) => r.event_id)).toEqual(failures.map((f) => f.id));
    expect(ev.contributors.total).toBe(6);
    expect(ev.contributors.rows.every((r) => r.src_ip === '81.2.69.142' && r.record_id === null)).toBe(true);
    await s.close();
  });

  it('a batch rolled back links nothing, and its event ids handed out again are not taken for contributors', async () => {
    const { s, pipeline } = await setup({ bruteForceFailures: 5 });
    expect(() =>
      pipeline.process('wazuh:test', [0, 1, 2, 3].map((i) => wz(fail(i), i)), {
        inTransaction: () => {
          throw new Error('crash');
        },
      }),
    ).toThrow('crash');
    // the ids of the rolled-back failures now go to other events (another attacker's)
    pipeline.process('wazuh:test', [0, 1, 2, 3].map((i) => wz(fail(i, '81.2.69.143'), i)));
    pipeline.process('wazuh:test', [4, 5, 6, 7, 8].map((i) => wz(fail(i), i)));
    const bf = s.db.prepare("SELECT id FROM alerts WHERE rule_id = 'vigil:brute_force' AND title LIKE '%81.2.69.142 %'").get() as { id: number };
    const rows = s.hunt.evidence(bf.id, 900, 100).contributors.rows;
    expect(rows.length).toBe(5);
    expect(rows.every((r) => r.src_ip === '81.2.69.142')).toBe(true);
    await s.close();
  });
});
