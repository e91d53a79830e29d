import { isAppUrl } from './app-url.js';

/**
 * Web permissions the Vigil page may use. Everything is denied except writing text to the
 * clipboard ("Copy IP / hash / IOC" buttons: navigator.clipboard.writeText needs
 * 'clipboard-sanitized-write', and Chromium still requires a user gesture for it), and only
 * for the main frame of our own origin. Clipboard READ stays denied.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string | undefined, isMainFrame: boolean): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isMainFrame && isAppUrl(requestingUrl);
}
