import { useEffect, useState } from 'react';

/** Hash routes: #/alerts, #/alerts/123 (reserved for the detail view), #/about. */
export type Route = { name: 'alerts'; alertId: number | null } | { name: 'about' };

export const DEFAULT_HASH = '#/alerts';

export function parseHash(hash: string): Route | null {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/alerts';
  if (path === '/alerts') return { name: 'alerts', alertId: null };
  const m = /^\/alerts\/(\d{1,15})$/.exec(path);
  if (m) return { name: 'alerts', alertId: Number(m[1]) };
  if (path === '/about') return { name: 'about' };
  return null;
}

export function routeHref(route: Route): string {
  if (route.name === 'about') return '#/about';
  return route.alertId === null ? '#/alerts' : `#/alerts/${route.alertId}`;
}

function current(): Route {
  return parseHash(window.location.hash) ?? { name: 'alerts', alertId: null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const sync = () => {
      if (parseHash(window.location.hash) === null) {
        // Unknown route: land on Alerts without adding a history entry.
        window.history.replaceState(window.history.state, '', DEFAULT_HASH);
      }
      setRoute(current());
    };
    sync();
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return route;
}
