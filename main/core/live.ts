import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { PipelineRepo } from '../store/pipeline-repo.js';

/** Most ids listed in one alerts.changed event; beyond that only the total is given. */
const MAX_IDS = 500;

/**
 * Turns the durable alert outbox into alerts.changed push events. Whatever process wrote the
 * alert (this one, `vigil tail`, `vigil ingest`, `vigil simulate`), the UI hears of it the same
 * way, within one poll interval. Starts at the current head: history is for the feed's resume.
 */
export class OutboxWatcher {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: PipelineRepo,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly pollMs = 200,
  ) {}

  start(): void {
    if (this.timer) return;
    this.seq = this.repo.outboxHead();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Reads what is new since the last poll and emits one event per kind. */
  poll(): void {
    try {
      for (;;) {
        const rows = this.repo.outboxSince(this.seq, 5000);
        if (rows.length === 0) return;
        this.seq = rows[rows.length - 1]!.seq;
        const byKind = { new: new Set<number>(), updated: new Set<number>(), status: new Set<number>() };
        for (const r of rows) byKind[r.kind].add(r.alert_id);
        const emit = (reason: 'created' | 'updated' | 'status', ids: Set<number>) => {
          if (ids.size === 0) return;
          this.bus.emit('alerts.changed', { reason, ids: [...ids].slice(0, MAX_IDS), total: ids.size });
        };
        emit('created', byKind.new);
        emit('updated', byKind.updated);
        emit('status', byKind.status);
        if (rows.length < 5000) return;
      }
    } catch (err) {
      this.logger.warn('outbox poll failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
