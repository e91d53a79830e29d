import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/handlers.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { ingestFiles } from '../../main/pipeline/sources/import.js';
import { DEFAULT_SETTINGS, type EventPayload, type HistoryEntry } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot, sampleAlert, testServices } from '../helpers/services.js';
import { callAs, waitFor } from '../helpers/calls.js';

/**
 * Safe triage (change sets and Undo, cancellable bulk jobs, notes, known analysts), suppressions
 * you can review (expire, remove, "which suppression hid this?") and exports with notes.
 */

const call = (h: ReturnType<typeof createHandlers>, channel: string, req: unknown, actor = 'ana') => callAs(h, channel, req, actor);

function statusOf(s: Services, id: number): string {
  return s.alerts.get(id)!.status;
}

describe('undo', () => {
  it('a status change says what it changed, and Undo puts back exactly that, audited as an undo', async () => {
    let t = Date.parse('2026-11-21T10:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date((t += 1000)));
    const h = createHandlers(s);
    const [id] = s.alerts.insertMany([sampleAlert()]);
    const res = await call(h, 'alerts.setStatus', { id, status: 'ACKNOWLEDGED' });
    expect(res.alert).toMatchObject({ id, status: 'ACKNOWLEDGED' });
    expect(res.change).toMatchObject({ status: 'ACKNOWLEDGED', items: [{ id, from: 'NEW' }] });
    const acked = s.db.prepare('SELECT acknowledged_at FROM alerts WHERE id = ?').get(id) as { acknowledged_at: string | null };
    expect(acked.acknowledged_at).not.toBeNull();

    const pushed: EventPayload<'alerts.changed'>[] = [];
    s.bus.on('alerts.changed', (p) => pushed.push(p));
    expect(await call(h, 'alerts.undoStatus', { change_id: res.change.change_id }, 'ben')).toEqual({ change_id: res.change.change_id, restored: [id], skipped: 0 });
    expect(statusOf(s, id!)).toBe('NEW');
    expect(pushed).toEqual([{ reason: 'status', ids: [id], total: 1 }]);
    // the undone acknowledgement no longer counts for MTTA
    expect((s.db.prepare('SELECT acknowledged_at FROM alerts WHERE id = ?').get(id) as { acknowledged_at: string | null }).acknowledged_at).toBeNull();
    const history = (await call(h, 'alerts.get', { id })).history as HistoryEntry[];
    expect(history.map((e) => (e.kind === 'status' ? [e.actor, e.from, e.to, e.undo] : e.kind))).toEqual([
      ['ana', 'NEW', 'ACKNOWLEDGED', false],
      ['ben', 'ACKNOWLEDGED', 'NEW', true],
    ]);
    // a change is undone once
    await expect(call(h, 'alerts.undoStatus', { change_id: res.change.change_id })).rejects.toThrow(/NOT_FOUND/);
    await s.close();
  });

  it('leaves alerts whose status changed again since; a no-op change has nothing to undo', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const [id] = s.alerts.insertMany([sampleAlert()]);
    const first = await call(h, 'alerts.setStatus', { id, status: 'INVESTIGATING' });
    await call(h, 'alerts.setStatus', { id, status: 'RESOLVED', note: 'contained' }, 'ben');
    expect(await call(h, 'alerts.undoStatus', { change_id: first.change.change_id })).toMatchObject({ restored: [], skipped: 1 });
    expect(statusOf(s, id!)).toBe('RESOLVED');
    const same = await call(h, 'alerts.setStatus', { id, status: 'RESOLVED', note: 'again' });
    expect(same.change.items).toEqual([]);
    await expect(call(h, 'alerts.undoStatus', { change_id: same.change.change_id })).rejects.toThrow(/NOT_FOUND/);
    await s.close();
  });

  it('undoes a bulk job by its id, and a cancelled bulk job keeps what it did and says so', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    s.alerts.insertMany(Array.from({ length: 3000 }, () => sampleAlert()));
    s.alerts.setStatus(1, 'INVESTIGATING', 'ana', null);
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));

    const job = await call(h, 'alerts.bulkSetStatus', { target: { filter: {} }, status: 'ACKNOWLEDGED' });
    await waitFor(() => progress.find((p) => p.job_id === job.job_id && p.state === 'done'));
    expect((await call(h, 'alerts.count', { filter: { status: ['ACKNOWLEDGED'] } })).total).toBe(3000);
    s.alerts.setStatus(2, 'RESOLVED', 'ben', 'closed by hand meanwhile');
    const undone = await call(h, 'alerts.undoStatus', { change_id: job.job_id });
    expect(undone.restored).toHaveLength(2999);
    expect(undone.skipped).toBe(1);
    expect(statusOf(s, 1)).toBe('INVESTIGATING');
    expect(statusOf(s, 2)).toBe('RESOLVED');
    expect((await call(h, 'alerts.count', { filter: { status: ['NEW'] } })).total).toBe(2998);

    // cancel after the first chunk: that chunk stays resolved, the rest is untouched
    const job2 = await call(h, 'alerts.bulkSetStatus', { target: { filter: { status: ['NEW'] } }, status: 'FALSE_POSITIVE', note: 'scanner' });
    await waitFor(() => progress.find((p) => p.job_id === job2.job_id && p.state === 'running' && p.done > 0));
    expect(await call(h, 'jobs.cancel', { job_id: job2.job_id })).toEqual({ cancelled: true });
    const last = await waitFor(() => progress.find((p) => p.job_id === job2.job_id && p.state !== 'running'));
    expect(last.state).toBe('cancelled');
    expect(last.done).toBeGreaterThan(0);
    expect(last.done).toBeLessThan(2998);
    expect(last.message).toMatch(/^Stopped after \d+ of 2998: \d+ alert\(s\) set to FALSE_POSITIVE, the rest left as they were$/);
    expect((await call(h, 'alerts.count', { filter: { status: ['FALSE_POSITIVE'] } })).total).toBe(last.done);
    expect(await call(h, 'jobs.cancel', { job_id: job2.job_id })).toEqual({ cancelled: false });
    expect(s.audit.recent(100).some((e) => e.action === 'alerts.bulk_status_cancelled')).toBe(true);
    await s.close();
  });
});

describe('notes and analysts', () => {
  it('keeps standalone notes in the history and in every export', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const [id, other] = s.alerts.insertMany([sampleAlert(), sampleAlert({ title: 'other' })]);
    const entry = await call(h, 'alerts.addNote', { id, note: 'asked the web team about 203.0.113.7' });
    expect(entry).toMatchObject({ kind: 'note', actor: 'ana', note: 'asked the web team about 203.0.113.7' });
    await call(h, 'alerts.setStatus', { id, status: 'RESOLVED', note: 'blocked, "INC-7"' });
    await expect(call(h, 'alerts.addNote', { id: 999, note: 'x' })).rejects.toThrow(/NOT_FOUND/);
    await expect(call(h, 'alerts.addNote', { id, note: '   ' })).rejects.toThrow(/BAD_REQUEST/);
    const history = (await call(h, 'alerts.get', { id })).history as HistoryEntry[];
    expect(history.map((e) => e.kind)).toEqual(['note', 'status']);
    const notes = s.triage.notesFor([id!, other!]);
    expect(notes.get(id!)!.map((n) => n.note)).toEqual(['asked the web team about 203.0.113.7', 'blocked, "INC-7"']);
    expect(notes.has(other!)).toBe(false);
    await s.close();
  });

  it('offers the configured analyst, everyone who acted and every assignee, not the CLI or feed tokens', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    await call(h, 'settings.set', { patch: { analystName: 'zoe' } });
    const [a, b] = s.alerts.insertMany([sampleAlert(), sampleAlert()]);
    s.alerts.setStatus(a!, 'ACKNOWLEDGED', 'ben', null);
    s.alerts.setStatus(b!, 'ACKNOWLEDGED', 'feed:al', null);
    s.alerts.setStatus(b!, 'INVESTIGATING', 'cli', null);
    s.alerts.assign([a!], 'carl', 'ben');
    expect(await call(h, 'analysts.list', {})).toEqual({ me: 'zoe', names: ['ana', 'ben', 'carl', 'zoe'] });
    await s.close();
  });
});

describe('suppressions', () => {
  it('are listed with state and hits, expired or removed with audit, and found from an alert they match', async () => {
    let t = Date.parse('2026-11-21T10:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date(t));
    const h = createHandlers(s);
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, () => new Date(t));
    const line = (src: string) =>
      JSON.stringify({
        timestamp: '2026-11-21T10:00:00.000000+0000',
        event_type: 'alert',
        src_ip: src,
        src_port: 40000,
        dest_ip: '10.0.0.5',
        dest_port: 22,
        proto: 'TCP',
        alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 },
      });
    const dir = tempDir();
    const file = (name: string, lines: string[]) => {
      fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
      return path.join(dir, name);
    };
    await ingestFiles(pipeline, s.pipelineRepo, [file('a.json', [line('203.0.113.7')])], { format: 'eve' });
    const alert = s.alerts.list({}, 1).items[0]!;
    const rule = await call(h, 'suppressions.create', { match: { src_ip: '203.0.113.0/24', rule_id: '1:2001219' }, reason: 'pentest window', expires_in_hours: 24 });
    const other = await call(h, 'suppressions.create', { match: { dst_port: 3389 }, reason: 'RDP noise' });
    t += 2000; // the pipeline re-reads its rules once a second
    await ingestFiles(pipeline, s.pipelineRepo, [file('b.json', [line('203.0.113.7'), line('203.0.113.7'), line('203.0.113.9')])], { format: 'eve' });

    const listed = await call(h, 'suppressions.list', {});
    expect(listed.map((r: { id: number }) => r.id)).toEqual([other.id, rule.id]);
    expect(listed[1]).toMatchObject({ hits: 3, state: 'active', created_by: 'ana', last_hit_at: new Date(t).toISOString() });
    // "which suppression hid this?": the rule matches the alert; two of its hits were events like it
    const found = await call(h, 'suppressions.forAlert', { id: alert.id });
    expect(found.rules).toHaveLength(1);
    expect(found.rules[0]).toMatchObject({ suppression: { id: rule.id }, hidden: 2, last_hidden_at: '2026-11-21T10:00:00.000Z' });

    t += 1000;
    const expired = await call(h, 'suppressions.expire', { id: rule.id }, 'ben');
    expect(expired).toMatchObject({ state: 'expired', expires_at: new Date(t).toISOString(), hits: 3 });
    // an expired rule still answers "which suppression hid this?"
    expect((await call(h, 'suppressions.forAlert', { id: alert.id })).rules[0].suppression.state).toBe('expired');
    t += 2000;
    await ingestFiles(pipeline, s.pipelineRepo, [file('c.json', [line('203.0.113.7')])], { format: 'eve' });
    expect(s.suppressions.get(rule.id)!.hits).toBe(3); // no longer drops anything

    expect(await call(h, 'suppressions.remove', { id: other.id }, 'ben')).toEqual({ removed: true });
    expect(await call(h, 'suppressions.remove', { id: other.id })).toEqual({ removed: false });
    await expect(call(h, 'suppressions.expire', { id: other.id })).rejects.toThrow(/NOT_FOUND/);
    const trail = s.audit.recent(50).filter((e) => e.target_type === 'suppression');
    expect(trail.map((e) => [e.action, e.actor, e.target_id])).toEqual([
      ['suppression.remove', 'ben', String(other.id)],
      ['suppression.expire', 'ben', String(rule.id)],
      ['suppression.create', 'ana', String(other.id)],
      ['suppression.create', 'ana', String(rule.id)],
    ]);
    expect(trail[0]!.details).toMatchObject({ match: { dst_port: 3389 }, reason: 'RDP noise' });
    await s.close();
  });
});
