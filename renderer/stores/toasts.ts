import { create } from 'zustand';
import type { Priority, Severity } from '../../main/contract/alerts.js';
import { errorMessage } from '../api/errors.js';

/** A link inside a toast (e.g. one new alert). */
export interface ToastLink {
  href: string;
  label: string;
  severity?: Severity;
  priority?: Priority;
  /** The alert the link opens: its priority is shown as it is now, when this console knows it. */
  alertId?: number;
}

/** A button in a toast (Undo): runs once, then the toast goes. */
export interface ToastButton {
  label: string;
  run(): void;
}

export interface Toast {
  id: number;
  /** 'alert' is a new-P1/P2 notice (rendered with its links); the others are plain messages. */
  kind: 'info' | 'error' | 'success' | 'alert';
  message: string;
  /** Optional list of links (alert notices: up to 3 new alerts). */
  links?: ToastLink[];
  /** Optional extra line under the links ("and 4 more"). */
  detail?: string;
  /** Optional action link ("Open the alert queue"). */
  action?: ToastLink;
  /** Optional button ("Undo"). */
  button?: ToastButton;
  /** Highest severity of an alert notice (tints the toast's edge). */
  severity?: Severity;
}

/** At most this many toasts are on screen; older ones make room for the newest. */
export const MAX_TOASTS = 3;

interface ToastState {
  toasts: Toast[];
  /** Plain message toast (unchanged API): returns its id. */
  push(kind: Toast['kind'], message: string, ttlMs?: number): number;
  /** A toast with links; returns its id. */
  pushRich(toast: Omit<Toast, 'id'>, ttlMs?: number): number;
  dismiss(id: number): void;
  /** Pauses auto-dismiss while the pointer or focus is on a toast (WCAG 2.2.1). */
  hold(id: number): void;
  release(id: number): void;
}

let seq = 0;

interface Timer {
  handle: ReturnType<typeof setTimeout> | null;
  remaining: number;
  startedAt: number;
}
const timers = new Map<number, Timer>();

function defaultTtl(kind: Toast['kind']): number {
  return kind === 'error' || kind === 'alert' ? 8000 : 4000;
}

export const useToasts = create<ToastState>((set, get) => {
  const arm = (id: number, ms: number) => {
    const t: Timer = { handle: null, remaining: ms, startedAt: Date.now() };
    t.handle = setTimeout(() => get().dismiss(id), ms);
    timers.set(id, t);
  };
  const add = (toast: Toast, ttlMs: number) => {
    const kept = get().toasts.slice(-(MAX_TOASTS - 1));
    for (const old of get().toasts) {
      if (!kept.includes(old)) {
        const t = timers.get(old.id);
        if (t?.handle) clearTimeout(t.handle);
        timers.delete(old.id);
      }
    }
    set({ toasts: [...kept, toast] });
    arm(toast.id, ttlMs);
    return toast.id;
  };
  return {
    toasts: [],
    push(kind, message, ttlMs = defaultTtl(kind)) {
      return add({ id: ++seq, kind, message }, ttlMs);
    },
    pushRich(toast, ttlMs = defaultTtl(toast.kind)) {
      return add({ ...toast, id: ++seq }, ttlMs);
    },
    dismiss(id) {
      const t = timers.get(id);
      if (t?.handle) clearTimeout(t.handle);
      timers.delete(id);
      set({ toasts: get().toasts.filter((x) => x.id !== id) });
    },
    hold(id) {
      const t = timers.get(id);
      if (!t || t.handle === null) return;
      clearTimeout(t.handle);
      t.handle = null;
      t.remaining = Math.max(1500, t.remaining - (Date.now() - t.startedAt));
    },
    release(id) {
      const t = timers.get(id);
      if (!t || t.handle !== null) return;
      t.startedAt = Date.now();
      t.handle = setTimeout(() => get().dismiss(id), t.remaining);
    },
  };
});

export function toastError(message: string): void {
  useToasts.getState().push('error', message);
}

/** A failed call, as an error toast with its message. */
export function toastFailure(err: unknown): void {
  toastError(errorMessage(err));
}

export function toastSuccess(message: string): void {
  useToasts.getState().push('success', message);
}
