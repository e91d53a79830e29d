/**
 * The enrich stage: adds src / dst AddressInfo (class, external, geo) to normalized events.
 */
import type { AddressInfo, EnrichedEvent, SecurityEvent } from '../types.js';
import type { GeoResolver } from './geo.js';
import { classifyIp } from './ipclass.js';

export interface EnricherOptions {
  /**
   * Analyst-assigned asset criticality keyed by address text exactly as it appears in events
   * (e.g. "10.0.0.5"). EnrichedEvent has no slot for it; later stages read it via
   * Enricher.criticality().
   */
  assetCriticality?: Map<string, number>;
  /** Most AddressInfo entries kept before the cache is cleared (default 50 000). */
  cacheMax?: number;
}

export interface Enricher {
  /** Same as enrich(): the enricher is callable. */
  (events: readonly SecurityEvent[]): EnrichedEvent[];
  /** Batch API: one EnrichedEvent per input event, in order. Input events are not modified. */
  enrich(events: readonly SecurityEvent[]): EnrichedEvent[];
  /** The (cached, frozen) AddressInfo for one address; null for null. */
  address(ip: string | null): AddressInfo | null;
  /** Asset criticality for an address, or null when none was configured for it. */
  criticality(ip: string | null): number | null;
  /** Entries currently in the AddressInfo cache. */
  cacheSize(): number;
  clearCache(): void;
}

export const DEFAULT_ADDRESS_CACHE_MAX = 50_000;

/**
 * A copy of the event plus src/dst, written field by field: object spread of a ~25-field event
 * measured ~2-4 µs per event in V8 (slow path), this ~30 ns, and every enriched event gets one
 * hidden class. The compiler flags a field added to SecurityEvent and missing here; properties
 * outside the SecurityEvent type are not carried over.
 */
function withAddresses(e: SecurityEvent, src: AddressInfo | null, dst: AddressInfo | null): EnrichedEvent {
  return {
    source: e.source,
    ts: e.ts,
    severity: e.severity,
    sev_raw: e.sev_raw,
    rule_id: e.rule_id,
    title: e.title,
    category: e.category,
    src_ip: e.src_ip,
    src_port: e.src_port,
    dst_ip: e.dst_ip,
    dst_port: e.dst_port,
    proto: e.proto,
    agent: e.agent,
    user: e.user,
    sensor: e.sensor,
    technique_ids: e.technique_ids,
    flow_id: e.flow_id,
    community_id: e.community_id,
    action: e.action,
    groups: e.groups,
    full_log: e.full_log,
    location: e.location,
    raw: e.raw,
    position: e.position,
    src,
    dst,
  };
}

export function createEnricher(geo: GeoResolver, opts: EnricherOptions = {}): Enricher {
  const cacheMax = Math.max(1, opts.cacheMax ?? DEFAULT_ADDRESS_CACHE_MAX);
  const criticalityMap = opts.assetCriticality;
  // Sources repeat a lot: a plain Map, cleared when full (cheaper than LRU bookkeeping and the
  // working set refills in one batch).
  const cache = new Map<string, AddressInfo>();

  function address(ip: string | null): AddressInfo | null {
    if (ip === null) return null;
    const hit = cache.get(ip);
    if (hit !== undefined) return hit;
    const cls = classifyIp(ip);
    const external = cls === 'public';
    const g = external ? geo.lookup(ip) : null;
    // Frozen: one object is shared by every event with this address.
    const info: AddressInfo = Object.freeze({
      ip,
      class: cls,
      external,
      geo: g === null ? null : Object.freeze(g),
    });
    if (cache.size >= cacheMax) cache.clear();
    cache.set(ip, info);
    return info;
  }

  function enrich(events: readonly SecurityEvent[]): EnrichedEvent[] {
    const out = new Array<EnrichedEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      out[i] = withAddresses(ev, address(ev.src_ip), address(ev.dst_ip));
    }
    return out;
  }

  function criticality(ip: string | null): number | null {
    if (ip === null || criticalityMap === undefined) return null;
    return criticalityMap.get(ip) ?? null;
  }

  return Object.assign((events: readonly SecurityEvent[]) => enrich(events), {
    enrich,
    address,
    criticality,
    cacheSize: () => cache.size,
    clearCache: () => cache.clear(),
  });
}
