import { parseUrl } from './app-url.js';

/**
 * The hosts an analyst may open in the system browser from inside Vigil. One list, one check:
 * every external link in the desktop app goes through isExternalUrlAllowed.
 * - attack.mitre.org: ATT&CK technique pages linked from alerts.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['attack.mitre.org'];

/** https only, an allow-listed host exactly (no subdomains), default port, no credentials. */
export function isExternalUrlAllowed(raw: unknown): boolean {
  const u = parseUrl(raw);
  if (!u) return false;
  return (
    u.protocol === 'https:' &&
    u.port === '' &&
    u.username === '' &&
    u.password === '' &&
    EXTERNAL_HOSTS.includes(u.hostname.toLowerCase())
  );
}

/** What to log about a refused URL: scheme and host only (URLs can carry tokens). */
export function describeUrlForLog(raw: unknown): string {
  const u = parseUrl(raw);
  if (!u) return typeof raw === 'string' ? `(unparsable, ${raw.length} chars)` : `(${typeof raw})`;
  return u.host ? `${u.protocol}//${u.host}` : u.protocol;
}
