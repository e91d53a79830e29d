/**
 * Sensor record exports (`vigil events export`): every record a hunt matches, page by page, as
 * NDJSON or JSON rows (the fields Hunt shows), or as an eve.json of the raw lines the sensor wrote.
 */
import type { EventDetail, EventRow } from '../contract/index.js';
import { jsonText } from '../core/export.js';

export const EVENTS_EXPORT_FORMATS = ['ndjson', 'json', 'eve'] as const;
export type EventsExportFormat = (typeof EVENTS_EXPORT_FORMATS)[number];

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
}

/** Writes the export; resolves with how many records were written. */
export async function writeEventsExport(o: EventsExportOptions): Promise<number> {
  let n = 0;
  if (o.format === 'json') await o.out.write('[');
  for await (const page of o.pages) {
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
  }
  if (o.format === 'json') await o.out.write(n > 0 ? '\n]\n' : ']\n');
  return n;
}
