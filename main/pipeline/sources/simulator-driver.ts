/**
 * The scenario simulator as a driver: one batch per tick of realistic EVE and Wazuh lines, in real
 * time, through the SAME pipeline as every other source. It has no cursor (nothing to resume: a
 * run is a run) and ends with its duration.
 */
import type { PipelineRepo } from '../../store/pipeline-repo.js';
import type { BatchOutcome, Pipeline } from '../pipeline.js';
import { addOutcome, emptySummary, type IngestSummary } from '../runner.js';
import { drain } from './commit.js';
import { runSimulation, type ScenarioName } from './simulator.js';
import type { DriverContext, RawRecord, SourceBatch, SourceDriver } from './types.js';

export interface SimulatorRun {
  scenario: ScenarioName;
  /** Records per second. */
  rate: number;
  durationS: number;
  seed?: number;
}

export function simulatorSourceId(scenario: ScenarioName): string {
  return `simulator:${scenario}`;
}

export class SimulatorDriver implements SourceDriver {
  readonly sourceId: string;

  constructor(private readonly run: SimulatorRun) {
    this.sourceId = simulatorSourceId(run.scenario);
  }

  async *batches(ctx: DriverContext): AsyncGenerator<SourceBatch> {
    let seq = 0;
    const { scenario, rate, durationS, seed } = this.run;
    ctx.report({ state: 'running', note: `${scenario} at ${rate}/s for ${durationS} s` });
    for await (const batch of runSimulation({ scenario, rate, durationS, signal: ctx.signal, ...(seed !== undefined ? { seed } : {}) })) {
      const records: RawRecord[] = batch.map((r) => ({ raw: r.line, format: r.format, position: { file: this.sourceId, line: ++seq, offset: 0 } }));
      yield { records };
    }
  }

  async close(): Promise<void> {}
}

export interface SimulateOptions extends SimulatorRun {
  signal?: AbortSignal;
  onBatch?: (o: BatchOutcome) => void;
}

/** Runs the simulator in the foreground (`vigil simulate`) and sums what it did. */
export async function simulate(pipeline: Pipeline, repo: PipelineRepo, opts: SimulateOptions): Promise<IngestSummary> {
  const t0 = performance.now();
  const sum = emptySummary();
  const driver = new SimulatorDriver(opts);
  repo.ensureSource(driver.sourceId, 'simulator', 'mixed', null);
  await drain(driver, pipeline, repo, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onBatch: (o) => {
      addOutcome(sum, o);
      opts.onBatch?.(o);
    },
  });
  sum.duration_ms = Math.round(performance.now() - t0);
  return sum;
}
