/**
 * The renderer's origin in the desktop app: a privileged custom scheme, `app://vigil/`.
 * Pure (no electron import), so the URL rules are unit-tested in plain Node.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'vigil';
/** The origin as Chromium reports it for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

export function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * True when `raw` is a URL of our own origin (`app://vigil/...`). Compared field by field:
 * Node's URL gives origin "null" for non-special schemes, so `.origin` cannot be used here.
 */
export function isAppUrl(raw: unknown): boolean {
  const u = parseUrl(raw);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname.toLowerCase() === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}
