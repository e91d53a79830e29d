import type { AlertNotice } from '../contract/index.js';
import type { Services } from './services.js';

/** How often grouped P1/P2 notices may be sent. */
const NOTICE_INTERVAL_MS = 5000;
const NOTICE_MAX_ITEMS = 5;

/**
 * Turns new P1/P2 alerts (alerts.changed, from any process) into grouped, rate-limited
 * alerts.notice events for the desktop notification and the UI toast. Quiet in do-not-disturb.
 */
export class AlertNotices {
  private pending: AlertNotice['items'] = [];
  private more = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  private off: (() => void) | null = null;

  constructor(private readonly s: Services) {}

  start(): void {
    if (this.off) return;
    this.off = this.s.bus.on('alerts.changed', (p) => {
      if (p.reason === 'created') this.collect(p.ids);
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private collect(ids: readonly number[]): void {
    if (this.s.settings.get().doNotDisturb) return;
    for (const a of this.s.alerts.urgentAmong(ids)) {
      if (this.pending.length < NOTICE_MAX_ITEMS) this.pending.push(a);
      else this.more++;
    }
    if (this.pending.length === 0 || this.timer) return;
    const wait = Math.max(0, this.lastAt + NOTICE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    if (this.pending.length === 0 || this.s.settings.get().doNotDisturb) {
      this.pending = [];
      this.more = 0;
      return;
    }
    // as the alerts are now (a group may have been raised since it was collected), P1 first, then the newest
    const items = this.pending
      .map((n) => {
        const a = this.s.alerts.get(n.id);
        return a ? { id: a.id, title: a.title, priority: a.priority, severity: a.severity, src_ip: a.src_ip } : n;
      })
      .sort((a, b) => a.priority.localeCompare(b.priority) || b.id - a.id);
    this.s.bus.emit('alerts.notice', { items, more: this.more });
    this.lastAt = Date.now();
    this.pending = [];
    this.more = 0;
  }
}
