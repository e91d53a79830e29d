import { create } from 'zustand';
import type { Alert, AlertFilter, AlertStatus, Severity } from '../../main/contract/alerts.js';
import type { RequestInput } from '../../main/contract/channels.js';
import { api, errorMessage } from '../api/index.js';
import { useAlertDetail } from '../features/alert-detail/store.js';
import { SEVERITY_ORDER, STATUS_LABEL } from '../lib/domain.js';
import type { JobProgress } from '../../main/contract/console.js';
import { formatCount } from '../lib/format.js';
import { describeFilter, useAlerts } from './alerts.js';
import { whenJobEnds } from './jobs.js';
import { useSettings } from './settings.js';
import { toastError, useToasts } from './toasts.js';

/** What a bulk action applies to. */
export type BulkTarget =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'filter'; filter: AlertFilter; count: number; description: string };

export type TriageDialog =
  /** `advance`: move the list cursor to the next row once applied. */
  | { kind: 'status'; status: AlertStatus; alert: Alert; advance: boolean }
  | { kind: 'bulk'; status: AlertStatus; target: BulkTarget }
  | { kind: 'assign'; ids: number[]; current: string | null }
  /** Add or remove tags on one alert or the checked rows. */
  | { kind: 'tag'; ids: number[] }
  | { kind: 'suppress'; alert: Alert; advance: boolean }
  | { kind: 'note'; alert: Alert }
  | { kind: 'help' }
  | { kind: 'saveFilter' }
  /** Escalate to a new or existing case (components/EscalateDialog). */
  | { kind: 'escalate'; target: BulkTarget; suggestion: { title: string; severity: Severity } };

export type SuppressMatch = RequestInput<'suppressions.create'>['match'];

export const CLOSING_STATUSES: ReadonlySet<AlertStatus> = new Set<AlertStatus>(['RESOLVED', 'FALSE_POSITIVE']);

/** Verb for buttons and dialog titles. */
export const STATUS_ACTION: Record<AlertStatus, string> = {
  NEW: 'Reopen',
  ACKNOWLEDGED: 'Acknowledge',
  INVESTIGATING: 'Investigate',
  SUPPRESSED: 'Suppress',
  RESOLVED: 'Resolve',
  FALSE_POSITIVE: 'Mark false positive',
};

/** Whether setting this status needs a note under the current settings. */
export function noteRequired(status: AlertStatus): boolean {
  return CLOSING_STATUSES.has(status) && (useSettings.getState().settings?.requireNoteOnClose ?? true);
}

type Revealer = (index: number, focus: boolean) => void;
let revealer: Revealer | null = null;

/** The Alerts screen registers how to scroll a grid index into view (null when it unmounts). */
export function setRevealer(fn: Revealer | null): void {
  revealer = fn;
}

/** Moves the list cursor one row down (after an action taken from the list). */
export function advanceCursor(): void {
  const idx = useAlerts.getState().moveSelection(1);
  if (idx === null) return;
  // keep the keyboard on the list unless the analyst is elsewhere (a field, a button)
  const active = document.activeElement;
  const focusInGrid = !active || active === document.body || active.closest('[role="grid"]') !== null;
  revealer?.(idx, focusInGrid);
}

export interface TriageState {
  dialog: TriageDialog | null;
  openDialog(d: TriageDialog): void;
  closeDialog(): void;
  /**
   * Sets one alert's status at once: the row and the detail change optimistically and roll
   * back (with a toast) if the call fails. Resolves to whether it succeeded.
   */
  setStatus(alert: Alert, status: AlertStatus, note?: string | null): Promise<boolean>;
  /**
   * The entry point of keys and buttons: closing statuses (and `withNote`) open the note dialog,
   * the others apply at once.
   */
  requestStatus(alert: Alert, status: AlertStatus, opts?: { withNote?: boolean; advance?: boolean }): void;
  /** The bulk job this console started last (the toolbar shows its progress after its dialog closed). */
  bulkJob: { job_id: string; total: number; status: AlertStatus } | null;
  /** Follows a started bulk job to its end: toast, list reload, selection cleared. */
  trackBulk(job: { job_id: string; total: number }, status: AlertStatus): void;
  /** Starts a bulk status job; resolves to the job, or throws the ApiError. */
  startBulk(target: BulkTarget, status: AlertStatus, note: string | null): Promise<{ job_id: string; total: number }>;
  /** Asks the server to stop a running job (what was done stays done). */
  cancelJob(jobId: string): Promise<void>;
  /** Undoes a status change (one alert or a bulk job), then refreshes what is shown. */
  undo(changeId: string): Promise<void>;
  /**
   * What the action keys act on: the checked rows (or everything matching) when there is a
   * selection, else null (then the cursor row or the open alert).
   */
  selectionTarget(): BulkTarget | null;
  /** An action key or button on the selection: a / i apply at once (with Undo), the others confirm first. */
  requestBulk(target: BulkTarget, status: AlertStatus): void;
  /** Adds a note to an alert (history and exports); returns an error message or null. */
  addNote(id: number, note: string): Promise<string | null>;
  /** Assigns (null = unassigns); returns an error message or null. */
  assign(ids: number[], assignee: string | null): Promise<string | null>;
  /** Adds and removes tags; null when done, else the error to show where the analyst typed. */
  tag(ids: number[], add: string[], remove: string[]): Promise<string | null>;
  /** Opens the escalation dialog for this alert, or without one for the selection (rows or everything matching). */
  requestEscalate(alert: Alert | undefined): void;
  /** Creates a suppression from an alert and optionally marks it SUPPRESSED; returns an error message or null. */
  suppress(alert: Alert, match: SuppressMatch, reason: string, hours: number, markSuppressed: boolean): Promise<string | null>;
}

/** How long a toast offers Undo. */
export const UNDO_MS = 8000;

/** A success toast with an Undo button for a change set (one alert or a bulk job). */
function offerUndo(message: string, changeId: string): void {
  useToasts.getState().pushRich({ kind: 'success', message, button: { label: 'Undo', run: () => void useTriage.getState().undo(changeId) } }, UNDO_MS);
}

export const useTriage = create<TriageState>((set, get) => ({
  dialog: null,

  openDialog(d) {
    set({ dialog: d });
  },

  closeDialog() {
    set({ dialog: null });
  },

  async setStatus(alert, status, note) {
    const id = alert.id;
    const alerts = useAlerts.getState();
    const beforeRow = alerts.patchAlert(id, { status });
    const beforeDetail = useAlertDetail.getState().patchAlert(id, { status });
    try {
      const text = note?.trim();
      const { alert: updated, change } = await api.call('alerts.setStatus', text ? { id, status, note: text } : { id, status });
      useAlerts.getState().replaceAlert(updated);
      if (useAlertDetail.getState().id === id) void useAlertDetail.getState().refresh();
      if (change.items.length > 0) offerUndo(`Alert #${id} set to ${STATUS_LABEL[status]}`, change.change_id);
      return true;
    } catch (err) {
      // roll back only what still shows our optimistic value
      if (beforeRow && useAlerts.getState().findAlert(id)?.status === status) useAlerts.getState().replaceAlert(beforeRow);
      const d = useAlertDetail.getState().detail;
      if (beforeDetail && d?.alert.id === id && d.alert.status === status) useAlertDetail.getState().restoreAlert(beforeDetail);
      toastError(`Could not set alert #${id} to ${STATUS_LABEL[status]}: ${errorMessage(err)}`);
      return false;
    }
  },

  requestStatus(alert, status, opts = {}) {
    const advance = opts.advance ?? false;
    if (opts.withNote || CLOSING_STATUSES.has(status)) {
      get().openDialog({ kind: 'status', status, alert, advance });
      return;
    }
    if (alert.status === status) {
      useToasts.getState().push('info', `Alert #${alert.id} is already ${STATUS_LABEL[status]}`);
    } else void get().setStatus(alert, status);
    if (advance) advanceCursor();
  },

  bulkJob: null,

  trackBulk(job, status) {
    set({ bulkJob: { ...job, status } });
    const finish = (p: JobProgress) => {
      const label = STATUS_LABEL[status];
      if (p.state === 'done' || p.state === 'cancelled') {
        const what = p.state === 'done' ? `${formatCount(p.done)} ${p.done === 1 ? 'alert' : 'alerts'} set to ${label}` : `Stopped: ${formatCount(p.done)} of ${formatCount(p.total)} set to ${label}, the rest unchanged`;
        if (p.done > 0) offerUndo(what, job.job_id);
        else useToasts.getState().push('info', what);
      } else {
        toastError(`Bulk change to ${label} stopped after ${formatCount(p.done)} of ${formatCount(p.total)}: ${p.message ?? 'failed'}`);
      }
      const alerts = useAlerts.getState();
      alerts.clearChecked();
      void alerts.reload();
      if (useAlertDetail.getState().id !== null) void useAlertDetail.getState().refresh();
      setTimeout(() => {
        if (get().bulkJob?.job_id === job.job_id) set({ bulkJob: null });
      }, 1500);
    };
    whenJobEnds(job.job_id, finish);
  },

  startBulk(target, status, note) {
    const t = target.kind === 'ids' ? { ids: target.ids } : { filter: target.filter };
    return api.call('alerts.bulkSetStatus', note ? { target: t, status, note } : { target: t, status });
  },

  async cancelJob(jobId) {
    try {
      await api.call('jobs.cancel', { job_id: jobId });
    } catch (err) {
      toastError(`Could not stop the job: ${errorMessage(err)}`);
    }
  },

  async undo(changeId) {
    try {
      const r = await api.call('alerts.undoStatus', { change_id: changeId });
      const n = r.restored.length;
      const push = useToasts.getState().push;
      if (n === 0) push('info', 'Nothing undone: those alerts were changed again since');
      else push('success', `Undone: ${n === 1 ? `alert #${r.restored[0]}` : `${formatCount(n)} alerts`} back to the previous status${r.skipped ? ` (${formatCount(r.skipped)} changed again since, left as they are)` : ''}`);
    } catch (err) {
      toastError(`Could not undo: ${errorMessage(err)}`);
    }
    void useAlerts.getState().reload();
    if (useAlertDetail.getState().id !== null) void useAlertDetail.getState().refresh();
  },

  selectionTarget() {
    const s = useAlerts.getState();
    if (s.matchAll) {
      if (s.total === null) return null;
      const filter = s.currentListFilter();
      return { kind: 'filter', filter, count: s.total, description: describeFilter(filter, s.filter.range) };
    }
    return s.checked.size > 0 ? { kind: 'ids', ids: [...s.checked] } : null;
  },

  requestBulk(target, status) {
    if (target.kind === 'ids' && (status === 'ACKNOWLEDGED' || status === 'INVESTIGATING')) {
      get()
        .startBulk(target, status, null)
        .then(
          (job) => get().trackBulk(job, status),
          (err: unknown) => toastError(`Could not set ${formatCount(target.ids.length)} alerts to ${STATUS_LABEL[status]}: ${errorMessage(err)}`),
        );
      return;
    }
    get().openDialog({ kind: 'bulk', status, target });
  },

  async addNote(id, note) {
    try {
      await api.call('alerts.addNote', { id, note });
      useToasts.getState().push('success', `Note added to alert #${id}`);
      if (useAlertDetail.getState().id === id) void useAlertDetail.getState().refresh();
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  },

  async assign(ids, assignee) {
    try {
      const { updated } = await api.call('alerts.assign', { ids, assignee });
      for (const id of ids) useAlerts.getState().patchAlert(id, { assignee });
      useAlertDetail.getState().patchAlert(ids[0] ?? -1, { assignee });
      const push = useToasts.getState().push;
      if (updated === 0) push('info', 'No change: already assigned that way');
      else if (assignee === null) push('success', updated === 1 ? 'Unassigned 1 alert' : `Unassigned ${formatCount(updated)} alerts`);
      else push('success', `Assigned ${updated === 1 ? '1 alert' : `${formatCount(updated)} alerts`} to ${assignee}`);
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  },

  async tag(ids, add, remove) {
    try {
      const { updated } = await api.call('alerts.tag', { ids, add, remove });
      const detail = useAlertDetail.getState();
      if (detail.id !== null && ids.includes(detail.id)) void detail.refresh();
      if (updated === 0) useToasts.getState().push('info', 'No change: the tags were already so');
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  },

  requestEscalate(alert) {
    const s = useAlerts.getState();
    let target: BulkTarget | null = null;
    let chosen: Alert[] = [];
    if (alert) {
      target = { kind: 'ids', ids: [alert.id] };
      chosen = [alert];
    } else if (s.matchAll && s.total !== null) {
      target = { kind: 'filter', filter: s.currentListFilter(), count: s.total, description: describeFilter(s.currentListFilter(), s.filter.range) };
    } else if (s.checked.size > 0) {
      target = { kind: 'ids', ids: [...s.checked] };
      chosen = [...s.checked].map((id) => s.findAlert(id)).filter((a): a is Alert => a !== undefined);
    }
    if (!target) return;
    const rank = (x: Severity) => SEVERITY_ORDER.length - SEVERITY_ORDER.indexOf(x);
    const severity = chosen.reduce<Severity>((m, a) => (rank(a.severity) > rank(m) ? a.severity : m), chosen[0]?.severity ?? 'medium');
    const title = target.kind === 'filter' ? `${formatCount(target.count)} alerts: ${target.description}` : chosen.length > 1 ? `${chosen[0]!.title} (+${chosen.length - 1} more)` : (chosen[0]?.title ?? `${target.ids.length} alerts`);
    get().openDialog({ kind: 'escalate', target, suggestion: { title: title.slice(0, 200), severity } });
  },

  async suppress(alert, match, reason, hours, markSuppressed) {
    try {
      const created = await api.call('suppressions.create', { match, reason, expires_in_hours: hours });
      useToasts.getState().push('success', `Suppression #${created.id} created`);
    } catch (err) {
      return errorMessage(err);
    }
    if (markSuppressed) await get().setStatus(alert, 'SUPPRESSED', reason);
    return null;
  },
}));
