import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Vigil';

/**
 * The OS-standard data directory, the same one Electron's app.getPath('userData') gives for an
 * app named Vigil: Linux $XDG_CONFIG_HOME/Vigil or ~/.config/Vigil, macOS
 * ~/Library/Application Support/Vigil, Windows %APPDATA%\Vigil.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.win32.join(env['APPDATA'] ?? path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  const xdg = env['XDG_CONFIG_HOME'];
  return path.posix.join(xdg && path.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config'), APP_DIR_NAME);
}

/** --data-dir, then VIGIL_DATA_DIR, then the OS-standard place. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env['VIGIL_DATA_DIR'];
  return chosen ? path.resolve(chosen) : defaultDataDir(process.platform, env);
}
