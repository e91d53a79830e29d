import { X } from 'lucide-react';
import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import './dialog.css';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement | null): HTMLElement[] {
  if (!root) return [];
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** True while any modal dialog is open (screen-wide shortcuts stand down). */
export function modalOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}

export interface DialogProps {
  title: string;
  /** Short text under the title (also the dialog's accessible description). */
  description?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** What gets focus when the dialog opens (default: the first focusable control). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** While busy, Escape and the backdrop do not close the dialog. */
  busy?: boolean;
  testId?: string;
}

/**
 * Modal dialog: role=dialog + aria-modal, labelled by its title, Tab trapped inside, Escape and
 * the backdrop close it, Ctrl/Cmd+Enter presses the primary button, and focus goes back to where
 * it was when it closes.
 */
export function Dialog({ title, description, onClose, children, footer, size = 'md', initialFocus, busy = false, testId }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  // layout effect: focus goes back synchronously when the dialog closes, before any work the
  // closing handler scheduled (e.g. moving the list cursor) can be undone by a late focus
  useLayoutEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    const target = initialFocus?.current ?? focusables(root).find((el) => !el.classList.contains('ui-dialog-close')) ?? root;
    target?.focus();
    return () => {
      if (previous && document.contains(previous)) previous.focus({ preventScroll: true });
    };
    // focus once, on open
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Ctrl/Cmd+Enter confirms: the footer's primary button, from anywhere in the dialog
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
      const primary = ref.current?.querySelector<HTMLButtonElement>('.ui-dialog-foot .button.primary:not([disabled])');
      if (primary) {
        e.preventDefault();
        primary.click();
      }
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (!busy) closeRef.current();
      return;
    }
    if (e.key !== 'Tab') return;
    const list = focusables(ref.current);
    if (list.length === 0) {
      e.preventDefault();
      return;
    }
    const first = list[0]!;
    const last = list[list.length - 1]!;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="ui-dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) closeRef.current();
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        className={`ui-dialog ui-dialog-${size}`}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <header className="ui-dialog-head">
          <div className="ui-dialog-titles">
            <h2 id={titleId} className="ui-dialog-title">
              {title}
            </h2>
            {description ? (
              <p id={descId} className="ui-dialog-desc">
                {description}
              </p>
            ) : null}
          </div>
          <button type="button" className="icon-button small ui-dialog-close" aria-label="Close dialog" disabled={busy} onClick={() => closeRef.current()}>
            <X size={14} aria-hidden="true" />
          </button>
        </header>
        <div className="ui-dialog-body">{children}</div>
        {footer ? <footer className="ui-dialog-foot">{footer}</footer> : null}
      </div>
    </div>,
    document.body,
  );
}
