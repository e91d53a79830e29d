import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { LeaseLostError, SourceLeaseHandle } from '../../main/pipeline/sources/lease.js';
import { SourceSupervisor, type SourceRun, type SupervisedSource } from '../../main/pipeline/sources/supervisor.js';
import { DriverError, type DriverContext, type SourceBatch, type SourceDriver } from '../../main/pipeline/sources/types.js';
import type { LeaseClaim } from '../../main/store/pipeline-repo.js';
import { eveAlertLine } from '../helpers/eve.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

const ID = 'file:/var/log/eve.json';
const claim = (instance: string, host = 'here'): LeaseClaim => ({ instance, host, pid: process.pid, process: `test ${instance}` });

/**
 * A scripted source of `total` alert lines, `per` a batch, with the cursor {n: lines done}. It reads
 * its cursor when built (as a real driver does under the lease) and fails where the test says.
 */
class ScriptedDriver implements SourceDriver {
  readonly sourceId = ID;
  closed = false;
  private readonly from: number;
  constructor(
    cursor: unknown,
    private readonly total: number,
    private readonly per: number,
    private readonly failAt: (n: number) => Error | null,
    private readonly follow: boolean,
  ) {
    this.from = (cursor as { n?: number } | null)?.n ?? 0;
  }
  async *batches(ctx: DriverContext): AsyncGenerator<SourceBatch> {
    let n = this.from;
    while (n < this.total) {
      const err = this.failAt(n);
      if (err) throw err;
      const records = Array.from({ length: Math.min(this.per, this.total - n) }, (_, k) => ({ raw: eveAlertLine(n + k), format: 'eve' as const, position: { file: '/var/log/eve.json', line: null, offset: 0 } }));
      n += records.length;
      yield { records, cursor: { n } };
      ctx.report({ state: n < this.total ? 'running' : 'caught_up' });
    }
    // a follower then waits for more; a one-shot source is done
    while (this.follow && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 5));
  }
  async close() {
    this.closed = true;
  }
}

async function setup() {
  const s = await testServices(tempDir());
  s.pipelineRepo.ensureSource(ID, 'file', 'eve', '/var/log/eve.json');
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
  const states: SourceRun[] = [];
  const supervisor = (instance = 'a') =>
    new SourceSupervisor({
      pipeline: () => pipeline,
      repo: s.pipelineRepo,
      claim: claim(instance),
      backoff: { initialMs: 20, maxMs: 80, jitter: 0 },
      lease: { pollMs: 10 },
      onState: (_id, run) => {
        if (run) states.push(run);
      },
    });
  const stored = () => (s.db.prepare('SELECT count(*) AS n, count(DISTINCT raw) AS d FROM events').get() as { n: number; d: number });
  return { s, supervisor, states, stored };
}


describe('the source supervisor', () => {
  it('restarts a failing driver with growing backoff, showing the error, from the committed cursor: nothing lost, nothing twice', async () => {
    const { s, supervisor, states, stored } = await setup();
    const sup = supervisor();
    let failures = 0;
    const drivers: ScriptedDriver[] = [];
    sup.start({
      id: ID,
      create: () => {
        const d = new ScriptedDriver(s.pipelineRepo.getCursor(ID), 100, 10, (n) => (n === 40 && failures++ < 3 ? new Error(`connection reset (${failures})`) : null), true);
        drivers.push(d);
        return d;
      },
    });
    await until(() => sup.get(ID)?.state === 'caught_up');
    expect(stored()).toEqual({ n: 100, d: 100 });
    const backing = states.filter((r) => r.state === 'backing_off' && r.last_error);
    expect(backing.map((r) => r.last_error)).toEqual(['connection reset (1)', 'connection reset (2)', 'connection reset (3)']);
    const waits = backing.map((r) => Date.parse(r.retry_at!) - Date.parse(r.since));
    expect(waits[1]!).toBeGreaterThan(waits[0]!); // 20, 40, 80 ms: doubling
    expect(waits[2]!).toBeGreaterThan(waits[1]!);
    expect(drivers).toHaveLength(4);
    expect(drivers.slice(0, 3).every((d) => d.closed)).toBe(true);
    // recovered: the error is cleared and the failure counter too
    expect(sup.get(ID)).toMatchObject({ last_error: null, retry_at: null, failures: 0 });
    expect(s.pipelineRepo.getLease(ID)).toMatchObject({ process: 'test a', state: 'caught_up', last_error: null });
    await sup.stopAll();
    expect(drivers[3]!.closed).toBe(true);
    expect(s.pipelineRepo.getLease(ID)).toBeNull();
    await s.close();
  });

  it('publishes backing off (with its error and retry time) to the lease for other processes', async () => {
    const { s, supervisor } = await setup();
    const sup = supervisor();
    sup.start({ id: ID, create: () => new ScriptedDriver(null, 10, 10, () => new DriverError('the indexer rejected user "vigil" (HTTP 401)', 200), true) });
    const lease = await until(() => {
      const l = s.pipelineRepo.getLease(ID);
      return l?.state === 'backing_off' ? l : null;
    });
    expect(lease.last_error).toBe('the indexer rejected user "vigil" (HTTP 401)');
    const run = sup.get(ID)!;
    expect(Date.parse(run.retry_at!) - Date.parse(run.since)).toBeGreaterThanOrEqual(200); // what the server asked for, over 20 ms
    expect(s.pipelineRepo.getSource(ID)!.last_error).toBe('the indexer rejected user "vigil" (HTTP 401)');
    await sup.stopAll();
    await s.close();
  });

  it('pauses (closing the driver, giving the lease back) and resumes from the cursor', async () => {
    const { s, supervisor, stored } = await setup();
    const sup = supervisor();
    let total = 30;
    sup.start({ id: ID, create: () => new ScriptedDriver(s.pipelineRepo.getCursor(ID), total, 10, () => null, true) });
    await until(() => stored().n === 30 && sup.get(ID)?.state === 'caught_up');
    await sup.pause(ID);
    expect(sup.get(ID)?.state).toBe('paused');
    expect(s.pipelineRepo.getLease(ID)).toBeNull();
    total = 50;
    await new Promise((r) => setTimeout(r, 50));
    expect(stored().n).toBe(30);
    sup.resume(ID);
    await until(() => stored().n === 50);
    expect(stored()).toEqual({ n: 50, d: 50 });
    await sup.stopAll();
    await s.close();
  });

  it('a one-shot driver ends its source; with retry off a failure ends it with that error', async () => {
    const { s, supervisor, stored } = await setup();
    const sup = supervisor();
    const seen: (SourceRun | null)[] = [];
    const once: SupervisedSource = { id: ID, exclusive: false, create: () => new ScriptedDriver(null, 25, 10, () => null, false) };
    sup.start(once);
    await sup.done(ID);
    expect(sup.has(ID)).toBe(false);
    expect(stored().n).toBe(25);
    const sup2 = new SourceSupervisor({ pipeline: () => { throw new Error('unused'); }, repo: s.pipelineRepo, claim: claim('b'), onState: (_id, r) => seen.push(r) });
    sup2.start({ id: 'simulator:x', exclusive: false, retry: false, create: () => new ScriptedDriver(null, 10, 10, () => new Error('disk full'), false) });
    await expect(sup2.done('simulator:x')).rejects.toThrow('disk full');
    expect(seen.at(-1)).toBeNull();
    await s.close();
  });

  it('waits while another process holds the lease, naming it, and takes over when it lets go', async () => {
    const { s, supervisor, stored } = await setup();
    const other = new SourceLeaseHandle(s.pipelineRepo, ID, claim('tail', 'sensor-2'));
    expect(other.tryAcquire()).toBeNull();
    const sup = supervisor();
    sup.start({ id: ID, create: () => new ScriptedDriver(s.pipelineRepo.getCursor(ID), 20, 10, () => null, true) });
    const waiting = await until(() => (sup.get(ID)?.holder ? sup.get(ID) : null));
    expect(waiting).toMatchObject({ state: 'waiting', note: expect.stringMatching(/^held by test tail \(pid \d+ on sensor-2\) since/) });
    expect(stored().n).toBe(0);
    other.release();
    await until(() => stored().n === 20);
    await sup.stopAll();
    await s.close();
  });

  it('a lease the caller took (vigil tail) that is taken over ends the source with LeaseLostError', async () => {
    const { s, stored } = await setup();
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    const mine = new SourceLeaseHandle(s.pipelineRepo, ID, claim('tail'), { ttlMs: 40, renewMs: 10_000 });
    expect(mine.tryAcquire()).toBeNull();
    const sup = new SourceSupervisor({ pipeline: () => pipeline, repo: s.pipelineRepo, claim: mine.claim });
    let n = 0;
    sup.start({
      id: ID,
      lease: mine,
      create: () => ({
        sourceId: ID,
        async *batches() {
          for (;;) {
            yield { records: [{ raw: eveAlertLine(n), format: 'eve' as const, position: { file: 'x', line: null, offset: 0 } }], cursor: { n: ++n } };
            await new Promise((r) => setTimeout(r, 150)); // stalls past the lease's 40 ms between batches

          }
        },
        close: async () => {},
      }),
    });
    const done = sup.done(ID);
    await until(() => stored().n >= 1);
    // the lease expires (this holder stalled) and another process takes it
    await until(() => s.pipelineRepo.getLease(ID) === null);
    expect(new SourceLeaseHandle(s.pipelineRepo, ID, claim('other')).tryAcquire()).toBeNull();
    await expect(done).rejects.toBeInstanceOf(LeaseLostError);
    const after = stored().n;
    await new Promise((r) => setTimeout(r, 200));
    expect(stored().n).toBe(after); // nothing committed once the lease was gone
    await s.close();
  });
});
