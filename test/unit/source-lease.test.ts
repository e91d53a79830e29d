import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../main/pipeline/stages.js';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { describeHolder, LeaseHeldError, LeaseLostError, SourceLeaseHandle, holderGone, processExists } from '../../main/pipeline/sources/lease.js';
import type { LeaseClaim } from '../../main/store/pipeline-repo.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const HOST = 'sensor-1';

function claim(instance: string, pid: number, host = HOST, process = 'vigil tail'): LeaseClaim {
  return { instance, host, pid, process };
}

/** A pid that surely names no process: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function setup(start = Date.parse('2026-11-21T10:00:00.000Z')) {
  let now = start;
  const s = await testServices(tempDir(), () => new Date(now));
  s.pipelineRepo.ensureSource('file:/var/log/eve.json', 'file', 'eve', '/var/log/eve.json');
  return { s, advance: (ms: number) => (now += ms) };
}

describe('source leases', () => {
  it('one holder at a time; a second is refused with the holder named, and gets it once the first releases', async () => {
    const { s } = await setup();
    const a = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('a', process.pid));
    const b = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('b', process.pid));
    expect(a.tryAcquire()).toBeNull();
    expect(a.tryAcquire()).toBeNull(); // again: still ours
    expect(b.tryAcquire()).toMatchObject({ instance: 'a', process: 'vigil tail', pid: process.pid });
    const err = await b.acquire({ wait: false, what: '/var/log/eve.json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect((err as Error).message).toMatch(new RegExp(`^/var/log/eve.json is followed by vigil tail \\(pid ${process.pid} on ${HOST}\\) since \\d\\d:\\d\\d:\\d\\d; use --wait to wait for it$`));
    expect(s.pipelineRepo.getSource('file:/var/log/eve.json')!.lease).toMatchObject({ instance: 'a' });
    a.release();
    expect(s.pipelineRepo.getSource('file:/var/log/eve.json')!.lease).toBeNull();
    expect(b.tryAcquire()).toBeNull();
    await s.close();
  });

  it('an expired lease is taken over; the stalled holder cannot commit any more', async () => {
    const { s, advance } = await setup();
    const a = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('a', process.pid, 'other-host'), { ttlMs: 15_000 });
    const b = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('b', process.pid), { ttlMs: 15_000 });
    expect(a.tryAcquire()).toBeNull();
    advance(10_000);
    expect(b.tryAcquire()).not.toBeNull(); // not yet expired, and another host's pid cannot be checked
    advance(6_000);
    expect(b.tryAcquire()).toBeNull();
    expect(b.tookOver).toMatchObject({ instance: 'a', host: 'other-host' });
    expect(() => a.confirm()).toThrow(LeaseLostError);
    expect(() => b.confirm()).not.toThrow();
    await s.close();
  });

  it('a holder on this host whose process is gone is replaced at once', async () => {
    const { s } = await setup();
    const gone = deadPid();
    expect(processExists(gone)).toBe(false);
    expect(processExists(process.pid)).toBe(true);
    const a = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('a', gone));
    const b = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('b', process.pid));
    expect(a.tryAcquire()).toBeNull();
    expect(holderGone(s.pipelineRepo.getLease('file:/var/log/eve.json')!, b.claim)).toBe(true);
    expect(b.tryAcquire()).toBeNull();
    expect(b.tookOver?.pid).toBe(gone);
    await s.close();
  });

  it('a batch whose lease was lost rolls back: rows, counters and cursor are not committed', async () => {
    const { s, advance } = await setup();
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    const a = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('a', process.pid, 'other-host'));
    const b = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('b', process.pid));
    expect(a.tryAcquire()).toBeNull();
    const line = JSON.stringify({ timestamp: '2026-11-21T10:00:00Z', event_type: 'alert', src_ip: '203.0.113.5', dest_ip: '10.0.0.1', alert: { signature_id: 1, severity: 1 } });
    const rec = [{ raw: line, format: 'eve' as const, position: { file: '/var/log/eve.json', line: 1, offset: 0 } }];
    pipeline.process('file:/var/log/eve.json', rec, { cursor: { dev: 1, ino: 2, offset: 100 }, inTransaction: () => a.confirm() });
    advance(20_000);
    expect(b.tryAcquire()).toBeNull();
    expect(() => pipeline.process('file:/var/log/eve.json', rec, { cursor: { dev: 1, ino: 2, offset: 200 }, inTransaction: () => a.confirm() })).toThrow(LeaseLostError);
    const src = s.pipelineRepo.getSource('file:/var/log/eve.json')!;
    expect(src).toMatchObject({ lines_read: 1, events: 1, cursor: { offset: 100 } });
    expect((s.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(1);
    await s.close();
  });

  it('waits with --wait until the holder releases, telling who it waits for once', async () => {
    const { s } = await setup();
    const a = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('a', process.pid));
    const b = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('b', process.pid), { pollMs: 5 });
    a.tryAcquire();
    const waits: string[] = [];
    const got = b.acquire({ wait: true, what: 'x', onWait: (h) => waits.push(h.instance) });
    await new Promise((r) => setTimeout(r, 40));
    expect(b.held).toBe(false);
    a.release();
    expect(await got).toBe(true);
    expect(waits).toEqual(['a']);
    const ac = new AbortController();
    const c = new SourceLeaseHandle(s.pipelineRepo, 'file:/var/log/eve.json', claim('c', process.pid), { pollMs: 5 });
    const gaveUp = c.acquire({ wait: true, what: 'x', signal: ac.signal });
    ac.abort();
    expect(await gaveUp).toBe(false);
    await s.close();
  });

  it('names the holder in words', () => {
    const h = { instance: 'x', host: 'here', pid: 1234, process: 'Vigil desktop app', acquired_at: '2026-11-21T10:03:12.000Z', renewed_at: '', expires_at: '' };
    expect(describeHolder(h, 'here')).toMatch(/^Vigil desktop app \(pid 1234\) since \d\d:\d\d:\d\d$/);
    expect(describeHolder(h, 'elsewhere')).toMatch(/^Vigil desktop app \(pid 1234 on here\) since/);
  });
});
