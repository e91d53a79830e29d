import { describeHolder, leaseClaim, SourceLeaseHandle } from '../pipeline/sources/lease.js';
import type { PollerLease } from '../scans/service.js';
import type { PipelineRepo } from '../store/pipeline-repo.js';

/** The lease row of the scan poller (beside the sources' leases: one row per thing read). */
export const SCAN_POLLER_LEASE = 'scans:poller';

/**
 * The scans service's poller lease over the sources' lease table: the same expiry, background
 * renewal and take-over of a holder whose process is gone (killed, crashed) on this host.
 */
export function scanPollerLease(repo: PipelineRepo, processName: string): PollerLease {
  const handle = new SourceLeaseHandle(repo, SCAN_POLLER_LEASE, leaseClaim(processName));
  let renewing = false;
  return {
    acquire() {
      if (handle.tryAcquire() !== null) return false;
      // renewed in the background too, so a long report import keeps it (one timer while held)
      if (!renewing) {
        renewing = true;
        handle.startRenewing(() => (renewing = false));
      }
      return true;
    },
    confirm: () => handle.confirm(),
    holder() {
      const h = repo.getLease(SCAN_POLLER_LEASE);
      return h ? describeHolder(h) : null;
    },
    release() {
      renewing = false;
      handle.release();
    },
  };
}
