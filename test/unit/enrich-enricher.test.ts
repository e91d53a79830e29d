import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnricher, GeoResolver } from '../../main/pipeline/enrich/index.js';
import type { SecurityEvent } from '../../main/pipeline/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GEO_DIR = path.resolve(here, '../../../shared/data/geo');

function ev(src_ip: string | null, dst_ip: string | null, n = 0): SecurityEvent {
  return {
    source: 'suricata',
    ts: '2026-11-21T09:00:00.000Z',
    severity: 'high',
    sev_raw: 1,
    rule_id: '1:2000001',
    title: `test ${n}`,
    category: null,
    src_ip,
    src_port: 40000 + n,
    dst_ip,
    dst_port: 22,
    proto: 'TCP',
    agent: null,
    user: null,
    sensor: null,
    technique_ids: [],
    flow_id: null,
    community_id: null,
    action: null,
    groups: [],
    full_log: null,
    location: null,
    raw: '{}',
    position: { file: 'test', line: n + 1, offset: 0 },
  } as SecurityEvent;
}

describe('createEnricher', () => {
  let geo: GeoResolver;
  beforeAll(async () => {
    geo = await GeoResolver.open({
      cityDb: path.join(GEO_DIR, 'GeoLite2-City-Test.mmdb'),
      asnDb: path.join(GEO_DIR, 'GeoLite2-ASN-Test.mmdb'),
    });
  });

  it('enriches a batch: src/dst AddressInfo, nulls kept, input untouched, order kept', () => {
    const enricher = createEnricher(geo);
    const input = [
      ev('89.160.20.128', '10.0.0.5', 0),
      ev('192.168.1.20', '81.2.69.142', 1),
      ev(null, '::1', 2),
      ev('not-an-ip', null, 3),
      ev('[2001:218::1]', 'fe80::1%eth0', 4),
    ];
    const before = JSON.stringify(input);
    const out = enricher.enrich(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(out).toHaveLength(5);
    expect(out.map((e) => e.title)).toEqual(input.map((e) => e.title));

    expect(out[0]!.src).toEqual({
      ip: '89.160.20.128',
      class: 'public',
      external: true,
      geo: {
        country_code: 'SE',
        country: 'Sweden',
        city: 'Linköping',
        latitude: expect.any(Number),
        longitude: expect.any(Number),
        asn: 29518,
        as_org: 'Bredband2 AB',
      },
    });
    expect(out[0]!.dst).toEqual({ ip: '10.0.0.5', class: 'private', external: false, geo: null });
    expect(out[1]!.src).toMatchObject({ class: 'private', external: false, geo: null });
    expect(out[1]!.dst).toMatchObject({ class: 'public', external: true, geo: { city: 'London', country_code: 'GB' } });
    expect(out[2]!.src).toBeNull();
    expect(out[2]!.dst).toEqual({ ip: '::1', class: 'loopback', external: false, geo: null });
    expect(out[3]!.src).toEqual({ ip: 'not-an-ip', class: 'invalid', external: false, geo: null });
    expect(out[3]!.dst).toBeNull();
    expect(out[4]!.src).toMatchObject({ ip: '[2001:218::1]', class: 'public', geo: { country_code: 'JP' } });
    expect(out[4]!.dst).toMatchObject({ class: 'link-local', external: false, geo: null });
    // Everything else of the event is carried over, field for field.
    for (let i = 0; i < input.length; i++) {
      const { src: _s, dst: _d, ...rest } = out[i]!;
      expect(rest).toEqual(input[i]);
      expect(Object.keys(out[i]!).sort()).toEqual([...Object.keys(input[i]!), 'src', 'dst'].sort());
    }
    expect(out[0]!.raw).toBe('{}');
    expect(out[0]!.position).toEqual(input[0]!.position);
    // Callable as a function too.
    expect(enricher([ev('81.2.69.142', null)])[0]!.src?.geo?.city).toBe('London');
  });

  it('a public address no database knows is external with null geo', () => {
    const out = createEnricher(geo).enrich([ev('1.1.1.1', '2a00:1450::1')]);
    expect(out[0]!.src).toEqual({ ip: '1.1.1.1', class: 'public', external: true, geo: null });
    expect(out[0]!.dst).toEqual({ ip: '2a00:1450::1', class: 'public', external: true, geo: null });
  });

  it('caches AddressInfo per ip, shares frozen objects, and bounds the cache', () => {
    const spy = vi.spyOn(geo, 'lookup');
    try {
      const enricher = createEnricher(geo, { cacheMax: 3 });
      const batch = Array.from({ length: 100 }, (_, i) => ev('81.2.69.142', '10.0.0.1', i));
      const out = enricher.enrich(batch);
      expect(spy).toHaveBeenCalledTimes(1); // only the public address, only once
      expect(out[0]!.src).toBe(out[99]!.src);
      expect(Object.isFrozen(out[0]!.src)).toBe(true);
      expect(Object.isFrozen(out[0]!.src!.geo)).toBe(true);
      expect(enricher.cacheSize()).toBe(2);
      enricher.enrich([ev('1.1.1.1', '1.0.0.1'), ev('8.8.8.8', '9.9.9.9')]);
      expect(enricher.cacheSize()).toBeLessThanOrEqual(3);
      enricher.clearCache();
      expect(enricher.cacheSize()).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('works with an empty resolver', () => {
    const out = createEnricher(GeoResolver.empty()).enrich([ev('81.2.69.142', '172.16.0.1')]);
    expect(out[0]!.src).toEqual({ ip: '81.2.69.142', class: 'public', external: true, geo: null });
    expect(out[0]!.dst).toEqual({ ip: '172.16.0.1', class: 'private', external: false, geo: null });
  });

  it('exposes asset criticality by address', () => {
    const enricher = createEnricher(geo, { assetCriticality: new Map([['10.0.0.5', 5]]) });
    expect(enricher.criticality('10.0.0.5')).toBe(5);
    expect(enricher.criticality('10.0.0.6')).toBeNull();
    expect(enricher.criticality(null)).toBeNull();
    expect(createEnricher(geo).criticality('10.0.0.5')).toBeNull();
  });

  it('enriches an empty batch', () => {
    expect(createEnricher(geo).enrich([])).toEqual([]);
  });
});
