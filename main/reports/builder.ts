import { setImmediate as yieldNow } from 'node:timers/promises';
import type { ReportFormat, Tlp } from '../contract/index.js';
import { csvRow } from './csv.js';
import type { FileSink, ReportOutput } from './output.js';

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
  ) {
    if (formats.has('html') || formats.has('pdf')) this.html = out.file('report.html', 'text/html');
  }

  get wantsHtml(): boolean {
    return this.html !== null;
  }

  get wantsCsv(): boolean {
    return this.formats.has('csv');
  }

  async write(text: string): Promise<void> {
    if (this.html) await this.html.write(text);
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
