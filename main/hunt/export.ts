/**
 * Sensor record exports, one definition for `vigil events export` and the Hunt screen's Export
 * job: every record a hunt matches, page by page, as NDJSON or JSON rows (the fields Hunt shows),
 * or as an eve.json of the raw lines the sensor wrote.
 */
import { ContractError, type EventDetail, type EventRow, type EventsExportFormat, type EventsQueryResponse } from '../contract/index.js';
import type { ExportWork } from '../core/console.js';
import { jsonText } from '../core/export.js';
import { listMax, parseHuntQuery } from './query.js';
import type { HuntReader } from './reader.js';

/** Records per page of an export (events.query's largest page). */
const EXPORT_PAGE = 1000;

export interface EventsExportOptions {
  format: EventsExportFormat;
  /** The matching records, page by page, in the order to write them. */
  pages: AsyncIterable<EventRow[]>;
  /**
   * The raw lines of a page's records (eve): one read per page, not one per record. A record pruned
   * between the page and this read is left out of the file.
   */
  raws(ids: number[]): Promise<EventDetail[]>;
  out: { write(text: string): Promise<void> };
  /** Called after each page with how many records are written so far. */
  progress?(done: number): void;
  /** Checked between pages: true stops the export (what was written stays written). */
  cancelled?(): boolean;
}

/** Writes the export; resolves with how many records were written and whether it stopped early. */
export async function writeEventsExport(o: EventsExportOptions): Promise<{ written: number; complete: boolean }> {
  let n = 0;
  let complete = true;
  if (o.format === 'json') await o.out.write('[');
  for await (const page of o.pages) {
    if (o.cancelled?.()) {
      complete = false;
      break;
    }
    let chunk = '';
    if (o.format === 'eve') {
      const byId = new Map((await o.raws(page.map((r) => r.id))).map((d) => [d.id, d.raw]));
      for (const r of page) {
        const raw = byId.get(r.id);
        if (raw === undefined) continue;
        chunk += `${raw}\n`;
        n++;
      }
    } else {
      for (const r of page) {
        chunk += o.format === 'ndjson' ? `${jsonText(r)}\n` : `${n > 0 ? ',' : ''}\n  ${jsonText(r)}`;
        n++;
      }
    }
    await o.out.write(chunk);
    o.progress?.(n);
  }
  // a stopped JSON export is still valid JSON (the rows written so far)
  if (o.format === 'json') await o.out.write(n > 0 ? '\n]\n' : ']\n');
  return { written: n, complete };
}

/** The file name a records export is offered under: vigil-records-20261121-0930.eve.json. */
export function eventsExportFileName(format: EventsExportFormat, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `vigil-records-${t}.${format === 'eve' ? 'eve.json' : format}`;
}

const MIME: Record<EventsExportFormat, string> = {
  eve: 'application/x-ndjson; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * What an export reads for a query: its records page by page, as the Hunt list has them (a
 * `| head N` or a sort by a field ends the list: listMax), so a `| groupby` (counts, not records)
 * is refused. Throws a message for the analyst.
 */
export function exportPlan(query: string): { query: string; max: number } {
  const ast = parseHuntQuery(query);
  if (ast.groupby) throw new Error('a "| groupby" query has counts, not records, to export: drop the groupby');
  return { query, max: listMax(ast) ?? Number.MAX_SAFE_INTEGER };
}

/**
 * A query's matching records, page by page (at most `max`, pages of at most EXPORT_PAGE), each page
 * asked of `read` with the previous page's cursor: events.query's paging, for every reader of it.
 */
export async function* queryPages(read: (limit: number, cursor: string | undefined) => Promise<EventsQueryResponse>, max: number): AsyncGenerator<EventRow[]> {
  let cursor: string | undefined;
  let left = max;
  while (left > 0) {
    const page = await read(Math.min(EXPORT_PAGE, left), cursor);
    if (page.rows.length) yield page.rows;
    left -= page.rows.length;
    if (!page.next) return;
    cursor = page.next;
  }
}

/** A query's matching records, page by page (at most `max`), read by the hunt reader (off the main thread). */
function readerPages(reader: HuntReader, query: string, range: { from?: string | undefined; to?: string | undefined }, max: number): AsyncGenerator<EventRow[]> {
  return queryPages((limit, cursor): Promise<EventsQueryResponse> => reader.read('query', query, range, limit, cursor), max);
}

/**
 * The Hunt screen's export as a job (ConsoleService runs it: progress, Stop, audit). The range is
 * resolved once, so the pages and the count cover the same records while more arrive.
 */
export async function eventsExportWork(
  reader: HuntReader,
  req: { query: string; from?: string | undefined; to?: string | undefined; format: EventsExportFormat },
  actor: string,
  fileName: string,
): Promise<ExportWork> {
  // the count reads the query first: a query that does not parse is refused there, with its column
  const counted = await reader.read('histogram', req.query, { from: req.from, to: req.to }, 4);
  let plan: { query: string; max: number };
  try {
    plan = exportPlan(req.query);
  } catch (err) {
    throw new ContractError('BAD_REQUEST', `query: ${(err as Error).message}`);
  }
  const range = { from: counted.from, to: counted.to };
  return {
    kind: 'events.export',
    noun: 'record',
    total: counted.listed,
    file_name: fileName,
    mime: MIME[req.format],
    actor,
    details: { format: req.format, query: req.query, ...range },
    write: (out, cancelled, progress) =>
      writeEventsExport({ format: req.format, pages: readerPages(reader, plan.query, range, plan.max), raws: (ids) => reader.read('getMany', ids), out, cancelled, progress }),
  };
}
