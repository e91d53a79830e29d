import type { PlaybooksChannelName } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { PlaybooksService } from './service.js';

/** One handler per playbooks channel (spread into core/handlers.ts). */
export type PlaybooksHandlers = { [C in PlaybooksChannelName]: Handler<C> };

export function createPlaybooksHandlers(p: PlaybooksService): PlaybooksHandlers {
  return {
    'playbooks.list': () => p.list(),
    'playbooks.get': (req) => p.get(req.id),
    'playbooks.validate': (req) => {
      const v = p.validate(req.source, req.format);
      return { ok: v.ok, errors: v.errors, doc: v.doc };
    },
    'playbooks.save': (req, ctx) => p.save(req.source, req.format, ctx.actor),
    'playbooks.setEnabled': (req, ctx) => p.setEnabled(req.id, req.enabled, ctx.actor),
    'playbooks.remove': (req, ctx) => ({ removed: p.remove(req.id, ctx.actor) }),
    'playbooks.setPaused': (req, ctx) => ({ paused: p.setPaused(req.paused, ctx.actor) }),
    'playbooks.dryRun': (req, ctx) => p.dryRun(req.id, req.alert_id, req.last, ctx.actor),
    'playbooks.run': (req, ctx) => p.runManual(req.id, req.alert_id, ctx.actor),
    'playbooks.runs': (req) => p.runs(req, req.limit),
    'playbooks.runGet': (req) => p.run(req.id),
    'playbooks.approve': (req, ctx) => p.runner.approve(req.run_id, ctx.actor, req.edits),
    'playbooks.reject': (req, ctx) => p.runner.reject(req.run_id, ctx.actor, req.reason ?? null),
    'playbooks.recommended': (req) => p.recommended(req.alert_id),
  };
}
