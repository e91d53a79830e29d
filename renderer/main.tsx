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
import { bindConnection } from './stores/connection.js';
import { applyTheme, cachedTheme, useSettings } from './stores/settings.js';

applyTheme(cachedTheme(), 'cached');
useSettings.subscribe((s, prev) => {
  if (s.theme !== prev.theme || (s.settings && !prev.settings)) applyTheme(s.theme);
});
bindConnection(getApi());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
