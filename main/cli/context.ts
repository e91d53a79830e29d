import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPackageMeta, type PackageMeta } from '../core/app-meta.js';
import { resolveDataDir } from '../core/paths.js';
import { ConfSettingsBackend } from '../core/conf-settings.js';
import { createApp, type App, type AppConfig } from '../core/app.js';
import { createLogger } from '../core/logger.js';

/** The folder holding package.json, dist/ and resources/ (dist/main/cli → three levels up). */
export function appRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function packageMeta(): PackageMeta {
  return readPackageMeta(appRoot());
}

export function dataDirFrom(flag: string | undefined): string {
  return resolveDataDir(flag, process.env);
}

export interface OpenAppOptions extends Partial<Pick<AppConfig, 'run' | 'feed' | 'checkpointer'>> {
  /** No info lines on stderr (one-shot commands whose output is their result). */
  quiet?: boolean;
  /** How this process is named in figures and leases (default "<command>:<pid>"). */
  processName?: string;
}

/**
 * Builds the app for a plain-Node command through the same composition root as the desktop app
 * (createApp): one-shot commands get no background work unless they ask for it (`run`).
 */
export async function openApp(dataDir: string, command: string, opts: OpenAppOptions = {}): Promise<App> {
  const meta = packageMeta();
  return createApp({
    dataDir,
    resourcesDir: path.join(appRoot(), 'resources'),
    mode: 'headless',
    appName: meta.productName,
    appVersion: meta.version,
    electronVersion: null,
    settingsBackend: new ConfSettingsBackend(dataDir),
    logger: createLogger('vigil', opts.quiet ?? false),
    processName: opts.processName ?? `${command}:${process.pid}`,
    ...(opts.run !== undefined ? { run: opts.run } : {}),
    ...(opts.feed !== undefined ? { feed: opts.feed } : {}),
    ...(opts.checkpointer !== undefined ? { checkpointer: opts.checkpointer } : {}),
  });
}

/** Resolves on the first Ctrl-C (SIGINT) or SIGTERM: how the foreground servers wait. */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
