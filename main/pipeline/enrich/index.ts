export { classifyIp, inspectIp, isExternalClass, type IpInspection } from './ipclass.js';
export {
  GeoResolver,
  GeoDbError,
  type GeoDbKind,
  type GeoDbDescription,
  type GeoResolverOptions,
} from './geo.js';
export { createEnricher, DEFAULT_ADDRESS_CACHE_MAX, type Enricher, type EnricherOptions } from './enricher.js';
