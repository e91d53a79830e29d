/**
 * One-shot import of whole files (`vigil ingest`).
 *
 * Every path is checked before anything is imported (exists, regular file, readable, text or
 * gzip, a recognisable format): with one bad path nothing is imported unless skipBad. Each file
 * then goes through the pipeline in batches, each committed in one transaction together with the
 * import's position (import memory) and a check of the source's lease, so:
 * - importing the same content again adds nothing ("already imported, nothing new");
 * - a file that grew adds only its new lines; `again` reads it from the start;
 * - an import killed half-way carries on after its last committed batch;
 * - two imports of one file at once cannot both store it (the second waits or refuses).
 * `.gz` files (by their magic bytes) are gunzipped as a stream, with line numbers and offsets of
 * the decompressed content. Every file gets an outcome; totals sum them.
 */
import path from 'node:path';
import type { SourceLease } from '../../contract/index.js';
import type { LeaseClaim, PipelineRepo } from '../../store/pipeline-repo.js';
import type { BatchOutcome, Pipeline } from '../pipeline.js';
import { addOutcome, emptySummary, fileSourceId, toInput, IMPORT_BATCH_LINES, type IngestSummary } from '../runner.js';
import { drain } from './commit.js';
import type { NormalizeWorker } from './normalize-worker.js';
import type { DriverContext, SourceBatch, SourceDriver } from './types.js';
import type { EventFormat } from '../types.js';
import { formatName, formatNames } from '../normalize/registry.js';
import { checkInput, GzipDamageError, readContentLines, recognisedLines, sniffFile, type InputFile } from './file-input.js';
import { identityOf, planImport, type FileIdentity, type ImportCursor, type ImportPlan } from './import-memory.js';
import { leaseClaim, SourceLeaseHandle, type LeaseOptions } from './lease.js';

export type FormatChoice = EventFormat | 'auto';

export interface ImportOptions {
  /** 'auto' tells each file's format from its first lines. */
  format: FormatChoice;
  /** Read every file from the start even if it was imported before. */
  again?: boolean;
  /** Import the good files when some paths are bad (they still count as failed). */
  skipBad?: boolean;
  /** Wait for another process's import of the same file to finish instead of refusing. */
  wait?: boolean;
  /** Time zone for timestamps without a UTC offset, stored on each file's source; null clears it; undefined keeps it. */
  assumeTz?: string | null;
  batchLines?: number;
  claim?: LeaseClaim;
  lease?: LeaseOptions;
  signal?: AbortSignal;
  /** Normalize on a second core (see normalize-worker.ts); the caller closes it. */
  worker?: NormalizeWorker | null;
  onBatch?: (file: string, o: BatchOutcome) => void;
  onWait?: (file: string, holder: SourceLease) => void;
}

/**
 * imported: lines were read; nothing_new: the same content was imported before; failed: see
 * `error` (what was read before a failure is kept); not_read: refused because another path was bad.
 */
export type FileStatus = 'imported' | 'nothing_new' | 'failed' | 'not_read';

export interface FileOutcome extends Omit<IngestSummary, 'duration_ms'> {
  file: string;
  status: FileStatus;
  format: EventFormat | null;
  compressed: boolean;
  /** Line number the import started at (1 = the start of the file). */
  from_line: number;
  note: string | null;
  error: string | null;
}

export interface ImportReport extends IngestSummary {
  files: FileOutcome[];
  /** Files whose outcome is failed. */
  failed: number;
}

function outcome(file: string): FileOutcome {
  const { duration_ms: _d, ...zero } = emptySummary();
  return { file, status: 'not_read', format: null, compressed: false, from_line: 1, note: null, error: null, ...zero };
}

interface Prepared {
  out: FileOutcome;
  input: InputFile;
  format: EventFormat;
}

/**
 * Checks one path: readable, text or gzip, in a format we can read, not a followed file (whose
 * lines a tail or the app already reads). Sets out.error when not.
 */
async function prepare(repo: PipelineRepo, out: FileOutcome, choice: FormatChoice): Promise<Prepared | null> {
  const fail = (error: string) => {
    out.status = 'failed';
    out.error = error;
    return null;
  };
  if (repo.getSource(fileSourceId('file', out.file))) {
    return fail('this file is a followed source (vigil tail or the app read it): importing it too would count its lines twice; remove that source first');
  }
  let input: InputFile;
  try {
    input = await checkInput(out.file);
  } catch (err) {
    return fail((err as Error).message);
  }
  out.compressed = input.compressed;
  let sniffed;
  try {
    sniffed = await sniffFile(input);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (sniffed.binary) return fail('binary data, not a text log (compressed with something other than gzip?)');
  const seen = recognisedLines(sniffed) + sniffed.other;
  if (choice === 'auto') {
    if (sniffed.format === null) {
      if (seen === 0) {
        // an empty file: nothing to import, nothing wrong
        out.status = 'nothing_new';
        out.note = 'empty file';
        return null;
      }
      return fail(`could not tell the format: the first lines are neither ${formatNames(' nor ')} records (give --format to import it anyway)`);
    }
    out.format = sniffed.format;
    return { out, input, format: sniffed.format };
  }
  if (sniffed.format !== null && sniffed.format !== choice) {
    return fail(`this looks like ${formatName(sniffed.format)}; use --format ${sniffed.format} or auto`);
  }
  out.format = choice;
  return { out, input, format: choice };
}

/**
 * One file's content from where the import plan says, as a driver: each batch commits the import
 * memory (the file's identity and where reading stopped) with its rows; a last empty batch marks
 * the content read to its end. No source cursor: an import's position is its memory.
 */
class ImportDriver implements SourceDriver {
  constructor(
    private readonly repo: PipelineRepo,
    readonly sourceId: string,
    private readonly input: InputFile,
    private readonly format: EventFormat,
    private readonly identity: FileIdentity,
    private readonly plan: ImportPlan,
    private readonly batchLines: number,
  ) {}

  async *batches(ctx: DriverContext): AsyncGenerator<SourceBatch> {
    const remember = (pos: ImportCursor) => () => this.repo.saveImportMemory(this.sourceId, this.identity, pos);
    let pos: ImportCursor = { offset: this.plan.start, line: this.plan.line, complete: false };
    ctx.report({ state: 'running' });
    for await (const batch of readContentLines(this.input, { start: this.plan.start, startLine: this.plan.line, final: true, batchLines: this.batchLines })) {
      pos = { offset: batch.end, line: batch.nextLine, complete: false };
      yield { records: toInput(this.input.path, this.format, batch.lines), commit: remember(pos) };
    }
    yield { records: [], commit: remember({ ...pos, complete: true }) };
  }

  async close(): Promise<void> {}
}

/** Imports whole files (see the module comment). Never throws for a bad file: its outcome says why. */
export async function ingestFiles(pipeline: Pipeline, repo: PipelineRepo, files: readonly string[], opts: ImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const outs = files.map((f) => outcome(path.resolve(f)));
  const ready: Prepared[] = [];
  for (const out of outs) {
    const p = await prepare(repo, out, opts.format);
    if (p) ready.push(p);
  }
  const bad = outs.some((o) => o.status === 'failed');
  if (!bad || opts.skipBad) {
    const claim = opts.claim ?? leaseClaim('vigil ingest');
    for (const p of ready) {
      if (opts.signal?.aborted) break;
      await importOne(pipeline, repo, p, claim, opts);
    }
  } else {
    for (const p of ready) p.out.note = 'not imported because of the failed files (fix them, leave them out, or use --skip-bad)';
  }
  const report: ImportReport = { ...emptySummary(), files: outs, failed: 0 };
  for (const o of outs) {
    addOutcome(report, o);
    if (o.status === 'failed') report.failed++;
  }
  report.duration_ms = Math.round(performance.now() - t0);
  return report;
}

async function importOne(pipeline: Pipeline, repo: PipelineRepo, p: Prepared, claim: LeaseClaim, opts: ImportOptions): Promise<void> {
  const { out, format } = p;
  const sourceId = fileSourceId('import', out.file);
  const row = repo.ensureSource(sourceId, 'import', format, out.file);
  if (row.format !== format) repo.setSourceFormat(sourceId, format);
  if (opts.assumeTz !== undefined) repo.setSourceAssumeTz(sourceId, opts.assumeTz);
  const lease = new SourceLeaseHandle(repo, sourceId, claim, opts.lease);
  try {
    const got = await lease.acquire({
      wait: opts.wait ?? false,
      what: out.file,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onWait: (h) => opts.onWait?.(out.file, h),
    });
    if (!got) {
      out.status = 'failed';
      out.error = 'interrupted while waiting for the other import';
      return;
    }
    lease.startRenewing(() => undefined); // a lost lease shows up at the next batch's confirm()
    // the file may have changed while we waited: look again
    const input = await checkInput(out.file);
    const plan = await planImport(input, repo.getImportMemory(sourceId), opts.again ?? false);
    out.note = plan.note;
    out.from_line = plan.line;
    if (plan.kind === 'nothing_new') {
      out.status = 'nothing_new';
      return;
    }
    const driver = new ImportDriver(repo, sourceId, input, format, await identityOf(input), plan, opts.batchLines ?? IMPORT_BATCH_LINES);
    try {
      await drain(driver, pipeline, repo, {
        lease,
        worker: opts.worker ?? null,
        onBatch: (o) => {
          addOutcome(out, o);
          opts.onBatch?.(out.file, o);
          if (opts.signal?.aborted) throw new Error('interrupted; the next import carries on from here');
        },
      });
    } catch (err) {
      out.status = 'failed';
      out.error =
        err instanceof GzipDamageError
          ? `${err.message}${out.read > 0 ? `; the ${out.read} lines before it were imported` : ''}`
          : (err as Error).message;
      return;
    }
    out.status = out.read === 0 ? 'nothing_new' : 'imported';
    if (out.read > 0 && out.events + out.skipped === 0) {
      const first = repo.listQuarantine(1, undefined, sourceId).items[0];
      out.status = 'failed';
      const fix = first?.reason.startsWith('no UTC offset')
        ? "give the sensor's time zone (--assume-tz Europe/Paris, say) and import it again with --again"
        : 'fix the cause and import it again with --again';
      out.error = `nothing could be read: all ${out.read} lines were quarantined${first ? ` (e.g. line ${first.line ?? '?'}: ${first.reason})` : ''}; ${fix}`;
    }
  } catch (err) {
    out.status = 'failed';
    out.error = (err as Error).message; // LeaseHeldError, LeaseLostError, a file gone since it was checked
  } finally {
    lease.release();
  }
}
