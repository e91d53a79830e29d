import { setImmediate as yieldNow } from 'node:timers/promises';
import type { ReportFormat, Tlp } from '../contract/index.js';
import { csvRow } from './csv.js';
import { printChunkEnd, printChunkStart, TABLE_END } from './html.js';
import type { FileSink, ReportOutput } from './output.js';

/**
 * Rows per print pass. Chromium holds a whole document's pages in memory while it prints (a
 * 10,000-alert case in one pass took it past 9 GB), so a large report's PDF is printed in passes
 * of this many rows and the passes are merged (pdf.ts). Tables split between passes start again
 * with their header.
 */
export const PRINT_CHUNK_ROWS = 1500;

export const PRINT_DIR = '.print';

/** A CSV file of a report: header first, then rows. */
export interface CsvSink {
  row(values: readonly unknown[]): Promise<void>;
}

/**
 * What a report builder writes through. HTML goes to report.html when the report has HTML or PDF
 * (the PDF is printed from it); CSV files exist only when CSV was asked for; evidence files are
 * written whatever the format (they are the evidence).
 */
export class ReportWriter {
  private html: FileSink | null = null;
  /** The print passes (only when PDF is asked for): report.html cut at row boundaries. */
  private chunk: FileSink | null = null;
  private readonly chunks: string[] = [];
  private rowsInChunk = 0;
  private openTable: string | null = null;
  /** A table split between passes: its header opens the next pass, once a row follows. */
  private pendingHead: string | null = null;
  private readonly csvs = new Map<string, FileSink>();
  private readonly extra: FileSink[] = [];
  readonly records: Record<string, number> = {};
  private done = 0;
  private lastYield = Date.now();

  constructor(
    private readonly out: ReportOutput,
    readonly formats: ReadonlySet<ReportFormat>,
    private readonly onProgress: (done: number) => void,
    private readonly signal?: AbortSignal,
    private readonly title = '',
    private readonly passRows = PRINT_CHUNK_ROWS,
  ) {
    if (formats.has('html') || formats.has('pdf')) this.html = out.file('report.html', 'text/html');
    if (formats.has('pdf')) this.chunk = this.newChunk();
  }

  private newChunk(): FileSink {
    const rel = `${PRINT_DIR}/pass-${String(this.chunks.length + 1).padStart(4, '0')}.html`;
    this.chunks.push(rel);
    this.rowsInChunk = 0;
    return this.out.file(rel, 'text/html');
  }

  /** The print passes written, in order (report.html itself when it fitted in one). */
  printPasses(): string[] {
    return this.chunks.length <= 1 ? ['report.html'] : [...this.chunks];
  }

  /** Every print pass file (to remove once the PDF is made: they are not part of the report). */
  passFiles(): string[] {
    return [...this.chunks];
  }

  get wantsHtml(): boolean {
    return this.html !== null;
  }

  get wantsCsv(): boolean {
    return this.formats.has('csv');
  }

  async write(text: string): Promise<void> {
    if (this.html) await this.html.write(text);
    if (this.chunk) await this.chunk.write(text);
  }

  async tableStart(head: string): Promise<void> {
    this.openTable = head;
    await this.write(head);
  }

  async tableEnd(): Promise<void> {
    this.openTable = null;
    if (this.pendingHead !== null) {
      // the pass ended with the table's last row: the next pass gets neither its header nor its end
      this.pendingHead = null;
      if (this.html) await this.html.write(TABLE_END);
      return;
    }
    await this.write(TABLE_END);
  }

  /**
   * Rows (table rows, or blocks such as printed events): `n` of them in `html`. A print pass ends
   * after PRINT_CHUNK_ROWS rows, closing an open table and starting the next pass with its header.
   */
  async rows(html: string, n = 1): Promise<void> {
    if (this.pendingHead !== null && this.chunk) {
      await this.chunk.write(this.pendingHead);
      this.pendingHead = null;
    }
    await this.write(html);
    this.rowsInChunk += n;
    if (!this.chunk || this.rowsInChunk < this.passRows) return;
    const table = this.openTable;
    await this.chunk.write(`${table ? TABLE_END : ''}${printChunkEnd()}`);
    this.out.add(await this.chunk.end());
    this.chunk = this.newChunk();
    await this.chunk.write(printChunkStart(this.title));
    this.pendingHead = table;
  }

  /** A CSV file (null when CSV was not asked for). */
  async csv(name: string, header: readonly string[]): Promise<CsvSink | null> {
    if (!this.wantsCsv) return null;
    const sink = this.out.file(name, 'text/csv');
    this.csvs.set(name, sink);
    await sink.write(csvRow(header));
    return { row: (values) => sink.write(csvRow(values)) };
  }

  /** Any other file of the report (evidence). */
  file(relPath: string, mediaType: string): FileSink {
    const sink = this.out.file(relPath, mediaType);
    this.extra.push(sink);
    return sink;
  }

  count(what: string, n = 1): void {
    this.records[what] = (this.records[what] ?? 0) + n;
  }

  /** Reports progress and lets the event loop breathe (the database reads are synchronous). */
  async tick(n = 1): Promise<void> {
    this.done += n;
    this.signal?.throwIfAborted();
    if (Date.now() - this.lastYield > 50) {
      this.onProgress(this.done);
      this.lastYield = Date.now();
      await yieldNow();
    }
  }

  /** Ends every file and records it in the output (HTML last: the PDF is printed from it). */
  async close(): Promise<void> {
    for (const s of [...this.csvs.values(), ...this.extra]) this.out.add(await s.end());
    if (this.html) this.out.add(await this.html.end());
    if (this.chunk) this.out.add(await this.chunk.end());
    this.onProgress(this.done);
  }
}

/** What a report says about itself before it is written. */
export interface ReportPlan {
  title: string;
  /** Under the product name on the cover: "Case report", "Alerts summary"... */
  subtitle: string;
  tlp: Tlp | null;
  /** Rows of the cover's facts table (values are HTML, escaped by the builder). */
  about: [string, string][];
  toc: { id: string; title: string }[];
  /** Units of work for the progress bar (about one per row written). */
  total: number;
  write(w: ReportWriter): Promise<void>;
}
