import type { Database } from 'better-sqlite3';
import type { Settings } from '../contract/index.js';
import { AttackTable, attackTablePath, createDetector } from './detect/index.js';
import { GeoResolver, createEnricher } from './enrich/index.js';
import { ExposureIndex } from './enrich/exposure.js';
import { exposedFindings } from '../store/findings-repo.js';
import { attachScores, priorityFor, scoreEvent } from './score/index.js';
import { Pipeline, type PipelineConfig, type PipelineStages } from './pipeline.js';

export interface BuiltStages {
  stages: PipelineStages;
  config: PipelineConfig;
  attack: AttackTable;
  geo: GeoResolver;
  /** Hosts with open high/critical findings (the score's exposure term), or null. */
  exposure: ExposureIndex | null;
}

/** Opens the configured geo files; a missing or broken file is reported, and geo is off. */
export async function openGeo(settings: Settings, warn: (msg: string) => void): Promise<GeoResolver> {
  const files = {
    ...(settings.geoCityDb ? { cityDb: settings.geoCityDb } : {}),
    ...(settings.geoCountryDb ? { countryDb: settings.geoCountryDb } : {}),
    ...(settings.geoAsnDb ? { asnDb: settings.geoAsnDb } : {}),
  };
  if (Object.keys(files).length === 0) return GeoResolver.empty();
  try {
    return await GeoResolver.open(files);
  } catch (err) {
    warn(`geo enrichment is off: ${err instanceof Error ? err.message : String(err)}`);
    return GeoResolver.empty();
  }
}

/** Builds enrich → detect → score from the settings and the bundled ATT&CK table. */
export async function buildStages(
  settings: Settings,
  resourcesDir: string,
  warn: (msg: string) => void,
  geo?: GeoResolver,
  exposure: ExposureIndex | null = null,
): Promise<BuiltStages> {
  const attack = AttackTable.load(attackTablePath(resourcesDir));
  const resolver = geo ?? (await openGeo(settings, warn));
  const enricher = createEnricher(resolver);
  const w = settings.correlationWindowSeconds;
  const detector = createDetector({
    attack,
    thresholds: {
      bruteForce: { failures: settings.bruteForceFailures, window_s: w },
      portScan: { ports: settings.portScanPorts, window_s: w },
      flood: { events_per_s: settings.floodEventsPerSecond },
      passwordSpraying: { users: settings.sprayingUsers, window_s: w },
    },
  });
  const scoreOpts = { assetCriticality: (ip: string) => enricher.criticality(ip) ?? undefined, ...(exposure ? { exposure: (ip: string) => exposure.lookup(ip) } : {}) };
  return {
    attack,
    geo: resolver,
    exposure,
    config: { minAlertSeverity: settings.minAlertSeverity, groupWindowMs: settings.groupWindowMinutes * 60_000 },
    stages: {
      // the enricher returns fresh objects, so the later stages attach to them instead of copying
      enrich: (events) => enricher.enrich(events),
      detect: (events) => detector.attach(events),
      score: (events) => attachScores(events, scoreOpts),
      rescore: (event, severity) => scoreEvent({ ...event, severity }, scoreOpts),
      priority: priorityFor,
    },
  };
}

/** A ready pipeline over a database, configured from the settings. */
export async function createPipeline(
  db: Database,
  settings: Settings,
  resourcesDir: string,
  warn: (msg: string) => void,
  now?: () => Date,
): Promise<{ pipeline: Pipeline; built: BuiltStages }> {
  const built = await buildStages(settings, resourcesDir, warn, undefined, new ExposureIndex(() => exposedFindings(db)));
  return { pipeline: new Pipeline(db, built.stages, built.config, now), built };
}
