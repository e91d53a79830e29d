import { ContractError, type AlertSuppressions, type SetStatusResult } from '../contract/index.js';
import { compileSuppression, suppressionMatches, SuppressionMatch } from '../pipeline/suppressions.js';
import type { CallContext, Handler } from './handlers.js';
import type { Services } from './services.js';

/** The channels of safe triage (undo, notes, assignees), exports and suppressions. */
export type TriageChannel =
  | 'alerts.setStatus'
  | 'alerts.undoStatus'
  | 'alerts.addNote'
  | 'alerts.export'
  | 'analysts.list'
  | 'jobs.cancel'
  | 'suppressions.list'
  | 'suppressions.create'
  | 'suppressions.remove'
  | 'suppressions.expire'
  | 'suppressions.forAlert';

/** Closing an alert needs a note when the setting says so. */
export function checkCloseNote(s: Services, status: string, note: string | null, what: string): void {
  const closing = status === 'RESOLVED' || status === 'FALSE_POSITIVE';
  if (closing && !note && s.settings.get().requireNoteOnClose) throw new ContractError('BAD_REQUEST', `a note is required to set ${what} to ${status}`);
}

function cleanNote(note: string | undefined): string | null {
  return note && note.length > 0 ? note : null;
}

export function createTriageHandlers(s: Services): { [C in TriageChannel]: Handler<C> } {
  const mustAlert = (id: number) => {
    const a = s.alerts.get(id);
    if (!a) throw new ContractError('NOT_FOUND', `alert ${id} does not exist`);
    return a;
  };
  const audit = (ctx: CallContext, action: string, id: number, details: Record<string, unknown>) =>
    s.audit.append({ actor: ctx.actor, action, target_type: 'suppression', target_id: String(id), details });

  return {
    'alerts.setStatus': (req, ctx): SetStatusResult => {
      const note = cleanNote(req.note);
      checkCloseNote(s, req.status, note, 'an alert');
      const changed = s.alerts.setStatus(req.id, req.status, ctx.actor, note);
      if (!changed) throw new ContractError('NOT_FOUND', `alert ${req.id} does not exist`);
      s.triage.pruneChanges();
      s.bus.emit('alerts.changed', { reason: 'status', ids: [req.id], total: 1 });
      const items = changed.from === req.status ? [] : [{ id: req.id, from: changed.from }];
      return { alert: changed.alert, change: { change_id: changed.change_id, status: req.status, items } };
    },

    'alerts.undoStatus': (req, ctx) => {
      const r = s.triage.undo(req.change_id, ctx.actor);
      if (!r) throw new ContractError('NOT_FOUND', 'nothing to undo: this change is unknown, already undone, or older than a day');
      if (r.restored.length > 0) s.bus.emit('alerts.changed', { reason: 'status', ids: r.restored.slice(0, 500), total: r.restored.length });
      return { change_id: req.change_id, restored: r.restored, skipped: r.skipped };
    },

    'alerts.addNote': (req, ctx) => {
      const entry = s.triage.addNote(req.id, ctx.actor, req.note);
      if (!entry) throw new ContractError('NOT_FOUND', `alert ${req.id} does not exist`);
      s.bus.emit('alerts.changed', { reason: 'updated', ids: [req.id], total: 1 });
      return entry;
    },

    // headless: a one-time download the page opens; the desktop shell answers with a save dialog
    'alerts.export': (req, ctx) => {
      const p = s.console.prepareExport(req.filter, req.format, req.sort, ctx.actor);
      return { job_id: p.job_id, total: p.total, download: `/api/exports/${p.job_id}`, path: null, file_name: p.file_name };
    },

    'analysts.list': () => {
      const me = s.settings.get().analystName;
      return { me, names: s.triage.analysts(me) };
    },

    'jobs.cancel': (req) => ({ cancelled: s.console.cancelJob(req.job_id) }),

    'suppressions.list': () => s.suppressions.list(),

    'suppressions.create': (req, ctx) => {
      const match = SuppressionMatch.safeParse(req.match);
      if (!match.success) throw new ContractError('BAD_REQUEST', 'invalid suppression', match.error.issues.map((i) => i.message));
      const expires = req.expires_in_hours ? new Date(s.now().getTime() + req.expires_in_hours * 3_600_000).toISOString() : null;
      const created = s.suppressions.create(match.data, req.reason, ctx.actor, expires);
      audit(ctx, 'suppression.create', created.id, { match: match.data, reason: req.reason, expires_at: expires });
      return created;
    },

    'suppressions.remove': (req, ctx) => {
      const removed = s.suppressions.remove(req.id);
      // the audit entry keeps what the rule was: it is gone from the table
      if (removed) audit(ctx, 'suppression.remove', req.id, { match: removed.match, reason: removed.reason, hits: removed.hits, created_by: removed.created_by });
      return { removed: removed !== null };
    },

    'suppressions.expire': (req, ctx) => {
      const r = s.suppressions.expire(req.id);
      if (!r) throw new ContractError('NOT_FOUND', `suppression ${req.id} does not exist`);
      if (r.before.state === 'active') audit(ctx, 'suppression.expire', req.id, { expires_at_before: r.before.expires_at, expires_at: r.after.expires_at });
      return r.after;
    },

    'suppressions.forAlert': (req): AlertSuppressions => {
      const a = mustAlert(req.id);
      const fields = { source: a.source, rule_id: a.rule_id, src_ip: a.src_ip, dst_ip: a.dst_ip, dst_port: a.dst_port, title: a.title };
      const rules = s.suppressions
        .list()
        .filter((r) => {
          const compiled = compileSuppression(r.id, r.expires_at, r.match);
          return compiled !== null && suppressionMatches(compiled, fields);
        })
        .map((suppression) => ({ suppression, ...s.suppressions.hiddenLike(suppression.id, a) }));
      return { alert_id: a.id, rules };
    },
  };
}
