import './shell.css';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { AlertsScreen } from '../features/alerts/AlertsScreen.js';
import { useAlerts } from '../stores/alerts.js';
import { useConnection } from '../stores/connection.js';
import { useDashboard } from '../stores/dashboard.js';
import { useSettings } from '../stores/settings.js';
import { useSources } from '../stores/sources.js';
import { AccessDenied } from './AccessDenied.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Header } from './Header.js';
import { Nav } from './Nav.js';
import { useRoute, type Route } from './router.js';
import { Toasts } from './Toasts.js';

/*
 * Every screen but Alerts, where an analyst lands and lives, is its own chunk, loaded the first
 * time it is opened: the charts library alone (the dashboard's) is half of the code, and parsing
 * it delayed the first alert rows by about half a second.
 */
const DashboardScreen = lazy(() => import('../features/dashboard/DashboardScreen.js').then((m) => ({ default: m.DashboardScreen })));
const CasesScreen = lazy(() => import('../features/cases/CasesScreen.js').then((m) => ({ default: m.CasesScreen })));
const PlaybooksScreen = lazy(() => import('../features/playbooks/PlaybooksScreen.js').then((m) => ({ default: m.PlaybooksScreen })));
const SuppressionsScreen = lazy(() => import('../features/suppressions/SuppressionsScreen.js').then((m) => ({ default: m.SuppressionsScreen })));
const FeedScreen = lazy(() => import('../features/feed/FeedScreen.js').then((m) => ({ default: m.FeedScreen })));
const ToolsScreen = lazy(() => import('../features/tools/ToolsScreen.js').then((m) => ({ default: m.ToolsScreen })));
const ScansScreen = lazy(() => import('../features/scans/ScansScreen.js').then((m) => ({ default: m.ScansScreen })));
const FindingsScreen = lazy(() => import('../features/findings/FindingsScreen.js').then((m) => ({ default: m.FindingsScreen })));
const AgentsScreen = lazy(() => import('../features/agents/AgentsScreen.js').then((m) => ({ default: m.AgentsScreen })));
const SettingsScreen = lazy(() => import('../features/settings/SettingsScreen.js').then((m) => ({ default: m.SettingsScreen })));
const SourcesScreen = lazy(() => import('../features/sources/SourcesScreen.js').then((m) => ({ default: m.SourcesScreen })));
const HuntScreen = lazy(() => import('../features/hunt/HuntScreen.js').then((m) => ({ default: m.HuntScreen })));
const HostsScreen = lazy(() => import('../features/hosts/HostsScreen.js').then((m) => ({ default: m.HostsScreen })));
const AboutScreen = lazy(() => import('../features/about/AboutScreen.js').then((m) => ({ default: m.AboutScreen })));

/** Loads the settings, and refreshes the stores after a reconnect (push events are wired at boot: app/events.ts). */
function useFreshStores(): void {
  useEffect(() => {
    void useSettings.getState().load();
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

/**
 * Moves focus to the new screen's heading on navigation (not on first load). It sits in the same
 * Suspense boundary as the screen, so its effect runs once a screen loaded on demand is shown.
 */
function FocusOnNavigate({ name, initial }: { name: Route['name']; initial: Route['name'] }) {
  const first = useRef(true);
  useEffect(() => {
    // the first screen shown is not a navigation, unless the analyst left the page's first route
    // before its code arrived (this component mounts with the screen, not with the app)
    const landing = first.current && name === initial;
    first.current = false;
    if (landing) return;
    focusMain();
    // a screen loaded on demand can be revealed a moment after this effect (its content still
    // hidden under the Suspense fallback); the heading gets the focus then, unless the analyst has
    // already put it somewhere else
    const timers = [16, 60, 150, 400, 1000].map((ms) =>
      setTimeout(() => {
        const main = document.getElementById('main');
        const heading = main?.querySelector<HTMLElement>('h1');
        const active = document.activeElement;
        if (!main || !heading || active === heading) return;
        // only while the focus is still where navigating left it: the nav link, the page, <main>
        if (active && active !== document.body && active !== main && !active.closest('nav')) return;
        heading.focus();
      }, ms),
    );
    return () => timers.forEach(clearTimeout);
  }, [name]);
  return null;
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
      return <ScansScreen target={route.target} />;
    case 'findings':
      return <FindingsScreen />;
    case 'agents':
      return <AgentsScreen query={route.query} />;
    case 'hunt':
      return <HuntScreen query={route.query} />;
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
  const initialRoute = useRef(route.name);
  const status = useConnection((s) => s.status);
  const tokenSource = useConnection((s) => s.tokenSource ?? null);
  useFreshStores();

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
          <Suspense fallback={<div className="screen-loading" role="status" aria-busy="true" aria-label="Loading the screen" />}>
            <Screen route={route} />
            <FocusOnNavigate name={route.name} initial={initialRoute.current} />
          </Suspense>
        </main>
      </div>
      <Toasts />
    </div>
  );
}
