/**
 * Offline world geometry for the dashboard map: Natural Earth 1:110m countries (public domain)
 * from the bundled world-atlas package, converted TopoJSON → GeoJSON with topojson-client and
 * registered with ECharts. Nothing is fetched from the network; the geometry is a separate
 * chunk loaded on first use.
 *
 * The pipeline stores ISO 3166-1 alpha-2 codes ("GB"); world-atlas features carry ISO numeric
 * ids ("826"). i18n-iso-countries maps one to the other.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { alpha2ToNumeric, numericToAlpha2 } from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { echarts } from '../../components/charts/echarts.js';

export const WORLD_MAP = 'vigil-world';

export interface WorldInfo {
  /** ECharts region name (the feature's name) for an alpha-2 code. */
  regionOf(alpha2: string): string | null;
  /** alpha-2 code for an ECharts region name. */
  alpha2Of(region: string): string | null;
}

let loading: Promise<WorldInfo> | null = null;

type Ring = number[][];

/**
 * A few rings (Russia's Chukotka, Fiji) cross the antimeridian and are stored with points at both
 * -180 and +180; drawn as-is they streak across the whole map. Such rings are unwrapped eastwards.
 */
function unwrapRing(ring: Ring): Ring {
  let min = Infinity;
  let max = -Infinity;
  for (const p of ring) {
    const x = p[0] ?? 0;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (max - min <= 180) return ring;
  return ring.map((p) => ((p[0] ?? 0) < 0 ? [(p[0] ?? 0) + 360, p[1] ?? 0] : p));
}

function unwrap(g: Geometry): Geometry {
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(unwrapRing) };
  if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((poly) => poly.map(unwrapRing)) };
  return g;
}

/** Loads and registers the world map once; later calls share the same promise. */
export function loadWorld(): Promise<WorldInfo> {
  return (loading ??= (async () => {
    const mod = (await import('world-atlas/countries-110m.json')) as unknown as { default: Topology };
    const topo = mod.default;
    const fc = feature(topo, topo.objects['countries'] as GeometryCollection<{ name: string }>) as FeatureCollection<Geometry, { name: string }>;
    const byNumeric = new Map<string, string>();
    const byName = new Map<string, string>();
    const features: Feature<Geometry, { name: string }>[] = [];
    for (const f of fc.features) {
      const id = typeof f.id === 'string' ? f.id : f.id === undefined ? '' : String(f.id).padStart(3, '0');
      if (id === '010') continue; // Antarctica: no traffic, and it flattens the projection
      const name = f.properties.name;
      features.push({ ...f, geometry: unwrap(f.geometry) });
      if (id) {
        byNumeric.set(id, name);
        const a2 = numericToAlpha2(id);
        if (a2) byName.set(name, a2);
      }
    }
    echarts.registerMap(WORLD_MAP, { type: 'FeatureCollection', features } as unknown as Parameters<typeof echarts.registerMap>[1]);
    const info: WorldInfo = {
      regionOf(alpha2) {
        const n = alpha2ToNumeric(alpha2.toUpperCase());
        return n ? (byNumeric.get(n) ?? null) : null;
      },
      alpha2Of(region) {
        return byName.get(region) ?? null;
      },
    };
    return info;
  })().catch((err: unknown) => {
    loading = null;
    throw err;
  }));
}

const displayNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return null;
  }
})();

/** "United Kingdom" for "GB" (Intl, no data needed); the code itself when unknown. */
export function countryName(alpha2: string): string {
  const code = alpha2.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) return alpha2;
  try {
    return displayNames?.of(code) ?? code;
  } catch {
    return code;
  }
}
