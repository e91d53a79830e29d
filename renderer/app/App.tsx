import './shell.css';
import { useEffect, useRef } from 'react';
import { api } from '../api/index.js';
import { AboutScreen } from '../features/about/AboutScreen.js';
import { AlertsScreen } from '../features/alerts/AlertsScreen.js';
import { CasesScreen } from '../features/cases/CasesScreen.js';
import { DashboardScreen } from '../features/dashboard/DashboardScreen.js';
import { FeedScreen } from '../features/feed/FeedScreen.js';
import { PlaybooksScreen } from '../features/playbooks/PlaybooksScreen.js';
import { ToolsScreen } from '../features/tools/ToolsScreen.js';
import { ScansScreen } from '../features/scans/ScansScreen.js';
import { FindingsScreen } from '../features/findings/FindingsScreen.js';
import { AgentsScreen } from '../features/agents/AgentsScreen.js';
import { HostsScreen } from '../features/hosts/HostsScreen.js';
import { SettingsScreen } from '../features/settings/SettingsScreen.js';
import { SourcesScreen } from '../features/sources/SourcesScreen.js';
import { SuppressionsScreen } from '../features/suppressions/SuppressionsScreen.js';
import { useAlerts } from '../stores/alerts.js';
import { useConnection } from '../stores/connection.js';
import { useDashboard } from '../stores/dashboard.js';
import { useNotifications } from '../stores/notifications.js';
import { useSettings } from '../stores/settings.js';
import { useSources } from '../stores/sources.js';
import { AccessDenied } from './AccessDenied.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Header } from './Header.js';
import { Nav } from './Nav.js';
import { useRoute, type Route } from './router.js';
import { Toasts } from './Toasts.js';

/** Push events feed the stores for the whole life of the page. */
function useEventWiring(): void {
  useEffect(() => {
    const offs = [
      api.on('settings.changed', (s) => useSettings.getState().received(s)),
      api.on('alerts.changed', (p) => useAlerts.getState().handleChanged(p)),
      api.on('alerts.notice', (n) => useNotifications.getState().handleNotice(n)),
      api.on('pipeline.metrics', (m) => useDashboard.getState().handleMetrics(m)),
      api.on('simulator.status', (s) => useSources.getState().handleSimulatorStatus(s)),
      api.on('sources.state', (p) => useSources.getState().handleSourceState(p.id, p.live)),
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
    if (useDashboard.getState().status !== 'idle') useDashboard.getState().scheduleRefresh();
    void useSources.getState().loadSimulator();
  }, [reopened]);
}

function focusMain(): void {
  const heading = document.querySelector<HTMLElement>('main h1');
  (heading ?? document.getElementById('main'))?.focus();
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'sources':
      return <SourcesScreen />;
    case 'cases':
      return <CasesScreen caseId={route.caseId} tab={route.tab} />;
    case 'playbooks':
      return <PlaybooksScreen tab={route.tab} />;
    case 'suppressions':
      return <SuppressionsScreen highlightId={route.id} />;
    case 'feed':
      return <FeedScreen />;
    case 'tools':
      return <ToolsScreen />;
    case 'scans':
      return <ScansScreen />;
    case 'findings':
      return <FindingsScreen />;
    case 'agents':
      return <AgentsScreen query={route.query} />;
    case 'hosts':
      return <HostsScreen ip={route.ip} query={route.query} />;
    case 'settings':
      return <SettingsScreen />;
    case 'about':
      return <AboutScreen />;
    case 'alerts':
      // the view (filters, sort) lives in the hash: the Alerts screen applies it and writes it back
      return <AlertsScreen alertId={route.alertId} query={route.query} />;
  }
}

export function App() {
  const route = useRoute();
  const status = useConnection((s) => s.status);
  const tokenSource = useConnection((s) => s.tokenSource ?? null);
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

  if (status === 'denied') return <AccessDenied tokenSource={tokenSource} />;

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
          <Screen route={route} />
        </main>
      </div>
      <Toasts />
    </div>
  );
}
