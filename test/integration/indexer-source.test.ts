import { afterEach, describe, expect, it } from 'vitest';
import type { WazuhIndexerConfig } from '../../main/contract/connectors.js';
import type { EventPayload, LiveSource } from '../../main/contract/index.js';
import type { App } from '../../main/core/app.js';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import type { IndexerConnectors } from '../../main/core/sources.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { WazuhIndexerConnector } from '../../main/connectors/wazuh/indexer.js';
import { indexerSourceId } from '../../main/pipeline/sources/indexer.js';
import { virtualClock } from '../simulators/wazuh/clock.js';
import { indexerConfig } from '../simulators/wazuh/configs.js';
import { makeAlertKeys, startWazuhSimulator, type Fault, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

const ctx = { actor: 'ana', transport: 'test' as const };
const SOURCE = indexerSourceId('wazuh-indexer-test');

let sim: WazuhSimulator | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await sim?.close();
  sim = undefined;
});

/**
 * The indexer connectors as the connectors service hands them to the sources: one configuration,
 * its live client (rebuilt when the configuration changes), change listeners.
 */
function connectorsOf(first: WazuhIndexerConfig, clock: ReturnType<typeof virtualClock>) {
  let config = first;
  const listeners = new Set<() => void>();
  const open: WazuhIndexerConnector[] = [];
  const connector = (config: WazuhIndexerConfig) => {
    const c = new WazuhIndexerConnector(config, { credentials: staticCredentials('admin', 'admin'), clock, random: () => 0.5 });
    open.push(c);
    return c;
  };
  let live = connector(config);
  cleanup.push(async () => {
    await Promise.all(open.map((c) => c.close()));
  });
  const api: IndexerConnectors & { update(next: WazuhIndexerConfig): void; disable(): void } = {
    enabledIndexers: () => (config.enabled ? [config] : []),
    indexerClientFor: () => live.client,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    update(next) {
      config = next;
      live = connector(next);
      for (const l of listeners) l();
    },
    disable() {
      config = { ...config, enabled: false };
      for (const l of listeners) l();
    },
  };
  return api;
}

async function setup(alerts: number, pageSize = 500) {
  const clock = virtualClock();
  sim = await startWazuhSimulator({ alerts, now: clock.now, seed: 5 });
  const s = sim;
  const connectors = connectorsOf(indexerConfig(s, { pageSize, timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 2000 } }), clock);
  const dir = tempDir();
  const apps: App[] = [];
  const start = async () => {
    const app = await testApp(dir, { indexers: connectors, sources: { backoff: { initialMs: 50, maxMs: 400 }, indexerPollMs: 100 } });
    apps.push(app);
    cleanup.push(() => app.close());
    return app;
  };
  return { sim: s, connectors, clock, start, dir };
}

function storedIds(app: App): { ids: string[]; rows: number } {
  const rows = app.services.db.prepare('SELECT record_id FROM events WHERE source_id = ?').all(SOURCE) as { record_id: string }[];
  return { ids: rows.map((r) => r.record_id).sort(), rows: rows.length };
}

async function source(app: App): Promise<LiveSource> {
  const r = await dispatch(app.handlers, 'sources.list', {}, ctx, silentLogger);
  if (!r.ok) throw new Error(r.error.message);
  return (r.result as LiveSource[]).find((x) => x.id === SOURCE)!;
}

const sorted = (xs: string[]) => [...xs].sort();

describe('the Wazuh indexer as a source', () => {
  it('back-fills the window on first start, then reads new and late-indexed alerts; every alert stored once, across restarts', async () => {
    const { sim, start } = await setup(3000);
    const app = await start();
    await until(() => storedIds(app).rows === 3000, 60_000, 'the back-fill');
    expect(storedIds(app).ids).toEqual(sorted(sim.indexer.allIds()));
    const src = await until(async () => {
      const x = await source(app);
      return x.live?.state === 'caught_up' ? x : null;
    });
    expect(src).toMatchObject({ kind: 'indexer', format: 'wazuh', lines_read: 3000, events: 3000, quarantined: 0 });
    // the cursor is the last hit's sort values, committed with its rows
    const last = sim.indexer.allIds().at(-1)!;
    expect(src.cursor).toMatchObject({ v: 1, sort: [expect.any(Number), last] });
    expect(app.services.alerts.count()).toBeGreaterThan(0);

    // new alerts, and alerts indexed late (their time is before the cursor, inside the overlap)
    const cursorMs = (src.cursor as { sort: [number, string] }).sort[0];
    sim.indexer.add(makeAlertKeys(200, Date.now() - 30_000, Date.now() - 10_000, 21, 10_000));
    sim.indexer.add(makeAlertKeys(50, cursorMs - 30_000, cursorMs - 1_000, 22, 20_000));
    await until(() => storedIds(app).rows === 3250, 60_000, 'the new and late alerts');
    expect(storedIds(app).ids).toEqual(sorted(sim.indexer.allIds()));
    await app.close();

    // a restart resumes from the committed cursor: the overlap is read again, nothing is stored twice
    const again = await start();
    await until(async () => (await source(again)).live?.state === 'caught_up');
    await new Promise((r) => setTimeout(r, 500)); // a few more polls, each reading the overlap again
    expect(storedIds(again).rows).toBe(3250);
    expect((await source(again)).lines_read).toBe(3250);
  }, 180_000);

  it('every fault of the simulator is shown (backing off, with the error) and recovered from without losing or repeating an alert', async () => {
    const { sim, connectors, start } = await setup(4000, 200);
    const f = sim.indexerServer.faults;
    const app = await start();
    const states: EventPayload<'sources.state'>[] = [];
    app.services.bus.on('sources.state', (p) => {
      if (p.id === SOURCE) states.push(p);
    });
    const unauthorized = { status: 401, headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"' }, body: 'Unauthorized' };
    const rejected = { status: 429, headers: { 'retry-after': '1' }, body: { error: { type: 'rejected_execution_exception', reason: 'rejected execution' }, status: 429 } };
    const unavailable = { status: 503, body: { error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' }, status: 503 } };
    const faults: [string, Fault, RegExp][] = [
      ['401 mid-pull', { kind: 'status', reply: unauthorized, times: 1000, path: '/_search' }, /rejected user "admin" or its password \(HTTP 401\)/],
      ['429', { kind: 'status', reply: rejected, times: 1000, path: '/_search' }, /overloaded \(HTTP 429\)/],
      ['5xx', { kind: 'status', reply: unavailable, times: 1000, path: '/_search' }, /503/],
      ['truncated body', { kind: 'truncate', times: 1000, path: '/_search' }, /./],
    ];
    let stored = 0;
    for (const [name, fault, shown] of faults) {
      // let it read a little, then break the indexer until the analyst sees the failure
      await until(() => storedIds(app).rows > stored, 60_000, `progress before ${name}`);
      f.inject(fault);
      const failing = await until(async () => {
        const x = await source(app);
        return x.live?.state === 'backing_off' ? x : null;
      }, 60_000, `${name} to be shown`);
      expect(failing.live!.last_error, name).toMatch(shown);
      expect(Date.parse(failing.live!.retry_at!)).toBeGreaterThan(Date.parse(failing.live!.since) - 1);
      expect(states.some((p) => p.live?.state === 'backing_off' && shown.test(p.live.last_error ?? ''))).toBe(true);
      f.clear();
      await until(async () => (await source(app)).live?.state !== 'backing_off' || null, 60_000, `recovery from ${name}`);
      stored = storedIds(app).rows;
    }
    // a changed certificate: refused (the pin no longer matches) until the analyst trusts the new one
    const next = await sim.indexerServer.swapCertificate();
    const refused = await until(async () => {
      const x = await source(app);
      return x.live?.state === 'backing_off' ? x : null;
    }, 60_000, 'the certificate change to be shown');
    expect(refused.live!.last_error).toMatch(/certificate/i);
    connectors.update(indexerConfig(sim, { pageSize: 200, trust: { mode: 'pin', sha256: next.fingerprint256 } }));
    await until(() => storedIds(app).rows === 4000, 120_000, 'the rest of the alerts');
    await until(async () => (await source(app)).live?.state === 'caught_up', 30_000);
    const { ids, rows } = storedIds(app);
    expect(rows).toBe(4000);
    expect(new Set(ids).size).toBe(4000);
    expect(ids).toEqual(sorted(sim.indexer.allIds()));
    expect((await source(app)).live).toMatchObject({ last_error: null, retry_at: null });
  }, 300_000);

  it('a disabled connector stops its source (kept, with its cursor); the source cannot be removed while the connector is on', async () => {
    const { connectors, start } = await setup(600);
    const app = await start();
    await until(() => storedIds(app).rows === 600, 60_000);
    expect(await dispatch(app.handlers, 'sources.remove', { id: SOURCE }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/disable or delete the connector first/) } });
    const paused = await dispatch(app.handlers, 'sources.setEnabled', { id: SOURCE, enabled: false }, ctx, silentLogger);
    expect(paused).toMatchObject({ ok: true, result: { enabled: false, live: { state: 'paused' } } });
    await dispatch(app.handlers, 'sources.setEnabled', { id: SOURCE, enabled: true }, ctx, silentLogger);
    connectors.disable();
    await app.sources!.indexersSettled();
    const off = await source(app);
    expect(off).toMatchObject({ events: 600, cursor: { v: 1 }, lease: null });
    expect(off.live?.state).not.toBe('running');
    expect(await dispatch(app.handlers, 'sources.remove', { id: SOURCE }, ctx, silentLogger)).toMatchObject({ ok: true, result: { removed: true } });
  }, 120_000);
});
