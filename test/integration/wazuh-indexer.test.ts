import { afterEach, describe, expect, it } from 'vitest';
import { staticCredentials } from '../../main/connectors/types.js';
import { IndexerCursor, WazuhIndexerConnector, type AlertHit, type PullOptions, type WazuhIndexerClient } from '../../main/connectors/wazuh/indexer.js';
import { rejection } from '../simulators/wazuh/assert.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { indexerConfig } from '../simulators/wazuh/configs.js';
import { makeAlertKeys, startWazuhSimulator, type Fault, type WazuhSimulator, type WazuhSimulatorOptions } from '../simulators/wazuh/index.js';

let sim: WazuhSimulator | undefined;
const open: WazuhIndexerConnector[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});

async function setup(opts: WazuhSimulatorOptions = {}, cfg: Parameters<typeof indexerConfig>[1] = {}, password = 'admin') {
  const clock = virtualClock();
  sim = await startWazuhSimulator({ now: clock.now, ...opts });
  const s = sim;
  const connect = (extra: Parameters<typeof indexerConfig>[1] = {}) => {
    const c = new WazuhIndexerConnector(indexerConfig(s, { ...cfg, ...extra }), { credentials: staticCredentials('admin', password), clock, random: () => 0.5 });
    open.push(c);
    return c;
  };
  const connector = connect();
  return { sim: s, clock, connector, client: connector.client, connect };
}

/** Runs a pull to its end like a driver: every hit kept by _id, the cursor "committed" per page. */
async function drain(client: WazuhIndexerClient, opts: PullOptions = {}, onPage?: (n: number) => void) {
  const ids: string[] = [];
  const hits: AlertHit[] = [];
  let cursor = opts.cursor ?? null;
  let pages = 0;
  for await (const page of client.pull(opts)) {
    pages++;
    hits.push(...page.hits);
    ids.push(...page.hits.map((h) => h._id));
    // what a driver stores with the rows: plain JSON, read back after a restart
    cursor = IndexerCursor.parse(JSON.parse(JSON.stringify(page.cursor)));
    onPage?.(pages);
  }
  return { ids, hits, cursor, pages };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('Wazuh indexer connector', () => {
  it('test() recognises OpenSearch and counts the alerts in the back-fill window', async () => {
    const { connector } = await setup({ alerts: 1234 });
    const r = await connector.test();
    expect(r).toMatchObject({ ok: true, product: 'Wazuh indexer', version: '2.19.1', details: { cluster: 'wazuh-cluster', 'alerts in the last 24 h': '1234' } });
  });

  it('test() names a wrong password, and a server that is not OpenSearch', async () => {
    const { connector } = await setup({}, {}, 'wrong');
    const r = await connector.test();
    expect(!r.ok && r.failure.kind).toBe('auth_failed');
    await sim!.close();
    const es = await setup({ indexer: { distribution: 'elasticsearch', version: '8.13.0' } });
    const r2 = await es.connector.test();
    expect(!r2.ok && r2.failure.kind).toBe('wrong_product');
  });

  it('health follows the cluster colour', async () => {
    for (const [colour, status] of [
      ['green', 'ok'],
      ['yellow', 'degraded'],
      ['red', 'down'],
    ] as const) {
      const { connector } = await setup({ indexer: { clusterStatus: colour } });
      const h = await connector.health();
      expect(h.status).toBe(status);
      expect(h.version).toBe('2.19.1');
      await sim!.close();
      sim = undefined;
    }
  });
});

describe('Wazuh indexer alert pull', () => {
  it('pulls every alert once, in (timestamp, _id) order, inside a point in time it then closes', async () => {
    const { sim, client } = await setup({ alerts: 5000 });
    const r = await drain(client, { pageSize: 500 });
    expect(r.ids).toHaveLength(5000);
    expect(new Set(r.ids).size).toBe(5000);
    expect(sorted(r.ids)).toEqual(sorted(sim.indexer.allIds()));
    for (let i = 1; i < r.hits.length; i++) {
      const [a, b] = [r.hits[i - 1]!.sort, r.hits[i]!.sort];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
    }
    expect(r.pages).toBe(10);
    expect(r.hits[0]!._index).toMatch(/^wazuh-alerts-4\.x-\d{4}\.\d{2}\.\d{2}$/);
    expect(r.hits[0]!._source).toHaveProperty('rule.level');
    expect(sim.indexer.openPits).toBe(0);
  });

  it('pages that split alerts sharing a millisecond lose none (the _id tie-breaker)', async () => {
    const { sim, client } = await setup({ alerts: 301 });
    const r = await drain(client, { pageSize: 7 });
    expect(sorted(r.ids)).toEqual(sorted(sim.indexer.allIds()));
    expect(new Set(r.ids).size).toBe(301);
    const perMs = new Map<number, number>();
    for (const h of r.hits) perMs.set(h.sort[0], (perMs.get(h.sort[0]) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeGreaterThan(1);
  });

  it('falls back to plain search_after when the server has no point in time API', async () => {
    const { sim, client } = await setup({ alerts: 1200, indexer: { pit: false } });
    const pits: boolean[] = [];
    const ids: string[] = [];
    for await (const page of client.pull({ pageSize: 250 })) {
      pits.push(page.pit);
      ids.push(...page.hits.map((h) => h._id));
    }
    expect(pits.every((p) => p === false)).toBe(true);
    expect(sorted(ids)).toEqual(sorted(sim.indexer.allIds()));
  });

  it('goes through 5xx, resets, truncated bodies, 429 and a timeout without losing or repeating an alert', async () => {
    const { sim, client } = await setup({ alerts: 3000 }, { timeouts: { connectMs: 1000, headersMs: 400, bodyMs: 400 } });
    const f = sim.indexerServer.faults;
    const unavailable = { status: 503, body: { error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' }, status: 503 } };
    const rejected = { status: 429, headers: { 'retry-after': '2' }, body: { error: { type: 'rejected_execution_exception', reason: 'rejected execution' }, status: 429 } };
    // one or two faults in front of each page request (a page survives up to 3 in a row)
    const plan: Fault[][] = [
      [{ kind: 'status', reply: unavailable, times: 2 }],
      [{ kind: 'truncate', times: 1 }],
      [{ kind: 'reset', times: 1 }, { kind: 'truncate', times: 1 }],
      [{ kind: 'status', reply: rejected, times: 1 }],
      [{ kind: 'timeout', times: 1 }],
    ];
    const arm = (n: number) => plan[n]?.forEach((fault) => f.inject({ ...fault, path: '/_search' }));
    arm(0);
    const r = await drain(client, { pageSize: 400 }, arm);
    expect(f.pending).toBe(0);
    expect(f.served).toMatchObject({ '503': 2, truncate: 2, reset: 1, '429': 1, timeout: 1 });
    expect(r.ids).toHaveLength(3000);
    expect(sorted(r.ids)).toEqual(sorted(sim.indexer.allIds()));
  });

  it('after a crash mid-pull, resuming from the committed cursor in a new client gives the rest exactly', async () => {
    const { sim, client, connect } = await setup({ alerts: 2000 });
    const committed: string[] = [];
    let cursor: IndexerCursor | null = null;
    let pages = 0;
    const err = await rejection(
      (async () => {
        for await (const page of client.pull({ pageSize: 300 })) {
          committed.push(...page.hits.map((h) => h._id));
          cursor = IndexerCursor.parse(JSON.parse(JSON.stringify(page.cursor)));
          if (++pages === 3) sim.indexerServer.faults.inject({ kind: 'status', reply: { status: 502, body: 'Bad Gateway' }, times: 50, path: '/_search' });
        }
      })(),
    );
    expect(err.kind).toBe('http_error');
    expect(committed).toHaveLength(900);
    sim.indexerServer.faults.clear();
    const restarted = connect().client;
    const rest = await drain(restarted, { cursor });
    expect(rest.hits.some((h) => h.replayed)).toBe(false);
    const all = [...committed, ...rest.ids];
    expect(all).toHaveLength(2000);
    expect(sorted(all)).toEqual(sorted(sim.indexer.allIds()));
  });

  it('a 401 mid-pull (password changed) stops the pull as auth_failed; resuming after the fix loses nothing', async () => {
    const { sim, client, connect } = await setup({ alerts: 900 });
    const committed: string[] = [];
    let cursor: IndexerCursor | null = null;
    const unauthorized = { status: 401, headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"' }, body: 'Unauthorized' };
    const err = await rejection(
      (async () => {
        for await (const page of client.pull({ pageSize: 200 })) {
          committed.push(...page.hits.map((h) => h._id));
          cursor = page.cursor;
          if (committed.length === 400) sim.indexerServer.faults.inject({ kind: 'status', reply: unauthorized, times: 1, path: '/_search' });
        }
      })(),
    );
    expect(err.kind).toBe('auth_failed');
    const rest = await drain(connect().client, { cursor });
    expect(sorted([...committed, ...rest.ids])).toEqual(sorted(sim.indexer.allIds()));
  });

  it('reopens an expired point in time and carries on from the last hit', async () => {
    const { sim, client } = await setup({ alerts: 1000 });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.pull({ pageSize: 100 })) {
      ids.push(...page.hits.map((h) => h._id));
      if (++pages === 4) sim.indexer.expireAllPits();
    }
    expect(sorted(ids)).toEqual(sorted(sim.indexer.allIds()));
    expect(sim.indexer.openPits).toBe(0);
  });

  it('bounds every pull: the back-fill window on first start, now minus settle time at the top', async () => {
    const clock = virtualClock();
    const now = clock.now();
    sim = await startWazuhSimulator({ now: clock.now });
    const old = makeAlertKeys(50, now - 72 * 3_600_000, now - 30 * 3_600_000, 11, 0);
    const recent = makeAlertKeys(80, now - 20 * 3_600_000, now - 60_000, 12, 1000);
    const fresh = makeAlertKeys(10, now - 2_000, now - 1, 13, 2000);
    sim.indexer.add([...old, ...recent, ...fresh]);
    const c = new WazuhIndexerConnector(indexerConfig(sim, { backfillHours: 24 }), { credentials: staticCredentials('admin', 'admin'), clock });
    open.push(c);
    const first = await drain(c.client);
    expect(sorted(first.ids)).toEqual(sorted(recent.map((k) => k.id)));
    clock.advance(10_000);
    const next = await drain(c.client, { cursor: first.cursor });
    expect(sorted(next.ids)).toEqual(sorted(fresh.map((k) => k.id)));
  });

  it('alerts indexed during a pull (newer than its upper bound) come in the next pull, once', async () => {
    const { sim, clock, client } = await setup({ alerts: 600 });
    const ids: string[] = [];
    let cursor: IndexerCursor | null = null;
    const now = clock.now();
    const fresh = makeAlertKeys(40, now - 4_000, now - 1, 99, 10_000); // inside the 5 s settle time
    for await (const page of client.pull({ pageSize: 100 })) {
      ids.push(...page.hits.map((h) => h._id));
      cursor = page.cursor;
      if (ids.length === 100) sim.indexer.add(fresh);
    }
    expect(ids).toHaveLength(600);
    clock.advance(10_000);
    const next = await drain(client, { cursor });
    expect(sorted(next.ids)).toEqual(sorted(fresh.map((k) => k.id)));
    const all = [...ids, ...next.ids];
    expect(new Set(all).size).toBe(all.length);
    expect(sorted(all)).toEqual(sorted(sim.indexer.allIds()));
  });

  it('late arrivals before the cursor come back with an overlap window, marked replayed', async () => {
    const { sim, clock, client } = await setup({ alerts: 400 });
    const first = await drain(client, { pageSize: 100 });
    const c = first.cursor!;
    // indexed late: timestamps 30 s .. 1 s before the committed cursor
    const late = makeAlertKeys(12, c.sort[0] - 30_000, c.sort[0] - 1_000, 5, 50_000);
    sim.indexer.add(late);
    clock.advance(1000);
    const strict = await drain(client, { cursor: c });
    expect(strict.ids).toEqual([]); // strictly after the cursor: the late ones are behind it
    const overlap = await drain(client, { cursor: c, overlapMs: 60_000 });
    const stored = new Set(first.ids);
    const fresh = overlap.hits.filter((h) => !stored.has(h._id));
    expect(sorted(fresh.map((h) => h._id))).toEqual(sorted(late.map((k) => k.id)));
    expect(overlap.hits.every((h) => h.replayed)).toBe(true);
    expect(overlap.hits.filter((h) => stored.has(h._id)).length).toBeGreaterThan(0);
  });

  it('a cluster that forbids sorting on _id gets an error that says which setting to change', async () => {
    const { client } = await setup({ alerts: 10, indexer: { idFieldData: false } });
    const err = await rejection(drain(client));
    expect(err.failure).toMatchObject({ kind: 'http_error', status: 400, remediation: expect.stringMatching(/indices\.id_field_data\.enabled/) });
  });

  it('refuses a malformed cursor instead of starting over', async () => {
    const { client } = await setup({ alerts: 10 });
    await expect(drain(client, { cursor: { v: 1, sort: ['x', 1] } as unknown as IndexerCursor })).rejects.toThrow();
  });
});
