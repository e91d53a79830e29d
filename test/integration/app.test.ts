import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import type { LiveSource } from '../../main/contract/index.js';
import { eveAlertLine } from '../helpers/eve.js';
import { testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/wait.js';

const ctx = { actor: 'ana', transport: 'test' as const };


describe('createApp, the one composition root', () => {
  it('a running app follows the configured sources; a one-shot app (run: false) starts nothing in the background', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, `${eveAlertLine(0)}\n${eveAlertLine(1)}\n`);
    const first = await testApp(dir);
    await dispatch(first.handlers, 'sources.add', { path: file, format: 'eve' }, ctx, silentLogger);
    await until(() => first.services.pipelineRepo.listSources()[0]?.events === 2);
    await first.close();
    await first.close(); // twice is fine

    // a CLI command's app: the same services and handlers, nothing followed, no lease taken
    const oneShot = await testApp(dir, { run: false, processName: 'alerts:1' });
    expect(oneShot.sources).toBeNull();
    expect(oneShot.pipeline).toBeNull();
    fs.appendFileSync(file, `${eveAlertLine(2)}\n`);
    const listed = await dispatch(oneShot.handlers, 'sources.list', {}, ctx, silentLogger);
    expect(listed).toMatchObject({ ok: true, result: [{ path: file, events: 2, live: null, lease: null }] });
    expect(await dispatch(oneShot.handlers, 'simulator.status', {}, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await expect(oneShot.feed.start()).rejects.toThrow(/passive/);
    await new Promise((r) => setTimeout(r, 500));
    expect(oneShot.services.pipelineRepo.listSources()[0]).toMatchObject({ events: 2, lease: null });
    await oneShot.close();

    // started again, the app resumes the file from its committed cursor
    const again = await testApp(dir);
    await until(() => again.services.pipelineRepo.listSources()[0]?.events === 3);
    const live = (await dispatch(again.handlers, 'sources.list', {}, ctx, silentLogger)) as { ok: true; result: LiveSource[] };
    expect(live.result[0]!.lease).toMatchObject({ process: 'test', pid: process.pid });
    await again.close();
  });
});
