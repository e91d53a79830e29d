import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { alertWhere } from '../../main/store/alerts-repo.js';

function minutesAfter(base: string, m: number): string {
  return new Date(Date.parse(base) + m * 60_000).toISOString();
}

describe('AlertsRepo', () => {
  it('lists newest first with keyset pagination and no gaps or repeats', async () => {
    const s = await testServices(tempDir());
    const base = '2026-11-21T00:00:00.000Z';
    // 250 alerts, several sharing a last_seen so the id tiebreak matters
    s.alerts.insertMany(Array.from({ length: 250 }, (_, i) => sampleAlert({ last_seen: minutesAfter(base, Math.floor(i / 3)), first_seen: base })));
    const seen: number[] = [];
    let after;
    for (;;) {
      const page = s.alerts.list({}, 40, after);
      seen.push(...page.items.map((a) => a.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const all = s.alerts.list({}, 500).items;
    expect(all.map((a) => a.id)).toEqual(seen);
    for (let i = 1; i < all.length; i++) {
      const [p, c] = [all[i - 1]!, all[i]!];
      expect(p.last_seen > c.last_seen || (p.last_seen === c.last_seen && p.id > c.id)).toBe(true);
    }
    await s.close();
  });

  it('sorts by any sort field in both directions with keyset pages that neither skip nor repeat', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany(Array.from({ length: 120 }, (_, i) => sampleAlert({ risk_score: (i * 37) % 101, count: 1 + (i % 7), severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4] })));
    for (const field of ['risk_score', 'count', 'severity', 'priority', 'first_seen'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const ids: number[] = [];
        let after;
        for (;;) {
          const page = s.alerts.list({}, 25, after, { field, dir });
          ids.push(...page.items.map((a) => a.id));
          if (!page.next) break;
          after = page.next;
        }
        expect(new Set(ids).size, `${field} ${dir}`).toBe(120);
      }
    }
    const byRisk = s.alerts.list({}, 500, undefined, { field: 'risk_score', dir: 'desc' }).items.map((a) => a.risk_score);
    expect(byRisk).toEqual([...byRisk].sort((a, b) => b - a));
    await s.close();
  });

  it('filters by severity, minimum severity, status, time range and text', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany([
      sampleAlert({ severity: 'critical', title: 'Ransomware note dropped', last_seen: '2026-11-21T10:00:00.000Z' }),
      sampleAlert({ severity: 'low', title: 'ET INFO curl user agent', src_ip: '10.1.1.1', last_seen: '2026-11-21T11:00:00.000Z' }),
      sampleAlert({ severity: 'medium', title: '100%_literal match', last_seen: '2026-11-21T12:00:00.000Z' }),
    ]);
    const titles = (f: Parameters<typeof s.alerts.list>[0]) => s.alerts.list(f, 100).items.map((a) => a.title);
    expect(titles({ severity: ['low'] })).toEqual(['ET INFO curl user agent']);
    expect(titles({ min_severity: 'medium' })).toEqual(['100%_literal match', 'Ransomware note dropped']);
    expect(titles({ from: '2026-11-21T10:30:00Z', to: '2026-11-21T12:00:00Z' })).toEqual(['ET INFO curl user agent']);
    expect(titles({ from: '2026-11-21T11:30:00+01:00' })).toEqual(['100%_literal match', 'ET INFO curl user agent']); // offsets are converted to UTC
    expect(titles({ text: 'ransomware' })).toEqual(['Ransomware note dropped']);
    expect(titles({ text: '10.1.1' })).toEqual(['ET INFO curl user agent']);
    expect(titles({ text: 'literal' })).toEqual(['100%_literal match']);
    expect(titles({ text: '"OR* NEAR(' })).toEqual([]); // FTS syntax in the input is inert
    const id = s.alerts.list({ severity: ['critical'] }, 1).items[0]!.id;
    s.alerts.setStatus(id, 'RESOLVED', 'ana', 'contained');
    expect(titles({ status: ['NEW'] })).toHaveLength(2);
    expect(titles({ status: ['RESOLVED'] })).toEqual(['Ransomware note dropped']);
    await s.close();
  });

  it('carries agent, user, host and sensor; the host filter matches host, agent name or id, sensor and either address', async () => {
    const s = await testServices(tempDir());
    const [web, fim, net, sensed] = s.alerts.insertMany([
      sampleAlert({ source: 'wazuh', agent: { id: '001', name: 'web-01' }, user: 'admin', src_ip: '203.0.113.45', dst_ip: null }),
      sampleAlert({ source: 'wazuh', agent: { id: '003', name: 'db-01' }, src_ip: null, dst_ip: null }),
      sampleAlert({ src_ip: '10.0.0.9', dst_ip: '10.0.0.5' }),
      sampleAlert({ src_ip: '203.0.113.7', dst_ip: '10.0.0.6', sensor: 'sensor-01' }),
    ]);
    expect(s.alerts.get(web!)).toMatchObject({ agent: { id: '001', name: 'web-01' }, user: 'admin', host: 'web-01', sensor: null });
    expect(s.alerts.get(fim!)).toMatchObject({ agent: { id: '003', name: 'db-01' }, user: null, host: 'db-01' });
    expect(s.alerts.get(net!)).toMatchObject({ agent: null, host: '10.0.0.5', sensor: null });
    expect(s.alerts.get(sensed!)).toMatchObject({ agent: null, host: '10.0.0.6', sensor: 'sensor-01' });
    const ids = (host: string) => s.alerts.list({ host }, 50).items.map((a) => a.id).sort((a, b) => a - b);
    expect(ids('web-01')).toEqual([web]);
    expect(ids('003')).toEqual([fim]);
    expect(ids('sensor-01')).toEqual([sensed]);
    expect(ids('10.0.0.5')).toEqual([net]);
    expect(ids('10.0.0.9')).toEqual([net]); // the source address of a network alert
    expect(ids('203.0.113.45')).toEqual([web]);
    expect(ids('web')).toEqual([]); // exact, not a prefix
    // every term of the OR is answered from an index
    const w = alertWhere({ host: '10.0.0.5' });
    const plan = s.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE ${w.sql}`).all(...w.params) as { detail: string }[];
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).toContain('MULTI-INDEX OR');
    expect(text).not.toMatch(/\bSCAN alerts\b/);
    await s.close();
  });

  it('setStatus writes the status and an audit entry in one step; history reads it back', async () => {
    let t = Date.parse('2026-11-21T09:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date((t += 1000)));
    const [id] = s.alerts.insertMany([sampleAlert()]);
    expect(s.alerts.setStatus(id!, 'ACKNOWLEDGED', 'ana', null)!.from).toBe('NEW');
    s.alerts.setStatus(id!, 'RESOLVED', 'ben', 'blocked at the firewall');
    expect(s.alerts.get(id!)!.status).toBe('RESOLVED');
    const history = s.alerts.history(id!);
    expect(history.map((h) => [h.actor, h.from, h.to, h.note])).toEqual([
      ['ana', 'NEW', 'ACKNOWLEDGED', null],
      ['ben', 'ACKNOWLEDGED', 'RESOLVED', 'blocked at the firewall'],
    ]);
    expect(history[0]!.ts < history[1]!.ts).toBe(true);
    expect(s.alerts.setStatus(999999, 'RESOLVED', 'ana', 'x')).toBeNull();
    await s.close();
  });
});
