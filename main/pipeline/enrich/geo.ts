/**
 * Offline geo / ASN lookups from MaxMind-format (.mmdb) files: GeoLite2 / GeoIP2 City, Country
 * and ASN, or DB-IP lite files in the same format. Each file is read once into memory by the
 * maxmind package (no network, no file watching); lookups go through its LRU cache.
 */
import { open as openMmdb, type AsnResponse, type CityResponse, type CountryResponse, type Reader } from 'maxmind';
import type { GeoInfo } from '../types.js';
import { inspectIp } from './ipclass.js';

export type GeoDbKind = 'city' | 'country' | 'asn';

export interface GeoResolverOptions {
  cityDb?: string;
  countryDb?: string;
  asnDb?: string;
}

/** Why a database could not be opened; the message always names the file. */
export class GeoDbError extends Error {
  readonly file: string;
  readonly kind: GeoDbKind;
  readonly reason: 'missing' | 'unreadable' | 'not-mmdb' | 'wrong-type';
  constructor(kind: GeoDbKind, file: string, reason: GeoDbError['reason'], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'GeoDbError';
    this.kind = kind;
    this.file = file;
    this.reason = reason;
  }
}

/** What is loaded, for settings / About screens. */
export interface GeoDbDescription {
  kind: GeoDbKind;
  file: string;
  databaseType: string;
  /** Build time of the database, ISO 8601. */
  builtAt: string;
  ipVersion: number;
}

const CACHE_MAX = 10_000;

interface Loaded<T extends CountryResponse | AsnResponse> {
  reader: Reader<T>;
  ipv6: boolean;
  description: GeoDbDescription;
}

function errnoCode(err: unknown): string | undefined {
  if (err !== null && typeof err === 'object' && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Database types that plainly belong in another slot (checked loosely: vendors name them differently). */
function typeMismatch(kind: GeoDbKind, databaseType: string): boolean {
  const t = databaseType.toLowerCase();
  const isAsn = t.includes('asn') || t.includes('isp');
  const isGeo = t.includes('city') || t.includes('country');
  if (kind === 'asn') return isGeo && !isAsn;
  return isAsn && !isGeo;
}

async function openDb<T extends CountryResponse | AsnResponse>(kind: GeoDbKind, file: string): Promise<Loaded<T>> {
  let reader: Reader<T>;
  try {
    reader = await openMmdb<T>(file, { cache: { max: CACHE_MAX } });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') {
      throw new GeoDbError(kind, file, 'missing', `GeoIP ${kind} database not found: ${file}`, err);
    }
    if (code !== undefined) {
      throw new GeoDbError(kind, file, 'unreadable', `GeoIP ${kind} database cannot be read: ${file} (${code})`, err);
    }
    throw new GeoDbError(
      kind,
      file,
      'not-mmdb',
      `GeoIP ${kind} database is not a valid MaxMind DB (.mmdb) file: ${file} (${errMessage(err)})`,
      err,
    );
  }
  const md = reader.metadata;
  if (typeMismatch(kind, md.databaseType)) {
    throw new GeoDbError(
      kind,
      file,
      'wrong-type',
      `GeoIP ${kind} database has the wrong type "${md.databaseType}": ${file}`,
    );
  }
  return {
    reader,
    ipv6: md.ipVersion === 6,
    description: {
      kind,
      file,
      databaseType: md.databaseType,
      builtAt: md.buildEpoch.toISOString(),
      ipVersion: md.ipVersion,
    },
  };
}

function safeGet<T extends CountryResponse | AsnResponse>(db: Loaded<T>, addr: string, v6: boolean): T | null {
  if (v6 && !db.ipv6) return null;
  try {
    return db.reader.get(addr);
  } catch {
    return null;
  }
}

export class GeoResolver {
  private readonly city: Loaded<CityResponse> | null;
  private readonly country: Loaded<CountryResponse> | null;
  private readonly asn: Loaded<AsnResponse> | null;

  private constructor(
    city: Loaded<CityResponse> | null,
    country: Loaded<CountryResponse> | null,
    asn: Loaded<AsnResponse> | null,
  ) {
    this.city = city;
    this.country = country;
    this.asn = asn;
  }

  /**
   * Opens the given databases (each read once, in parallel). Any of them may be left out.
   * Throws GeoDbError naming the file when one is missing, unreadable or not an mmdb.
   */
  static async open(opts: GeoResolverOptions): Promise<GeoResolver> {
    const [city, country, asn] = await Promise.all([
      opts.cityDb ? openDb<CityResponse>('city', opts.cityDb) : null,
      opts.countryDb ? openDb<CountryResponse>('country', opts.countryDb) : null,
      opts.asnDb ? openDb<AsnResponse>('asn', opts.asnDb) : null,
    ]);
    return new GeoResolver(city, country, asn);
  }

  /** A resolver with no databases: every lookup gives null. */
  static empty(): GeoResolver {
    return new GeoResolver(null, null, null);
  }

  /** True when at least one database is loaded. */
  get enabled(): boolean {
    return this.city !== null || this.country !== null || this.asn !== null;
  }

  describe(): GeoDbDescription[] {
    const out: GeoDbDescription[] = [];
    if (this.city) out.push(this.city.description);
    if (this.country) out.push(this.country.description);
    if (this.asn) out.push(this.asn.description);
    return out;
  }

  /**
   * Geo and ASN data for a public address, merged across the loaded databases; null when the
   * address is not public (private, loopback, ...: no database is touched), invalid, or no
   * database knows it. IPv4-mapped and NAT64 addresses are looked up by their embedded IPv4.
   */
  lookup(ip: string): GeoInfo | null {
    if (!this.enabled) return null;
    const info = inspectIp(ip);
    if (info.lookup === null) return null;
    return this.lookupNormalized(info.lookup, info.lookup.includes(':'));
  }

  private lookupNormalized(addr: string, v6: boolean): GeoInfo | null {
    let country_code: string | null = null;
    let country: string | null = null;
    let city: string | null = null;
    let latitude: number | null = null;
    let longitude: number | null = null;
    let asn: number | null = null;
    let as_org: string | null = null;
    let found = false;

    if (this.city) {
      const r = safeGet(this.city, addr, v6);
      if (r) {
        found = true;
        country_code = r.country?.iso_code ?? null;
        country = r.country?.names?.en ?? null;
        city = r.city?.names?.en ?? null;
        latitude = r.location?.latitude ?? null;
        longitude = r.location?.longitude ?? null;
      }
    }
    // The country database fills in the country when there is no city database, or when the
    // city database has no country for this address.
    if (this.country && country_code === null) {
      const r = safeGet(this.country, addr, v6);
      if (r) {
        found = true;
        country_code = r.country?.iso_code ?? null;
        country = r.country?.names?.en ?? null;
      }
    }
    if (this.asn) {
      const r = safeGet(this.asn, addr, v6);
      if (r) {
        found = true;
        asn = typeof r.autonomous_system_number === 'number' ? r.autonomous_system_number : null;
        as_org = r.autonomous_system_organization ?? null;
      }
    }
    if (!found) return null;
    if (country_code === null && city === null && latitude === null && asn === null && as_org === null) return null;
    return { country_code, country, city, latitude, longitude, asn, as_org };
  }

  /** Nothing to release: the databases live in memory and no file is watched. */
  close(): void {
    // no-op
  }
}
