import { ContractError, type Settings } from '../contract/index.js';
import { startHousekeeping } from '../pipeline/housekeeping.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { buildStages, createPipeline } from '../pipeline/stages.js';
import type { ExposureIndex } from '../pipeline/enrich/exposure.js';
import type { Services } from './services.js';

/** Settings that change the enrich/detect stages (applied by rebuilding them). */
const STAGE_KEYS: readonly (keyof Settings)[] = [
  'bruteForceFailures',
  'portScanPorts',
  'floodEventsPerSecond',
  'sprayingUsers',
  'correlationWindowSeconds',
  'geoCityDb',
  'geoCountryDb',
  'geoAsnDb',
];

/**
 * The pipeline of a long-running process (the desktop app, `vigil serve`): built from the
 * settings, reconfigured live when they change (new thresholds or geo files: the stages are
 * rebuilt and swapped in between two batches), publishing its figures and pruning old events.
 */
export class LivePipeline {
  private pipeline: Pipeline | null = null;
  private rebuilding: Promise<void> = Promise.resolve();
  /** Hosts with open high/critical findings, for the score; invalidate it when findings change. */
  exposure: ExposureIndex | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly s: Services,
    private readonly processName: string,
  ) {}

  async start(): Promise<Pipeline> {
    if (this.pipeline) return this.pipeline;
    const s = this.s;
    const { pipeline, built } = await createPipeline(s.db, s.settings.get(), s.config.resourcesDir, (m) => s.logger.warn(m), s.now);
    this.pipeline = pipeline;
    this.exposure = built.exposure;
    this.offs.push(
      startHousekeeping(pipeline, s.pipelineRepo, {
        processName: this.processName,
        settings: () => s.settings.get(),
        onMetrics: (m) => s.bus.emit('pipeline.metrics', m),
        log: (m) => s.logger.warn(m),
      }),
    );
    let applied = s.settings.get();
    this.offs.push(
      s.bus.on('settings.changed', (st) => {
        pipeline.configure({ minAlertSeverity: st.minAlertSeverity, groupWindowMs: st.groupWindowMinutes * 60_000 });
        if (!STAGE_KEYS.some((k) => st[k] !== applied[k])) return;
        applied = st;
        this.rebuilding = buildStages(st, s.config.resourcesDir, (m) => s.logger.warn(m), undefined, this.exposure)
          .then((built) => {
            if (this.pipeline === pipeline) pipeline.setStages(built.stages);
          })
          .catch((err: unknown) => s.logger.error('could not apply the new pipeline settings', { error: err instanceof Error ? err.message : String(err) }));
      }),
    );
    return pipeline;
  }

  /** The running pipeline; CONFLICT when none runs in this process. */
  get(): Pipeline {
    if (!this.pipeline) throw new ContractError('CONFLICT', 'the pipeline is not running in this process');
    return this.pipeline;
  }

  get running(): boolean {
    return this.pipeline !== null;
  }

  /** Resolves once changed pipeline settings are in effect. */
  settled(): Promise<void> {
    return this.rebuilding;
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.pipeline = null;
  }
}
