import { afterEach, describe, expect, it } from 'vitest';
import { ALL_DIALECTS, TestClient, insertDetailed, startFeed, until, type Harness } from './feed-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Alerts with details like the pipeline writes them, on the Wazuh agent web-01 unless told otherwise. */
const insert = (hh: Harness, over: Parameters<typeof insertDetailed>[1] = {}, threat = 'brute_force'): number =>
  insertDetailed(hh, { agent: { id: '001', name: 'web-01' }, ...over }, threat);

describe('feed: dashboard dialects', () => {
  it('Aegis /ws/detection/live and /ws/alerts: a bare alert per frame with lower-case severity; backlog then live; status changes by id; never closed', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, aegis: { enabled: true, allow: ['127.0.0.0/8'] } } } });
    const old = insert(h, { title: 'old one', severity: 'medium' });
    const legacy = await TestClient.connect(h.url('/ws/alerts'), { localAddress: '127.0.0.3' });
    const c = await TestClient.connect(h.url('/ws/detection/live'));
    const first = await c.next((f) => f.id === `vigil-${old}`);
    expect(first).toMatchObject({ severity: 'medium', status: 'NEW', attack_type: 'BRUTE_FORCE', description: 'old one' });
    expect(await legacy.next((f) => f.id === `vigil-${old}`)).toEqual(first);
    // another socket of an address that has one open gets no backlog (the leaking hook re-renders,
    // hence reconnects, on every frame)
    const again = await TestClient.connect(h.url('/ws/detection/live'));
    const id = insert(h, { severity: 'critical', dst_port: 21, proto: 'TCP', title: 'ftp brute force', technique_ids: ['T1110'] });
    const f = await c.next((x) => x.id === `vigil-${id}`);
    expect(f).toEqual({
      id: `vigil-${id}`,
      detection_id: String(id),
      timestamp: '2026-11-21T10:00:00.000Z',
      src_ip: '203.0.113.7',
      dst_ip: '10.0.0.5',
      src_port: 51514,
      dst_port: 21,
      attack_type: 'BRUTE_FTP',
      label: 'BRUTE_FTP',
      severity: 'critical',
      status: 'NEW',
      score: 0.55,
      description: 'ftp brute force',
      tags: ['T1110'],
      meta: { model_name: 'vigil:suricata', rule_id: '1:2001219', protocol: 'TCP', src_port: 51514, dst_port: 21, confidence: 0.8 },
    });
    // a status change is the same alert again (the page replaces an alert by id); a count change is not sent
    h.services.alerts.setStatus(id, 'ACKNOWLEDGED', 'ana', null);
    expect(await c.next((x) => x.id === `vigil-${id}` && x.status === 'ACKNOWLEDGED')).toMatchObject({ severity: 'critical', description: 'ftp brute force' });
    h.services.db.prepare("INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, 'updated', ?)").run(id, new Date().toISOString());
    const marker = insert(h, { title: 'marker' });
    await c.next((x) => x.id === `vigil-${marker}`);
    expect(c.frames.filter((x) => x.id === `vigil-${id}`)).toHaveLength(2);
    // every frame is an alert: no hello, no heartbeat, no error even for junk input
    c.send('garbage');
    c.send({ type: 'ping' });
    const m2 = insert(h, { title: 'marker 2' });
    await c.next((x) => x.id === `vigil-${m2}`);
    await again.next((x) => x.id === `vigil-${m2}`);
    expect(again.frames.some((x) => x.id === `vigil-${old}`)).toBe(false);
    expect(c.frames.every((x) => typeof x.id === 'string' && ['low', 'medium', 'high', 'critical'].includes(x.severity))).toBe(true);
    expect(c.closed).toBeNull();
    c.close();
    legacy.close();
    again.close();
  });

  it('Aegis and ThreatStream refuse addresses outside their allow-list before the upgrade', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, aegis: { enabled: true, allow: ['10.9.9.0/24'] } } } });
    await expect(TestClient.connect(h.url('/ws/alerts'))).rejects.toMatchObject({ status: 403 });
    // enabling a token-less dialect without an allow-list is refused by the configuration
    await expect(h.feed.configure({ patch: { dialects: { threatstream: { enabled: true, allow: [] } } } }, 'ana')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('ThreatStream /ws/live: initial_state on the first message (stats + dashboard_stats + risk_index), then new_threat/new_alert/risk_update envelopes', async () => {
    h = await startFeed({ limits: { initialStateWaitMs: 60_000, heartbeatMs: 100 } });
    insert(h, { severity: 'critical', title: 'seen before' });
    await until(() => h!.server.headSeq() === 1, 3000, 'the feed to read the outbox');
    const c = await TestClient.connect(h.url('/ws/live'));
    c.send({ type: 'handshake', epoch: 3 });
    const init = await c.type('initial_state');
    expect(Object.keys(init.data).sort()).toEqual(['alerts', 'dashboard_stats', 'risk_index', 'risk_timeline', 'stats', 'threats']);
    expect(init.data.stats).toEqual(init.data.dashboard_stats);
    expect(init.data.stats).toMatchObject({ processed: 1, critical: 1, threats_detected: 1, alerts_generated: 1, blocked: 0 });
    expect(init.data.risk_index).toEqual({ value: 17, level: 'NORMAL', trend: 'STABLE' }); // 5 + 15 x 0.8
    expect(init.data.threats[0]).toMatchObject({ severity: 'CRITICAL', threat_type: 'BRUTE_FORCE', source_country: 'Germany', source_country_code: 'DE' });
    expect(init.data.threats[0].id).toMatch(/^THR-[0-9A-F]{8}$/);
    expect(init.data.alerts[0].id).toMatch(/^ALT-[0-9A-F]{8}$/);
    expect(c.frames.filter((f) => f.type === 'initial_state')).toHaveLength(1);

    const hot = insert(h, { severity: 'high', title: 'hot', technique_ids: ['T1110'] }, 'brute_force');
    const cold = insert(h, { severity: 'low', title: 'cold' }, 'port_scan');
    const t1 = await c.next((f) => f.type === 'new_threat' && f.data.description === 'hot');
    expect(t1.data).toMatchObject({ id: `THR-${hot.toString(16).toUpperCase().padStart(8, '0')}`, severity: 'HIGH', threat_type: 'BRUTE_FORCE', mitre_attack_id: 'T1110', confidence: 0.8 });
    expect(typeof t1.data.mitre_attack_name).toBe('string');
    const a1 = await c.next((f) => f.type === 'new_alert');
    expect(a1.data).toMatchObject({ title: 'hot', severity: 'HIGH', priority: 'P2', status: 'NEW', threat_id: t1.data.id });
    await c.next((f) => f.type === 'new_threat' && f.data.description === 'cold');
    const risks = c.frames.filter((f) => f.type === 'risk_update');
    expect(risks.length).toBeGreaterThanOrEqual(2);
    expect(risks[0].data).toEqual({ value: 23.4, level: 'NORMAL', trend: 'STABLE' }); // 17 + 8 x 0.8
    // new_alert only for CRITICAL/HIGH
    expect(c.frames.filter((f) => f.type === 'new_alert').map((f) => f.data.title)).toEqual(['hot']);
    expect(cold).toBeGreaterThan(hot);
    // every frame is a {type, data} envelope, except heartbeat (type + timestamp)
    const hb = await c.type('heartbeat');
    expect(Object.keys(hb).sort()).toEqual(['timestamp', 'type']);
    for (const f of c.frames) if (f.type !== 'heartbeat') expect(Object.keys(f).sort()).toEqual(['data', 'type']);
    c.send({ type: 'request_state' });
    await c.next((f) => f.type === 'initial_state', 2000, c.frames.length);
    c.close();
  });

  it('ThreatStream sends initial_state after ~2 s when the client never speaks', async () => {
    h = await startFeed({ limits: { initialStateWaitMs: 150 } });
    const c = await TestClient.connect(h.url('/ws/live'));
    const t0 = Date.now();
    await c.type('initial_state');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    const id = insert(h, { severity: 'critical', title: 'after' });
    expect(await c.next((f) => f.type === 'new_threat')).toMatchObject({ data: { event_id: `vigil-${id}` } });
    c.close();
  });

  it('BlueWall /ws/security/alerts?token=: welcome, ping answered, security_alert with a STRING details, status changes in details, 401 without a token', async () => {
    h = await startFeed();
    await expect(TestClient.connect(h.url('/ws/security/alerts'))).rejects.toMatchObject({ status: 401 });
    const { secret } = h.token('viewer', 'officer-1');
    // BlueWall puts the raw token in the URL without encoding it
    const c = await TestClient.connect(`ws://127.0.0.1:${h.port}/ws/security/alerts?token=${secret}`);
    expect(await c.type('welcome')).toMatchObject({ type: 'welcome', username: 'officer-1', role: 'viewer', client_id: expect.any(String), timestamp: expect.any(Number) });
    c.send({ type: 'ping' });
    expect(await c.type('pong')).toMatchObject({ client_id: expect.any(String), timestamp: expect.any(Number) });
    const id = insert(h, { severity: 'critical', title: 'SSH brute force' });
    const f = await c.type('security_alert');
    expect(typeof f.alert.details).toBe('string');
    expect(f.alert.details).toContain('SSH brute force');
    expect(f.alert).toMatchObject({
      alert_id: `vigil-${id}`,
      wall_name: 'Vigil (suricata)',
      threat_level: 'high',
      severity: 'critical',
      location: 'Berlin, Germany',
      latitude: 52.52,
      longitude: 13.4,
      source_wall: 'vigil',
      alert_type: 'brute_force',
      identifier: '203.0.113.7',
      mitigation_action: 'none',
    });
    // the same frame carries the IPS keys
    expect(f).toMatchObject({ source: 'suricata', severity: 'critical', alert: { id: String(id), rule_id: '1:2001219', agent: { id: '001', name: 'web-01' }, data: { srcip: '203.0.113.7', attempts: 1 } } });
    // a status change made in Vigil reaches the dashboard as an alert whose details say so
    h.services.alerts.setStatus(id, 'INVESTIGATING', 'ana', null);
    const upd = await c.next((x) => x.type === 'security_alert' && x.alert.alert_id === `vigil-${id}` && x.alert.details.startsWith('Status INVESTIGATING'));
    expect(typeof upd.alert.details).toBe('string');
    expect(upd.alert.data.status).toBe('INVESTIGATING');
    c.close();
  });

  it('IPS Security Center (API spec path): token in the URL or the first message, subscribe channels and filters honoured, lower-case severity', async () => {
    h = await startFeed();
    const { secret } = h.token('viewer', 'ips');
    const PATH = '/api/v1/ws/security-alerts';
    const viaUrl = await TestClient.connect(h.url(PATH, { token: secret }));
    viaUrl.send({ type: 'subscribe', channels: ['wazuh_alerts', 'gvm_scans'], filters: { severity: ['high', 'critical'], agent_ids: ['001'] } });
    expect(await viaUrl.type('subscribed')).toMatchObject({ channels: ['wazuh_alerts', 'gvm_scans'], filters: { severity: ['high', 'critical'], agent_ids: ['001'] } });
    const viaMsg = await TestClient.connect(h.url(PATH));
    viaMsg.send({ type: 'auth', token: secret });
    await viaMsg.type('authenticated');
    const silent = await TestClient.connect(h.url(PATH));
    expect((await silent.waitClose(3000)).code).toBe(4001);
    const wrong = await TestClient.connect(h.url(PATH));
    wrong.send({ type: 'auth', token: `vgf_${'W'.repeat(43)}` });
    expect((await wrong.waitClose(3000)).code).toBe(4001);

    insert(h, { source: 'suricata', severity: 'critical', title: 'not wazuh' });
    insert(h, { source: 'wazuh', severity: 'low', title: 'too low' });
    insert(h, { source: 'wazuh', severity: 'high', title: 'another agent', agent: { id: '002', name: 'db-01' } });
    const sensed = insert(h, { source: 'suricata', severity: 'high', title: 'seen by a sensor', agent: null, sensor: 'sensor-01' });
    const wanted = insert(h, { source: 'wazuh', severity: 'high', title: 'wanted' });
    const f = await viaUrl.type('security_alert');
    expect(f).toMatchObject({ type: 'security_alert', source: 'wazuh', severity: 'high', alert: { id: String(wanted), description: 'wanted', agent: { id: '001' } } });
    expect(typeof f.timestamp).toBe('string');
    await viaMsg.next((x) => x.type === 'security_alert' && x.alert.id === String(wanted));
    expect(viaUrl.frames.filter((x) => x.type === 'security_alert')).toHaveLength(1);
    expect(viaMsg.frames.filter((x) => x.type === 'security_alert')).toHaveLength(5);
    // the agent comes from the alert: the Wazuh agent, else the sensor of a network alert
    expect(viaMsg.frames.find((x) => x.type === 'security_alert' && x.alert.id === String(sensed))).toMatchObject({ alert: { agent: { id: null, name: 'sensor-01' } } });
    viaUrl.close();
    viaMsg.close();
  });

  it('IPS Security Center (shipped client, /ws): admitted by the allow-list or a token; {type:"alert", data} frames; acknowledged follows the status', async () => {
    h = await startFeed();
    // no allow-list yet: the token-less stock client is refused before the upgrade, a token still works
    await expect(TestClient.connect(h.url('/ws'))).rejects.toMatchObject({ status: 401 });
    const withToken = await TestClient.connect(h.url('/ws', { token: h.token().secret }));
    await h.feed.configure({ patch: { dialects: { ips: { allow: ['127.0.0.1'] } } } }, 'ana');
    await expect(withToken.waitClose()).resolves.toMatchObject({ code: 1001 }); // the restart
    const stock = await TestClient.connect(`ws://127.0.0.1:${h.feed.feedServer!.port}/ws`);
    const id = insert(h, { source: 'wazuh', severity: 'critical', title: 'rootkit' });
    const f = await stock.type('alert');
    expect(Object.keys(f).sort()).toEqual(['data', 'source', 'timestamp', 'type']);
    expect(f.data).toMatchObject({ id: String(id), source: 'wazuh', severity: 'critical', title: 'rootkit', acknowledged: false, agentId: '001', agentName: 'web-01', rule: { id: '1:2001219', level: 12 } });
    expect(typeof f.data.description).toBe('string');
    h.services.alerts.setStatus(id, 'ACKNOWLEDGED', 'ana', null);
    expect(await stock.next((x) => x.type === 'alert' && x.data.acknowledged === true)).toMatchObject({ data: { id: String(id), status: 'ACKNOWLEDGED' } });
    stock.close();
  });

  it('serves IPS on its extra port too (its stock client uses :3001/ws)', async () => {
    h = await startFeed({ patch: { ...ALL_DIALECTS, dialects: { ...ALL_DIALECTS.dialects, ips: { enabled: true, port: 0 } } } });
    const extra = h.server.listening.extra_ports[0]!;
    expect(extra).toBeGreaterThan(0);
    const c = await TestClient.connect(`ws://127.0.0.1:${extra}/ws?token=${h.token().secret}`);
    const id = insert(h, { title: 'on 3001' });
    expect(await c.type('alert')).toMatchObject({ data: { id: String(id), title: 'on 3001' } });
    // only IPS paths there
    await expect(TestClient.connect(`ws://127.0.0.1:${extra}/ws/v1/alerts?token=x`)).rejects.toMatchObject({ status: 404 });
    c.close();
  });
});
