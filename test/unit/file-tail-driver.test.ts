import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { fileSourceId } from '../../main/pipeline/runner.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { FileTailDriver } from '../../main/pipeline/sources/file-tail.js';
import { leaseClaim } from '../../main/pipeline/sources/lease.js';
import { SourceSupervisor } from '../../main/pipeline/sources/supervisor.js';
import { eveAlertLine } from '../helpers/eve.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

const lines = (from: number, n: number) => Array.from({ length: n }, (_, k) => `${eveAlertLine(from + k)}\n`).join('');

describe('the followed-file driver under the supervisor', () => {
  it('reports caught up with its cursor; a path that turns into a folder is shown as backing off, and reading goes on when it is a file again', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, lines(0, 30));
    const s = await testServices(path.join(dir, 'data'));
    const id = fileSourceId('file', file);
    s.pipelineRepo.ensureSource(id, 'file', 'eve', file);
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    const sup = new SourceSupervisor({ pipeline: () => pipeline, repo: s.pipelineRepo, claim: leaseClaim('test'), backoff: { initialMs: 30, maxMs: 100 } });
    const count = () => (s.db.prepare('SELECT count(*) AS n, count(DISTINCT raw) AS d FROM events').get() as { n: number; d: number });
    sup.start({ id, create: () => new FileTailDriver(s.pipelineRepo, { file, format: 'eve', pollMs: 10 }) });
    await until(() => sup.get(id)?.state === 'caught_up' && count().n === 30);
    expect(sup.get(id)).toMatchObject({ behind: 0 });
    expect(s.pipelineRepo.getCursor(id)).toMatchObject({ offset: fs.statSync(file).size, ino: fs.statSync(file).ino });

    // rotated away, and a folder appears under the name: the new "file" cannot be read
    fs.renameSync(file, `${file}.1`);
    fs.mkdirSync(file);
    const failing = await until(() => (sup.get(id)?.state === 'backing_off' ? sup.get(id) : null));
    expect(failing!.last_error).toMatch(/is not a regular file/);
    expect(s.pipelineRepo.getSource(id)!.last_error).toMatch(/is not a regular file/);

    fs.rmdirSync(file);
    fs.writeFileSync(file, lines(30, 20));
    await until(() => count().n === 50 && sup.get(id)?.state === 'caught_up');
    expect(count()).toEqual({ n: 50, d: 50 });
    expect(sup.get(id)).toMatchObject({ last_error: null, failures: 0 });
    await sup.stopAll();
    await s.close();
  });
});
