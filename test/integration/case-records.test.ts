import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type CaseRecord, type CaseRecordsAddResponse, type TimelineResponse } from '../../main/contract/index.js';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import type { Services } from '../../main/core/services.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const ALL = { from: '1960-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

/** One connection to a payload host: its DNS answer, the HTTP request, the flow (flow id 777), and an unrelated DNS query. */
function lines(): string[] {
  const base = { src_ip: '10.9.0.5', src_port: 50000, dest_ip: '198.51.100.7', dest_port: 80, proto: 'TCP', community_id: '1:sameflow=', host: 'sensor-a' };
  const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o }).replace(/"flow_id":"(\d+)"/, '"flow_id":$1');
  return [
    line({ timestamp: '2026-11-21T11:59:59.000000+0000', flow_id: '776', event_type: 'dns', dest_ip: '10.9.0.53', dest_port: 53, proto: 'UDP', dns: { type: 'answer', rrname: 'payload.evil.example', rrtype: 'A', rcode: 'NOERROR', answers: [{ rrname: 'payload.evil.example', rrtype: 'A', rdata: '198.51.100.7' }] } }),
    line({ timestamp: '2026-11-21T12:00:00.000000+0000', flow_id: '777', event_type: 'http', http: { hostname: 'payload.evil.example', url: '/stage2.exe', http_method: 'GET', status: 200 } }),
    line({ timestamp: '2026-11-21T12:00:05.000000+0000', flow_id: '777', event_type: 'flow', flow: { bytes_toserver: 500, bytes_toclient: 90000, pkts_toserver: 5, pkts_toclient: 70, state: 'closed' } }),
    line({ timestamp: '2026-11-21T12:00:02.000000+0000', flow_id: '1000', event_type: 'dns', src_ip: '10.9.9.9', dest_ip: '10.9.0.53', dest_port: 53, proto: 'UDP', dns: { type: 'query', rrname: 'other.example', rrtype: 'A' } }),
  ];
}

async function setup() {
  const s = await testServices(tempDir());
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {});
  s.pipelineRepo.ensureSource('import:test', 'import', 'eve', null);
  const raw = lines();
  pipeline.process('import:test', raw.map((l, i) => ({ raw: l, format: 'eve', position: { file: 'eve.json', line: i + 1, offset: i * 1000 } })), { cursor: { offset: 1 } });
  const id = (q: string) => s.hunt.query(q, ALL, 10, undefined).rows[0]!.id;
  const ids = { dns: id('event_type:dns dns.rrname:payload.evil.example'), http: id('event_type:http'), flow: id('event_type:flow'), other: id('dns.rrname:other.example') };
  return { s, pipeline, raw, ids };
}

async function call<T>(s: Services, channel: string, req: unknown, actor = 'ana'): Promise<T> {
  const out = await dispatch(createHandlers(s), channel, req, { actor, transport: 'test' }, s.logger);
  if (!out.ok) throw Object.assign(new Error(out.error.message), { code: out.error.code });
  return out.result as T;
}

const newCase = (s: Services, title: string) => call<{ id: number }>(s, 'cases.create', { title });
const recordsOf = async (s: Services, id: number) => (await call<{ items: CaseRecord[]; total: number }>(s, 'cases.records', { id })).items;
const observablesOf = async (s: Services, id: number) =>
  (await call<{ items: { type: string; value: string }[] }>(s, 'cases.observables', { id })).items.map((o) => `${o.type}:${o.value}`).sort();

describe('sensor records kept with a case', () => {
  it('keeps copies with their raw line and hash, once each, says which ids the store does not hold, and mines them for observables', async () => {
    const { s, raw, ids } = await setup();
    const c = await newCase(s, 'Payload download on 10.9.0.5');
    const r = await call<CaseRecordsAddResponse>(s, 'cases.records.add', { id: c.id, record_ids: [ids.http, ids.dns, 999_999, ids.http] });
    expect(r).toEqual({ added: [ids.http, ids.dns], already: [], missing: [999_999] });
    expect(await call(s, 'cases.records.add', { id: c.id, record_ids: [ids.dns] })).toEqual({ added: [], already: [ids.dns], missing: [] });

    const kept = await recordsOf(s, c.id);
    // oldest first: the DNS answer came a second before the request
    expect(kept.map((k) => k.record_id)).toEqual([ids.dns, ids.http]);
    const [dns, http] = kept as [CaseRecord, CaseRecord];
    expect(dns.raw).toBe(raw[0]);
    expect(http.raw).toBe(raw[1]);
    expect(http.sha256).toBe(crypto.createHash('sha256').update(raw[1]!, 'utf8').digest('hex'));
    expect(http).toMatchObject({ event_type: 'http', ts: '2026-11-21T12:00:00.000Z', sensor: 'sensor-a', source_id: 'import:test', file: 'eve.json', src_ip: '10.9.0.5', dst_port: 80, flow_id: '777', added_by: 'ana' });
    expect(http.summary).toMatchObject({ 'http.hostname': 'payload.evil.example', 'http.url': '/stage2.exe', 'http.status': 200 });
    expect(http.title).toBe('http 10.9.0.5:50000 -> 198.51.100.7:80 hostname=payload.evil.example url=/stage2.exe method=GET status=200');

    expect((await call<{ record_count: number }>(s, 'cases.get', { id: c.id })).record_count).toBe(2);
    // as from an alert's raw events: names, addresses, URLs and the sensor's host name
    expect(await observablesOf(s, c.id)).toEqual(['domain:payload.evil.example', 'host:sensor-a', 'ipv4:10.9.0.5', 'ipv4:10.9.0.53', 'ipv4:198.51.100.7', 'url:http://payload.evil.example/stage2.exe']);
    // each says in how many kept records it was seen (in no alert)
    const seen = (await call<{ items: { value: string; alerts: number; events: number; records: number }[] }>(s, 'cases.observables', { id: c.id })).items;
    expect(Object.fromEntries(seen.map((o) => [o.value, [o.alerts, o.events, o.records]]))).toMatchObject({ 'payload.evil.example': [0, 0, 2], 'http://payload.evil.example/stage2.exe': [0, 0, 1] });
    expect(seen[0]!.value).toBe('payload.evil.example');
    // last seen at its latest kept record (the request), the resolver at the DNS answer: a hunt from
    // the value menu opens at that time
    const lastSeen = (await call<{ items: { value: string; last_seen: string | null }[] }>(s, 'cases.observables', { id: c.id })).items;
    expect(Object.fromEntries(lastSeen.map((o) => [o.value, o.last_seen]))).toMatchObject({ 'payload.evil.example': '2026-11-21T12:00:00.000Z', '10.9.0.53': '2026-11-21T11:59:59.000Z' });

    // on the timeline at the records' own times, not when they were kept
    const tl = await call<TimelineResponse>(s, 'cases.timeline', { id: c.id, order: 'asc', kinds: ['record'] });
    expect(tl.items.map((i) => [i.kind, i.ts, i.title.split(' ')[0], i.actor])).toEqual([
      ['record', '2026-11-21T11:59:59.000Z', 'dns', 'ana'],
      ['record', '2026-11-21T12:00:00.000Z', 'http', 'ana'],
    ]);
    expect(s.audit.forTarget('case', String(c.id), 'case.records.add').map((a) => a.details)).toEqual([{ count: 2, record_ids: [ids.http, ids.dns] }]);
    const activity = await call<TimelineResponse>(s, 'cases.timeline', { id: c.id, kinds: ['activity'] });
    expect(activity.items.map((i) => i.title)).toContain('2 sensor record(s) kept with the case');
    await s.close();
  });

  it('pages the kept records in time order, copies of the same instant by copy id, each once', async () => {
    const { s, pipeline, ids } = await setup();
    // two more records at the HTTP request's instant
    const at = (port: number) => JSON.stringify({ timestamp: '2026-11-21T12:00:00.000000+0000', event_type: 'flow', src_ip: '10.9.0.5', src_port: port, dest_ip: '198.51.100.8', dest_port: 443, proto: 'TCP', flow: { state: 'new' } });
    pipeline.process('import:test', [at(41000), at(42000)].map((l, i) => ({ raw: l, format: 'eve', position: { file: 'eve.json', line: 10 + i, offset: null } })), { cursor: { offset: 2 } });
    const twins = s.hunt.query('dst_ip:198.51.100.8', ALL, 10, undefined).rows.map((r) => r.id);
    expect(twins).toHaveLength(2);
    const c = await newCase(s, 'Paged');
    await call(s, 'cases.records.add', { id: c.id, record_ids: [twins[1]!, ids.flow, ids.other, twins[0]!, ids.http, ids.dns] });
    const whole = await recordsOf(s, c.id);
    expect(whole.map((r) => r.ts)).toEqual([...whole.map((r) => r.ts)].sort());
    type Page = { items: CaseRecord[]; next: { ts: string; id: number } | null; total: number };
    const seen: CaseRecord[] = [];
    let after: Page['next'] = null;
    let pages = 0;
    do {
      const page: Page = await call<Page>(s, 'cases.records', { id: c.id, limit: 2, ...(after ? { after } : {}) });
      expect(page.total).toBe(6);
      seen.push(...page.items);
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    // the three copies of 12:00:00 are in copy order, across a page boundary
    const noon = seen.filter((r) => r.ts === '2026-11-21T12:00:00.000Z').map((r) => r.id);
    expect(noon).toHaveLength(3);
    expect(noon).toEqual([...noon].sort((a, b) => a - b));
    // the last page says there is no next one, even when it is full
    expect((await call<Page>(s, 'cases.records', { id: c.id, limit: 6 })).next).toBeNull();
    await s.close();
  });

  it('outlives the record store: the copies stay after retention has pruned every record', async () => {
    const { s, pipeline, raw, ids } = await setup();
    const c = await newCase(s, 'Kept before retention');
    await call(s, 'cases.records.add', { id: c.id, record_ids: [ids.flow] });
    while (pipeline.pruneRecords(1, 1e12, 10).more);
    expect(() => s.hunt.get(ids.flow)).toThrow(/not found/);
    expect((await recordsOf(s, c.id)).map((k) => k.raw)).toEqual([raw[2]]);
    // and a record already gone is reported as missing, not kept
    expect(await call(s, 'cases.records.add', { id: c.id, record_ids: [ids.dns] })).toEqual({ added: [], already: [], missing: [ids.dns] });
    await s.close();
  });

  it('lets records go with their raw line in the audit trail, and observables seen only in them go too', async () => {
    const { s, raw, ids } = await setup();
    const c = await newCase(s, 'Two records');
    await call(s, 'cases.records.add', { id: c.id, record_ids: [ids.dns, ids.other] });
    expect(await observablesOf(s, c.id)).toEqual(expect.arrayContaining(['domain:other.example', 'ipv4:10.9.9.9']));
    expect(await call(s, 'cases.records.remove', { id: c.id, record_ids: [ids.other, 424_242] })).toEqual({ removed: [ids.other] });
    expect(await observablesOf(s, c.id)).toEqual(['domain:payload.evil.example', 'host:sensor-a', 'ipv4:10.9.0.5', 'ipv4:10.9.0.53', 'ipv4:198.51.100.7']);
    expect((await recordsOf(s, c.id)).map((k) => k.record_id)).toEqual([ids.dns]);
    const gone = s.audit.forTarget('case', String(c.id), 'case.records.remove')[0]!.details as { records: { record_id: number; raw: string }[] };
    expect(gone.records).toEqual([expect.objectContaining({ record_id: ids.other, raw: raw[3] })]);
    expect(await call(s, 'cases.records.remove', { id: c.id, record_ids: [ids.other] })).toEqual({ removed: [] });
    await s.close();
  });

  it('refuses a closed case and an unknown one', async () => {
    const { s, ids } = await setup();
    const c = await newCase(s, 'Closed');
    s.cases.setStatus(c.id, 'closed', 'benign', null, false, 'ana');
    await expect(call(s, 'cases.records.add', { id: c.id, record_ids: [ids.dns] })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('reopen it') });
    await expect(call(s, 'cases.records.add', { id: 9999, record_ids: [ids.dns] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(s, 'cases.records.add', { id: c.id, record_ids: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await recordsOf(s, c.id)).toEqual([]);
    await s.close();
  });

  it('moves kept records on a merge, a record both cases keep once', async () => {
    const { s, ids } = await setup();
    const a = await newCase(s, 'A');
    const b = await newCase(s, 'B');
    await call(s, 'cases.records.add', { id: a.id, record_ids: [ids.dns, ids.http] });
    await call(s, 'cases.records.add', { id: b.id, record_ids: [ids.dns] });
    await call(s, 'cases.merge', { source_id: a.id, target_id: b.id });
    expect((await recordsOf(s, b.id)).map((k) => k.record_id)).toEqual([ids.dns, ids.http]);
    expect(s.db.prepare('SELECT count(*) AS n FROM case_records WHERE case_id = ?').get(a.id)).toEqual({ n: 0 });
    // no sighting points at a copy that is gone
    expect(s.db.prepare(`SELECT count(*) AS n FROM case_observable_sightings WHERE source_kind = 'record' AND source_id NOT IN (SELECT id FROM case_records)`).get()).toEqual({ n: 0 });
    await s.close();
  });

  it("puts the kept records in the case report's evidence, hashed, every raw line in records.ndjson", async () => {
    const { s, raw, ids } = await setup();
    const c = await newCase(s, 'Report');
    await call(s, 'cases.records.add', { id: c.id, record_ids: [ids.flow, ids.dns] });
    const dir = path.join(tempDir(), 'report');
    const manifest = await s.reports.write({ query: { kind: 'case', case_id: c.id }, formats: ['html'], dir, actor: 'ana' });
    expect(manifest.records).toMatchObject({ records: 2 });
    const nd = fs.readFileSync(path.join(dir, 'evidence/records.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { record_id: number; raw: string; sha256: string });
    expect(nd.map((l) => [l.record_id, l.raw])).toEqual([
      [ids.dns, raw[0]],
      [ids.flow, raw[2]],
    ]);
    expect(manifest.files.map((f) => f.path)).toContain('evidence/records.ndjson');
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Sensor records kept with the case (2)');
    expect(html).toContain(`Record ${ids.dns} · dns`);
    expect(html).not.toContain('altered after it was kept');
    // a copy changed in the database after it was kept is called out
    s.db.prepare("UPDATE case_records SET raw = replace(raw, 'payload', 'benign') WHERE record_id = ?").run(ids.dns);
    const dir2 = path.join(tempDir(), 'report2');
    await s.reports.write({ query: { kind: 'case', case_id: c.id }, formats: ['html'], dir: dir2, actor: 'ana' });
    expect(fs.readFileSync(path.join(dir2, 'report.html'), 'utf8')).toContain('altered after it was kept');
    await s.close();
  });
});
