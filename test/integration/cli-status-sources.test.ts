import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceSupervisor } from '../../main/pipeline/sources/supervisor.js';
import { leaseClaim } from '../../main/pipeline/sources/lease.js';
import { DriverError } from '../../main/pipeline/sources/types.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { eveAlertLine } from '../helpers/eve.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

describe('vigil status shows how each source is read', () => {
  it('caught up under a vigil tail; backing off, with the retry time and the error, under another process', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, `${eveAlertLine(0)}\n${eveAlertLine(1)}\n`);
    const tail = spawnCli(['tail', '--format', 'eve', file, '--data-dir', dataDir]);
    const exited = new Promise((r) => tail.once('exit', r));
    try {
      const row = await until(
        () => runCli(['status', '--data-dir', dataDir]).stdout.split('\n').find((l) => l.startsWith(`file:${file} `) && / caught up /.test(l)),
        120_000,
        'the tail to catch up',
      );
      expect(row).toContain(`vigil tail (pid ${tail.pid})`);

      // another process reads a source that keeps failing: its supervisor publishes that on the lease
      const s = await testServices(dataDir);
      const id = 'indexer:wazuh-prod';
      s.pipelineRepo.ensureSource(id, 'indexer', 'wazuh', null);
      const sup = new SourceSupervisor({
        pipeline: () => {
          throw new Error('not reached');
        },
        repo: s.pipelineRepo,
        claim: leaseClaim('Vigil desktop app'),
        backoff: { initialMs: 60_000, jitter: 0 },
      });
      sup.start({
        id,
        create: () => {
          throw new DriverError('wazuh-prod search alerts: the indexer rejected user "vigil" or its password (HTTP 401)');
        },
      });
      await until(() => s.pipelineRepo.getLease(id)?.state === 'backing_off');
      const st = runCli(['status', '--data-dir', dataDir]).stdout;
      const line = st.split('\n').find((l) => l.startsWith(id))!;
      expect(line).toMatch(/ backing off \(retry in \d+ s\) /);
      expect(line).toContain(`Vigil desktop app (pid ${process.pid})`);
      expect(line).toContain('rejected user "vigil" or its password (HTTP 401)');
      const json = JSON.parse(runCli(['status', '--json', '--data-dir', dataDir]).stdout) as { sources: { id: string; lease: unknown }[] };
      expect(json.sources.find((x) => x.id === id)!.lease).toMatchObject({ state: 'backing_off', last_error: expect.stringMatching(/HTTP 401/), retry_at: expect.any(String) });
      await sup.stopAll();
      await s.close();
    } finally {
      tail.kill('SIGTERM');
      await exited;
    }
  }, 240_000);
});
