import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/handlers.js';
import type { EventPayload } from '../../main/contract/index.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testApp, testServices } from '../helpers/services.js';
import { callAs, waitFor } from '../helpers/calls.js';

const call = (h: ReturnType<typeof createHandlers>, channel: string, req: unknown) => callAs(h, channel, req);

const range = { from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' };

describe('dashboard read models', () => {
  it('says no newest alert when there is none', async () => {
    const s = await testServices(tempDir());
    expect((await call(createHandlers(s), 'dashboard.summary', range)).newest_alert_seen).toBeNull();
    await s.close();
  });

  it('summarises open alerts by priority, MTTA/MTTR, trend by severity, top lists and ATT&CK cells', async () => {
    let t = Date.parse('2026-11-21T10:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date(t));
    const h = createHandlers(s);
    const ids = s.alerts.insertMany([
      sampleAlert({ priority: 'P1', severity: 'critical', first_seen: '2026-11-21T09:00:00.000Z', last_seen: '2026-11-21T09:30:00.000Z', count: 5, technique_ids: ['T1110.001'] }),
      sampleAlert({ priority: 'P2', severity: 'high', src_ip: '81.2.69.142', first_seen: '2026-11-21T09:10:00.000Z', last_seen: '2026-11-21T09:10:00.000Z', technique_ids: ['T1046'] }),
      sampleAlert({ priority: 'P4', severity: 'low', first_seen: '2026-11-20T09:00:00.000Z', last_seen: '2026-11-20T09:00:00.000Z' }),
    ]);
    t += 60_000;
    s.alerts.setStatus(ids[0]!, 'ACKNOWLEDGED', 'ana', null);
    t += 120_000;
    s.alerts.setStatus(ids[0]!, 'RESOLVED', 'ana', 'done');
    const sum = await call(h, 'dashboard.summary', range);
    // open alerts seen in the range only, like "alerts in range" (the P4 was last seen the day before)
    expect(sum.open_by_priority).toEqual({ P1: 0, P2: 1, P3: 0, P4: 0 });
    expect(sum.alerts_in_range).toBe(2);
    expect(sum.events_in_range).toBe(6);
    expect(sum.mtta_s).toBe(60); // created 10:00:00, acknowledged 60 s later; unacknowledged alerts do not count
    expect(sum.mttr_s).toBe(180);
    // the newest alert, whatever the range: where an empty range can send the analyst
    expect(sum.newest_alert_seen).toBe('2026-11-21T09:30:00.000Z');
    const before = await call(h, 'dashboard.summary', { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect({ n: before.alerts_in_range, newest: before.newest_alert_seen }).toEqual({ n: 0, newest: '2026-11-21T09:30:00.000Z' });
    const trend = await call(h, 'dashboard.trend', { ...range, buckets: 24 });
    expect(trend.bucket_s).toBe(3600);
    expect(trend.points[9]).toMatchObject({ critical: 1, high: 1 });
    const top = await call(h, 'dashboard.top', { ...range, field: 'src_ip', limit: 5 });
    expect(top.items[0]).toMatchObject({ key: '203.0.113.7', events: 5 });
    const tech = await call(h, 'dashboard.top', { ...range, field: 'technique' });
    expect(tech.items.map((i: { label: string }) => i.label).sort()).toEqual(['Network Service Discovery', 'Password Guessing'].sort());
    const cells = await call(h, 'dashboard.attack', range);
    expect(cells.cells.sort((a: { technique_id: string }, b: { technique_id: string }) => a.technique_id.localeCompare(b.technique_id))).toEqual([
      { technique_id: 'T1046', alerts: 1 },
      { technique_id: 'T1110', alerts: 1 },
    ]);
    const matrix = await call(h, 'attack.matrix', {});
    expect(matrix.tactics).toHaveLength(14);
    expect(matrix.tactics.find((x: { shortname: string }) => x.shortname === 'credential-access').techniques.map((x: { id: string }) => x.id)).toContain('T1110');
    await s.close();
  });
});

describe('triage', () => {
  it('resolves everything matching a filter in chunks with progress, history and one bulk audit entry', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    s.alerts.insertMany(Array.from({ length: 2500 }, (_, i) => sampleAlert({ src_ip: `10.9.${i % 250}.${i % 200}`, severity: i % 2 ? 'high' : 'low' })));
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));
    await expect(call(h, 'alerts.bulkSetStatus', { target: { filter: { severity: ['high'] } }, status: 'RESOLVED' })).rejects.toThrow(/note is required/);
    expect((await call(h, 'alerts.count', { filter: { severity: ['high'], status: ['NEW'] } })).total).toBe(1250);
    const job = await call(h, 'alerts.bulkSetStatus', { target: { filter: { severity: ['high'] } }, status: 'RESOLVED', note: 'mass close' });
    expect(job.total).toBe(1250);
    const done = await waitFor(() => progress.find((p) => p.state === 'done'));
    expect(done).toMatchObject({ done: 1250, total: 1250, job_id: job.job_id });
    expect(progress.filter((p) => p.state === 'running').length).toBeGreaterThanOrEqual(2); // chunked
    expect((await call(h, 'alerts.count', { filter: { status: ['RESOLVED'] } })).total).toBe(1250);
    const one = s.alerts.list({ status: ['RESOLVED'] }, 1).items[0]!;
    expect(s.alerts.history(one.id)[0]).toMatchObject({ actor: 'ana', to: 'RESOLVED', note: 'mass close' });
    expect(s.audit.recent(5000).filter((e) => e.action === 'alerts.bulk_status')).toHaveLength(1);
    await s.close();
  });

  it('assigns, finds related alerts and keeps saved filters', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const [a, b, c] = s.alerts.insertMany([sampleAlert(), sampleAlert({ dst_ip: '10.0.0.9' }), sampleAlert({ src_ip: '198.51.100.1', technique_ids: ['T1046'] })]);
    expect(await call(h, 'alerts.assign', { ids: [a, b], assignee: 'ben' })).toEqual({ updated: 2 });
    expect(s.alerts.list({ assignee: 'ben' }, 10).items.map((x) => x.id).sort()).toEqual([a, b].sort());
    const rel = await call(h, 'alerts.related', { id: a });
    expect(rel.same_source.map((x: { id: number }) => x.id)).toEqual([b]);
    expect(rel.same_technique.map((x: { id: number }) => x.id).sort()).toEqual([b, c].sort()); // sampleAlert carries T1046 too
    expect(rel.same_host.map((x: { id: number }) => x.id)).toEqual([c]); // a and c are about 10.0.0.5
    // host alerts relate by agent, whatever their addresses
    const [w1, w2] = s.alerts.insertMany([
      sampleAlert({ source: 'wazuh', agent: { id: '001', name: 'web-01' }, src_ip: null, dst_ip: null }),
      sampleAlert({ source: 'wazuh', agent: { id: '001', name: 'web-01' }, src_ip: '203.0.113.45', dst_ip: null }),
    ]);
    expect((await call(h, 'alerts.related', { id: w1 })).same_host.map((x: { id: number }) => x.id)).toEqual([w2]);
    expect((await call(h, 'alerts.list', { filter: { host: 'web-01' } })).items.map((x: { id: number }) => x.id).sort()).toEqual([w1, w2].sort());
    const saved = await call(h, 'savedFilters.save', { name: 'Open P1', filter: { priority: ['P1'], status: ['NEW'] } });
    expect((await call(h, 'savedFilters.list', {})).map((f: { name: string }) => f.name)).toEqual(['Open P1']);
    expect(await call(h, 'savedFilters.remove', { id: saved.id })).toEqual({ removed: true });
    await s.close();
  });
});

describe('sources of a running app', () => {
  it('follows an added file, pauses and resumes it, and groups P1/P2 notices', async () => {
    const dir = tempDir();
    const app = await testApp(dir);
    const s = app.services;
    const h = app.handlers;
    const file = path.join(dir, 'eve.json');
    const line = (i: number, sev: number) =>
      JSON.stringify({
        timestamp: '2026-11-21T10:00:00.000000+0000',
        event_type: 'alert',
        src_ip: `203.0.113.${i}`,
        src_port: 1234,
        dest_ip: '10.0.0.5',
        dest_port: 443,
        proto: 'TCP',
        alert: { signature_id: 2030358, signature: 'ET EXPLOIT Possible Apache Struts OGNL Expression Injection', category: 'Attempted Administrator Privilege Gain', severity: sev },
      });
    // two P1/P2 alerts in the first batch: the outbox watcher reports them together, one notice
    fs.writeFileSync(file, `${line(1, 1)}\n${line(2, 1)}\n`);
    const notices: EventPayload<'alerts.notice'>[] = [];
    s.bus.on('alerts.notice', (n) => notices.push(n));
    const added = await call(h, 'sources.add', { path: file, format: 'eve' });
    expect(added).toMatchObject({ kind: 'file', format: 'eve', path: file, enabled: true });
    await expect(call(h, 'sources.add', { path: file, format: 'eve' })).rejects.toThrow(/already a source/);
    await expect(call(h, 'sources.add', { path: path.join(dir, 'nope', 'x.json'), format: 'eve' })).rejects.toThrow(/does not exist/);
    await waitFor(() => (s.alerts.count() >= 2 ? true : undefined));
    await waitFor(() => notices[0]);
    expect(notices[0]!.items.length).toBe(2);
    expect(notices[0]!.items.every((i) => i.priority === 'P1' || i.priority === 'P2')).toBe(true);
    const paused = await call(h, 'sources.setEnabled', { id: added.id, enabled: false });
    expect(paused.live.state).toBe('paused');
    fs.appendFileSync(file, `${line(3, 1)}\n`);
    await new Promise((r) => setTimeout(r, 400));
    expect(s.alerts.count()).toBe(2);
    await call(h, 'sources.setEnabled', { id: added.id, enabled: true });
    await waitFor(() => (s.alerts.count() >= 3 ? true : undefined));
    expect(await call(h, 'sources.remove', { id: added.id })).toEqual({ removed: true });
    await app.close();
  });

  it('runs the simulator through the same pipeline and reports its status', async () => {
    const app = await testApp(tempDir());
    const s = app.services;
    const h = app.handlers;
    const st = await call(h, 'simulator.start', { scenario: 'port_scan', rate: 500, duration_s: 1 });
    expect(st).toMatchObject({ running: true, scenario: 'port_scan' });
    await expect(call(h, 'simulator.start', { scenario: 'ddos', rate: 10, duration_s: 1 })).rejects.toThrow(/already running/);
    const final = await waitFor(() => {
      const x = app.sources!.simulatorStatus();
      return x.running ? undefined : x;
    });
    expect(final.records).toBe(500);
    expect(s.alerts.count()).toBeGreaterThan(0);
    expect(s.pipelineRepo.listSources().map((x) => x.id)).toContain('simulator:port_scan');
    await app.close();
  });
});
