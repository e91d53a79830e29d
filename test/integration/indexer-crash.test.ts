import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { repoRoot } from '../helpers/services.js';
import { mulberry32 } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

const SOURCE = 'indexer:crash';
const dist = (p: string) => pathToFileURL(path.join(repoRoot, 'dist', 'main', p)).href;

/**
 * A Vigil process (the built code, through createApp as vigil serve builds it) whose one source is
 * the simulator's indexer, pinned to its certificate. SIGTERM closes it cleanly.
 */
function startVigil(dataDir: string, sim: WazuhSimulator): ChildProcess {
  const script = `
    const { createApp } = await import(${JSON.stringify(dist('core/app.js'))});
    const { MemorySettingsBackend } = await import(${JSON.stringify(dist('core/settings.js'))});
    const { MemoryVault } = await import(${JSON.stringify(dist('secrets/vault.js'))});
    const { WazuhIndexerConfig } = await import(${JSON.stringify(dist('contract/connectors.js'))});
    const { WazuhIndexerConnector } = await import(${JSON.stringify(dist('connectors/wazuh/indexer.js'))});
    const { staticCredentials } = await import(${JSON.stringify(dist('connectors/types.js'))});
    const config = WazuhIndexerConfig.parse({ kind: 'wazuh-indexer', id: 'crash', name: 'crash', url: ${JSON.stringify(sim.indexerUrl)},
      username: 'admin', trust: { mode: 'pin', sha256: ${JSON.stringify(sim.indexerServer.cert!.fingerprint256)} }, pageSize: 200 });
    const connector = new WazuhIndexerConnector(config, { credentials: staticCredentials('admin', 'admin') });
    const app = await createApp({ dataDir: ${JSON.stringify(dataDir)}, resourcesDir: ${JSON.stringify(path.join(repoRoot, 'resources'))},
      mode: 'headless', appName: 'Vigil', appVersion: 't', electronVersion: null, settingsBackend: new MemorySettingsBackend(),
      processName: 'crash-test', run: true, secrets: new MemoryVault(), sources: { indexerPollMs: 200 },
      indexers: { enabledIndexers: () => [config], indexerClientFor: () => connector.client, onChange: () => () => {} } });
    process.once('SIGTERM', () => app.close().then(() => connector.close()).then(() => process.exit(0)));
    setInterval(() => {}, 1 << 30);`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function query<T>(dataDir: string, sql: string): T | null {
  const file = path.join(dataDir, 'vigil.db');
  if (!fs.existsSync(file)) return null;
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T;
  } catch {
    return null; // not migrated yet
  } finally {
    db.close();
  }
}

const stored = (dataDir: string) => query<{ n: number }[]>(dataDir, `SELECT count(*) AS n FROM events WHERE source_id = '${SOURCE}'`)?.[0]?.n ?? 0;

let sim: WazuhSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('indexer crash safety', () => {
  it('SIGKILL mid-back-fill, again and again: every alert of the index stored once, by _id', async () => {
    const N = 12_000;
    sim = await startWazuhSimulator({ alerts: N, seed: 9 });
    const dataDir = path.join(tempDir(), 'data');
    const rnd = mulberry32(20261204);
    let before = 0;
    for (let kill = 0; kill < 4; kill++) {
      const child = startVigil(dataDir, sim);
      const exited = new Promise((r) => child.once('exit', r));
      // killed once it stored a few more pages (each page is one transaction), at a random moment
      const more = 200 + Math.floor(rnd() * 1500);
      await until(() => stored(dataDir) >= Math.min(N - 1, before + more) || null, 120_000, 'progress before the kill');
      await new Promise((r) => setTimeout(r, rnd() * 300));
      child.kill('SIGKILL');
      await exited;
      before = stored(dataDir);
      if (before >= N) break;
    }
    expect(before).toBeLessThan(N); // the kills came mid-back-fill

    const last = startVigil(dataDir, sim);
    const exited = new Promise((r) => last.once('exit', r));
    await until(() => stored(dataDir) >= N || null, 180_000, 'the back-fill to finish');
    await new Promise((r) => setTimeout(r, 1000)); // a few more polls read the overlap again
    last.kill('SIGTERM');
    await exited;

    const ids = query<{ record_id: string }[]>(dataDir, `SELECT record_id FROM events WHERE source_id = '${SOURCE}'`)!.map((r) => r.record_id);
    expect(ids).toHaveLength(N); // none duplicated
    expect(ids.sort()).toEqual(sim.indexer.allIds().sort()); // none lost
    // every alert counted once: occurrences folded into alerts match the stored events that made them
    const [linked] = query<{ n: number }[]>(dataDir, `SELECT count(*) AS n FROM events WHERE source_id = '${SOURCE}' AND alert_id IS NOT NULL`)!;
    const [counted] = query<{ n: number }[]>(dataDir, "SELECT coalesce(sum(count), 0) AS n FROM alerts WHERE rule_id NOT LIKE 'vigil:%'")!;
    expect(counted!.n).toBe(linked!.n);
    const [src] = query<{ lines_read: number; events: number }[]>(dataDir, `SELECT lines_read, events FROM sources WHERE id = '${SOURCE}'`)!;
    expect(src).toEqual({ lines_read: N, events: N });
    expect(query<unknown[]>(dataDir, 'SELECT * FROM source_leases')).toEqual([]); // released on a clean stop
  }, 600_000);
});
