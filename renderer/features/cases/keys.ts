import { useEffect, useRef } from 'react';
import { modalOpen } from '../../components/Dialog.js';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return type !== 'checkbox' && type !== 'radio' && type !== 'button';
  }
  return tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * Single-key shortcuts for a screen, like the Alerts screen's: no modifiers, ignored while typing
 * in a field, while a dialog is open or inside a menu. The handler returns true when it used the key.
 */
export function useKeys(handler: (e: KeyboardEvent) => boolean): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isEditable(e.target) || modalOpen()) return;
      if (e.target instanceof HTMLElement && e.target.closest('.ui-popover')) return;
      if (ref.current(e)) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * A keyboard cursor over table rows (roving tabindex): j / k (or move) focus the next row;
 * rowProps(i) wires a <tr> to it.
 */
export function useRowCursor(count: number, cursor: number, setCursor: (i: number) => void) {
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const move = (delta: number) => {
    if (count === 0) return;
    const i = Math.max(0, Math.min(count - 1, cursor + delta));
    setCursor(i);
    rows.current[i]?.focus();
  };
  const rowProps = (i: number) => ({
    ref: (el: HTMLTableRowElement | null) => {
      rows.current[i] = el;
    },
    tabIndex: i === cursor ? 0 : -1,
    className: i === cursor ? 'cursor' : undefined,
    onFocus: () => setCursor(i),
  });
  return { move, rowProps, rows };
}
