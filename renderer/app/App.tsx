import { useEffect, useRef } from 'react';
import { api } from '../api/index.js';
import { AboutScreen } from '../features/about/AboutScreen.js';
import { AlertsScreen } from '../features/alerts/AlertsScreen.js';
import { useAlerts } from '../stores/alerts.js';
import { useConnection } from '../stores/connection.js';
import { useSettings } from '../stores/settings.js';
import { AccessDenied } from './AccessDenied.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Header } from './Header.js';
import { Nav } from './Nav.js';
import { useRoute } from './router.js';
import { Toasts } from './Toasts.js';

/** Push events feed the stores for the whole life of the page. */
function useEventWiring(): void {
  useEffect(() => {
    const offs = [
      api.on('settings.changed', (s) => useSettings.getState().received(s)),
      api.on('alerts.changed', (p) => useAlerts.getState().handleChanged(p)),
    ];
    void useSettings.getState().load();
    return () => offs.forEach((off) => off());
  }, []);

  // After a reconnect, events may have been missed while the socket was down.
  const reopened = useConnection((s) => s.reopenedCount);
  useEffect(() => {
    if (reopened === 0) return;
    void useSettings.getState().load();
    useAlerts.getState().resync();
  }, [reopened]);
}

function focusMain(): void {
  const heading = document.querySelector<HTMLElement>('main h1');
  (heading ?? document.getElementById('main'))?.focus();
}

export function App() {
  const route = useRoute();
  const status = useConnection((s) => s.status);
  useEventWiring();

  // Move focus to the new screen's heading on navigation (not on first load).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusMain();
  }, [route.name]);

  if (status === 'denied') return <AccessDenied />;

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={focusMain}>
        Skip to content
      </button>
      <Header />
      <div className="app-body">
        <Nav route={route} />
        <main id="main" className="app-main" tabIndex={-1}>
          <ConnectionBanner />
          {route.name === 'about' ? <AboutScreen /> : <AlertsScreen alertId={route.alertId} />}
        </main>
      </div>
      <Toasts />
    </div>
  );
}
