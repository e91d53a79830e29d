import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../main/contract/pipeline.js';
import { alertsHref, alertsQuery, parseAlertsQuery, parseHash, parseViewParams, routeHref, scansHref } from '../../renderer/app/router.js';
import { alertsFilterFor, inView, matchParts } from '../../renderer/features/suppressions/model.js';

const rule = (over: Partial<Suppression>): Suppression => ({
  id: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: 'ana',
  expires_at: null,
  reason: 'r',
  match: {},
  hits: 0,
  last_hit_at: null,
  enabled: true,
  state: 'active',
  ...over,
});

describe('suppressions screen model', () => {
  it('shows a rule match in a fixed order, whatever order it was written in', () => {
    const parts = matchParts({ title_contains: 'APT', dst_port: 22, src_ip: '10.0.0.0/8', source: 'suricata' });
    expect(parts.map((p) => `${p.label} ${p.value}`)).toEqual(['source suricata', 'src 10.0.0.0/8', 'dst port 22', 'title has APT']);
  });

  it('the Active tab holds active rules, Expired the expired and disabled ones', () => {
    const [a, e, d] = [rule({ state: 'active' }), rule({ state: 'expired' }), rule({ state: 'disabled' })];
    expect([a, e, d].filter((r) => inView(r, 'active'))).toEqual([a]);
    expect([a, e, d].filter((r) => inView(r, 'ended'))).toEqual([e, d]);
    expect([a, e, d].filter((r) => inView(r, 'all'))).toHaveLength(3);
  });

  it('"alerts like this" filters by what the Alerts screen can filter, and says when it approximates', () => {
    expect(alertsFilterFor({ src_ip: '203.0.113.0/24', rule_id: '1:2001219' })).toEqual({ filter: { src_ip: '203.0.113.0/24', rule_id: '1:2001219' }, partial: false });
    expect(alertsFilterFor({ source: 'wazuh', dst_port: 3389 })).toEqual({ filter: { source: ['wazuh'] }, partial: true });
    expect(alertsFilterFor({ title_contains: 'APT' }).partial).toBe(true);
  });
});

describe('routes', () => {
  it('a suppressions link names one rule, and anything else there is ignored', () => {
    expect(parseHash('#/suppressions?id=12')).toEqual({ name: 'suppressions', id: 12 });
    expect(parseHash('#/suppressions')).toEqual({ name: 'suppressions', id: null });
    expect(parseHash('#/suppressions?id=abc')).toEqual({ name: 'suppressions', id: null });
    expect(routeHref({ name: 'suppressions', id: 12 })).toBe('#/suppressions?id=12');
    expect(routeHref({ name: 'suppressions', id: null })).toBe('#/suppressions');
  });

  it('a Scans link can carry a target for the start form', () => {
    expect(parseHash('#/scans')).toEqual({ name: 'scans', target: null });
    expect(parseHash('#/scans?target=%20%20')).toEqual({ name: 'scans', target: null });
    expect(parseHash(scansHref('10.0.0.5, 10.0.1.0/24'))).toEqual({ name: 'scans', target: '10.0.0.5, 10.0.1.0/24' });
    expect(parseHash(scansHref('https://shop.example/a?b=c&d'))).toEqual({ name: 'scans', target: 'https://shop.example/a?b=c&d' });
    expect(routeHref({ name: 'scans', target: null })).toBe('#/scans');
  });

  it('an Alerts view (filters, range, sort, open alert) survives a round trip through the address', () => {
    const filter = { severity: ['critical', 'high'] as const, src_ip: '10.0.0.0/8', host: 'web-01', rule_id: '5712', text: 'ssh brute' };
    const q = alertsQuery({ ...filter, severity: [...filter.severity] }, { range: '24h', sort: { field: 'risk_score', dir: 'desc' } });
    const route = parseHash(`#/alerts/42?${q}`);
    expect(route).toMatchObject({ name: 'alerts', alertId: 42, filter: { ...filter, severity: ['critical', 'high'] } });
    expect(parseViewParams(q)).toEqual({ range: '24h', sort: { field: 'risk_score', dir: 'desc' } });
    // invalid values are dropped, never an error
    expect(parseAlertsQuery('severity=loud&host=db-01')).toEqual({ host: 'db-01' });
    expect(alertsHref({ rule_id: '5712' }, 7)).toBe('#/alerts/7?rule_id=5712');
  });
});
