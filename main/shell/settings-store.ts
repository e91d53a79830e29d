import fs from 'node:fs';
import path from 'node:path';
import Store from 'electron-store';
import type { Settings } from '../contract/index.js';
import type { Logger } from '../core/logger.js';
import type { SettingsBackend } from '../core/settings.js';
import { PRIVATE_FILE_MODE } from '../store/db.js';

export const SETTINGS_FILE_NAME = 'config';

/**
 * Desktop settings backend: electron-store writes `config.json` in the data directory
 * atomically; the same file (same format) `conf` writes in headless mode.
 */
export class ElectronStoreSettingsBackend implements SettingsBackend {
  private readonly store: Store<Record<string, unknown>>;

  /** `dataDir` is app.getPath('userData'); passed explicitly so both modes agree on the file. */
  constructor(dataDir: string, logger: Logger) {
    const open = () => new Store<Record<string, unknown>>({ name: SETTINGS_FILE_NAME, cwd: dataDir, configFileMode: PRIVATE_FILE_MODE });
    const file = path.join(dataDir, `${SETTINGS_FILE_NAME}.json`);
    try {
      this.store = open();
    } catch (err) {
      // Only a file that is not JSON at all is set aside (the analyst can still recover it);
      // files that parse but do not validate are handled key by key by SettingsService.
      if (!(err instanceof SyntaxError) || !fs.existsSync(file)) throw err;
      const aside = `${file}.broken-${Date.now()}`;
      fs.renameSync(file, aside);
      logger.warn('settings file is not valid JSON; moved aside, using defaults', { file, movedTo: aside, error: err.message });
      this.store = open();
    }
  }

  read(): unknown {
    return this.store.store;
  }

  write(settings: Settings): void {
    this.store.store = { ...settings };
  }

  get path(): string {
    return this.store.path;
  }
}
