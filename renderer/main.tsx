import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/600.css';
import '@fontsource/jetbrains-mono/400.css';
import '@fontsource/jetbrains-mono/500.css';
import './styles/tokens.css';
import './styles/base.css';
import './styles/app.css';
import './features/alerts/alerts.css';
import './features/about/about.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/index.js';
import { App } from './app/App.js';
import { wireEvents } from './app/events.js';
import { parseHash } from './app/router.js';
import { loadViewAtBoot } from './features/alerts/AlertsScreen.js';
import { bindConnection } from './stores/connection.js';
import { applyTheme, cachedTheme, useSettings } from './stores/settings.js';

applyTheme(cachedTheme(), 'cached');
useSettings.subscribe((s, prev) => {
  if (s.theme !== prev.theme || (s.settings && !prev.settings)) applyTheme(s.theme);
});
const client = getApi();
bindConnection(client);
wireEvents(client);

/**
 * How long the first render may wait for the Alerts screen's first page. The socket is usually
 * open already (early-socket.js) and the answer takes a few ms: rendering the screen once with
 * its rows is cheaper than rendering it empty and then again. A slow answer does not hold the
 * page: past this, the screen shows its loading state as usual.
 */
const FIRST_PAGE_WAIT_MS = 150;

function render(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

// opened on the Alerts screen: its list is asked for now, before React renders anything
const route = parseHash(window.location.hash);
if (route?.name === 'alerts') {
  const firstPage = loadViewAtBoot(route.query);
  void Promise.race([firstPage, new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))]).then(render);
} else render();
