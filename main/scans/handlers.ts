import { ContractError } from '../contract/errors.js';
import type { FindingsChannelName, ScansChannelName } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { FindingsService } from './findings.js';
import type { ScansService } from './service.js';

/** One handler per scans and findings channel (spread into core/handlers.ts). */
export type ScansHandlers = { [C in ScansChannelName | FindingsChannelName]: Handler<C> };

/** `scans` null: this process does not drive scans (a one-shot command without connectors). */
export function createScansHandlers(scans: ScansService | null, findings: FindingsService): ScansHandlers {
  const get = (): ScansService => {
    if (!scans) throw new ContractError('CONFLICT', 'scans are driven by the desktop app, vigil serve and vigil scan');
    return scans;
  };
  return {
    'scans.list': (req) => get().list({ limit: req.limit, ...(req.status ? { status: req.status } : {}), ...(req.tool ? { tool: req.tool } : {}) }),
    'scans.get': (req) => get().detail(req.id),
    'scans.start': (req, ctx) => get().start(req, ctx.actor),
    'scans.stop': (req, ctx) => get().stopScan(req.id, ctx.actor),
    'scans.import': (req, ctx) => get().importNow(req.id, ctx.actor),
    'scans.diff': (req) => get().diff(req.id, req.limit),
    'scans.resume': (req, ctx) => get().resume(req.id, ctx.actor),
    'scans.choices': (req) => get().choices(req.connector_id),
    'findings.summary': () => get().summary(),
    'findings.list': (req) => findings.list(req.filter, req.limit, req.offset),
    'findings.forHosts': (req) => findings.forHosts(req.hosts, req.limit),
    'findings.get': (req) => findings.detail(req.id),
    'findings.setStatus': (req, ctx) => findings.setStatus(req.ids, req.status, req.note ?? null, ctx.actor),
  };
}
