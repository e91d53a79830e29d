import Conf from 'conf';
import type { Settings } from '../contract/index.js';
import type { SettingsBackend } from './settings.js';

/**
 * Settings file for plain Node (CLI, `vigil serve`): `conf` writes `config.json` in the data
 * directory atomically, exactly where and how electron-store does in the desktop app.
 */
export class ConfSettingsBackend implements SettingsBackend {
  private readonly conf: Conf<Record<string, unknown>>;
  constructor(dataDir: string) {
    this.conf = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'config', projectName: 'vigil' });
  }
  read(): unknown {
    return this.conf.store;
  }
  write(settings: Settings): void {
    this.conf.store = { ...settings };
  }
}
