import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ContractError, DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { HuntReader } from '../../main/hunt/reader.js';
import { runRead, snapshotReads, type HuntReadCall } from '../../main/hunt/reader-job.js';
import { HuntService } from '../../main/hunt/service.js';
import { openDatabase } from '../../main/store/db.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot, testServices } from '../helpers/services.js';

/** The built thread (npm run build:main), as the app starts it. */
const SCRIPT = path.join(repoRoot, 'dist', 'main', 'hunt', 'reader-entry.js');
/** Both threads run `script`. */
const both = (script: string) => ({ rows: script, counts: script });
const T0 = Date.parse('2026-11-21T12:00:00Z');
const ALL = { from: '2026-11-20T00:00:00Z', to: '2026-11-23T00:00:00Z' };

/** A store of the fixture's records of every type, and a few thousand flows with an alert among them. */
async function store(now: () => Date) {
  const s = await testServices(tempDir(), now);
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, now);
  const fixture = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'eve', 'records.jsonl'), 'utf8').split('\n').filter(Boolean);
  const flows = Array.from({ length: 6000 }, (_, i) =>
    JSON.stringify({
      timestamp: new Date(T0 + i * 500).toISOString().replace('Z', '000+0000'),
      flow_id: 1000 + (i % 700),
      event_type: i % 3 === 0 ? 'dns' : 'flow',
      host: `sensor-${i % 2}`,
      src_ip: `10.0.${i % 3}.${i % 50}`,
      src_port: 40000 + (i % 900),
      dest_ip: '10.9.0.53',
      dest_port: [53, 443, 80][i % 3],
      proto: 'UDP',
      ...(i % 3 === 0 ? { dns: { type: 'query', rrname: `n${i % 40}.example`, rrtype: 'A' } } : { flow: { state: 'closed' } }),
    }),
  );
  const alert = JSON.stringify({
    timestamp: new Date(T0 + 60_000).toISOString().replace('Z', '000+0000'),
    flow_id: 1005,
    event_type: 'alert',
    host: 'sensor-0',
    src_ip: '10.0.2.5',
    src_port: 40005,
    dest_ip: '10.9.0.53',
    dest_port: 53,
    proto: 'UDP',
    alert: { signature_id: 2000001, severity: 1, signature: 'ET TEST lookup', category: 'Misc activity' },
  });
  const lines = [...fixture, ...flows, alert];
  pipeline.process('import:test', lines.map((raw, i) => ({ raw, format: 'eve', position: { file: 'eve.json', line: i + 1, offset: null } })));
  return s;
}

describe('the hunt reader answers the record store reads in its own thread', () => {
  it('gives exactly what the hunt service gives on the main thread, for every read, with the caller’s clock', async () => {
    let nowMs = T0 + 3_600_000;
    const now = () => new Date(nowMs);
    const s = await store(now);
    const failed = vi.fn();
    const reader = new HuntReader(s.dbPath, s.hunt, now, failed, both(SCRIPT));
    const main = s.hunt;
    const alertId = (s.db.prepare('SELECT id FROM alerts LIMIT 1').get() as { id: number }).id;
    const first = main.query('', ALL, 50, undefined);
    const host = '10.0.2.5';
    const same = async (got: Promise<unknown>, want: unknown) => expect(await got).toEqual(want);
    await same(reader.read('query', '', ALL, 50, undefined), first);
    await same(reader.read('query', 'event_type:dns', ALL, 20, first.next ?? undefined), main.query('event_type:dns', ALL, 20, first.next ?? undefined));
    await same(reader.read('histogram', '', ALL, 48), main.histogram('', ALL, 48));
    for (const q of ['| groupby src_ip dst_port', '| groupby src_port', '| groupby flow_id', 'event_type:dns | groupby dns.rrname']) await same(reader.read('groupBy', q, ALL, undefined, 10), main.groupBy(q, ALL, undefined, 10));
    await same(reader.read('groupBy', '', ALL, ['sensor', 'dst_port'], 5), main.groupBy('', ALL, ['sensor', 'dst_port'], 5));
    await same(reader.read('get', first.rows[3]!.id), main.get(first.rows[3]!.id));
    await same(reader.read('evidence', alertId, 300, 50), main.evidence(alertId, 300, 50));
    await same(reader.read('hosts', { sort: 'records', limit: 20 }), main.hosts({ sort: 'records', limit: 20 }));
    await same(reader.read('hostDetail', host, 5), main.hostDetail(host, 5));
    // a range left open is the last 24 hours up to the caller's now, not the thread's
    const lastDay = await reader.read('groupBy', '| groupby event_type', {}, undefined, 10);
    expect(lastDay.total).toBeGreaterThan(6000);
    expect(lastDay).toEqual(main.groupBy('| groupby event_type', {}, undefined, 10));
    nowMs = T0 + 3 * 86_400_000;
    expect((await reader.read('groupBy', '| groupby event_type', {}, undefined, 10)).total).toBe(0);
    expect(failed).not.toHaveBeenCalled();
    expect(reader.failed).toBeNull();
    await reader.close();
    await s.close();
  });

  it('leaves the main thread free while it reads', async () => {
    const s = await store(() => new Date(T0));
    /** Whether the main thread ran something else before the answer came. */
    const freeWhileReading = async (r: HuntReader) => {
      let ran = false;
      setImmediate(() => (ran = true));
      await r.read('groupBy', '| groupby src_ip dst_port', ALL, undefined, 100);
      return ran;
    };
    const reader = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), () => {}, both(SCRIPT));
    await reader.read('groupBy', '| groupby sensor', ALL, undefined, 1);
    expect(await freeWhileReading(reader)).toBe(true);
    // the same read on the main thread answers before anything else runs
    const onMain = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), () => {}, both(path.join(tempDir(), 'no-such-entry.js')));
    await onMain.read('groupBy', '| groupby sensor', ALL, undefined, 1);
    expect(onMain.failed).not.toBeNull();
    expect(await freeWhileReading(onMain)).toBe(false);
    await reader.close();
    await s.close();
  });

  it('answers pages, records, evidence and hosts while a count is still running', async () => {
    const s = await store(() => new Date(T0));
    // a counting thread that never answers: a group-by of a week, say
    const reader = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), () => {}, { rows: SCRIPT, counts: path.join(repoRoot, 'test', 'helpers', 'silent-worker.mjs') });
    let counted = false;
    const count = reader.read('groupBy', '| groupby src_ip dst_port', ALL, undefined, 10).then((g) => ((counted = true), g));
    const page = await reader.read('query', '', ALL, 20, undefined);
    expect(page).toEqual(s.hunt.query('', ALL, 20, undefined));
    expect(await reader.read('get', page.rows[0]!.id)).toEqual(s.hunt.get(page.rows[0]!.id));
    expect(await reader.read('hosts', { sort: 'records', limit: 5 })).toEqual(s.hunt.hosts({ sort: 'records', limit: 5 }));
    expect(counted).toBe(false);
    // closed (Vigil is closing): the running count and one waiting behind it are refused, not run
    // on the main thread, where each would hold up the close
    const outcome = (p: Promise<unknown>) => p.then(() => 'answered', (e: unknown) => e);
    const running = outcome(count);
    const waiting = outcome(reader.read('histogram', '', ALL, 24));
    const onMain = [vi.spyOn(s.hunt, 'groupBy'), vi.spyOn(s.hunt, 'histogram')];
    await reader.close();
    expect(await running).toMatchObject({ code: 'CONFLICT', message: 'Vigil is closing: this groupBy was not run' });
    expect(await waiting).toMatchObject({ code: 'CONFLICT', message: 'Vigil is closing: this histogram was not run' });
    for (const spy of onMain) expect(spy).not.toHaveBeenCalled();
    expect(counted).toBe(false);
    await s.close();
  });

  it('gives a refusal as the service gives it: its code and message', async () => {
    const s = await store(() => new Date(T0));
    const reader = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), () => {}, both(SCRIPT));
    const refused = (p: Promise<unknown>) => p.then(() => expect.unreachable('answered'), (e: unknown) => e);
    // refused by the thread, not read again on the main thread
    const onMain = vi.spyOn(s.hunt, 'query');
    const bad = await refused(reader.read('query', 'event_type:dns dns.rrname: src_ip:10.0.0.1', ALL, 10, undefined));
    expect(bad).toBeInstanceOf(ContractError);
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', message: 'query: expected a value after dns.rrname: at column 27' });
    expect(onMain).not.toHaveBeenCalled();
    expect(await refused(reader.read('get', 999_999_999))).toMatchObject({ code: 'NOT_FOUND' });
    expect(reader.failed).toBeNull();
    await reader.close();
    await s.close();
  });

  it('answers on the main thread when its thread cannot start, refuses once it is closed, and says why once', async () => {
    const s = await store(() => new Date(T0));
    const failed = vi.fn();
    const broken = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), failed, both(path.join(tempDir(), 'no-such-entry.js')));
    const want = s.hunt.groupBy('| groupby sensor', ALL, undefined, 10);
    expect(await broken.read('groupBy', '| groupby sensor', ALL, undefined, 10)).toEqual(want);
    expect(await broken.read('groupBy', '| groupby sensor', ALL, undefined, 10)).toEqual(want);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(broken.failed).toMatch(/no-such-entry/);
    // a thread whose database cannot be opened
    const noDb = new HuntReader(path.join(tempDir(), 'missing.db'), s.hunt, () => new Date(T0), () => {}, both(SCRIPT));
    expect(await noDb.read('groupBy', '| groupby sensor', ALL, undefined, 10)).toEqual(want);
    expect(noDb.failed).not.toBeNull();
    const closed = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), failed, both(SCRIPT));
    expect(await closed.read('groupBy', '| groupby sensor', ALL, undefined, 10)).toEqual(want);
    await closed.close();
    const spy = vi.spyOn(s.hunt, 'groupBy');
    await expect(closed.read('groupBy', '| groupby sensor', ALL, undefined, 10)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(closed.read('query', '', ALL, 10, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(spy).not.toHaveBeenCalled();
    expect(failed).toHaveBeenCalledTimes(1);
    await s.close();
  });

  it('a newer count of a console replaces its waiting one of the same kind; a running one, others\' and other kinds still answer', async () => {
    const s = await store(() => new Date(T0));
    const reader = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), () => {}, both(SCRIPT));
    const q = (field: string) => `| groupby ${field}`;
    const want = (field: string) => s.hunt.groupBy(q(field), ALL, undefined, 10);
    const settle = <T,>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));
    // asked in one go: the first runs at once, the others wait for it
    const running = settle(reader.readFor('ws:1', 'groupBy', q('sensor'), ALL, undefined, 10));
    const replaced = settle(reader.readFor('ws:1', 'groupBy', q('dst_port'), ALL, undefined, 10));
    const histogram = settle(reader.readFor('ws:1', 'histogram', '', ALL, 20));
    const otherConsole = settle(reader.readFor('ws:2', 'groupBy', q('src_ip'), ALL, undefined, 10));
    const unnamed = settle(reader.read('groupBy', q('proto'), ALL, undefined, 10));
    const newer = settle(reader.readFor('ws:1', 'groupBy', q('event_type'), ALL, undefined, 10));
    const newest = settle(reader.readFor('ws:1', 'groupBy', q('src_port'), ALL, undefined, 10));
    expect(await running).toEqual({ value: want('sensor') });
    const dropped = (await replaced) as { error: ContractError };
    expect(dropped.error).toBeInstanceOf(ContractError);
    expect(dropped.error.code).toBe('SUPERSEDED');
    expect(await newer).toMatchObject({ error: { code: 'SUPERSEDED' } });
    expect(await newest).toEqual({ value: want('src_port') });
    expect(await histogram).toEqual({ value: s.hunt.histogram('', ALL, 20) });
    expect(await otherConsole).toEqual({ value: want('src_ip') });
    expect(await unnamed).toEqual({ value: want('proto') });
    // a later count runs: nothing waits for a replaced one
    expect(await reader.readFor('ws:1', 'groupBy', q('sensor'), ALL, undefined, 10)).toEqual(want('sensor'));
    await reader.close();
    await s.close();
  });

  it('each read sees one snapshot: a batch committed between two of its statements is in neither', async () => {
    const s = await store(() => new Date(T0));
    const { db: own } = await openDatabase(s.dbPath, { readonly: true });
    const count = own.prepare('SELECT count(*) FROM records').pluck();
    // a read of two statements, with a batch written by the pipeline's connection between them
    const between = {
      get: () => {
        const before = count.get();
        s.db.prepare("INSERT INTO records (ts, type) VALUES (?, 'flow')").run(T0);
        return [before, count.get()];
      },
    } as unknown as HuntService;
    const read = snapshotReads(own, between, { nowMs: T0 });
    const reply = read({ id: 1, method: 'get', args: [1], nowMs: T0 }) as { value: [number, number] };
    expect(reply.value[1]).toBe(reply.value[0]);
    // the next read sees it
    expect((read({ id: 2, method: 'get', args: [1], nowMs: T0 }) as { value: [number, number] }).value[0]).toBe(reply.value[0] + 1);
    own.close();
    await s.close();
  });

  it('warm() starts the rows thread before any read, and only that one', async () => {
    const s = await store(() => new Date(T0));
    const failed = vi.fn();
    // the rows thread cannot start: warming says so with no read asked
    const broken = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), failed, { rows: path.join(tempDir(), 'no-such-entry.js'), counts: SCRIPT });
    broken.warm();
    await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(1));
    expect(broken.failed).toMatch(/no-such-entry/);
    await broken.close();
    // the counts thread is not started by it
    const countsBroken = vi.fn();
    const rowsOnly = new HuntReader(s.dbPath, s.hunt, () => new Date(T0), countsBroken, { rows: SCRIPT, counts: path.join(tempDir(), 'no-such-entry.js') });
    rowsOnly.warm();
    const page = vi.spyOn(s.hunt, 'query');
    expect((await rowsOnly.read('query', '', ALL, 5, undefined)).rows).toHaveLength(5);
    expect(page).not.toHaveBeenCalled(); // answered by the warmed thread
    expect(countsBroken).not.toHaveBeenCalled();
    await rowsOnly.close();
    await s.close();
  });

  it('one read: its value, a refusal as its error, anything else a failure the caller reads again itself', async () => {
    const s = await store(() => new Date(T0));
    const clock = { nowMs: 0 };
    const hunt = new HuntService(s.records, () => new Date(clock.nowMs));
    const call = (c: Omit<HuntReadCall, 'id'>) => runRead(hunt, clock, { id: 7, ...c } as HuntReadCall);
    expect(call({ method: 'groupBy', args: ['| groupby sensor', ALL, undefined, 10], nowMs: T0 })).toEqual({ id: 7, value: s.hunt.groupBy('| groupby sensor', ALL, undefined, 10) });
    expect(clock.nowMs).toBe(T0);
    expect(call({ method: 'query', args: ['nosuch:x', ALL, 10, undefined], nowMs: T0 })).toMatchObject({ id: 7, error: { code: 'BAD_REQUEST' } });
    // only the reads: a write (saving a query) is not run, whatever the caller sends
    expect(call({ method: 'saveQuery' as 'get', args: ['x', 'event_type:dns', 'analyst'] as unknown as [number], nowMs: T0 })).toEqual({ id: 7, failure: 'not a hunt read: saveQuery' });
    expect(s.hunt.savedQueries()).toEqual([]);
    vi.spyOn(s.records, 'toRows').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    expect(call({ method: 'query', args: ['', ALL, 10, undefined], nowMs: T0 })).toEqual({ id: 7, failure: 'disk I/O error' });
    await s.close();
  });
});
