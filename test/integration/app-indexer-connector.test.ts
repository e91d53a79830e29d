import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorConfig } from '../../main/contract/connectors.js';
import type { App } from '../../main/core/app.js';
import { indexerSourceId } from '../../main/pipeline/sources/indexer.js';
import { makeAlertKeys, startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { indexerInput } from '../helpers/connectors.js';
import { testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

let sim: WazuhSimulator | undefined;
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await sim?.close();
  sim = undefined;
});

const stored = (a: App, source: string) => (a.services.db.prepare('SELECT count(*) AS n FROM events WHERE source_id = ?').get(source) as { n: number }).n;

/**
 * The whole path as an analyst takes it: an indexer connector saved on Tools (the connectors
 * service of the running app, its password in the vault) becomes a followed source without any
 * other wiring, and disabling the connector stops reading it.
 */
describe('an indexer connector saved in the running app', () => {
  it('is read as a source by the app (createApp hands its connectors service to the sources), and stops when disabled', async () => {
    sim = await startWazuhSimulator({ alerts: 400, seed: 9 });
    app = await testApp(tempDir(), { sources: { backoff: { initialMs: 50, maxMs: 400 }, indexerPollMs: 100 } });
    const config = ConnectorConfig.parse(indexerInput(sim));
    await app.connectors.save(config, 'admin', true, 'ana');
    const source = indexerSourceId(config.id);
    await until(() => stored(app!, source) === 400, 60_000, 'the back-fill through the saved connector');
    expect(app.services.alerts.count()).toBeGreaterThan(0);

    await app.connectors.setEnabled(config.id, false, 'ana');
    await until(() => app!.sources!.listSources().find((s) => s.id === source)?.live?.state !== 'running', 10_000, 'the source to stop');
    sim.indexer.add(makeAlertKeys(50, Date.now() - 30_000, Date.now() - 10_000, 31, 10_000));
    await new Promise((r) => setTimeout(r, 600)); // several poll intervals
    expect(stored(app, source)).toBe(400);
  }, 120_000);
});
