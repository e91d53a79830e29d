import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repoRoot, testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const real = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'real', name);

/**
 * Adds `file` as a followed source in a separate process (the built code) that may not read it:
 * mode 000, and as root (whom mode bits do not stop) the process runs as nobody.
 */
function addUnreadable(file: string, dataDir: string): string {
  fs.chmodSync(file, 0o000);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    fs.chmodSync(path.dirname(file), 0o711);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.chownSync(dataDir, 65534, 65534);
  }
  const dist = (p: string) => pathToFileURL(path.join(repoRoot, 'dist', 'main', p)).href;
  const script = `
    const { createApp } = await import(${JSON.stringify(dist('core/app.js'))});
    const { MemorySettingsBackend } = await import(${JSON.stringify(dist('core/settings.js'))});
    const { MemoryVault } = await import(${JSON.stringify(dist('secrets/vault.js'))});
    const app = await createApp({ dataDir: ${JSON.stringify(dataDir)}, resourcesDir: ${JSON.stringify(path.join(repoRoot, 'resources'))},
      mode: 'headless', appName: 'Vigil', appVersion: 't', electronVersion: null, settingsBackend: new MemorySettingsBackend(),
      processName: 'test', run: true, secrets: new MemoryVault() });
    try { app.sources.addSource(${JSON.stringify(file)}, 'eve', 'beginning', 'ana'); console.log('added'); }
    catch (e) { console.log(e.code + ': ' + e.message); }
    await app.close();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('Add source refuses what it cannot follow, saying why', () => {
  it('an unreadable file: permission denied', () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.copyFileSync(real('tenzir-eve.json'), file);
    expect(addUnreadable(file, path.join(dir, 'data'))).toBe(`BAD_REQUEST: ${file}: permission denied`);
  }, 120_000);

  it('a .gz file, and a file in the other format', async () => {
    const dir = tempDir();
    const app = await testApp(path.join(dir, 'data'));
    const s = app.services;
    const host = app.sources!;
    const gz = path.join(dir, 'eve.json.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(real('tenzir-eve.json'))));
    expect(() => host.addSource(gz, 'eve', 'beginning', 'ana')).toThrow(`${gz}: gzip-compressed: Vigil follows plain files; import .gz files with vigil ingest`);
    expect(() => host.addSource(real('wazuh-dfn-alerts.json'), 'eve', 'beginning', 'ana')).toThrow(`${real('wazuh-dfn-alerts.json')}: this looks like Wazuh alerts.json; choose that format`);
    expect(s.pipelineRepo.listSources()).toEqual([]);
    expect(host.addSource(real('wazuh-dfn-alerts.json'), 'wazuh', 'beginning', 'ana', 'Europe/Paris')).toMatchObject({ format: 'wazuh', assume_tz: 'Europe/Paris' });
    await app.close();
  });
});
