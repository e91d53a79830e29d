import { shell } from 'electron';
import type { Logger } from '../core/logger.js';
import { describeUrlForLog, isExternalUrlAllowed } from './external-policy.js';

/**
 * The ONE way Vigil opens something outside itself: allow-listed https URLs go to the system
 * browser, everything else is refused and logged. Returns whether the URL was handed over.
 */
export async function openExternalAllowed(url: string, logger: Logger): Promise<boolean> {
  if (!isExternalUrlAllowed(url)) {
    logger.warn('external link refused', { url: describeUrlForLog(url) });
    return false;
  }
  try {
    // Re-serialise so what reaches the OS is exactly what was checked.
    await shell.openExternal(new URL(url).toString(), { activate: true });
    return true;
  } catch (err) {
    logger.warn('external link failed to open', { url: describeUrlForLog(url), error: err instanceof Error ? err.message : String(err) });
    return false;
  }
}
