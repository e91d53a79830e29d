import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, type ServiceConfig, type Services } from '../../main/core/services.js';
import { MemorySettingsBackend } from '../../main/core/settings.js';
import type { NewAlert } from '../../main/store/alerts-repo.js';
import { createApp, type App, type AppConfig } from '../../main/core/app.js';
import { MemoryVault } from '../../main/secrets/vault.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The configuration of a test process on a temp data directory (settings in memory). */
function testConfig(dataDir: string): ServiceConfig {
  return {
    dataDir,
    resourcesDir: path.join(repoRoot, 'resources'),
    mode: 'headless',
    appName: 'Vigil',
    appVersion: '0.0.0-test',
    electronVersion: null,
    settingsBackend: new MemorySettingsBackend(),
  };
}

/** Services on a temp data directory; `over` replaces parts of the config (settings backend, logger). */
export async function testServices(dataDir: string, now?: () => Date, over: Partial<ServiceConfig> = {}): Promise<Services> {
  return createServices({ ...testConfig(dataDir), ...(now ? { now } : {}), ...over });
}

/** A plausible alert; override what the test cares about. */
export function sampleAlert(over: Partial<NewAlert> = {}): NewAlert {
  return {
    source: 'suricata',
    severity: 'high',
    priority: 'P2',
    title: 'ET SCAN Potential SSH Scan',
    rule_id: '1:2001219',
    src_ip: '203.0.113.7',
    src_port: 51514,
    dst_ip: '10.0.0.5',
    dst_port: 22,
    proto: 'TCP',
    first_seen: '2026-11-21T10:00:00.000Z',
    last_seen: '2026-11-21T10:00:00.000Z',
    count: 1,
    risk_score: 55,
    technique_ids: ['T1046'],
    tags: [],
    ...over,
  };
}

/**
 * A whole Vigil process on a temp data directory, built by the composition root (createApp) as the
 * desktop app and vigil serve build theirs: by default running (live pipeline, sources,
 * notices, live updates), with an in-memory vault and settings.
 */
export async function testApp(dataDir: string, over: Partial<AppConfig> = {}): Promise<App> {
  return createApp({
    ...testConfig(dataDir),
    processName: 'test',
    run: true,
    secrets: new MemoryVault(),
    ...over,
  });
}
