import { ArrowRight, CircleAlert, CircleCheck, Info, Siren, Undo2, X } from 'lucide-react';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Priority } from '../../main/contract/alerts.js';
import { severityClass, SEVERITY_LABEL } from '../lib/domain.js';
import { useAlertDetail } from '../features/alert-detail/store.js';
import { useAlerts } from '../stores/alerts.js';
import { useToasts, type Toast, type ToastLink } from '../stores/toasts.js';

function ToastIcon({ kind }: { kind: Toast['kind'] }) {
  if (kind === 'error') return <CircleAlert size={16} aria-hidden="true" />;
  if (kind === 'success') return <CircleCheck size={16} aria-hidden="true" />;
  if (kind === 'alert') return <Siren size={16} aria-hidden="true" />;
  return <Info size={16} aria-hidden="true" />;
}

/** An alert's priority as this console knows it now (a loaded row or the open detail), else as notified. */
function useCurrentPriority(link: ToastLink): Priority | undefined {
  const row = useAlerts((s) => (link.alertId === undefined ? undefined : s.findAlert(link.alertId)?.priority));
  const detail = useAlertDetail((s) => (link.alertId !== undefined && s.detail?.alert.id === link.alertId ? s.detail.alert.priority : undefined));
  return detail ?? row ?? link.priority;
}

function LinkPriority({ link }: { link: ToastLink }) {
  const p = useCurrentPriority(link);
  return p ? <span className={`prio prio-${p.toLowerCase()}`} data-testid="toast-priority">{p}</span> : null;
}

function ToastItem({ toast }: { toast: Toast }) {
  const { dismiss, hold, release } = useToasts.getState();
  return (
    <div
      className={`toast toast-${toast.kind}${toast.severity ? ` ${severityClass(toast.severity)}` : ''}`}
      data-testid={toast.kind === 'alert' ? 'alert-toast' : 'toast'}
      onMouseEnter={() => hold(toast.id)}
      onMouseLeave={() => release(toast.id)}
      onFocus={() => hold(toast.id)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) release(toast.id);
      }}
    >
      <ToastIcon kind={toast.kind} />
      <div className="toast-content">
        <span className="toast-msg">{toast.message}</span>
        {toast.links && toast.links.length > 0 ? (
          <ul className="toast-links">
            {toast.links.map((l) => (
              <li key={l.href} className={l.severity ? severityClass(l.severity) : undefined}>
                {l.severity ? (
                  <span className="sev-swatch" title={SEVERITY_LABEL[l.severity]} aria-hidden="true" />
                ) : null}
                <LinkPriority link={l} />
                <a href={l.href} className="toast-link" onClick={() => dismiss(toast.id)}>
                  {l.label}
                  {l.severity ? <span className="visually-hidden"> ({SEVERITY_LABEL[l.severity]})</span> : null}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        {toast.detail ? <span className="toast-detail">{toast.detail}</span> : null}
        {toast.action ? (
          <a href={toast.action.href} className="toast-action" onClick={() => dismiss(toast.id)}>
            {toast.action.label}
            <ArrowRight size={12} aria-hidden="true" />
          </a>
        ) : null}
      </div>
      {toast.button ? (
        <button
          type="button"
          className="button small toast-button"
          onClick={() => {
            dismiss(toast.id);
            toast.button!.run();
          }}
        >
          <Undo2 size={12} aria-hidden="true" />
          {toast.button.label}
        </button>
      ) : null}
      <button type="button" className="icon-button small" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
        <X size={14} aria-hidden="true" />
      </button>
    </div>
  );
}

/** Whether two rectangles overlap. */
function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Bottom-right stack; at most MAX_TOASTS at a time, each auto-dismissed (paused on hover/focus).
 * It never covers the alert the analyst is on: when the selected row would be under it, the
 * stack moves to the top.
 */
export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const selectedId = useAlerts((s) => s.selectedId);
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(false);

  const place = useRef(() => {});
  place.current = () => {
    const stack = ref.current;
    if (!stack || stack.childElementCount === 0) return setTop(false);
    const row = document.querySelector('[role="grid"] [role="row"][aria-current="true"]');
    if (!row) return setTop(false);
    // measured where the stack sits at the bottom (its height is the same at the top)
    const r = stack.getBoundingClientRect();
    const bottom = new DOMRect(r.left, window.innerHeight - 16 - r.height, r.width, r.height);
    setTop(overlaps(bottom, row.getBoundingClientRect()));
  };

  useLayoutEffect(() => place.current(), [toasts, selectedId]);
  useEffect(() => {
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => place.current());
    };
    window.addEventListener('scroll', later, true);
    window.addEventListener('resize', later);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later, true);
      window.removeEventListener('resize', later);
    };
  }, []);

  return (
    <div ref={ref} className={`toasts${top ? ' toasts-top' : ''}`} role="status" aria-live="polite" aria-label="Notifications" data-testid="toasts">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
