import { ArrowRight, CircleAlert, CircleCheck, Info, Siren, X } from 'lucide-react';
import { severityClass, SEVERITY_LABEL } from '../lib/domain.js';
import { useToasts, type Toast } from '../stores/toasts.js';

function ToastIcon({ kind }: { kind: Toast['kind'] }) {
  if (kind === 'error') return <CircleAlert size={16} aria-hidden="true" />;
  if (kind === 'success') return <CircleCheck size={16} aria-hidden="true" />;
  if (kind === 'alert') return <Siren size={16} aria-hidden="true" />;
  return <Info size={16} aria-hidden="true" />;
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
                {l.priority ? <span className={`prio prio-${l.priority.toLowerCase()}`}>{l.priority}</span> : null}
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
      <button type="button" className="icon-button small" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
        <X size={14} aria-hidden="true" />
      </button>
    </div>
  );
}

/** Bottom-right stack; at most MAX_TOASTS at a time, each auto-dismissed (paused on hover/focus). */
export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
