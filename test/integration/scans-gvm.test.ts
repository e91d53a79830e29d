import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GvmConnector } from '../../main/connectors/gvm/connector.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { GvmConfig, type ScanStartRequest } from '../../main/contract/index.js';
import { gvmTargetProblem } from '../../main/contract/scans.js';
import { GVM_IMPORT_PAGE } from '../../main/scans/gvm.js';
import { type ScansService } from '../../main/scans/service.js';
import type { Database } from '../../main/store/db.js';
import { PipelineRepo } from '../../main/store/pipeline-repo.js';
import { scanPollerLease } from '../../main/core/scan-lease.js';
import type { ScansServiceDeps } from '../../main/scans/service.js';
import { scanServices, scanWorld } from '../helpers/scans.js';
import { ADMIN, startGvm, type GvmHarness } from '../simulators/gvm/harness.js';
import type { GvmSimOptions } from '../simulators/gvm/server.js';
import { virtualClock } from '../simulators/wazuh/clock.js';

/**
 * Greenbone scans through the app's scans service and the GVM connector, against the GMP
 * simulator (which agrees with the recorded gvmd exchanges): start with the server's own
 * choices, progress and completion read from the status, import with the stated filter, stop
 * and resume, and the faults an analyst meets (503, a socket cut mid-report, a wrong password,
 * a stall, no feed).
 */

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

function gvmConfig(h: GvmHarness, extra: Record<string, unknown> = {}): GvmConfig {
  return GvmConfig.parse({
    kind: 'gvm',
    id: 'gvm-test',
    name: 'gvmd lab',
    url: `tls://127.0.0.1:${h.sim.tlsPort}`,
    username: ADMIN.username,
    trust: { mode: 'ca', caFile: path.join(h.dir, 'ca.pem') },
    timeouts: { connectMs: 5000, headersMs: 5000, bodyMs: 5000 },
    ...extra,
  });
}

async function gvmWorld(sim: Omit<GvmSimOptions, 'tls' | 'unixPath'> = {}, opts: { password?: string; config?: Record<string, unknown> } = {}) {
  const h = await startGvm('tls', sim);
  open.push(h);
  const clock = virtualClock();
  const connector = new GvmConnector(gvmConfig(h, opts.config), { credentials: staticCredentials(ADMIN.username, opts.password ?? ADMIN.password), clock });
  open.push(connector);
  return { h, sim: h.sim, clock, connector, ...(await scanWorld(connector, clock, open)) };
}

const services = (db: Database, connector: GvmConnector, clock: ReturnType<typeof virtualClock>, extra: Partial<ScansServiceDeps> = {}) => scanServices(db, connector, clock, open, extra);

type World = Awaited<ReturnType<typeof gvmWorld>>;
type ScanView = ReturnType<ScansService['detail']>['scan'];

async function pollUntil(w: Pick<World, 'clock' | 'scans'>, id: number, until = (s: ScanView) => ['finished', 'stopped', 'failed'].includes(s.status)) {
  const seen: ScanView[] = [];
  for (let i = 0; i < 200; i++) {
    w.clock.advance(60_000);
    await w.scans.tick();
    const s = w.scans.detail(id).scan;
    seen.push(s);
    if (until(s)) return seen;
  }
  throw new Error(`scan ${id} never got there: ${JSON.stringify(seen.at(-1))}`);
}

const gvmScan = (target: string, options: Partial<Extract<ScanStartRequest['options'], { tool: 'gvm' }>> = {}, extra: Partial<ScanStartRequest> = {}): ScanStartRequest => ({
  connector_id: 'gvm-test',
  target,
  options: { tool: 'gvm', scanConfig: null, portList: null, scanner: null, aliveTest: null, ...options },
  ...extra,
});

/** Results of the report gvmd holds that the import's filter lets through (QoD ≥ 70, no false positives). */
function expectedResults(w: World, reportId: string): number {
  const report = w.sim.state.reports.get(reportId)!;
  return [...w.sim.state.results(report)].filter((r) => r.qod >= 70 && r.severity >= 0).length;
}

describe('Greenbone connector', () => {
  it('tests and probes gvmd: GMP version, role, the feed; a wrong password and an unknown certificate are named', async () => {
    const w = await gvmWorld();
    const ok = await w.connector.test();
    expect(ok).toMatchObject({ ok: true, product: 'Greenbone (gvmd)', version: expect.stringMatching(/^GMP \d+\.\d+/) });
    expect(ok.ok && Number(ok.details['scan configs'])).toBeGreaterThan(0);
    expect((await w.connector.health()).status).toBe('ok');

    const wrong = new GvmConnector(gvmConfig(w.h), { credentials: staticCredentials(ADMIN.username, 'not-the-password') });
    open.push(wrong);
    const bad = await wrong.test();
    expect(bad).toMatchObject({ ok: false, failure: { kind: 'auth_failed', message: expect.stringContaining('refused the user name or password') } });
    expect((await wrong.health()).status).toBe('auth_failed');

    // trust "system": gvmd's certificate comes from a private CA, so it is shown to be pinned
    const untrusted = new GvmConnector(gvmConfig(w.h, { trust: { mode: 'system' } }), { credentials: staticCredentials(ADMIN.username, ADMIN.password) });
    open.push(untrusted);
    const u = await untrusted.test();
    expect(u.ok).toBe(false);
    if (u.ok) return;
    expect(u.failure.kind).toBe('tls_untrusted');
    expect(u.failure.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(u.failure.certificate?.validFrom).not.toBe('');
    const pinned = new GvmConnector(gvmConfig(w.h, { trust: { mode: 'pin', sha256: u.failure.certificate!.fingerprint256 } }), { credentials: staticCredentials(ADMIN.username, ADMIN.password) });
    open.push(pinned);
    expect((await pinned.test()).ok).toBe(true);
  });

  it('is degraded when gvmd has no feed yet, and a scan then says why it cannot start', async () => {
    const w = await gvmWorld({ feed: false });
    const health = await w.connector.health();
    expect(health.status).toBe('degraded');
    expect(health.lastError?.failure.message).toMatch(/feed has not been synced/);
    await expect(w.scans.start(gvmScan('10.0.0.5'), 'ana')).rejects.toThrow(/lists no scan config: its feed has not been synced/);
  });

  it('refuses targets GMP cannot scan before anything is created on gvmd', async () => {
    expect(gvmTargetProblem('10.0.0.5, 10.0.1.0/24, db01.corp.example, 10.0.2.1-20')).toBeNull();
    expect(gvmTargetProblem('https://shop.example/')).toMatch(/hosts, not URLs/);
    expect(gvmTargetProblem('10.0.0.0/33')).toMatch(/not an address range/);
    expect(gvmTargetProblem('a b')).toMatch(/not a host/);
    const w = await gvmWorld();
    await expect(w.scans.start(gvmScan('https://shop.example/'), 'ana')).rejects.toThrow(/hosts, not URLs/);
    expect(w.sim.state.targets.size).toBe(0);
  });
});

describe('scans on Greenbone (simulator)', () => {
  it('lists the server choices, starts with its defaults, follows status and progress, imports with the stated filter', async () => {
    const w = await gvmWorld({ reportSize: 40 });
    const choices = await w.scans.choices('gvm-test');
    expect(choices.scan_configs.map((c) => c.name)).toContain('Full and fast');
    const ff = choices.scan_configs.find((c) => c.name === 'Full and fast')!;
    expect(choices.defaults.scan_config).toBe(ff.id);
    expect(choices.port_lists.find((p) => p.id === choices.defaults.port_list)?.name).toBe('All IANA assigned TCP');
    expect(choices.scanners.find((s) => s.id === choices.defaults.scanner)?.name).toBe('OpenVAS Default');
    expect(choices.scanners.every((s) => s.name !== 'CVE')).toBe(true);

    const started = await w.scans.start(gvmScan('10.0.0.5, 10.0.0.6', { aliveTest: 'Consider Alive' }), 'ana');
    expect(started).toMatchObject({ tool: 'gvm', status: 'running', phase: 'task' });
    expect(started.tool_ids).toMatchObject({ task: expect.any(String), report: expect.any(String), gvm_target: expect.any(String) });
    const task = w.sim.state.tasks.get(started.tool_ids['task']!)!;
    expect(task.configId).toBe(ff.id);
    const target = w.sim.state.targets.get(started.tool_ids['gvm_target']!)!;
    expect(target.hosts).toBe('10.0.0.5,10.0.0.6');
    expect(target.aliveTests).toBe('Consider Alive');

    const seen = await pollUntil(w, started.id);
    const notes = seen.map((s) => s.progress_note ?? '');
    expect(notes.some((n) => n.startsWith('Queued'))).toBe(true);
    expect(notes.some((n) => n.startsWith('Running 50%'))).toBe(true);
    // Processing: progress is -1 on gvmd; the scanning is over but the scan is not done until Done
    const processing = seen.find((s) => s.progress_note?.startsWith('Processing'));
    expect(processing).toMatchObject({ status: 'running', progress: 100 });
    const progress = seen.map((s) => s.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'finished', progress: 100, error: null });
    const expected = expectedResults(w, started.tool_ids['report']!);
    expect(expected).toBeGreaterThan(0);
    expect(done.imported).toBe(expected);
    const all = w.findings.list({}, 5000, 0);
    expect(all.total).toBeGreaterThan(0);
    expect(new Set(all.items.map((f) => f.source))).toEqual(new Set(['gvm']));
    const log = w.scans.detail(started.id).log.map((l) => l.message);
    expect(log.some((m) => /with the filter "apply_overrides=0 min_qod=70 levels=chmlg/.test(m) && /false positives left out/.test(m))).toBe(true);
    expect(log.at(-1)).toMatch(/^finished: \d+ findings imported/);
    // a second import of the same report counts what gvmd holds, not on top
    const again = await w.scans.importNow(started.id, 'ana');
    expect(again).toMatchObject({ status: 'finished', imported: expected });
    expect(w.findings.list({}, 5000, 0).total).toBe(all.total);
  });

  it('names a scan config by name, and refuses one gvmd does not list', async () => {
    const w = await gvmWorld();
    const s = await w.scans.start(gvmScan('10.0.0.9', { scanConfig: 'discovery', portList: 'All TCP and Nmap top 100 UDP' }), 'ana');
    expect(w.scans.detail(s.id).log[0]!.message).toMatch(/scan config "Discovery", port list "All TCP and Nmap top 100 UDP"/);
    await expect(w.scans.start(gvmScan('10.0.0.9', { scanConfig: 'Everything at once' }), 'ana')).rejects.toThrow(/no scan config "Everything at once"; it lists .*"Full and fast"/);
  });

  it('stops a running task, imports what it found, then resumes it to the end', async () => {
    const w = await gvmWorld({ reportSize: 30, progressStep: 10 });
    const s = await w.scans.start(gvmScan('10.0.0.7'), 'ana');
    await pollUntil(w, s.id, (x) => (x.progress ?? 0) >= 20);
    const stopped = await w.scans.stopScan(s.id, 'ana');
    expect(stopped.status).toBe('stopped');
    expect(stopped.progress).toBeLessThan(100);
    expect(w.sim.state.tasks.get(s.tool_ids['task']!)!.status).toBe('Stopped');

    const resumed = await w.scans.resume(s.id, 'ana');
    expect(resumed).toMatchObject({ status: 'running', ended_at: null, error: null });
    const done = (await pollUntil(w, s.id)).at(-1)!;
    expect(done).toMatchObject({ status: 'finished', progress: 100 });
    expect(done.imported).toBe(expectedResults(w, s.tool_ids['report']!));
    const log = w.scans.detail(s.id).log.map((l) => l.message);
    expect(log.some((m) => m.startsWith('stopped by ana: stop requested for task'))).toBe(true);
    expect(log.some((m) => m.startsWith('resumed by ana: task'))).toBe(true);
    await expect(w.scans.resume(s.id, 'ana')).rejects.toThrow(/only a stopped or failed scan can be resumed/);
  });

  it('a 503 from gvmd is shown on the scan, backed off, and the scan goes on', async () => {
    const w = await gvmWorld();
    const s = await w.scans.start(gvmScan('10.0.0.8'), 'ana');
    w.sim.faults.unavailable = { count: 1, command: 'get_tasks' };
    w.clock.advance(60_000);
    await w.scans.tick();
    const failed = w.scans.detail(s.id);
    expect(failed.scan.error).toMatch(/503 .*gvmd is busy or its scanner is unavailable/);
    expect(failed.log.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/attempt 1; next try at/) });
    const done = (await pollUntil(w, s.id)).at(-1)!;
    expect(done).toMatchObject({ status: 'finished', error: null });
  });

  it('a socket cut mid-report: the import resumes from the committed page, nothing lost, nothing counted twice', async () => {
    const w = await gvmWorld({ reportSize: 1400 });
    const s = await w.scans.start(gvmScan('10.0.1.0/24'), 'ana');
    // cut in the middle of the tenth page
    w.sim.faults.dropMidReport = { afterResults: GVM_IMPORT_PAGE * 9 + GVM_IMPORT_PAGE / 2 };
    const cut = (await pollUntil(w, s.id, (x) => x.status === 'importing' && x.error !== null)).at(-1)!;
    expect(cut.error).toMatch(/connection lost/);
    expect(cut.imported).toBeGreaterThan(0);
    expect(cut.imported).toBeLessThanOrEqual(GVM_IMPORT_PAGE * 9);
    expect(w.repo.get(s.id)!.import_cursor).toEqual({ seen: GVM_IMPORT_PAGE * 9, upto: GVM_IMPORT_PAGE * 9 });
    // a new process on the same database finishes it
    const again = services(w.db, w.connector, w.clock);
    const done = (await pollUntil({ clock: w.clock, scans: again.scans }, s.id)).at(-1)!;
    expect(done.status).toBe('finished');
    const expected = expectedResults(w, s.tool_ids['report']!);
    expect(done.imported).toBe(expected);
    const distinct = new Set([...w.sim.state.results(w.sim.state.reports.get(s.tool_ids['report']!)!)].filter((r) => r.qod >= 70 && r.severity >= 0).map((r) => `${r.oid}|${r.host}|${r.port}`));
    expect(w.findings.list({}, 5000, 0).total).toBe(distinct.size);
  });

  it('a wrong password fails the start with the reason; a stalled task is flagged and keeps being polled', async () => {
    const bad = await gvmWorld({}, { password: 'wrong-password' });
    await expect(bad.scans.start(gvmScan('10.0.0.5'), 'ana')).rejects.toThrow(/did not start the scan: gvmd lab: gvmd refused the user name or password/);

    const w = await gvmWorld();
    w.sim.faults.stallAtProgress = 50;
    const s = await w.scans.start(gvmScan('10.0.0.5', {}, { stall_minutes: 3 }), 'ana');
    const stalled = (await pollUntil(w, s.id, (x) => x.stalled_since !== null)).at(-1)!;
    expect(stalled).toMatchObject({ status: 'running', progress: 50, eta_ms: null });
    expect(w.scans.detail(s.id).log.some((l) => l.level === 'warn' && /no progress since/.test(l.message))).toBe(true);
    expect(w.scans.summary().scans.stalled).toBe(1);
  });
});

describe('one scan poller per data directory', () => {
  const getTasks = (w: World) => w.sim.stats.commands.filter((c) => c.name === 'get_tasks').length;

  it('only the lease holder polls; a second process defers to it, and takes over when it is gone', async () => {
    const w = await gvmWorld({ progressStep: 50 });
    const a = services(w.db, w.connector, w.clock, { lease: scanPollerLease(new PipelineRepo(w.db), 'vigil serve') });
    const b = services(w.db, w.connector, w.clock, { lease: scanPollerLease(new PipelineRepo(w.db), 'vigil scan') });
    const s = await a.scans.start(gvmScan('10.0.0.5'), 'ana');
    w.clock.advance(60_000);
    await a.scans.tick();
    const afterA = getTasks(w);
    expect(afterA).toBeGreaterThan(0);
    w.clock.advance(60_000);
    await b.scans.tick(); // a holds the lease: b does not poll
    expect(getTasks(w)).toBe(afterA);
    // an explicit import in b is left to the poller, and says who that is
    await b.scans.stopScan(s.id, 'ben');
    expect(getTasks(w)).toBe(afterA);
    expect(b.scans.detail(s.id).log.at(-1)!.message).toMatch(/^the stop: vigil serve \(pid \d+\) since .* polls the scans and will carry it out$/);
    // a's process ends: b takes over and finishes the stopped scan's import
    await a.scans.close();
    const done = (await pollUntil({ clock: w.clock, scans: b.scans }, s.id)).at(-1)!;
    expect(done.status).toBe('stopped');
    expect(getTasks(w)).toBeGreaterThan(afterA);
  });

  it('a poller that lost its lease mid-import rolls its page back; the new holder imports it once', async () => {
    const w = await gvmWorld({ reportSize: 1400 });
    const repoA = new PipelineRepo(w.db);
    const leaseB = scanPollerLease(new PipelineRepo(w.db), 'vigil scan');
    let pages = 0;
    const a = services(w.db, w.connector, w.clock, {
      lease: scanPollerLease(repoA, 'vigil serve'),
      onFindingsChanged: () => {
        // after a's first page: a stalls past its expiry and b takes the lease
        if (++pages === 1) {
          w.db.prepare('DELETE FROM source_leases').run();
          expect(leaseB.acquire()).toBe(true);
        }
      },
    });
    const s = await a.scans.start(gvmScan('10.0.1.0/24'), 'ana');
    await pollUntil({ clock: w.clock, scans: a.scans }, s.id, (x) => x.status === 'importing' && x.error !== null);
    const cut = a.scans.detail(s.id).scan;
    expect(cut.error).toMatch(/lost the lease on scans:poller to vigil scan/);
    expect(cut.imported).toBeGreaterThan(0);
    expect(cut.imported).toBeLessThanOrEqual(GVM_IMPORT_PAGE); // the first page only: the second rolled back
    expect(w.repo.get(s.id)!.import_cursor).toMatchObject({ seen: GVM_IMPORT_PAGE });
    const b = services(w.db, w.connector, w.clock, { lease: leaseB });
    const done = (await pollUntil({ clock: w.clock, scans: b.scans }, s.id)).at(-1)!;
    expect(done.status).toBe('finished');
    expect(done.imported).toBe(expectedResults(w, s.tool_ids['report']!));
  });
});
