import { describe, expect, it } from 'vitest';
import { NoticeEvent, frame, type FeedNotice } from '../../main/feed/event.js';
import { NOTICE_VARIANTS } from '../../main/feed/notice.js';
import { RiskIndex } from '../../main/feed/dialects/threatstream.js';
import type { FeedAlert } from '../../main/store/feed-repo.js';
import { sampleAlert } from '../helpers/services.js';

const ALERT = {
  ...sampleAlert({ severity: 'medium', priority: 'P3', last_seen: '2026-11-21T10:05:00.000Z', count: 3, technique_ids: ['T1110'], tags: ['ssh'] }),
  id: 42,
  status: 'NEW',
  host: 'web-01',
  agent: { id: '001', name: 'web-01' },
  sensor: null,
  assignee: null,
  case_id: null,
  threat_type: 'brute_force',
  confidence: 0.8,
  enrichment: JSON.stringify({ src: { ip: '203.0.113.7', class: 'public', external: true, geo: { country_code: 'DE', country: 'Germany', city: 'Berlin', latitude: 52.52, longitude: 13.4 } } }),
} as unknown as FeedAlert;

const NOTICE: FeedNotice = {
  message: 'P1 escalated by playbook Brute force: blocked at the edge',
  severity: 'critical',
  priority: 'P1',
  playbook: { id: 'brute', name: 'Brute force', version: 2 },
  run_id: '0b8f2d0e-6c7e-4d5c-9a55-0a1b2c3d4e5f',
  step_id: 'tell',
  at: '2026-11-21T10:06:00.000Z',
};

function render(dialect: string, path: string, notice = NOTICE): Record<string, unknown>[] {
  const ev = new NoticeEvent(notice, ALERT, 17, new RiskIndex().snapshot());
  const v = NOTICE_VARIANTS.find((x) => x.dialect === dialect && x.paths.includes(path));
  if (!v) throw new Error(`no variant for ${dialect} ${path}`);
  return v.build(ev, (id) => (id === 'T1110' ? 'Brute Force' : null)) as Record<string, unknown>[];
}

describe('feed notices: one frame shape per dialect, as its real client shows it', () => {
  it('every dialect and path has a way to carry a notice', () => {
    const covered = NOTICE_VARIANTS.flatMap((v) => v.paths.map((p) => `${v.dialect} ${p}`));
    expect(covered.sort()).toEqual(
      ['aegis /ws/alerts', 'aegis /ws/detection/live', 'bluewall /ws/security/alerts', 'ips /api/v1/ws/security-alerts', 'ips /ws', 'native /ws/v1/alerts', 'threatstream /ws/live'].sort(),
    );
  });

  it('native: a notice frame at the feed head with the override and the alert attached as it stands', () => {
    const [f, ...rest] = render('native', '/ws/v1/alerts');
    expect(rest).toEqual([]);
    expect(f).toEqual({
      type: 'notice',
      seq: 17,
      data: {
        message: NOTICE.message,
        severity: 'critical',
        priority: 'P1',
        playbook: NOTICE.playbook,
        run_id: NOTICE.run_id,
        step_id: 'tell',
        ts: NOTICE.at,
        alert: expect.objectContaining({ id: 42, severity: 'medium', priority: 'P3', title: ALERT.title, threat_type: 'brute_force' }),
      },
    });
    // feed-internal columns stay out
    expect((f!['data'] as { alert: object }).alert).not.toHaveProperty('enrichment');
  });

  it('Aegis: the alert again under its own id (the page replaces it) with the message as description, lower-case severity', () => {
    const [f, ...rest] = render('aegis', '/ws/alerts');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'vigil-42', description: NOTICE.message, severity: 'critical', status: 'NEW', attack_type: 'BRUTE_FORCE' });
    expect(f!['tags']).toEqual(['ssh', 'T1110', 'playbook:brute']);
    expect(f).not.toHaveProperty('type'); // a bare alert: every frame Aegis gets is used as an Alert
  });

  it('ThreatStream: a new_threat of its own id (new_alert is only logged), then risk_update with the index as it stands', () => {
    const [threat, risk, ...rest] = render('threatstream', '/ws/live');
    expect(rest).toEqual([]);
    expect(threat!['type']).toBe('new_threat');
    const data = threat!['data'] as Record<string, unknown>;
    expect(data['id']).toMatch(/^THR-[0-9A-F]{8}$/);
    expect(data['id']).not.toBe('THR-0000002A'); // App.tsx drops a threat whose id it already lists
    expect(data).toMatchObject({ description: NOTICE.message, severity: 'CRITICAL', threat_type: 'BRUTE_FORCE', timestamp: NOTICE.at, source_country_code: 'DE', mitre_attack_name: 'Brute Force' });
    expect(risk).toEqual({ type: 'risk_update', data: { value: 5, level: 'NORMAL', trend: 'STABLE' } });
    // another step of the same run is another threat
    const other = render('threatstream', '/ws/live', { ...NOTICE, step_id: 'tell-again' })[0]!['data'] as Record<string, unknown>;
    expect(other['id']).not.toBe(data['id']);
  });

  it('BlueWall and the IPS spec path: one security_alert whose details is a string starting with the message', () => {
    const [f, ...rest] = render('bluewall', '/ws/security/alerts');
    expect(rest).toEqual([]);
    expect(render('ips', '/api/v1/ws/security-alerts')).toEqual([f]);
    expect(f).toMatchObject({ type: 'security_alert', source: 'suricata', severity: 'critical', timestamp: NOTICE.at });
    const alert = f!['alert'] as Record<string, unknown>;
    expect(typeof alert['details']).toBe('string');
    expect(alert['details']).toMatch(/^P1 escalated by playbook Brute force: blocked at the edge \| ET SCAN Potential SSH Scan \(203\.0\.113\.7:51514 -> 10\.0\.0\.5:22 TCP\); seen 3x, risk 55\/100, P1, NEW$/);
    expect(alert).toMatchObject({ id: '42', description: NOTICE.message, threat_level: 'high', location: 'Berlin, Germany', latitude: 52.52 });
  });

  it('IPS stock path: an alert titled with the message, critical so that it toasts', () => {
    const [f, ...rest] = render('ips', '/ws');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ type: 'alert', source: 'suricata', timestamp: NOTICE.at, data: { id: '42', title: NOTICE.message, severity: 'critical' } });
  });

  it('without an override the alert keeps its own severity and priority', () => {
    const plain = { ...NOTICE, severity: null, priority: null };
    expect(render('native', '/ws/v1/alerts', plain)[0]!['data']).toMatchObject({ severity: 'medium', priority: 'P3' });
    expect(render('aegis', '/ws/alerts', plain)[0]).toMatchObject({ severity: 'medium' });
  });

  it('a variant is rendered once: the frames sent are the payloads previewed', () => {
    const ev = new NoticeEvent(NOTICE, ALERT, 17, new RiskIndex().snapshot());
    const v = NOTICE_VARIANTS.find((x) => x.dialect === 'native')!;
    const payloads = ev.payloads(v.key, () => v.build(ev, () => null));
    const frames = ev.render(v.key, () => [{ type: 'something else' }]);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(frame(payloads[0]))).toBe(true);
  });
});
