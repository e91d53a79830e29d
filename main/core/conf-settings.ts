import Conf from 'conf';
import type { Settings } from '../contract/index.js';
import type { SettingsBackend } from './settings.js';
import { PRIVATE_FILE_MODE } from '../store/db.js';

/**
 * Settings file for plain Node (CLI, `vigil serve`): `conf` writes `config.json` in the data
 * directory atomically, exactly where and how electron-store does in the desktop app, readable
 * by its owner only. The file is opened on first use, not here: `conf` creates a missing
 * directory with the umask's mode, and the data directory must first be made private
 * (createServices does that before it reads the settings).
 */
export class ConfSettingsBackend implements SettingsBackend {
  private conf: Conf<Record<string, unknown>> | null = null;
  constructor(private readonly dataDir: string) {}
  private open(): Conf<Record<string, unknown>> {
    this.conf ??= new Conf<Record<string, unknown>>({ cwd: this.dataDir, configName: 'config', projectName: 'vigil', configFileMode: PRIVATE_FILE_MODE });
    return this.conf;
  }
  read(): unknown {
    return this.open().store;
  }
  write(settings: Settings): void {
    this.open().store = { ...settings };
  }
}
