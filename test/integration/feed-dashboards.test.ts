// The four dashboards' own client code, replayed (feed-real-clients.ts), against the feed: the
// assertions mirror what each client's code compares, maps and shows (issue 8 items 17-20).
import { afterEach, describe, expect, it } from 'vitest';
import type { Severity } from '../../main/contract/alerts.js';
import { THREAT_TYPES } from '../../main/pipeline/types.js';
import { AegisTab, BACKEND_ALERT_STATUSES, BACKEND_IP_ZONES, BACKEND_THREAT_TYPES, BlueWallDashboard, IpsDashboard, ThreatStreamDashboard } from './feed-real-clients.js';
import { ALL_DIALECTS, ENRICHMENT, insertDetailed, startFeed, until, type Harness } from './feed-harness.js';

let h: Harness | undefined;
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) s();
  await h?.close();
  h = undefined;
});

const NO_GEO = { ...ENRICHMENT, src: { ip: '198.51.100.9', class: 'public', external: true, geo: null } };
const INTERNAL = { ...ENRICHMENT, src: { ip: '10.0.3.15', class: 'private', external: false, geo: null } };

describe('feed: the dashboards, as their own client code sees it', () => {
  it('Aegis (useWebSocketAlerts on /ws/detection/live + LiveAlertsPage): every severity filter shows its alerts, and a status change replaces the alert', async () => {
    // issue 8 item 17: the hook moved to /ws/detection/live, and the page filters on lower-case
    // severities, so 0 of 84 rows were shown with any filter
    h = await startFeed({ patch: { ...ALL_DIALECTS, max_per_address: 1000 }, limits: { aegisBacklog: 0 } });
    const tab = new AegisTab(`ws://127.0.0.1:${h.port}`, { timeScale: 0.02 }).start();
    stops.push(() => tab.stop());
    await until(() => tab.openSockets > 0, 3000, 'the tab to connect');
    const severities: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
    const ids: number[] = [];
    for (let i = 0; i < 84; i++) ids.push(insertDetailed(h, { severity: severities[i % 5]!, title: `alert ${i}` }));
    await until(() => tab.alerts.length === 84, 10_000, 'the page to list the 84 alerts');
    // Aegis has no info level: info is shown as low
    expect(tab.shown('all')).toHaveLength(84);
    expect(tab.shown('critical')).toHaveLength(16);
    expect(tab.shown('high')).toHaveLength(17);
    expect(tab.shown('medium')).toHaveLength(17);
    expect(tab.shown('low')).toHaveLength(34);

    h.services.alerts.setStatus(ids[0]!, 'RESOLVED', 'ana', 'contained');
    await until(() => tab.alerts.find((a) => a.id === `vigil-${ids[0]}`)?.status === 'RESOLVED', 5000, 'the status change');
    expect(tab.alerts).toHaveLength(84); // replaced by id, not listed twice
  });

  it('ThreatStream (websocketService + typeMappers + App): only its enum values, no invented country, alert status updates', async () => {
    // issue 8 item 19: DDOS_ATTACK is not in its frontend enum (DDOS is); "??"/"XX" countries were plotted
    h = await startFeed({ limits: { initialStateWaitMs: 60_000 } });
    const dash = new ThreatStreamDashboard(`ws://127.0.0.1:${h.port}/ws/live`).connect();
    stops.push(() => dash.stop());
    await dash.next((m) => m['type'] === 'initial_state');
    const byType = new Map<string, number>();
    for (const t of THREAT_TYPES) byType.set(t, insertDetailed(h, { severity: 'high', title: `a ${t}` }, t, t === 'flood' ? NO_GEO : t === 'malware' ? INTERNAL : ENRICHMENT));
    await until(() => dash.events.length === THREAT_TYPES.length, 5000, 'every threat');
    for (const ev of dash.events) {
      expect(BACKEND_THREAT_TYPES, `${String(ev.raw['description'])}: ${String(ev.raw['threat_type'])}`).toContain(ev.raw['threat_type']);
      expect(BACKEND_IP_ZONES).toContain(ev.raw['source_zone']);
      expect(['??', 'XX']).not.toContain(ev.country);
    }
    const eventOf = (t: string) => dash.events.find((e) => e.raw['event_id'] === `vigil-${byType.get(t)}`)!;
    expect(eventOf('flood')).toMatchObject({ type: 'DDoS Attack', country: 'Unknown', coordinates: [0, 0] });
    expect(eventOf('flood').raw['threat_type']).toBe('DDOS');
    expect(eventOf('brute_force')).toMatchObject({ type: 'Brute Force', country: 'DE', coordinates: [51.1657, 10.4515] });
    expect(eventOf('malware')).toMatchObject({ type: 'File Access', country: 'Unknown' });
    expect(eventOf('malware').raw['source_zone']).toBe('INTERNAL_NETWORK');
    expect(eventOf('malware').raw).not.toHaveProperty('source_country_code');

    // a status change reaches it as its Alert with the new status; App does not take it for a new event
    const id = byType.get('brute_force')!;
    h.services.alerts.setStatus(id, 'ACKNOWLEDGED', 'ana', null);
    const upd = await dash.next((m) => m['type'] === 'alert_update');
    expect(upd['data']).toMatchObject({ id: `ALT-${id.toString(16).toUpperCase().padStart(8, '0')}`, status: 'ACKNOWLEDGED', acknowledged_at: expect.any(String), resolved_at: null });
    expect(BACKEND_ALERT_STATUSES).toContain((upd['data'] as { status: string }).status);
    expect(dash.events).toHaveLength(THREAT_TYPES.length);
  });

  it('BlueWall (useWebSocket.js): a status change made in Vigil shows up in its alert list as details', async () => {
    h = await startFeed();
    const token = h.token('viewer', 'bluewall').secret;
    const dash = new BlueWallDashboard(`ws://127.0.0.1:${h.port}/ws/security/alerts`, token).connect();
    stops.push(() => dash.stop());
    await until(() => dash.openSockets === 1, 3000, 'BlueWall to connect');
    const id = insertDetailed(h, { severity: 'critical', title: 'SSH brute force' });
    await until(() => dash.alerts.length === 1, 5000, 'the alert');
    expect(typeof dash.alerts[0]!['details']).toBe('string');
    h.services.alerts.setStatus(id, 'RESOLVED', 'ana', 'blocked at the edge');
    await until(() => dash.alerts.length === 2, 5000, 'the status change');
    expect(dash.alerts[0]).toMatchObject({ alert_id: `vigil-${id}`, wall_name: 'Vigil (suricata)', threat_level: 'high' });
    expect(dash.alerts[0]!['details']).toMatch(/^Status RESOLVED in Vigil: SSH brute force/);
  });

  it('IPS Security Center (k8sSecurityApi.ts + useRealTimeSecurityData): /ws without a token from an allow-listed host; alerts toast by severity; acknowledged follows Vigil', async () => {
    // issue 8 item 18: its shipped client opens ws://HOST:3001/ws with no token and reads {type:"alert", data}
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, ips: { enabled: true, allow: ['127.0.0.1'], port: 0 } } } });
    const port = h.server.listening.extra_ports[0]!;
    const dash = new IpsDashboard(`ws://127.0.0.1:${port}/ws`).connect();
    stops.push(() => dash.stop());
    await until(() => dash.openSockets === 1, 3000, 'the IPS client to connect');
    const crit = insertDetailed(h, { source: 'wazuh', severity: 'critical', title: 'Rootkit detected', agent: { id: '001', name: 'web-01' } });
    insertDetailed(h, { source: 'wazuh', severity: 'low', title: 'Login' });
    await until(() => dash.alerts.length === 2, 5000, 'both alerts');
    expect(dash.events).toEqual(['security:alert', 'security:alert']);
    expect(dash.toasts).toEqual(['CRITICAL Alert: Rootkit detected']);
    expect(dash.criticalAlerts).toBe(1);
    expect(dash.alerts[1]).toMatchObject({ id: String(crit), source: 'wazuh', title: 'Rootkit detected', acknowledged: false, agentId: '001', agentName: 'web-01' });
    h.services.alerts.setStatus(crit, 'ACKNOWLEDGED', 'ana', null);
    await until(() => dash.alerts.length === 3, 5000, 'the status change');
    expect(dash.alerts[0]).toMatchObject({ id: String(crit), acknowledged: true });
  });
});
