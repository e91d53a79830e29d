import { X } from 'lucide-react';
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  /** Short text under the title; also the dialog's description. */
  description?: ReactNode;
  children: ReactNode;
  onClose: () => void;
  /** 'alertdialog' for confirmations (no close on backdrop click). */
  role?: 'dialog' | 'alertdialog';
  /** Element focused on open (default: the first focusable element). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Prevents closing while something is in flight. */
  busy?: boolean;
  width?: number;
  testId?: string;
}

/**
 * Modal dialog: role=dialog/alertdialog, aria-modal, labelled by its title, focus trapped
 * inside (Tab / Shift+Tab cycle), Escape closes, focus returns to the opener on close.
 */
export function Dialog({ title, description, children, onClose, role = 'dialog', initialFocus, busy = false, width = 480, testId }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  const closeRef = useRef(onClose);
  const busyRef = useRef(busy);
  useEffect(() => {
    closeRef.current = onClose;
    busyRef.current = busy;
  });

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const node = ref.current;
    const first = initialFocus?.current ?? node?.querySelector<HTMLElement>(FOCUSABLE) ?? node;
    first?.focus();
    const app = document.querySelector<HTMLElement>('.app');
    app?.setAttribute('inert', '');
    return () => {
      app?.removeAttribute('inert');
      // Back to the opener; if it is gone (e.g. the removed row's button), to the screen heading.
      if (opener && document.contains(opener)) opener.focus();
      else document.querySelector<HTMLElement>('main h1')?.focus();
    };
  }, [initialFocus]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (!busyRef.current) closeRef.current();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
    if (items.length === 0) {
      e.preventDefault();
      return;
    }
    const firstEl = items[0]!;
    const lastEl = items[items.length - 1]!;
    if (e.shiftKey && (document.activeElement === firstEl || document.activeElement === ref.current)) {
      e.preventDefault();
      lastEl.focus();
    } else if (!e.shiftKey && document.activeElement === lastEl) {
      e.preventDefault();
      firstEl.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && role === 'dialog' && !busyRef.current) closeRef.current();
      }}
    >
      <div
        ref={ref}
        className="dialog"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        style={{ width }}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <div className="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button small" aria-label="Close dialog" onClick={() => !busy && onClose()} disabled={busy}>
            <X size={14} aria-hidden="true" />
          </button>
        </div>
        {description ? (
          <div id={descId} className="dialog-desc">
            {description}
          </div>
        ) : null}
        {children}
      </div>
    </div>,
    document.body,
  );
}
