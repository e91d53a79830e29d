import type { CasesChannelName, EventDetail } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { CasesService } from './service.js';
import { renderMarkdown } from '../reports/markdown.js';

/** One handler per cases channel (spread into core/handlers.ts). */
export type CasesHandlers = { [C in CasesChannelName]: Handler<C> };

/** `readRecords`: the record store's records by id (those it holds), read where Hunt reads them. */
export function createCasesHandlers(cases: CasesService, readRecords: (ids: number[]) => Promise<EventDetail[]>): CasesHandlers {
  return {
    'cases.list': (req) => cases.list(req.filter, req.limit, req.after),
    'cases.get': (req) => cases.detail(req.id),
    'cases.create': (req, ctx) => cases.create(req, ctx.actor),
    'cases.update': (req, ctx) => cases.update(req.id, req.patch, ctx.actor),
    'cases.setStatus': (req, ctx) => cases.setStatus(req.id, req.status, req.resolution ?? null, req.note && req.note.length > 0 ? req.note : null, req.close_alerts, ctx.actor),
    'cases.escalate': (req, ctx) => cases.escalate(req.target, req.case, req.move, req.alert_status, ctx.actor),
    'cases.merge': (req, ctx) => cases.merge(req.source_id, req.target_id, ctx.actor),
    'cases.alerts': (req) => cases.alertsPage(req.id, req.limit, req.after),
    'cases.detachAlerts': (req, ctx) => ({ removed: cases.detach(req.id, req.alert_ids, ctx.actor) }),
    'cases.moveAlerts': (req, ctx) => ({ moved: cases.move(req.from_id, req.to_id, req.alert_ids, ctx.actor) }),
    'cases.forAlerts': (req) => cases.forAlerts(req.alert_ids),
    'cases.linkFindings': (req, ctx) => ({ linked: cases.linkFindings(req.id, req.finding_ids, ctx.actor) }),
    'cases.unlinkFindings': (req, ctx) => ({ removed: cases.unlinkFindings(req.id, req.finding_ids, ctx.actor) }),
    'cases.findings': (req) => cases.findings(req.id),
    'cases.observables': (req) =>
      cases.observables(req.id, {
        limit: req.limit,
        offset: req.offset,
        ...(req.type ? { type: req.type } : {}),
        ...(req.ioc !== undefined ? { ioc: req.ioc } : {}),
        ...(req.text ? { text: req.text } : {}),
      }),
    'cases.observables.add': (req, ctx) => cases.addObservable(req.id, req.type, req.value, req.ioc, req.description ?? null, ctx.actor),
    'cases.observables.update': (req, ctx) =>
      cases.updateObservable(req.observable_id, { ...(req.ioc !== undefined ? { ioc: req.ioc } : {}), ...(req.description !== undefined ? { description: req.description } : {}) }, ctx.actor),
    'cases.observables.remove': (req, ctx) => ({ removed: cases.removeObservable(req.observable_id, ctx.actor) }),
    'cases.timeline': (req) => cases.timeline(req.id, { limit: req.limit, order: req.order, ...(req.cursor ? { cursor: req.cursor } : {}), ...(req.kinds ? { kinds: req.kinds } : {}) }),
    'cases.timeline.add': (req, ctx) => cases.addTimelineEntry(req.id, req.ts, req.title, req.body ?? null, req.event_id ?? null, ctx.actor),
    'cases.timeline.update': (req, ctx) =>
      cases.updateTimelineEntry(req.entry_id, { ...(req.ts !== undefined ? { ts: req.ts } : {}), ...(req.title !== undefined ? { title: req.title } : {}), ...(req.body !== undefined ? { body: req.body } : {}) }, ctx.actor),
    'cases.timeline.remove': (req, ctx) => ({ removed: cases.removeTimelineEntry(req.entry_id, ctx.actor) }),
    'cases.notes': (req) => cases.notes(req.id),
    'cases.notes.add': (req, ctx) => cases.addNote(req.id, req.body, ctx.actor),
    'cases.notes.edit': (req, ctx) => cases.editNote(req.note_id, req.body, ctx.actor),
    'cases.notes.remove': (req, ctx) => ({ removed: cases.removeNote(req.note_id, ctx.actor) }),
    'cases.markdown': (req) => ({ html: renderMarkdown(req.text) }),
    'cases.records': (req) => cases.records(req.id, req.limit, req.after),
    'cases.records.add': (req, ctx) => cases.keepRecords(req.id, req.record_ids, readRecords, ctx.actor),
    'cases.records.remove': (req, ctx) => ({ removed: cases.removeRecords(req.id, req.record_ids, ctx.actor) }),
    'cases.evidence': (req) => cases.evidence(req.id),
    'cases.evidence.add': (req, ctx) => cases.addEvidence(req.id, req.name, req.content, req.media_type, req.description ?? null, ctx.actor),
    'cases.evidence.get': (req) => cases.getEvidence(req.evidence_id),
    'cases.evidence.remove': (req, ctx) => ({ removed: cases.removeEvidence(req.evidence_id, ctx.actor) }),
    'cases.history': (req) => cases.history(req.id, req.limit),
  };
}
