import { describe, expect, it } from 'vitest';
import { THREAT_TYPES, type AddressInfo, type DetectedEvent, type Detection, type ThreatType } from '../../main/pipeline/types.js';
import { ExposureIndex } from '../../main/pipeline/enrich/exposure.js';
import {
  EXPOSURE_CRITICAL_POINTS,
  EXPOSURE_HIGH_POINTS,
  SEVERITY_POINTS,
  THREAT_TYPE_POINTS,
  PRIORITY_RULES,
  priorityFor,
  priorityRule,
  scoreEvent,
  scoreEvents,
} from '../../main/pipeline/score/index.js';
import type { Severity } from '../../main/contract/index.js';

function addr(ip: string | null): AddressInfo | null {
  if (ip === null) return null;
  const priv = /^(10\.|192\.168\.)/.test(ip);
  return { ip, class: priv ? 'private' : 'public', external: !priv, geo: null };
}

function ev(p: Partial<DetectedEvent> = {}, d: Partial<Detection> = {}): DetectedEvent {
  const src_ip = p.src_ip === undefined ? '203.0.113.7' : p.src_ip;
  const dst_ip = p.dst_ip === undefined ? '10.0.0.5' : p.dst_ip;
  return {
    source: 'suricata',
    ts: '2026-11-21T09:00:00.000Z',
    severity: 'medium',
    sev_raw: 2,
    rule_id: '1:2000000',
    title: 'Test',
    category: null,
    src_port: 40000,
    dst_port: 80,
    proto: 'TCP',
    agent: null,
    user: null,
    sensor: null,
    technique_ids: [],
    flow_id: null,
    community_id: null,
    action: 'allowed',
    groups: [],
    full_log: null,
    location: null,
    raw: '{}',
    position: { file: 'test', line: 1, offset: 0 },
    ...p,
    src_ip,
    dst_ip,
    src: p.src === undefined ? addr(src_ip) : p.src,
    dst: p.dst === undefined ? addr(dst_ip) : p.dst,
    detection: { threat_type: 'unknown', technique_ids: [], confidence: 0, basis: 'test', correlations: [], ...d },
  };
}

const sum = (terms: { points: number }[]) => terms.reduce((a, t) => a + t.points, 0);
const term = (s: ReturnType<typeof scoreEvent>, name: string) => s.terms.find((t) => t.name === name);

describe('scoreEvent', () => {
  it('is made of named terms that sum to the risk', () => {
    const s = scoreEvent(ev({ severity: 'high' }, { threat_type: 'brute_force', confidence: 0.8 }));
    expect(s.terms.map((t) => t.name)).toEqual(['severity', 'confidence', 'threat type', 'external source']);
    expect(term(s, 'severity')?.points).toBe(40);
    expect(term(s, 'confidence')?.points).toBe(8);
    expect(term(s, 'threat type')?.points).toBe(12);
    expect(term(s, 'external source')).toMatchObject({ points: 8, detail: expect.stringMatching(/inbound/) });
    expect(s.risk).toBe(68);
    expect(sum(s.terms)).toBe(s.risk);
  });

  it('uses the documented severity and threat-type weights', () => {
    for (const sev of Object.keys(SEVERITY_POINTS) as Severity[]) {
      const s = scoreEvent(ev({ severity: sev, src_ip: null, dst_ip: null }));
      expect(s.risk).toBe(SEVERITY_POINTS[sev]);
    }
    expect(SEVERITY_POINTS).toEqual({ info: 0, low: 10, medium: 25, high: 40, critical: 55 });
    for (const t of THREAT_TYPES) expect(typeof THREAT_TYPE_POINTS[t as ThreatType]).toBe('number');
    expect(THREAT_TYPE_POINTS.ransomware).toBe(20);
    expect(THREAT_TYPE_POINTS.unknown).toBe(0);
  });

  it('adds correlation, subtracts blocked, and weighs asset criticality', () => {
    const s = scoreEvent(
      ev(
        { severity: 'medium', action: 'blocked' },
        {
          threat_type: 'port_scan',
          confidence: 0.9,
          correlations: [{ rule: 'port_scan', key: '203.0.113.7', observed: 20, threshold: 15, window_s: 60 }],
        },
      ),
      { assetCriticality: (ip) => (ip === '10.0.0.5' ? 0.5 : undefined) },
    );
    expect(term(s, 'correlation')).toMatchObject({ points: 10, detail: expect.stringContaining('port_scan') });
    expect(term(s, 'blocked')?.points).toBe(-10);
    expect(term(s, 'asset criticality')).toMatchObject({ points: 8, detail: expect.stringContaining('10.0.0.5') });
    expect(s.risk).toBe(25 + 9 + 8 + 10 + 8 - 10 + 8);
    expect(sum(s.terms)).toBe(s.risk);
  });

  it('blocked only applies to Suricata', () => {
    expect(term(scoreEvent(ev({ source: 'wazuh', action: 'blocked' })), 'blocked')).toBeUndefined();
  });

  it('exposure: outbound c2 counts, internal noise is lowered, lateral exploit is neutral', () => {
    const out = scoreEvent(ev({ src_ip: '10.0.0.9', dst_ip: '198.51.100.1' }, { threat_type: 'c2' }));
    expect(term(out, 'external source')).toMatchObject({ points: 8, detail: expect.stringMatching(/leaving/) });
    const noise = scoreEvent(ev({ src_ip: '10.0.0.9', dst_ip: '10.0.0.5' }, { threat_type: 'policy' }));
    expect(term(noise, 'external source')?.points).toBe(-5);
    const lateral = scoreEvent(ev({ src_ip: '10.0.0.9', dst_ip: '10.0.0.5' }, { threat_type: 'exploit' }));
    expect(term(lateral, 'external source')).toBeUndefined();
  });

  it('clamps at 100 with a clamp term so the terms still sum to the risk', () => {
    const s = scoreEvent(
      ev(
        { severity: 'critical' },
        {
          threat_type: 'ransomware',
          confidence: 1,
          correlations: [{ rule: 'flood', key: 'k', observed: 100, threshold: 100, window_s: 1 }],
        },
      ),
      { assetCriticality: () => 1 },
    );
    expect(s.risk).toBe(100);
    const clamp = term(s, 'clamp');
    expect(clamp?.points).toBe(100 - (55 + 10 + 20 + 10 + 8 + 15));
    expect(clamp?.detail).toBe('sum of terms 118 clamped to 100');
    expect(sum(s.terms)).toBe(100);
  });

  it('clamps at 0', () => {
    const s = scoreEvent(ev({ severity: 'info', action: 'blocked', src_ip: '10.0.0.1' }, { threat_type: 'policy' }));
    expect(sum(s.terms.filter((t) => t.name !== 'clamp'))).toBe(-15);
    expect(s.risk).toBe(0);
    expect(term(s, 'clamp')?.points).toBe(15);
    expect(sum(s.terms)).toBe(0);
  });

  it('no clamp term when the sum is in range; criticality is clamped to 0..1', () => {
    const s = scoreEvent(ev(), { assetCriticality: () => 7 });
    expect(term(s, 'clamp')).toBeUndefined();
    expect(term(s, 'asset criticality')?.points).toBe(15);
  });

  it('scoreEvents keeps order and the event fields', () => {
    const out = scoreEvents([ev({ severity: 'low' }), ev({ severity: 'high' })]);
    expect(out.map((e) => e.severity)).toEqual(['low', 'high']);
    for (const e of out) {
      expect(Number.isInteger(e.score.risk)).toBe(true);
      expect(sum(e.score.terms)).toBe(e.score.risk);
    }
  });
});

describe('priorityFor', () => {
  it.each([
    ['critical', 0, 'P1'],
    ['critical', 100, 'P1'],
    ['high', 79, 'P2'],
    ['high', 80, 'P1'],
    ['medium', 59, 'P3'],
    ['medium', 60, 'P2'],
    ['low', 59, 'P4'],
    ['low', 60, 'P3'],
    ['info', 0, 'P4'],
    ['info', 60, 'P3'],
  ] as const)('%s at risk %d → %s', (sev, risk, p) => {
    expect(priorityFor(sev, risk)).toBe(p);
  });
});

describe('priority rules', () => {
  const p = (severity: Severity, risk: number, threat_type: string, technique_ids: string[] = []) => priorityFor(severity, risk, { threat_type, technique_ids });

  it('destructive host activity never ranks below an SSH brute force', () => {
    const bruteForce = p('high', 80, 'brute_force', ['T1110']);
    expect(bruteForce).toBe('P1');
    // shadow copies deleted (T1490) at high severity, whatever its risk
    expect(p('high', 70, 'ransomware', ['T1490'])).toBe('P1');
    expect(p('high', 50, 'unknown', ['T1490'])).toBe('P1');
    // files renamed by ransomware, medium severity
    expect(p('medium', 55, 'ransomware', ['T1486'])).toBe('P1');
    // data destroyed or a disk wiped, sub-techniques included
    expect(p('high', 40, 'anomaly', ['T1485'])).toBe('P1');
    expect(p('high', 40, 'anomaly', ['T1561.001'])).toBe('P1');
  });

  it('a single file deleted (medium, T1485 on stock Wazuh rule 553) stays an ordinary P3', () => {
    expect(p('medium', 40, 'anomaly', ['T1070.004', 'T1485'])).toBe('P3');
    expect(p('low', 20, 'ransomware')).toBe('P4');
  });

  it('names the rule that decided, in table order', () => {
    expect(priorityRule({ severity: 'high', risk: 70, threat_type: 'ransomware', technique_ids: ['T1490'] }).name).toBe('ransomware activity');
    expect(priorityRule({ severity: 'high', risk: 70, threat_type: 'unknown', technique_ids: ['T1490'] }).name).toBe('destructive host activity');
    expect(priorityRule({ severity: 'medium', risk: 10, threat_type: 'unknown', technique_ids: [] }).name).toBe('medium severity');
    expect(PRIORITY_RULES.at(-1)!.when({ severity: 'info', risk: 0, threat_type: 'unknown', technique_ids: [] })).toBe(true);
  });
});

describe('scoreEvent: exposure (open scan findings of the host at risk)', () => {
  const index = new ExposureIndex(() => [
    { id: 7, host: '10.0.0.5', title: 'Apache Log4j RCE', severity: 'critical', cves: ['CVE-2021-44228'] },
    { id: 8, host: '10.0.0.5', title: 'OpenSSH', severity: 'high', cves: [] },
    { id: 9, host: '10.0.0.9', title: 'Weak TLS', severity: 'high', cves: [] },
    { id: 10, host: '10.0.0.9', title: 'Old PHP', severity: 'high', cves: ['CVE-2024-4577'] },
  ]);
  const exposure = (ip: string) => index.lookup(ip);

  it('names the findings of the destination: count by severity and an example', () => {
    const s = scoreEvent(ev({ dst_ip: '10.0.0.5' }, { threat_type: 'exploit' }), { exposure });
    expect(term(s, 'exposure')).toEqual({ name: 'exposure', points: EXPOSURE_CRITICAL_POINTS, detail: '10.0.0.5 has 1 critical and 1 high open findings, e.g. CVE-2021-44228' });
    expect(sum(s.terms)).toBe(s.risk);
    const h = scoreEvent(ev({ dst_ip: '10.0.0.9' }), { exposure });
    expect(term(h, 'exposure')).toMatchObject({ points: EXPOSURE_HIGH_POINTS, detail: '10.0.0.9 has 2 high open findings, e.g. Weak TLS' });
  });

  it('looks at the source for traffic leaving the network, and adds nothing for a clean host', () => {
    const out = scoreEvent(ev({ src_ip: '10.0.0.9', dst_ip: '198.51.100.4' }, { threat_type: 'c2' }), { exposure });
    expect(term(out, 'exposure')?.detail).toMatch(/^10\.0\.0\.9 has 2 high/);
    expect(term(scoreEvent(ev({ dst_ip: '10.0.0.77' }), { exposure }), 'exposure')).toBeUndefined();
    expect(term(scoreEvent(ev({ dst_ip: '10.0.0.5' })), 'exposure')).toBeUndefined(); // no index: no term
  });

  it('the index reloads after invalidate() (a finding marked false positive leaves it) and after its TTL', () => {
    let rows = [{ id: 1, host: '10.0.0.5', title: 'x', severity: 'high', cves: [] as string[] }];
    let t = 0;
    const idx = new ExposureIndex(() => rows, { ttlMs: 1000, now: () => t });
    expect(idx.lookup('10.0.0.5')?.ids).toEqual([1]);
    rows = [];
    expect(idx.lookup('10.0.0.5')).toBeDefined(); // cached
    idx.invalidate();
    expect(idx.lookup('10.0.0.5')).toBeUndefined();
    rows = [{ id: 2, host: '10.0.0.5', title: 'y', severity: 'critical', cves: [] }];
    t += 999;
    expect(idx.lookup('10.0.0.5')).toBeUndefined();
    t += 1;
    expect(idx.lookup('10.0.0.5')).toMatchObject({ critical: 1, ids: [2] });
  });
});
