import { describe, expect, it } from 'vitest';
import { Correlator, DEFAULT_THRESHOLDS, correlationKey, resolveThresholds } from '../../main/pipeline/detect/correlate.js';
import type { CorrelationHit, EnrichedEvent } from '../../main/pipeline/types.js';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function ev(p: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    source: 'wazuh',
    ts: at(0),
    severity: 'medium',
    sev_raw: 5,
    rule_id: '5710',
    title: 'sshd: Attempt to login using a non-existent user',
    category: 'sshd,authentication_failed',
    src_ip: '203.0.113.7',
    src_port: null,
    dst_ip: '10.0.0.5',
    dst_port: null,
    proto: null,
    agent: { id: '001', name: 'web-1', ip: '10.0.0.5' },
    user: 'root',
    sensor: null,
    technique_ids: [],
    flow_id: null,
    community_id: null,
    action: null,
    groups: ['sshd', 'authentication_failed'],
    full_log: null,
    location: null,
    raw: '{}',
    position: { file: 'test', line: null, offset: 0 },
    src: null,
    dst: null,
    ...p,
  };
}

/** A failed login at t ms. */
const fail = (ms: number, p: Partial<EnrichedEvent> = {}) => ev({ ts: at(ms), ...p });
/** A Suricata alert (not a failure) to dst_port at t ms. */
const packet = (ms: number, port: number | null, p: Partial<EnrichedEvent> = {}) =>
  ev({ source: 'suricata', title: 'Local rule', category: null, groups: [], user: null, agent: null, ts: at(ms), dst_port: port, ...p });

const rules = (hits: CorrelationHit[][]): string[][] => hits.map((h) => h.map((x) => x.rule));

describe('thresholds', () => {
  it('has the documented defaults and validates overrides', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      bruteForce: { failures: 5, window_s: 60 },
      portScan: { ports: 15, window_s: 60 },
      flood: { events_per_s: 100 },
      passwordSpraying: { users: 5, window_s: 60 },
    });
    expect(resolveThresholds({ bruteForce: { failures: 3 } }).bruteForce).toEqual({ failures: 3, window_s: 60 });
    expect(() => resolveThresholds({ portScan: { ports: 0 } })).toThrow(/portScan\.ports/);
    expect(() => resolveThresholds({ flood: { events_per_s: 1.5 } })).toThrow(/flood\.events_per_s/);
    expect(() => resolveThresholds({ bruteForce: { window_s: -1 } })).toThrow(/bruteForce\.window_s/);
  });

  it('keys by source IP, else agent, else user', () => {
    expect(correlationKey(ev())).toBe('203.0.113.7');
    expect(correlationKey(ev({ src_ip: null }))).toBe('agent:web-1');
    expect(correlationKey(ev({ src_ip: null, agent: null }))).toBe('user:root');
    expect(correlationKey(ev({ src_ip: null, agent: null, user: null }))).toBeNull();
  });
});

describe('brute force', () => {
  it('fires at exactly N failures within 60 s, not at N-1', () => {
    const c = new Correlator();
    const hits = c.observe([0, 10_000, 20_000, 30_000, 40_000].map((t) => fail(t, { user: 'root' })));
    expect(rules(hits)).toEqual([[], [], [], [], ['brute_force']]);
    expect(hits[4]?.[0]).toEqual({ rule: 'brute_force', key: '203.0.113.7', observed: 5, threshold: 5, window_s: 60 });
    // the 6th keeps firing while the window holds ≥ 5
    expect(c.observe([fail(41_000)])[0]?.[0]?.observed).toBe(6);
  });

  it('does not fire at N-1', () => {
    const c = new Correlator();
    expect(rules(c.observe([0, 1, 2, 3].map((s) => fail(s * 1000))))).toEqual([[], [], [], []]);
  });

  it('does not fire when the N failures spread over more than 60 s', () => {
    const c = new Correlator();
    const hits = c.observe([0, 15_001, 30_002, 45_003, 60_004].map((t) => fail(t)));
    expect(hits.flat()).toEqual([]);
    // 60 s exactly still counts (inclusive window)
    const c2 = new Correlator();
    expect(rules(c2.observe([0, 15_000, 30_000, 45_000, 60_000].map((t) => fail(t))))[4]).toEqual(['brute_force']);
  });

  it('uses event time, across batches, and tolerates slightly out-of-order events', () => {
    const c = new Correlator();
    expect(c.observe([fail(0), fail(2000)]).flat()).toEqual([]);
    expect(c.observe([fail(4000), fail(1000)]).flat()).toEqual([]);
    const hits = c.observe([fail(3000)]); // late, but inside the window: 5 failures
    expect(rules(hits)).toEqual([['brute_force']]);
    // an event older than the window is not counted and does not fire
    const late = c.observe([fail(-120_000)]);
    expect(late).toEqual([[]]);
  });

  it('does not count events that are not failed logins', () => {
    const c = new Correlator();
    const ok = (ms: number) => fail(ms, { title: 'sshd: authentication success.', groups: ['sshd', 'authentication_success'] });
    expect(c.observe([ok(0), ok(1), ok(2), ok(3), ok(4), fail(5)]).flat()).toEqual([]);
  });

  it('keeps separate sources apart', () => {
    const c = new Correlator();
    const evs = [0, 1, 2, 3, 4].flatMap((i) => [fail(i * 1000, { src_ip: '198.51.100.1' }), fail(i * 1000 + 500, { src_ip: '198.51.100.2' })]);
    evs.pop(); // source 2 has only 4
    const hits = c.observe(evs);
    expect(hits.flat().map((h) => h.key)).toEqual(['198.51.100.1']);
    expect(hits[8]?.[0]?.rule).toBe('brute_force');
  });

  it('counts failures per agent when there is no source IP', () => {
    const c = new Correlator();
    const hits = c.observe([0, 1, 2, 3, 4].map((s) => fail(s * 1000, { src_ip: null })));
    expect(hits[4]?.[0]).toMatchObject({ rule: 'brute_force', key: 'agent:web-1' });
  });

  it('counts Suricata brute-force mapped events', () => {
    const c = new Correlator();
    const hits = c.observe([0, 1, 2, 3, 4].map((s) => packet(s * 1000, 22, { title: 'ET SCAN Potential SSH Brute Force Attempt' })));
    expect(rules(hits)[4]).toEqual(['brute_force']);
  });
});

describe('password spraying', () => {
  it('fires at N distinct users from one source, not N-1', () => {
    const c = new Correlator({ thresholds: { bruteForce: { failures: 1000 } } });
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const hits = c.observe(users.map((u, i) => fail(i * 1000, { user: u })));
    expect(rules(hits)).toEqual([[], [], [], [], ['password_spraying']]);
    expect(hits[4]?.[0]).toEqual({ rule: 'password_spraying', key: '203.0.113.7', observed: 5, threshold: 5, window_s: 60 });
  });

  it('the same user repeated is brute force, not spraying', () => {
    const c = new Correlator();
    const hits = c.observe([0, 1, 2, 3, 4].map((s) => fail(s * 1000, { user: 'root' })));
    expect(rules(hits)[4]).toEqual(['brute_force']);
  });

  it('users spread beyond the window do not count', () => {
    const c = new Correlator({ thresholds: { bruteForce: { failures: 1000 } } });
    const hits = c.observe(['a', 'b', 'c', 'd', 'e'].map((u, i) => fail(i * 20_000, { user: u })));
    expect(hits.flat()).toEqual([]);
  });

  it('keeps separate sources apart', () => {
    const c = new Correlator({ thresholds: { bruteForce: { failures: 1000 } } });
    const hits = c.observe(['a', 'b', 'c', 'd', 'e'].map((u, i) => fail(i * 1000, { user: u, src_ip: `198.51.100.${i}` })));
    expect(hits.flat()).toEqual([]);
  });
});

describe('port scan', () => {
  it('fires at N distinct ports within the window, not N-1', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 15 }, (_, i) => packet(i * 100, 1000 + i));
    const hits = c.observe(evs);
    expect(hits.slice(0, 14).flat()).toEqual([]);
    expect(hits[14]).toEqual([{ rule: 'port_scan', key: '203.0.113.7', observed: 15, threshold: 15, window_s: 60 }]);
  });

  it('repeated ports do not count twice', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 40 }, (_, i) => packet(i * 100, 1000 + (i % 14)));
    expect(c.observe(evs).flat()).toEqual([]);
  });

  it('ports seen more than 60 s apart do not add up', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 15 }, (_, i) => packet(i * 5000, 1000 + i)); // 0..70 s
    expect(c.observe(evs).flat()).toEqual([]);
  });

  it('server replies to many client ports are not a scan', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 30 }, (_, i) => packet(i * 100, 50000 + i, { src_port: 80 }));
    expect(c.observe(evs).flat()).toEqual([]);
  });

  it('keeps separate sources apart', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 20 }, (_, i) => packet(i * 100, 1000 + i, { src_ip: `198.51.100.${i % 2}` }));
    expect(c.observe(evs).flat()).toEqual([]);
  });
});

describe('flood', () => {
  it('fires at N events in one second, not N-1', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 100 }, (_, i) => packet(i * 5, 80));
    const hits = c.observe(evs);
    expect(hits.slice(0, 99).flat()).toEqual([]);
    expect(hits[99]).toEqual([{ rule: 'flood', key: '203.0.113.7', observed: 100, threshold: 100, window_s: 1 }]);
  });

  it('N events spread over two seconds do not fire', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 150 }, (_, i) => packet(i * 13, 80)); // 0..1.94 s
    expect(c.observe(evs).flat()).toEqual([]);
  });

  it('keeps separate sources apart', () => {
    const c = new Correlator();
    const evs = Array.from({ length: 150 }, (_, i) => packet(i * 5, 80, { src_ip: `198.51.100.${i % 2}` }));
    expect(c.observe(evs).flat()).toEqual([]);
  });

  it('late events still land in their own second', () => {
    const c = new Correlator({ thresholds: { flood: { events_per_s: 3 } } });
    const hits = c.observe([packet(100, 80), packet(1100, 80), packet(200, 80), packet(1200, 80), packet(300, 80)]);
    expect(rules(hits)).toEqual([[], [], [], [], ['flood']]);
  });
});

describe('memory bound', () => {
  it('300k distinct sources keep the key count at the cap', () => {
    const c = new Correlator({ maxKeys: 100_000 });
    const batch: EnrichedEvent[] = [];
    let max = 0;
    for (let i = 0; i < 300_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      // all within one second: nothing goes idle, only the cap limits the key count
      batch.push(packet(i % 1000, 443, { src_ip: ip }));
      if (batch.length === 10_000) {
        c.observe(batch);
        batch.length = 0;
        max = Math.max(max, c.size);
      }
    }
    expect(max).toBe(100_000);
    expect(c.size).toBe(100_000);
  });

  it('sources idle longer than the longest window are dropped as event time advances', () => {
    const c = new Correlator();
    c.observe(Array.from({ length: 1000 }, (_, i) => packet(0, 80, { src_ip: `198.51.${i >> 8}.${i & 255}` })));
    expect(c.size).toBe(1000);
    c.observe([packet(10 * 60_000, 80, { src_ip: '192.0.2.1' })]);
    expect(c.size).toBe(1);
  });

  it('per-source samples are capped', () => {
    const c = new Correlator({ maxSamplesPerKey: 50, thresholds: { flood: { events_per_s: 1_000_000 } } });
    const hits = c.observe(Array.from({ length: 500 }, (_, i) => packet(i, i + 1)));
    expect(hits[499]?.[0]).toMatchObject({ rule: 'port_scan', observed: 50 });
  });
});
