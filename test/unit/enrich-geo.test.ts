import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GeoDbError, GeoResolver } from '../../main/pipeline/enrich/index.js';

// The shared data folder is a sibling of the repository root: <repo>/../shared/data/geo.
const here = path.dirname(fileURLToPath(import.meta.url));
const GEO_DIR = path.resolve(here, '../../../shared/data/geo');
const CITY = path.join(GEO_DIR, 'GeoLite2-City-Test.mmdb');
const COUNTRY = path.join(GEO_DIR, 'GeoLite2-Country-Test.mmdb');
const ASN = path.join(GEO_DIR, 'GeoLite2-ASN-Test.mmdb');

describe('GeoResolver with MaxMind test databases', () => {
  let all: GeoResolver;
  let countryOnly: GeoResolver;
  let asnOnly: GeoResolver;

  beforeAll(async () => {
    all = await GeoResolver.open({ cityDb: CITY, countryDb: COUNTRY, asnDb: ASN });
    countryOnly = await GeoResolver.open({ countryDb: COUNTRY });
    asnOnly = await GeoResolver.open({ asnDb: ASN });
  });
  afterAll(() => {
    all.close();
    countryOnly.close();
    asnOnly.close();
  });

  it.each([
    ['81.2.69.142', 'GB', 'United Kingdom', 'London'],
    ['89.160.20.128', 'SE', 'Sweden', 'Linköping'],
    ['175.16.199.1', 'CN', 'China', 'Changchun'],
    ['216.160.83.57', 'US', 'United States', 'Milton'],
    ['2.125.160.217', 'GB', 'United Kingdom', 'Boxford'],
    ['2001:218::1', 'JP', 'Japan', null],
  ])('%s -> %s %s', (ip, cc, country, city) => {
    const g = all.lookup(ip);
    expect(g).not.toBeNull();
    expect(g!.country_code).toBe(cc);
    expect(g!.country).toBe(country);
    expect(g!.city).toBe(city);
    expect(typeof g!.latitude).toBe('number');
    expect(typeof g!.longitude).toBe('number');
  });

  it('gives London coordinates for 81.2.69.142', () => {
    const g = all.lookup('81.2.69.142')!;
    expect(g.latitude).toBeCloseTo(51.5142, 3);
    expect(g.longitude).toBeCloseTo(-0.0931, 3);
    expect(g.asn).toBeNull(); // not in the ASN test db
    expect(g.as_org).toBeNull();
  });

  it('merges city and ASN data', () => {
    expect(all.lookup('89.160.20.128')).toEqual({
      country_code: 'SE',
      country: 'Sweden',
      city: 'Linköping',
      latitude: expect.any(Number),
      longitude: expect.any(Number),
      asn: 29518,
      as_org: 'Bredband2 AB',
    });
    // An ASN record without an organisation.
    const milton = all.lookup('216.160.83.57')!;
    expect(milton.asn).toBe(209);
    expect(milton.as_org).toBeNull();
  });

  it('gives an ASN from the ASN database alone', () => {
    expect(asnOnly.lookup('1.128.0.0')).toEqual({
      country_code: null,
      country: null,
      city: null,
      latitude: null,
      longitude: null,
      asn: 1221,
      as_org: 'Telstra Pty Ltd',
    });
    expect(asnOnly.lookup('12.81.92.1')?.asn).toBe(7018);
    expect(asnOnly.lookup('2600:6000::1')).toMatchObject({ asn: 237, as_org: 'Merit Network Inc.' });
    expect(asnOnly.lookup('81.2.69.142')).toBeNull();
  });

  it('uses the country database when there is no city database', () => {
    expect(countryOnly.lookup('81.2.69.142')).toEqual({
      country_code: 'GB',
      country: 'United Kingdom',
      city: null,
      latitude: null,
      longitude: null,
      asn: null,
      as_org: null,
    });
    expect(countryOnly.lookup('2001:218::1')?.country_code).toBe('JP');
  });

  it('looks up IPv6 forms: brackets, zone id, upper case, IPv4-mapped and NAT64', () => {
    expect(all.lookup('[2001:218::1]')?.country_code).toBe('JP');
    expect(all.lookup('2001:0218:0000:0000:0000:0000:0000:0001')?.country_code).toBe('JP');
    expect(all.lookup('2001:218::1%eth0')?.country_code).toBe('JP');
    expect(all.lookup('::ffff:81.2.69.142')?.city).toBe('London');
    expect(all.lookup('::FFFF:5102:458E')?.city).toBe('London');
    expect(all.lookup('64:ff9b::81.2.69.142')?.city).toBe('London');
  });

  it('returns null for addresses no database knows', () => {
    expect(all.lookup('1.1.1.1')).toBeNull();
    expect(all.lookup('2a00:1450::1')).toBeNull();
  });

  it('returns null for non-public and invalid addresses without touching a database', () => {
    // Reach into the private readers to prove no lookup happens.
    const readers = ['city', 'country', 'asn'].map(
      (k) => (all as unknown as Record<string, { reader: { get: (ip: string) => unknown } }>)[k]!.reader,
    );
    const spies = readers.map((r) => vi.spyOn(r, 'get'));
    try {
      for (const ip of ['10.0.0.1', '192.168.1.10', '127.0.0.1', '100.64.1.1', '169.254.1.1', '224.0.0.1',
        '255.255.255.255', '0.0.0.0', '192.0.2.1', '198.18.0.1', '::1', 'fe80::1%eth0', 'fd00::1',
        '2001:db8::1', '::ffff:10.0.0.1', 'not-an-ip', '']) {
        expect(all.lookup(ip), ip).toBeNull();
      }
      for (const s of spies) expect(s).not.toHaveBeenCalled();
      all.lookup('81.2.69.142');
      const [city, country, asn] = spies;
      expect(city).toHaveBeenCalledTimes(1);
      expect(asn).toHaveBeenCalledTimes(1);
      // The city db already gave the country, so the country db is not asked.
      expect(country).not.toHaveBeenCalled();
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('describes what is loaded', () => {
    const d = all.describe();
    expect(d.map((x) => [x.kind, x.databaseType])).toEqual([
      ['city', 'GeoLite2-City'],
      ['country', 'GeoLite2-Country'],
      ['asn', 'GeoLite2-ASN'],
    ]);
    expect(d[0]!.file).toBe(CITY);
    expect(all.enabled).toBe(true);
  });
});

describe('GeoResolver.empty / open with nothing', () => {
  it('resolves nothing', async () => {
    const e = GeoResolver.empty();
    expect(e.enabled).toBe(false);
    expect(e.lookup('81.2.69.142')).toBeNull();
    expect(e.describe()).toEqual([]);
    const none = await GeoResolver.open({});
    expect(none.lookup('81.2.69.142')).toBeNull();
  });
});

describe('GeoResolver.open errors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-geo-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('names a missing file', async () => {
    const missing = path.join(tmp, 'nope', 'GeoLite2-City.mmdb');
    const err = await GeoResolver.open({ cityDb: missing, asnDb: ASN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeoDbError);
    expect((err as GeoDbError).message).toContain(missing);
    expect((err as GeoDbError).message).toMatch(/not found/);
    expect((err as GeoDbError).reason).toBe('missing');
    expect((err as GeoDbError).kind).toBe('city');
  });

  it('names a file that is not an mmdb', async () => {
    const license = path.join(GEO_DIR, 'LICENSE-MIT');
    await expect(GeoResolver.open({ countryDb: license })).rejects.toThrow(license);
    await expect(GeoResolver.open({ countryDb: license })).rejects.toMatchObject({ reason: 'not-mmdb', kind: 'country' });

    const empty = path.join(tmp, 'empty.mmdb');
    fs.writeFileSync(empty, '');
    await expect(GeoResolver.open({ asnDb: empty })).rejects.toThrow(/not a valid MaxMind DB.*empty\.mmdb/);

    const gz = path.join(tmp, 'city.mmdb.gz');
    fs.writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
    await expect(GeoResolver.open({ cityDb: gz })).rejects.toThrow(gz);
  });

  it('names a directory given as a file', async () => {
    await expect(GeoResolver.open({ cityDb: tmp })).rejects.toThrow(tmp);
  });

  it('rejects a database in the wrong slot', async () => {
    await expect(GeoResolver.open({ cityDb: ASN })).rejects.toMatchObject({ reason: 'wrong-type', file: ASN });
    await expect(GeoResolver.open({ asnDb: CITY })).rejects.toThrow(/wrong type "GeoLite2-City"/);
  });
});
