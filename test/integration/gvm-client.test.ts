import { afterEach, describe, expect, it } from 'vitest';
import { GmpStatusError } from '../../main/connectors/gvm/errors.js';
import type { GmpResult, GmpTask } from '../../main/connectors/gvm/index.js';
import { NVTS } from '../simulators/gvm/catalogue.js';
import { startGvm, type GvmHarness } from '../simulators/gvm/harness.js';

/** The client against the simulator with a synced feed, over both transports. */

const NASTY = `<&"'>`;
let h: GvmHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function collect(gen: AsyncGenerator<GmpResult, unknown>): Promise<{ results: GmpResult[]; summary: unknown }> {
  const results: GmpResult[] = [];
  for (;;) {
    const n = await gen.next();
    if (n.done) return { results, summary: n.value };
    results.push(n.value);
  }
}

/** Creates a target and a task from what the server lists (no hard-coded ids). */
async function newTask(hh: GvmHarness, name = 'vigil scan'): Promise<string> {
  const [configs, portLists, scanners] = [await hh.client.listScanConfigs(), await hh.client.listPortLists(), await hh.client.listScanners()];
  const targetId = await hh.client.createTarget({ name: `${name} target`, hosts: '10.0.0.0/24', portListId: portLists.find((p) => p.name === 'All IANA assigned TCP')!.id });
  return hh.client.createTask({
    name,
    configId: configs.find((c) => c.name === 'Full and fast')!.id,
    targetId,
    scannerId: scanners.find((s) => s.name === 'OpenVAS Default')!.id,
  });
}

describe.each(['tls', 'unix'] as const)('GMP client over %s', (transport) => {
  it('reads the version, then lists configs, port lists and scanners by name', async () => {
    h = await startGvm(transport);
    expect(await h.client.getVersion()).toBe('22.7');
    expect((await h.client.listScanConfigs()).map((c) => c.name)).toEqual(['Full and fast', 'Discovery', 'empty']);
    const portLists = await h.client.listPortLists();
    expect(portLists.find((p) => p.name === 'All TCP and Nmap top 100 UDP')).toMatchObject({ id: '730ef368-57e2-11e1-a90f-406186ea4fc5', portCount: { tcp: 65535, udp: 100 } });
    expect((await h.client.listScanners()).map((s) => [s.name, s.type])).toEqual([
      ['CVE', 3],
      ['OpenVAS Default', 2],
    ]);
    // listings ask for every row, not gvmd's default page of 10
    const listing = h.sim.stats.commands.find((c) => c.name === 'get_configs')!;
    expect(listing.attrs).toMatchObject({ usage_type: 'scan', filter: 'first=1 rows=1000 sort=name' });
    expect(h.client.session).toEqual({ role: 'Admin', timezone: 'UTC' });
  });

  it('sends names, hosts and comments with <&"\'> exactly as given', async () => {
    h = await startGvm(transport);
    const pl = (await h.client.listPortLists())[0]!.id;
    const targetId = await h.client.createTarget({ name: `t ${NASTY}`, hosts: [`10.0.0.1`, `h${NASTY}`], excludeHosts: `x${NASTY}`, comment: `c ${NASTY}`, portListId: pl, aliveTests: 'Consider Alive' });
    expect(h.sim.state.targets.get(targetId)).toMatchObject({ name: `t ${NASTY}`, hosts: `10.0.0.1,h${NASTY}`, excludeHosts: `x${NASTY}`, comment: `c ${NASTY}`, aliveTests: 'Consider Alive' });
    const taskId = await h.client.createTask({ name: NASTY, comment: NASTY, configId: (await h.client.listScanConfigs())[0]!.id, targetId, scannerId: (await h.client.listScanners())[1]!.id });
    expect(h.sim.state.tasks.get(taskId)).toMatchObject({ name: NASTY, comment: NASTY });
    expect((await h.client.getTask(taskId)).name).toBe(NASTY);
  });

  it('runs a scan to Done, deciding from the status (Processing has progress -1), then imports its results', async () => {
    h = await startGvm(transport, { reportSize: 40, progressStep: 30 });
    const taskId = await newTask(h);
    const reportId = await h.client.startTask(taskId);
    const seen: GmpTask[] = [];
    const done = await h.client.waitForTask(taskId, { intervalMs: 1, onUpdate: (t) => seen.push(t) });
    expect(done).toMatchObject({ status: 'Done', state: 'done', progress: null, rawProgress: -1 });
    expect(done.lastReport!.id).toBe(reportId);
    expect(seen.map((t) => `${t.status}:${t.progress}`)).toEqual(['Queued:null', 'Running:0', 'Running:30', 'Running:60', 'Running:90', 'Processing:null', 'Done:null']);

    const gen = h.client.results(reportId);
    const { results, summary } = await collect(gen);
    // default: min_qod=70 and levels=chmlg: the QoD-30 NVT is left out, every other one is in
    const lowQod = NVTS.filter((n) => n.qod < 70).map((n) => n.oid);
    const generated = Array.from({ length: 40 }, (_, i) => NVTS[i % NVTS.length]!);
    expect(results.length).toBe(generated.filter((n) => n.qod >= 70).length);
    expect(results.length).toBeLessThan(40);
    expect(results.some((r) => lowQod.includes(r.nvt.oid))).toBe(false);
    expect(summary).toMatchObject({ reportId, yielded: results.length, invalid: 0, expected: results.length, scanRunStatus: 'Done', filter: 'apply_overrides=0 min_qod=70 levels=chmlg rows=-1 first=1 sort-reverse=severity' });
    const req = h.sim.stats.commands.filter((c) => c.name === 'get_reports').at(-1)!;
    expect(req.attrs).toEqual({ report_id: reportId, details: '1', ignore_pagination: '1', filter: 'apply_overrides=0 min_qod=70 levels=chmlg rows=-1 first=1 sort-reverse=severity' });
    const apache = results.find((r) => r.nvt.oid === '1.3.6.1.4.1.25623.1.0.150713')!;
    expect(apache).toMatchObject({ severity: 9.8, severityBucket: 'critical', port: { number: 443, protocol: 'tcp' }, nvt: { cves: ['CVE-2021-41773', 'CVE-2021-42013'], solution: { type: 'VendorFix' } } });
    expect(apache.description).toMatch(/<passwd> & "more"/);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);

    // every QoD, false positives too
    const all = await collect(h.client.results(reportId, { minQod: 0, levels: 'chmlgf' }));
    expect(all.results).toHaveLength(40);
    // only what a level filter names
    const high = await collect(h.client.results(reportId, { levels: 'ch' }));
    expect(new Set(high.results.map((r) => r.severityBucket))).toEqual(new Set(['critical', 'high']));
  });

  it('stops, resumes the same report, and deletes', async () => {
    h = await startGvm(transport, { reportSize: 5, progressStep: 10 });
    const taskId = await newTask(h);
    const reportId = await h.client.startTask(taskId);
    let t = await h.client.getTask(taskId);
    while (t.status !== 'Running' || t.progress! < 20) t = await h.client.getTask(taskId);
    await h.client.stopTask(taskId);
    const stopped = await h.client.waitForTask(taskId, { intervalMs: 1 });
    expect(stopped).toMatchObject({ status: 'Stopped', state: 'stopped' });
    expect(stopped.currentReport!.id).toBe(reportId);
    expect(await h.client.resumeTask(taskId)).toBe(reportId);
    expect((await h.client.waitForTask(taskId, { intervalMs: 1 })).status).toBe('Done');
    await h.client.deleteTask(taskId, { ultimate: true });
    expect(h.sim.stats.commands.find((c) => c.name === 'delete_task')!.attrs).toEqual({ task_id: taskId, ultimate: '1' });
    await expect(h.client.getTask(taskId)).rejects.toMatchObject({ name: 'GmpStatusError', status: 404, kind: 'not-found' });
  });

  it('queues concurrent calls: one command in flight on one connection', async () => {
    h = await startGvm(transport);
    const taskId = await newTask(h);
    const calls = await Promise.all([
      h.client.getVersion(),
      h.client.getTask(taskId),
      h.client.listScanners(),
      h.client.getTask(taskId),
      h.client.getVersion(),
      h.client.getTask('11111111-2222-3333-4444-555555555555').catch((e: unknown) => e),
    ]);
    expect(calls[0]).toBe('22.7');
    expect(calls[5]).toBeInstanceOf(GmpStatusError);
    expect(h.sim.stats.maxInFlight).toBe(1);
    expect(h.sim.stats.connections).toBe(1);
    expect(h.sim.stats.authentications).toBe(1);
  });
});

describe('GMP client without a feed (as recorded)', () => {
  it('finds no configs, and a started task ends Interrupted with progress 0', async () => {
    h = await startGvm('unix', { feed: false });
    expect(await h.client.listScanConfigs()).toEqual([]);
    expect(await h.client.listPortLists()).toEqual([]);
    await expect(h.client.createTarget({ name: 't', hosts: '127.0.0.1', portListId: '33d0cd82-57c6-11e1-8ed1-406186ea4fc5' })).rejects.toMatchObject({
      status: 404,
      statusText: "Failed to find port_list '33d0cd82-57c6-11e1-8ed1-406186ea4fc5'",
    });
  });
});
