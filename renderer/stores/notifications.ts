import { create } from 'zustand';
import type { Severity } from '../../main/contract/alerts.js';
import type { AlertNotice } from '../../main/contract/console.js';
import { alertsHref } from '../app/router.js';
import { useSettings } from './settings.js';
import { useToasts } from './toasts.js';

/** Titles listed in one toast; the rest are summed up as "and N more". */
export const NOTICE_MAX_LINKS = 3;

export interface NotificationsState {
  /** Notices received while do-not-disturb was on (shown as a count on the bell). */
  missed: number;
  /** Applies an `alerts.notice` push: one toast per notice, unless do-not-disturb is on. */
  handleNotice(notice: AlertNotice): void;
  /** Whether do-not-disturb is on (from settings; false until settings load). */
  isDnd(): boolean;
  setDnd(on: boolean): Promise<void>;
  clearMissed(): void;
}

export function noticeHeadline(notice: AlertNotice): string {
  const n = notice.items.length + notice.more;
  const prios = [...new Set(notice.items.map((i) => i.priority))].sort();
  const p = prios.length === 1 ? prios[0] : 'P1/P2';
  return `${n} new ${p} ${n === 1 ? 'alert' : 'alerts'}`;
}

export const useNotifications = create<NotificationsState>((set, get) => ({
  missed: 0,

  handleNotice(notice) {
    const total = notice.items.length + notice.more;
    if (total === 0) return;
    if (get().isDnd()) {
      set({ missed: get().missed + total });
      return;
    }
    const shown = notice.items.slice(0, NOTICE_MAX_LINKS);
    const rank: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
    const top = notice.items.reduce<Severity>((a, i) => (rank.indexOf(i.severity) > rank.indexOf(a) ? i.severity : a), 'info');
    const rest = total - shown.length;
    useToasts.getState().pushRich(
      {
        kind: 'alert',
        severity: top,
        message: noticeHeadline(notice),
        links: shown.map((i) => ({ href: `#/alerts/${i.id}`, label: i.title, severity: i.severity, priority: i.priority, alertId: i.id })),
        ...(rest > 0 ? { detail: `and ${rest} more` } : {}),
        action: { href: alertsHref({ priority: ['P1', 'P2'], status: ['NEW'] }), label: 'Open P1/P2 queue' },
      },
      8000,
    );
  },

  isDnd() {
    return useSettings.getState().settings?.doNotDisturb ?? false;
  },

  async setDnd(on) {
    await useSettings.getState().update({ doNotDisturb: on });
    if (!on) set({ missed: 0 });
  },

  clearMissed() {
    set({ missed: 0 });
  },
}));
