import { ContractError, ScanOptions } from '../contract/index.js';
import type { ScanStarter } from '../playbooks/ports.js';
import type { ScansService } from '../scans/service.js';
import type { ConnectorsService } from './connectors.js';

/**
 * The playbooks' start_scan step over the scans service: the named connector (or the first one of
 * the tool), the tool's default options, the scan audited under the run's actor.
 */
export function scanStarter(scans: ScansService, connectors: ConnectorsService): ScanStarter {
  return {
    async start(req) {
      const stored = req.connector ? connectors.find(req.connector) : (connectors.ofKind(req.tool)[0] ?? null);
      if (!stored) throw new ContractError('NOT_FOUND', req.connector ? `no connector "${req.connector}"` : `no ${req.tool} connector is configured`);
      if (stored.config.kind !== req.tool) throw new ContractError('BAD_REQUEST', `connector "${stored.config.name}" is ${stored.config.kind}, not ${req.tool}`);
      const scan = await scans.start({ connector_id: stored.config.id, target: req.target, options: ScanOptions.parse({ tool: req.tool }) }, req.actor);
      return { scan_id: String(scan.id), description: `${req.tool} scan #${scan.id} of ${req.target} with ${stored.config.name} (${req.reason})` };
    },
  };
}
