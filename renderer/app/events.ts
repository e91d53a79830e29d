import type { VigilApi } from '../api/index.js';
import { useAlerts } from '../stores/alerts.js';
import { useDashboard } from '../stores/dashboard.js';
import { useNotifications } from '../stores/notifications.js';
import { useSettings } from '../stores/settings.js';
import { useSources } from '../stores/sources.js';

/**
 * Push events feed the stores for the whole life of the page. Wired at boot, before the first
 * call: the socket may already be open (early-socket.js), and a change pushed between the first
 * list's answer and a later subscription would be lost. Returns the function that unwires them.
 */
export function wireEvents(client: VigilApi): () => void {
  const offs = [
    client.on('settings.changed', (s) => useSettings.getState().received(s)),
    client.on('alerts.changed', (p) => useAlerts.getState().handleChanged(p)),
    client.on('alerts.notice', (n) => useNotifications.getState().handleNotice(n)),
    client.on('pipeline.metrics', (m) => useDashboard.getState().handleMetrics(m)),
    client.on('simulator.status', (s) => useSources.getState().handleSimulatorStatus(s)),
    client.on('sources.state', (p) => useSources.getState().handleSourceState(p.id, p.live)),
  ];
  return () => offs.forEach((off) => off());
}
