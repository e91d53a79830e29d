import type { HuntChannelName } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { HuntReader } from './reader.js';
import type { HuntService } from './service.js';
import type { ExportWork } from '../core/console.js';
import { eventsExportFileName, eventsExportWork } from './export.js';

/** One handler per hunt channel (spread into core/handlers.ts). */
export type HuntHandlers = { [C in HuntChannelName]: Handler<C> };

/**
 * The record store's reads go to `reader` (off the main thread); the saved queries and checks stay
 * here. `exports` runs export jobs (ConsoleService): headless, `events.export` hands out a one-time
 * download; the desktop shell answers it with a save dialog instead.
 */
export function createHuntHandlers(hunt: HuntService, reader: HuntReader, exports: { prepareWork(work: ExportWork): { job_id: string; total: number; file_name: string } }, now: () => Date): HuntHandlers {
  const range = (req: { from?: string | undefined; to?: string | undefined }) => ({ from: req.from, to: req.to });
  return {
    'events.query': (req) => reader.read('query', req.query, range(req), req.limit, req.cursor),
    'events.histogram': (req, ctx) => reader.readFor(ctx.client ?? null, 'histogram', req.query, range(req), req.buckets),
    'events.groupby': (req, ctx) => reader.readFor(ctx.client ?? null, 'groupBy', req.query, range(req), req.fields, req.limit),
    'events.get': (req) => reader.read('get', req.id),
    'events.export': async (req, ctx) => {
      const p = exports.prepareWork(await eventsExportWork(reader, req, ctx.actor, eventsExportFileName(req.format, now())));
      return { job_id: p.job_id, total: p.total, download: `/api/exports/${p.job_id}`, path: null, file_name: p.file_name };
    },
    'events.evidence': (req) => reader.read('evidence', req.alert_id, req.window_s, req.limit),
    'hunt.check': (req) => hunt.check(req.query),
    'hunt.savedQueries.list': () => hunt.savedQueries(),
    'hunt.savedQueries.save': (req, ctx) => hunt.saveQuery(req.name, req.query, ctx.actor),
    'hunt.savedQueries.remove': (req) => ({ removed: hunt.removeSavedQuery(req.id) }),
    'hosts.list': (req) => reader.read('hosts', req),
    'hosts.get': (req) => reader.read('hostDetail', req.ip, req.per_type),
  };
}
