import { ContractError, type ReportsChannelName } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { ReportsService } from './service.js';

export type ReportsHandlers = { [C in ReportsChannelName]: Handler<C> };

export function createReportsHandlers(reports: ReportsService): ReportsHandlers {
  return {
    'reports.create': (req, ctx) => reports.start(req.query, req.formats, ctx.actor, req.tlp),
    'reports.list': (req) => reports.list(req.limit, req.case_id),
    'reports.verify': (req) => reports.verify(req.report_id),
    // the desktop shell answers this one itself (shell.showItemInFolder)
    'reports.reveal': (req) => {
      reports.get(req.report_id);
      throw new ContractError('CONFLICT', 'showing a folder needs the desktop app; the report is in the folder its record names');
    },
  };
}
