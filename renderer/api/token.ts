const STORAGE_KEY = 'vigil.token';

/**
 * Reads the headless access token. `vigil serve` prints a link with `?token=...`: the token is
 * moved to sessionStorage and removed from the address bar (history.replaceState), so it does
 * not linger in the URL, history or screenshots; a reload reads it back from sessionStorage.
 */
export function takeToken(win: Window = window): string | null {
  let fromUrl: string | null;
  try {
    const url = new URL(win.location.href);
    fromUrl = url.searchParams.get('token');
    if (fromUrl !== null) {
      url.searchParams.delete('token');
      const rest = url.searchParams.toString();
      win.history.replaceState(win.history.state, '', `${url.pathname}${rest ? `?${rest}` : ''}${url.hash}`);
    }
  } catch {
    fromUrl = null;
  }
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // storage disabled: the token still works for this page load
    }
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function forgetToken(win: Window = window): void {
  try {
    win.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** ws(s)://<host>/api/ws?token=<token> for the page's own origin (no query without a token). */
export function headlessSocketUrl(token: string | null, path: string, loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
