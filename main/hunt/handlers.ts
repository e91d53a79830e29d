import type { HuntChannelName } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { HuntService } from './service.js';

/** One handler per hunt channel (spread into core/handlers.ts). */
export type HuntHandlers = { [C in HuntChannelName]: Handler<C> };

export function createHuntHandlers(hunt: HuntService): HuntHandlers {
  return {
    'events.query': (req) => hunt.query(req.query, req, req.limit, req.cursor),
    'events.histogram': (req) => hunt.histogram(req.query, req, req.buckets),
    'events.groupby': (req) => hunt.groupBy(req.query, req, req.fields, req.limit),
    'events.get': (req) => hunt.get(req.id),
    'events.evidence': (req) => hunt.evidence(req.alert_id, req.window_s, req.limit),
    'hunt.check': (req) => hunt.check(req.query),
    'hunt.savedQueries.list': () => hunt.savedQueries(),
    'hunt.savedQueries.save': (req, ctx) => hunt.saveQuery(req.name, req.query, ctx.actor),
    'hunt.savedQueries.remove': (req) => ({ removed: hunt.removeSavedQuery(req.id) }),
    'hosts.list': (req) => hunt.hosts(req),
    'hosts.get': (req) => hunt.hostDetail(req.ip, req.per_type),
  };
}
