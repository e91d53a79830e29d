import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../main/contract/index.js';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import type { Services } from '../../main/core/services.js';
import { ScansRepo } from '../../main/store/scans-repo.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

/** Seeds alerts, each with `events` raw Suricata records naming its addresses and a domain. */
function seed(s: Services, n: number, over: (i: number) => Parameters<typeof sampleAlert>[0] = () => ({}), events = 2): number[] {
  const ids = s.alerts.insertMany(Array.from({ length: n }, (_, i) => sampleAlert({ src_ip: `203.0.113.${(i % 200) + 1}`, title: `alert ${i}`, ...over(i) })));
  const ins = s.db.prepare(
    `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, title, threat_type, risk_score, raw)
     VALUES (?, 't', 'suricata', ?, ?, 'high', 'x', 'unknown', 50, ?)`,
  );
  s.db.transaction(() => {
    for (const id of ids) {
      const a = s.alerts.get(id)!;
      for (let e = 0; e < events; e++) {
        ins.run(id, a.first_seen, '2026-01-01T00:00:00.000Z', JSON.stringify({ src_ip: a.src_ip, dest_ip: a.dst_ip, dns: { rrname: 'c2.evil.example' }, location: 'alerts.json' }));
      }
    }
  })();
  return ids;
}

async function call(s: Services, channel: string, req: unknown, actor = 'ana') {
  const out = await dispatch(createHandlers(s), channel, req, { actor, transport: 'test' }, s.logger);
  if (!out.ok) throw Object.assign(new Error(out.error.message), { code: out.error.code, issues: out.error.issues });
  return out.result as never;
}

function jobDone(s: Services, jobId: string): Promise<JobProgress> {
  return new Promise((resolve) => {
    const off = s.bus.on('jobs.progress', (p) => {
      if (p.job_id === jobId && p.state !== 'running') {
        off();
        resolve(p);
      }
    });
  });
}

async function escalate(s: Services, req: unknown) {
  const started = (await call(s, 'cases.escalate', req)) as { job_id: string; case_id: number; total: number };
  const done = await jobDone(s, started.job_id);
  return { ...started, done };
}

describe('cases', () => {
  it('escalates listed alerts into a new case: links them, extracts observables with counts, moves alert status on, audits', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 3, (i) => ({ src_ip: i < 2 ? '203.0.113.7' : '198.51.100.9', last_seen: `2026-11-2${3 - i}T10:00:00.000Z` }));
    const r = await escalate(s, { target: { ids }, case: { new: { title: 'SSH brute force on web-01', severity: 'high' } } });
    expect(r.done.state).toBe('done');
    expect(r.done.message).toContain('3 alert(s) added');
    const c = (await call(s, 'cases.get', { id: r.case_id })) as { alert_count: number; event_count: number; status: string; alerts_by_status: Record<string, number> };
    expect(c).toMatchObject({ alert_count: 3, event_count: 6, status: 'open' });
    expect(c.alerts_by_status['INVESTIGATING']).toBe(3);
    const obs = (await call(s, 'cases.observables', { id: r.case_id })) as { items: { type: string; value: string; alerts: number; events: number }[] };
    const by = Object.fromEntries(obs.items.map((o) => [`${o.type}:${o.value}`, [o.alerts, o.events]]));
    expect(by).toEqual({
      'ipv4:203.0.113.7': [2, 4],
      'ipv4:198.51.100.9': [1, 2],
      'ipv4:10.0.0.5': [3, 6],
      'domain:c2.evil.example': [3, 6],
    });
    // last seen when the latest of its alerts was
    const lastOf = (ips: number[]) => ips.map((i) => s.alerts.get(i)!.last_seen).sort().at(-1);
    const seenAt = Object.fromEntries(((await call(s, 'cases.observables', { id: r.case_id })) as { items: { value: string; last_seen: string | null }[] }).items.map((o) => [o.value, o.last_seen]));
    expect(seenAt).toEqual({ '203.0.113.7': lastOf(ids.slice(0, 2)), '198.51.100.9': lastOf(ids.slice(2)), '10.0.0.5': lastOf(ids), 'c2.evil.example': lastOf(ids) });
    expect(seenAt['203.0.113.7']).toBe('2026-11-23T10:00:00.000Z');
    expect(seenAt['198.51.100.9']).toBe('2026-11-21T10:00:00.000Z');
    // every alert says which case it went to; the case has its own entry
    expect(s.audit.forTarget('alert', String(ids[0]), 'alert.case')[0]!.details).toMatchObject({ case_id: r.case_id });
    const history = (await call(s, 'cases.history', { id: r.case_id })) as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(['case.create', 'case.alerts.add']);
    await s.close();
  });

  it('escalates everything matching a filter into an existing case; alerts in another case are skipped unless moved', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 1200, (i) => ({ severity: i % 2 ? 'high' : 'low' }), 1);
    const a = (await call(s, 'cases.create', { title: 'A' })) as { id: number };
    const b = (await call(s, 'cases.create', { title: 'B' })) as { id: number };
    await escalate(s, { target: { ids: ids.slice(0, 10) }, case: { id: a.id } });
    const r = await escalate(s, { target: { filter: { severity: ['high'] } }, case: { id: b.id } });
    expect(r.total).toBe(600);
    expect(r.done.message).toContain('595 alert(s) added');
    expect(r.done.message).toContain('5 skipped');
    const moved = await escalate(s, { target: { ids: ids.slice(0, 10) }, case: { id: b.id }, move: true });
    expect(moved.done.message).toContain('10 moved');
    const counts = async (id: number) => ((await call(s, 'cases.get', { id })) as { alert_count: number }).alert_count;
    expect([await counts(a.id), await counts(b.id)]).toEqual([0, 605]);
    await expect(call(s, 'cases.escalate', { target: { filter: { src_ip: '10.0.0.0/99' } }, case: { id: a.id } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await s.close();
  });

  it('detach and move keep observable counts right; observables seen nowhere else go unless flagged', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 2, (i) => ({ src_ip: i === 0 ? '203.0.113.1' : '203.0.113.2' }), 1);
    const r = await escalate(s, { target: { ids }, case: { new: { title: 'x' } } });
    const list = async (id: number) =>
      ((await call(s, 'cases.observables', { id })) as { items: { id: number; value: string; alerts: number; ioc: boolean }[] }).items;
    const flagged = (await list(r.case_id)).find((o) => o.value === '203.0.113.2')!;
    await call(s, 'cases.observables.update', { observable_id: flagged.id, ioc: true });
    expect(await call(s, 'cases.detachAlerts', { id: r.case_id, alert_ids: ids })).toEqual({ removed: 2 });
    // the IOC-flagged one stays (seen in 0 alerts now); the other extracted ones are gone
    expect((await list(r.case_id)).map((o) => [o.value, o.alerts, o.ioc])).toEqual([['203.0.113.2', 0, true]]);
    const other = (await call(s, 'cases.create', { title: 'y' })) as { id: number };
    await escalate(s, { target: { ids }, case: { id: r.case_id } });
    expect(await call(s, 'cases.moveAlerts', { from_id: r.case_id, to_id: other.id, alert_ids: [ids[0]] })).toEqual({ moved: 1 });
    expect((await list(r.case_id)).find((o) => o.value === '203.0.113.1')).toBeUndefined();
    expect((await list(other.id)).find((o) => o.value === '203.0.113.1')?.alerts).toBe(1);
    await s.close();
  });

  it('merges a case into another: alerts, observables (IOC flags kept), notes move; the source closes as a duplicate', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 4, (i) => ({ src_ip: `203.0.113.${i}` }), 1);
    const a = await escalate(s, { target: { ids: ids.slice(0, 2) }, case: { new: { title: 'A' } } });
    const b = await escalate(s, { target: { ids: ids.slice(2) }, case: { new: { title: 'B' } } });
    const manual = (await call(s, 'cases.observables.add', { id: a.case_id, type: 'domain', value: 'Bad.Example.com', ioc: true })) as { value: string; origin: string; last_seen: string | null };
    expect(manual.last_seen).toBeNull(); // seen in no alert nor record
    expect(manual).toMatchObject({ value: 'bad.example.com', origin: 'manual' });
    await call(s, 'cases.notes.add', { id: a.case_id, body: 'first look' });
    const merged = (await call(s, 'cases.merge', { source_id: a.case_id, target_id: b.case_id })) as { alert_count: number; ioc_count: number; note_count: number };
    expect(merged).toMatchObject({ alert_count: 4, ioc_count: 1, note_count: 1 });
    const src = (await call(s, 'cases.get', { id: a.case_id })) as { status: string; resolution: string; merged_into: number; alert_count: number };
    expect(src).toMatchObject({ status: 'closed', resolution: 'duplicate', merged_into: b.case_id, alert_count: 0 });
    await expect(call(s, 'cases.setStatus', { id: a.case_id, status: 'open' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(call(s, 'cases.merge', { source_id: b.case_id, target_id: b.case_id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await s.close();
  });

  it('closing needs a resolution and closes the open alerts with it; reopening clears the resolution', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 3, () => ({}), 0);
    const r = await escalate(s, { target: { ids }, case: { new: { title: 'fp' } } });
    await expect(call(s, 'cases.setStatus', { id: r.case_id, status: 'closed' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call(s, 'cases.setStatus', { id: r.case_id, status: 'open', resolution: 'benign' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const closed = (await call(s, 'cases.setStatus', { id: r.case_id, status: 'closed', resolution: 'false_positive', note: 'backup job' })) as {
      status: string;
      resolution: string;
      closure_note: string;
      alerts_by_status: Record<string, number>;
    };
    expect(closed).toMatchObject({ status: 'closed', resolution: 'false_positive', closure_note: 'backup job' });
    expect(closed.alerts_by_status['FALSE_POSITIVE']).toBe(3);
    expect(s.alerts.history(ids[0]!).at(-1)).toMatchObject({ to: 'FALSE_POSITIVE', note: expect.stringContaining(`case #${r.case_id} closed as false positive`) });
    const reopened = (await call(s, 'cases.setStatus', { id: r.case_id, status: 'in_progress' })) as { resolution: string | null; closed_at: string | null };
    expect(reopened).toMatchObject({ resolution: null, closed_at: null });
    await expect(call(s, 'cases.escalate', { target: { ids }, case: { id: 99 } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.close();
  });

  it('renders notes safely, hashes evidence and mines it for observables, and keeps both in the audit trail', async () => {
    const s = await testServices(tempDir());
    const c = (await call(s, 'cases.create', { title: 'n' })) as { id: number };
    const note = (await call(s, 'cases.notes.add', {
      id: c.id,
      body: '# Found\n<script>alert(1)</script> ![px](https://tracker.example/p.gif) [docs](https://wiki.example/x) [bad](javascript:alert(1))',
    })) as { id: number; html: string };
    expect(note.html).toContain('<h1>Found</h1>');
    expect(note.html).toContain('&lt;script&gt;');
    expect(note.html).not.toMatch(/<script|<img|<a |href=/);
    expect(note.html).toContain('<span class="md-url">(https://wiki.example/x)</span>');
    await call(s, 'cases.notes.edit', { note_id: note.id, body: 'corrected' });
    expect(s.audit.forTarget('case', String(c.id), 'case.note.edit')[0]!.details).toMatchObject({ from: expect.stringContaining('# Found'), to: 'corrected' });
    const text = 'Beacon to c2.bad-domain.net from 10.1.2.3 (payload sha256 ' + 'e'.repeat(64) + ') written to /tmp/alerts.json\n';
    const ev = (await call(s, 'cases.evidence.add', { id: c.id, name: 'proxy.log', content: text })) as { sha256: string; size: number };
    expect(ev.sha256).toBe(crypto.createHash('sha256').update(text).digest('hex'));
    expect(ev.size).toBe(Buffer.byteLength(text));
    const obs = ((await call(s, 'cases.observables', { id: c.id })) as { items: { type: string; value: string }[] }).items.map((o) => `${o.type}:${o.value}`).sort();
    expect(obs).toEqual(['domain:c2.bad-domain.net', 'ipv4:10.1.2.3', `sha256:${'e'.repeat(64)}`]);
    const list = (await call(s, 'cases.evidence', { id: c.id })) as { id: number }[];
    await call(s, 'cases.evidence.remove', { evidence_id: list[0]!.id });
    expect(((await call(s, 'cases.observables', { id: c.id })) as { total: number }).total).toBe(0);
    expect(s.audit.forTarget('case', String(c.id), 'case.evidence.remove')[0]!.details).toMatchObject({ content: text, sha256: ev.sha256 });
    await s.close();
  });

  it('merges alerts, entries, pinned events, notes and status changes into one timeline, paged without gaps', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 3, (i) => ({ first_seen: `2026-11-21T10:0${i}:00.000Z`, last_seen: `2026-11-21T10:0${i}:00.000Z` }), 1);
    const r = await escalate(s, { target: { ids }, case: { new: { title: 't' } } });
    const ev = s.db.prepare('SELECT id FROM events WHERE alert_id = ?').get(ids[1]) as { id: number };
    await call(s, 'cases.timeline.add', { id: r.case_id, ts: '2026-11-21T10:01:30Z', title: 'Attacker logged in', event_id: ev.id });
    await call(s, 'cases.timeline.add', { id: r.case_id, ts: '2026-11-21T09:59:00Z', title: 'Phishing mail received' });
    await call(s, 'cases.notes.add', { id: r.case_id, body: 'note' });
    await call(s, 'cases.setStatus', { id: r.case_id, status: 'in_progress' });
    const other = seed(s, 1, () => ({}), 1);
    const foreign = s.db.prepare('SELECT id FROM events WHERE alert_id = ?').get(other[0]) as { id: number };
    await expect(call(s, 'cases.timeline.add', { id: r.case_id, ts: '2026-11-21T10:00:00Z', title: 'x', event_id: foreign.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const all: { kind: string; title: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = (await call(s, 'cases.timeline', { id: r.case_id, order: 'asc', limit: 2, ...(cursor ? { cursor } : {}) })) as { items: { kind: string; title: string }[]; next: string | null };
      all.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(all.slice(0, 5).map((i) => `${i.kind}:${i.title}`)).toEqual([
      'entry:Phishing mail received',
      'alert:Alert #1: alert 0',
      'alert:Alert #2: alert 1',
      'event:Attacker logged in',
      'alert:Alert #3: alert 2',
    ]);
    expect(all.map((i) => i.kind)).toEqual(expect.arrayContaining(['note', 'status', 'activity']));
    expect(all.find((i) => i.kind === 'status')?.title).toBe('Status open → in progress');
    // the chips filter by kind: each kind alone, alerts not among them (the union once took its column
    // names from the alerts' part, and failed without it)
    const only = async (kinds: string[]) =>
      ((await call(s, 'cases.timeline', { id: r.case_id, order: 'asc', kinds })) as { items: { kind: string; title: string }[] }).items.map((i) => `${i.kind}:${i.title}`);
    expect(await only(['note'])).toEqual(['note:Note']);
    expect(await only(['event', 'entry'])).toEqual(['entry:Phishing mail received', 'event:Attacker logged in']);
    expect(await only(['status'])).toEqual(['status:Status open → in progress']);
    await s.close();
  });

  it('edits an entry (its time too) and a pinned event (not its time), audited with what it said; removes one', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 1, () => ({ first_seen: '2026-11-21T10:00:00.000Z', last_seen: '2026-11-21T10:00:00.000Z' }), 1);
    const r = await escalate(s, { target: { ids }, case: { new: { title: 't' } } });
    const ev = s.db.prepare('SELECT id FROM events WHERE alert_id = ?').get(ids[0]) as { id: number };
    type Item = { kind: string; ts: string; title: string; body: string | null; ref: number; actor: string };
    const entry = (await call(s, 'cases.timeline.add', { id: r.case_id, ts: '2026-11-21T09:59:00Z', title: 'Phishing mial received' })) as Item;
    const pin = (await call(s, 'cases.timeline.add', { id: r.case_id, ts: '2026-11-21T10:00:00Z', title: 'Logon', event_id: ev.id })) as Item;
    const edited = (await call(s, 'cases.timeline.update', { entry_id: entry.ref, ts: '2026-11-21T09:58:30+00:00', title: 'Phishing mail received', body: 'from hr-portal.example' }, 'bo')) as Item;
    expect(edited).toMatchObject({ kind: 'entry', ts: '2026-11-21T09:58:30.000Z', title: 'Phishing mail received', body: 'from hr-portal.example', ref: entry.ref, actor: 'ana' });
    const audit = s.audit.forTarget('case', String(r.case_id), 'case.timeline.edit');
    expect(audit.map((a) => [a.actor, a.details])).toEqual([
      ['bo', { entry_id: entry.ref, from: { ts: '2026-11-21T09:59:00.000Z', title: 'Phishing mial received', body: null }, to: { ts: '2026-11-21T09:58:30.000Z', title: 'Phishing mail received', body: 'from hr-portal.example' } }],
    ]);
    // a pinned event keeps its event's time; what it says can change, the same time given again is no change
    await expect(call(s, 'cases.timeline.update', { entry_id: pin.ref, ts: '2026-11-21T11:00:00Z' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining("stays at its event's time") });
    expect(await call(s, 'cases.timeline.update', { entry_id: pin.ref, ts: '2026-11-21T10:00:00Z', title: 'Attacker logged in' })).toMatchObject({ kind: 'event', ts: '2026-11-21T10:00:00.000Z', title: 'Attacker logged in' });
    // details cleared; nothing to change; no such entry
    expect(await call(s, 'cases.timeline.update', { entry_id: entry.ref, body: null })).toMatchObject({ body: null });
    await expect(call(s, 'cases.timeline.update', { entry_id: entry.ref })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call(s, 'cases.timeline.update', { entry_id: 999, title: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const titles = async () => ((await call(s, 'cases.timeline', { id: r.case_id, order: 'asc', kinds: ['entry', 'event'] })) as { items: Item[] }).items.map((i) => `${i.ts} ${i.title}`);
    expect(await titles()).toEqual(['2026-11-21T09:58:30.000Z Phishing mail received', '2026-11-21T10:00:00.000Z Attacker logged in']);
    // the history says what each edit changed, from what to what
    const history = ((await call(s, 'cases.timeline', { id: r.case_id, order: 'asc', kinds: ['activity'] })) as { items: Item[] }).items
      .filter((i) => i.title.startsWith('Timeline entry'))
      .map((i) => [i.title, i.body]);
    expect(history).toEqual([
      [`Timeline entry #${entry.ref} edited: Phishing mial received → Phishing mail received`, 'Time: 2026-11-21T09:59:00.000Z → 2026-11-21T09:58:30.000Z\nDetails: (none) → from hr-portal.example'],
      [`Timeline entry #${pin.ref} edited: Logon → Attacker logged in`, null],
      [`Timeline entry #${entry.ref} edited (details)`, 'Details: from hr-portal.example → (none)'],
    ]);
    expect(await call(s, 'cases.timeline.remove', { entry_id: entry.ref })).toEqual({ removed: true });
    expect(await titles()).toEqual(['2026-11-21T10:00:00.000Z Attacker logged in']);
    expect(s.audit.forTarget('case', String(r.case_id), 'case.timeline.remove')[0]!.details).toMatchObject({ entry_id: entry.ref, title: 'Phishing mail received', body: null });
    await s.close();
  });

  it('holds the raw events of alerts in a case from retention', async () => {
    const s = await testServices(tempDir());
    const ids = seed(s, 2, () => ({}), 3);
    await escalate(s, { target: { ids: [ids[0]] }, case: { new: { title: 'held' } } });
    while (s.pipelineRepo.pruneEvents(1, 10_000_000, 100) > 0);
    const left = s.db.prepare('SELECT alert_id, count(*) AS n FROM events GROUP BY alert_id').all();
    expect(left).toEqual([{ alert_id: ids[0], n: 3 }]);
    await s.close();
  });

  it('links findings to a case and unlinks them: audited, on the timeline, in the detail count', async () => {
    const s = await testServices(tempDir());
    const ins = s.db.prepare(
      `INSERT INTO findings (identity, source, connector_id, target, rule_id, title, severity, severity_rank, severity_raw, description, cves, host, status, first_seen, last_seen, last_scan_id, observed_at, raw)
       VALUES (?, 'gvm', 'gvm-1', 't', 'r', ?, ?, ?, '', '', ?, '10.0.0.5', 'open', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', ?, NULL, 'null')`,
    );
    const scanId = new ScansRepo(s.db, () => new Date()).create({ tool: 'gvm', connector_id: 'gvm-1', target: 't', options: {}, tool_state: { phase: 'task' }, created_by: 'ana' }).id;
    const f1 = Number(ins.run('k1', 'Log4j RCE', 'critical', 4, '["CVE-2021-44228"]', scanId).lastInsertRowid);
    const f2 = Number(ins.run('k2', 'Weak TLS', 'medium', 2, '[]', scanId).lastInsertRowid);
    const c = (await call(s, 'cases.create', { title: 'exposure' })) as { id: number };
    expect(await call(s, 'cases.linkFindings', { id: c.id, finding_ids: [f2, f1, f1, 9999] })).toEqual({ linked: [f2, f1] });
    expect(await call(s, 'cases.linkFindings', { id: c.id, finding_ids: [f1] })).toEqual({ linked: [] });
    expect(((await call(s, 'cases.findings', { id: c.id })) as { id: number }[]).map((f) => f.id)).toEqual([f1, f2]);
    expect(((await call(s, 'cases.get', { id: c.id })) as { finding_count: number }).finding_count).toBe(2);
    expect(await call(s, 'cases.unlinkFindings', { id: c.id, finding_ids: [f2] })).toEqual({ removed: [f2] });
    const tl = (await call(s, 'cases.timeline', { id: c.id, order: 'asc' })) as { items: { title: string }[] };
    expect(tl.items.map((i) => i.title)).toEqual(expect.arrayContaining(['2 finding(s) linked', '1 finding(s) unlinked']));
    const audit = s.audit.forTarget('case', String(c.id), 'case.findings', 100).map((e) => e.action);
    expect(audit).toEqual(['case.findings.add', 'case.findings.remove']);
    await s.close();
  });
});
