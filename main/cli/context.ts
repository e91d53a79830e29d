import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPackageMeta, type PackageMeta } from '../core/app-meta.js';
import { resolveDataDir } from '../core/paths.js';
import { ConfSettingsBackend } from '../core/conf-settings.js';
import { createServices, type Services } from '../core/services.js';
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

/** Builds the same services the desktop app builds, for a plain-Node command. */
export async function headlessServices(dataDir: string, opts: { quiet?: boolean } = {}): Promise<Services> {
  const meta = packageMeta();
  return createServices({
    dataDir,
    resourcesDir: path.join(appRoot(), 'resources'),
    mode: 'headless',
    appName: meta.productName,
    appVersion: meta.version,
    electronVersion: null,
    settingsBackend: new ConfSettingsBackend(dataDir),
    logger: createLogger('vigil', opts.quiet ?? false),
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
