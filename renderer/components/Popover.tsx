import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import './dialog.css';

export interface PopoverProps {
  /** Accessible name of the panel (and the trigger's tooltip). */
  label: string;
  /** The trigger's content (icon and/or text). */
  trigger: ReactNode;
  triggerClassName?: string;
  /** The trigger's accessible name when its content is only an icon. */
  triggerLabel?: string;
  align?: 'start' | 'end';
  testId?: string;
  children(close: () => void): ReactNode;
}

/**
 * A non-modal panel under a button: aria-expanded on the trigger, Escape and a click outside
 * close it, and Escape gives focus back to the trigger.
 */
export function Popover({ label, trigger, triggerClassName = 'button', triggerLabel, align = 'end', testId, children }: PopoverProps) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (anchor.current && e.target instanceof Node && !anchor.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const first = document.getElementById(panelId)?.querySelector<HTMLElement>('button, input, [tabindex="0"]');
    first?.focus();
  }, [open, panelId]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div
      ref={anchor}
      className="ui-popover-anchor"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className={triggerClassName}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-haspopup="dialog"
        aria-label={triggerLabel}
        title={label}
        data-testid={testId}
        onClick={() => setOpen((v) => !v)}
      >
        {trigger}
      </button>
      {open ? (
        <div id={panelId} role="dialog" aria-label={label} className={`ui-popover ui-align-${align}`}>
          {children(close)}
        </div>
      ) : null}
    </div>
  );
}
