import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot, testApp, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const geoDir = path.resolve(repoRoot, '..', 'shared', 'data', 'geo');
const ctx = { actor: 'ana', transport: 'test' as const };

function fail(i: number): string {
  return JSON.stringify({
    timestamp: `2026-11-21T10:00:${String(10 + i).padStart(2, '0')}.000+0000`,
    rule: { level: 5, id: '5716', description: 'sshd: authentication failed.', groups: ['syslog', 'sshd', 'authentication_failed'] },
    agent: { id: '001', name: 'web-01' },
    data: { srcip: '81.2.69.142', dstip: '10.0.0.5', dstuser: 'root' },
  });
}

async function until(pred: () => boolean, ms = 10_000) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('settings', () => {
  it('refuses geo files that are missing or of the wrong kind, and keeps good ones', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const bad = await dispatch(h, 'settings.set', { patch: { geoAsnDb: path.join(geoDir, 'GeoLite2-City-Test.mmdb') } }, ctx, silentLogger);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', issues: [expect.stringMatching(/^geoAsnDb: .*wrong type/)] } });
    const missing = await dispatch(h, 'settings.set', { patch: { geoCityDb: '/nonexistent/city.mmdb' } }, ctx, silentLogger);
    expect(missing).toMatchObject({ ok: false, error: { issues: [expect.stringMatching(/^geoCityDb: /)] } });
    const ok = await dispatch(h, 'settings.set', { patch: { geoCityDb: path.join(geoDir, 'GeoLite2-City-Test.mmdb'), geoCityDbX: 1 } }, ctx, silentLogger);
    expect(ok.ok).toBe(false); // unknown keys are refused
    expect((await dispatch(h, 'settings.set', { patch: { geoCityDb: path.join(geoDir, 'GeoLite2-City-Test.mmdb') } }, ctx, silentLogger)).ok).toBe(true);
    await s.close();
  });

  it('applies new correlation thresholds and geo files to a running pipeline without a restart', async () => {
    const dir = tempDir();
    const app = await testApp(dir);
    const s = app.services;
    const h = app.handlers;
    // 3 failures do not make a brute force at the default threshold (5) ...
    const a = path.join(dir, 'a.json');
    fs.writeFileSync(a, [0, 1, 2].map(fail).join('\n') + '\n');
    await dispatch(h, 'sources.add', { path: a, format: 'wazuh' }, ctx, silentLogger);
    await until(() => s.pipelineRepo.listSources()[0]?.events === 3);
    expect(s.alerts.list({ text: 'brute' }, 10).items).toHaveLength(0);
    // ... but do after lowering it, with geo switched on at the same time
    await dispatch(h, 'settings.set', { patch: { bruteForceFailures: 3, geoCityDb: path.join(geoDir, 'GeoLite2-City-Test.mmdb') } }, ctx, silentLogger);
    await app.pipeline!.settled(); // the stages are rebuilt asynchronously
    fs.appendFileSync(a, [3, 4, 5].map(fail).join('\n') + '\n');
    await until(() => s.alerts.list({ text: 'brute' }, 10).items.length > 0);
    const bf = s.alerts.list({ text: 'brute' }, 10).items[0]!;
    expect(bf.rule_id).toBe('vigil:brute_force');
    expect(s.alerts.list({ country: 'GB' }, 10).items.length).toBeGreaterThan(0);
    await app.close();
  });

  it('vigil settings gets and sets values with the same validation', () => {
    const dir = tempDir();
    expect(runCli(['settings', 'set', 'bruteForceFailures', '8', '--data-dir', dir])).toMatchObject({ code: 0, stdout: 'bruteForceFailures = 8\n' });
    expect(runCli(['settings', 'get', 'bruteForceFailures', '--data-dir', dir]).stdout.trim()).toBe('8');
    expect(JSON.parse(runCli(['settings', 'get', '--json', '--data-dir', dir]).stdout)).toMatchObject({ bruteForceFailures: 8, theme: 'dark' });
    const bad = runCli(['settings', 'set', 'portScanPorts', '1', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/portScanPorts/);
    expect(runCli(['settings', 'set', 'nope', '1', '--data-dir', dir]).code).toBe(2);
    expect(runCli(['settings', 'set', 'requireNoteOnClose', 'maybe', '--data-dir', dir]).code).toBe(2);
  });
});
