import { afterEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../main/connectors/types.js';
import { SpiderFootConnector } from '../../main/connectors/spiderfoot/connector.js';
import { ZapConnector } from '../../main/connectors/zap/connector.js';
import type { ScanStartRequest } from '../../main/contract/index.js';
import { type ScansService } from '../../main/scans/service.js';
import type { Database } from '../../main/store/db.js';
import { scanServices, scanWorld } from '../helpers/scans.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { startSpiderFootSimulator, spiderFootConfig, type SpiderFootSimOptions } from '../simulators/spiderfoot/index.js';
import { startZapSimulator, zapConfig, type ZapSimOptions } from '../simulators/zap/index.js';

const KEY = 'zap-sim-key-4d1f';
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

const world = (connector: Connector, clock: ReturnType<typeof virtualClock>, file?: string) => scanWorld(connector, clock, open, file);
const services = (db: Database, connector: Connector, clock: ReturnType<typeof virtualClock>) => scanServices(db, connector, clock, open);

async function zapWorld(opts: ZapSimOptions = {}, config: Record<string, unknown> = {}) {
  const clock = virtualClock();
  const sim = await startZapSimulator({ now: clock.now, ...opts });
  open.push(sim);
  const connector = new ZapConnector(zapConfig(sim, config), { credentials: { get: async () => KEY }, clock, random: () => 0.5, retry: { maxAttempts: 2, baseDelayMs: 10 } });
  open.push(connector);
  return { clock, sim, connector, ...(await world(connector, clock)) };
}

async function sfWorld(opts: SpiderFootSimOptions = {}) {
  const clock = virtualClock();
  const sim = await startSpiderFootSimulator({ now: clock.now, seedRecorded: false, ...opts });
  open.push(sim);
  const connector = new SpiderFootConnector(spiderFootConfig(sim), { credentials: staticCredentials('admin', 'unused'), clock, random: () => 0.5, retry: { maxAttempts: 2, baseDelayMs: 10 } });
  open.push(connector);
  return { clock, sim, connector, ...(await world(connector, clock)) };
}

/** Moves the virtual clock on and runs the poller until the scan is over (or `until` holds). */
async function pollUntil(w: { clock: ReturnType<typeof virtualClock>; scans: ScansService }, id: number, until = (s: ReturnType<ScansService['detail']>['scan']) => ['finished', 'stopped', 'failed'].includes(s.status), stepMs = 5000) {
  const seen: ReturnType<ScansService['detail']>['scan'][] = [];
  for (let i = 0; i < 500; i++) {
    w.clock.advance(stepMs);
    await w.scans.tick();
    const s = w.scans.detail(id).scan;
    seen.push(s);
    if (until(s)) return seen;
  }
  throw new Error(`scan ${id} never got there: ${JSON.stringify(seen.at(-1))}`);
}

const zapScan = (target: string, extra: Partial<ScanStartRequest> = {}): ScanStartRequest => ({
  connector_id: 'zap-test',
  target,
  options: { tool: 'zap', spider: true, activeScan: true, subtreeOnly: true, maxChildren: 0, scanPolicyName: '' },
  ...extra,
});

describe('scans on ZAP (simulator)', () => {
  it('spiders, active-scans, drains the passive backlog, then imports every alert as a finding', async () => {
    const w = await zapWorld();
    const started = await w.scans.start(zapScan('http://shop.example.test/'), 'ana');
    expect(started).toMatchObject({ status: 'running', phase: 'spider', tool: 'zap', stalled_since: null });
    const seen = await pollUntil(w, started.id);
    const phases = [...new Set(seen.map((s) => s.phase))];
    expect(phases).toEqual(expect.arrayContaining(['spider', 'ascan', 'passive']));
    const progress = seen.map((s) => s.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes back
    expect(seen.some((s) => s.eta_ms !== null && s.eta_ms > 0)).toBe(true);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'finished', progress: 100, error: null });
    const all = w.findings.list({}, 5000, 0);
    expect(all.total).toBeGreaterThan(0);
    expect(done.imported).toBe(all.total);
    expect(new Set(all.items.map((f) => f.source))).toEqual(new Set(['zap']));
    // the alert detail's list: open high and critical findings of the host, most severe first
    const exposed = w.findings.forHosts(['shop.example.test', '10.9.9.9'], 200);
    expect(exposed.length).toBe(all.items.filter((f) => f.severity === 'high' || f.severity === 'critical').length);
    expect(exposed.every((f) => f.status === 'open' && f.host === 'shop.example.test')).toBe(true);
    const open = w.scans.summary().open;
    expect(Object.values(open).reduce((a, b) => a + b, 0)).toBe(all.total);
    expect(open.high).toBe(all.items.filter((f) => f.severity === 'high').length);
    // the alerts ZAP holds = the findings (each alert's key is its identity)
    expect(all.total).toBe(w.sim.zap.alerts.filter((a) => a.url.startsWith('http://shop.example.test/')).length);
    const log = w.scans.detail(started.id).log.map((l) => l.message);
    expect(log.some((m) => /passive scan backlog/.test(m))).toBe(true);
    expect(log.at(-1)).toMatch(/^finished: \d+ findings imported/);
  });

  it('flags a scan whose progress stops moving as stalled, with when, and keeps polling it', async () => {
    const w = await zapWorld({ stall: { ascan: 37 } });
    const s = await w.scans.start(zapScan('http://stuck.example.test/', { stall_minutes: 3 }), 'ana');
    const seen = await pollUntil(w, s.id, (x) => x.stalled_since !== null);
    const stalled = seen.at(-1)!;
    expect(stalled.status).toBe('running');
    expect(stalled.phase).toBe('ascan');
    expect(stalled.eta_ms).toBeNull(); // no estimate for a scan that does not move
    expect(Date.parse(stalled.progress_at) + 3 * 60_000).toBeLessThanOrEqual(w.clock.now());
    const warns = w.scans.detail(s.id).log.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.message).toMatch(/^no progress since .*active scan 37%/);
    expect(w.scans.summary().scans).toEqual({ running: 1, stalled: 1, failed_24h: 0, erroring: 0 });
    // stopping it imports what ZAP found so far, and says stopped
    const stopped = await w.scans.stopScan(s.id, 'ana');
    expect(stopped.status).toBe('stopped');
    expect(stopped.stalled_since).toBeNull();
  });

  it('shows ZAP refusals to the analyst: a wrong key fails the start with the reason', async () => {
    const w = await zapWorld({ reportPermErrors: true });
    const other = new ZapConnector(zapConfig(w.sim), { credentials: { get: async () => 'wrong' }, clock: w.clock, random: () => 0.5, retry: { maxAttempts: 1 } });
    open.push(other);
    const bad = services(w.db, other, w.clock);
    await expect(bad.scans.start(zapScan('http://shop.example.test/'), 'ana')).rejects.toThrow(/did not start the scan: .*(key|bad_api_key)/i);
    await expect(w.scans.start(zapScan('ftp://shop.example.test/'), 'ana')).rejects.toThrow(/ZAP scans http and https URLs/);
    expect(w.scans.list({ limit: 10 })).toHaveLength(0);
  });

  it('a poll that fails is shown on the scan, backed off, and the scan goes on once the tool answers', async () => {
    const w = await zapWorld();
    const s = await w.scans.start(zapScan('http://shop.example.test/'), 'ana');
    w.sim.server.faults.inject({ kind: 'status', reply: { status: 503, body: 'Service Unavailable', headers: {} }, times: 2, path: '/JSON/spider/view/status' });
    w.clock.advance(5000);
    await w.scans.tick();
    const failed = w.scans.detail(s.id);
    expect(failed.scan.status).toBe('running');
    expect(failed.scan.error).toMatch(/503/);
    expect(failed.log.at(-1)).toMatchObject({ level: 'error' });
    const done = (await pollUntil(w, s.id)).at(-1)!;
    expect(done).toMatchObject({ status: 'finished', error: null });
  });

  it('an import cut off mid-way resumes at the last committed page: nothing lost, nothing twice', async () => {
    const w = await zapWorld({}, { alertPageSize: 3 });
    const client = w.connector.client;
    const real = client.alertsPage.bind(client);
    let calls = 0;
    client.alertsPage = async (...args) => {
      if (++calls === 3) throw new Error('socket hang up (dropped mid-import)');
      return real(...args);
    };
    const s = await w.scans.start(zapScan('http://shop.example.test/'), 'ana');
    const mid = (await pollUntil(w, s.id, (x) => x.status === 'importing' && x.error !== null)).at(-1)!;
    expect(mid.imported).toBe(6); // two pages committed before the drop
    const row = w.repo.get(s.id)!;
    expect(row.import_cursor).toEqual({ start: 7 });
    // a new process on the same database resumes the import
    const again = services(w.db, w.connector, w.clock);
    for (let i = 0; i < 20 && again.scans.detail(s.id).scan.status === 'importing'; i++) {
      w.clock.advance(60_000);
      await again.scans.tick();
    }
    const done = again.scans.detail(s.id).scan;
    expect(done.status).toBe('finished');
    const total = w.findings.list({}, 5000, 0).total;
    expect(total).toBe(w.sim.zap.alerts.length);
    expect(done.imported).toBe(total);
    expect(w.db.prepare('SELECT count(*) AS n FROM finding_scans WHERE scan_id = ?').get(s.id)).toEqual({ n: total });
  });

  it('a false positive stays one on the next run; findings gone from a complete run become fixed', async () => {
    const w = await zapWorld();
    const first = await w.scans.start(zapScan('http://shop.example.test/'), 'ana');
    await pollUntil(w, first.id);
    // passive alerts (raised once per page of the session), so the second run cannot raise them again
    const passive = w.findings.list({ text: 'Content Security Policy' }, 2, 0).items;
    const [fp, gone] = passive;
    expect(gone).toBeDefined();
    expect(w.findings.setStatus([fp!.id], 'false_positive', 'the header is set by the CDN', 'ana')).toEqual({ updated: 1 });
    // the second run no longer sees one alert (as if the page had been fixed)
    const before = w.sim.zap.alerts.length;
    w.sim.zap.alerts.splice(0, w.sim.zap.alerts.length, ...w.sim.zap.alerts.filter((a) => !(a.url === gone!.url && a.name === gone!.title)));
    expect(w.sim.zap.alerts.length).toBe(before - 1);
    const second = await w.scans.start(zapScan('http://shop.example.test/'), 'ana');
    await pollUntil(w, second.id);
    expect(w.findings.detail(fp!.id).finding.status).toBe('false_positive');
    const history = w.findings.detail(fp!.id).history;
    expect(history.map((h) => h.action)).toEqual(['finding.status']);
    expect(history[0]!.details).toMatchObject({ from: 'open', to: 'false_positive', note: 'the header is set by the CDN' });
    expect(w.findings.detail(gone!.id).finding.status).toBe('fixed');
    expect(w.findings.detail(gone!.id).history.map((h) => h.action)).toEqual(['finding.fixed']);
    // the diff of the two runs: nothing new, the gone one, the rest still there
    const diff = w.scans.diff(second.id, 500);
    expect(diff.previous_id).toBe(first.id);
    expect(diff.gone.items.map((f) => f.id)).toEqual([gone!.id]);
    expect(diff.new.total).toBe(0);
    expect(diff.still.total).toBe(w.findings.list({}, 5000, 0).total - 1);
    expect(w.scans.diff(first.id, 500)).toMatchObject({ previous_id: null, gone: { total: 0 }, still: { total: 0 } });
  });
});

describe('scans on SpiderFoot (simulator)', () => {
  it('follows a scan by status and event count (no percentage), then imports events and correlations', async () => {
    const w = await sfWorld({ durationMs: 60_000 });
    const s = await w.scans.start({ connector_id: 'sf-test', target: 'example.com', options: { tool: 'spiderfoot', useCase: 'passive', modules: [], types: [] } }, 'ana');
    expect(s.tool_ids.scan).toMatch(/\w+/);
    const seen = await pollUntil(w, s.id);
    expect(seen.every((x) => x.progress === null || x.status !== 'running')).toBe(true);
    expect(seen.some((x) => /events?/.test(x.progress_note ?? ''))).toBe(true);
    const done = seen.at(-1)!;
    expect(done.status).toBe('finished');
    const all = w.findings.list({ source: ['spiderfoot'] }, 5000, 0);
    expect(all.total).toBeGreaterThan(0);
    expect(done.imported).toBe(all.total);
  });

  it('a SpiderFoot scan that stalls is flagged; stopping it aborts it on the server and imports what it found', async () => {
    const w = await sfWorld({ stall: true });
    const s = await w.scans.start({ connector_id: 'sf-test', target: 'example.com', options: { tool: 'spiderfoot', useCase: 'passive', modules: [], types: [] } }, 'ana');
    const stalled = (await pollUntil(w, s.id, (x) => x.stalled_since !== null)).at(-1)!;
    expect(stalled.status).toBe('running');
    await w.scans.stopScan(s.id, 'ana');
    const done = (await pollUntil(w, s.id)).at(-1)!;
    expect(done.status).toBe('stopped');
  });
});
