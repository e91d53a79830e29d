import type { Alert, ExportFormat } from '../contract/index.js';
import type { AlertNote } from '../store/triage-repo.js';
import { ALERT_CSV_COLUMNS, alertCell, csvRow, type AlertCsvColumn } from '../reports/csv.js';

/**
 * Alert exports, one definition for the CLI (`vigil alerts export`) and the console's Export
 * job: the same columns, the same cells, the same bytes.
 */

/** An exported alert: the Alert and its notes (standalone and status-change notes, oldest first). */
export type ExportedAlert = Alert & { notes: AlertNote[] };

/** CSV columns: an alert's columns (ALERT_CSV_COLUMNS, as in reports), then its notes. */
export type CsvColumn = AlertCsvColumn | 'notes';
export const CSV_COLUMNS: readonly CsvColumn[] = [...ALERT_CSV_COLUMNS, 'notes'];

/** One note per line: "2026-11-21T09:00:00.000Z ana: blocked at the edge". */
export function notesText(notes: readonly AlertNote[]): string {
  return notes.map((n) => `${n.ts} ${n.actor}: ${n.note}`).join('\n');
}

function csvCell(a: ExportedAlert, c: CsvColumn): unknown {
  return c === 'notes' ? notesText(a.notes) : alertCell(a, c);
}

// JSON.stringify escapes C0 controls but prints DEL, C1 controls, bidi controls and U+2028/2029
// as they are; \u escapes keep the JSON exact (same value when parsed) and the terminal safe.
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with the characters a terminal would act on written as \u escapes. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The file name an export is offered under: vigil-alerts-20261121-0930.csv. */
export function exportFileName(format: ExportFormat, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `vigil-alerts-${t}.${format}`;
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export interface ExportWriter {
  /** Writes all text it is given, in order (backpressure is the writer's business). */
  write(text: string): Promise<void>;
}

export interface ExportOptions {
  format: ExportFormat;
  /** The matching alerts, page by page, in the order to write them. */
  pages: AsyncIterable<Alert[]>;
  /** The notes of a page's alerts. */
  notes(ids: readonly number[]): Map<number, AlertNote[]>;
  out: ExportWriter;
  /** Called after each page with how many alerts are written so far. */
  progress?(done: number): void;
  /** Checked between pages: true stops the export (what was written stays written). */
  cancelled?(): boolean;
}

/** Writes every alert of `pages` in a format; resolves to how many were written and whether it stopped early. */
export async function writeAlertsExport(o: ExportOptions): Promise<{ written: number; complete: boolean }> {
  let n = 0;
  if (o.format === 'csv') await o.out.write(`${CSV_COLUMNS.join(',')}\r\n`);
  if (o.format === 'json') await o.out.write('[');
  let complete = true;
  for await (const page of o.pages) {
    if (o.cancelled?.()) {
      complete = false;
      break;
    }
    const notes = o.notes(page.map((a) => a.id));
    let chunk = '';
    for (const a of page) {
      const row: ExportedAlert = { ...a, notes: notes.get(a.id) ?? [] };
      if (o.format === 'csv') chunk += csvRow(CSV_COLUMNS.map((c) => csvCell(row, c)));
      else if (o.format === 'ndjson') chunk += `${jsonText(row)}\n`;
      else chunk += `${n > 0 ? ',' : ''}\n  ${jsonText(row)}`;
      n++;
    }
    await o.out.write(chunk);
    o.progress?.(n);
  }
  // a stopped JSON export is still valid JSON (the rows written so far)
  if (o.format === 'json') await o.out.write(n > 0 ? '\n]\n' : ']\n');
  return { written: n, complete };
}
