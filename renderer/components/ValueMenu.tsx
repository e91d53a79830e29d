import { Copy, Crosshair, Filter, Radar } from 'lucide-react';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { AlertFilter } from '../../main/contract/alerts.js';
import { alertsHref, navigate, scansHref } from '../app/router.js';
import { huntViewHref, valueHuntView } from '../features/hunt/model.js';
import { useToasts } from '../stores/toasts.js';
import './value-menu.css';

export type ValueKind = 'ip' | 'domain' | 'hash' | 'user' | 'url' | 'host';

const SCANNABLE = new Set<ValueKind>(['ip', 'domain', 'url', 'host']);

interface MenuItem {
  label: string;
  icon: ReactNode;
  run: () => void;
}

/** The hunt query that finds a value's records, when records can hold it. */
function huntQuery(kind: ValueKind, value: string): string | null {
  const v = /^[^\s"()|]+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  switch (kind) {
    case 'ip':
      return `ip:${v}`;
    case 'domain':
      return `dns.rrname:${v}`;
    case 'hash':
      // records name files by SHA-256 only
      return /^[0-9a-f]{64}$/i.test(value) ? `file.sha256:${v}` : null;
    case 'url':
      return `http.url:${v}`;
    case 'user':
    case 'host':
      return null;
  }
}

/**
 * The alerts filter for a value: an address is a host (either side), a host name the agent's
 * name (or the host, the sensor); anything else is searched for.
 */
function alertsFilter(kind: ValueKind, value: string): Partial<AlertFilter> {
  return kind === 'ip' || kind === 'host' ? { host: value.slice(0, 255) } : { text: value.slice(0, 200) };
}

async function copy(value: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
    useToasts.getState().push('success', `Copied ${value.length > 60 ? `${value.slice(0, 60)}…` : value}`);
  } catch {
    useToasts.getState().push('error', 'The clipboard refused the copy');
  }
}

/**
 * A value the analyst can pivot from (an address, a domain, a hash, a user, a URL, a host name): right-click,
 * the context-menu key or Shift+F10 on it opens a menu to hunt it, filter alerts by it, scan it (the
 * Scans screen's start form on it), or copy it.
 * `seen`: when the value was last seen (the alert's or the record's time; none: unknown), for the hunt's time.
 * `tabbable={false}` where the row around it owns the keyboard (a grid's roving focus): the
 * menu is then a right-click, and the same value is reachable from the keyboard in the detail.
 */
export function Value({ kind, value, seen, children, tabbable = true }: { kind: ValueKind; value: string; seen?: string | null | undefined; children?: ReactNode; tabbable?: boolean }) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const anchor = useRef<HTMLSpanElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  const hunt = huntQuery(kind, value);
  const items: MenuItem[] = [
    ...(hunt ? [{ label: `Hunt ${value}`, icon: <Crosshair size={13} aria-hidden="true" />, run: () => navigate(huntViewHref(valueHuntView(hunt, seen, Date.now()))) }] : []),
    { label: `Filter alerts by ${value}`, icon: <Filter size={13} aria-hidden="true" />, run: () => navigate(alertsHref(alertsFilter(kind, value))) },
    // what a scanner can take: an address or host (Greenbone), a domain (SpiderFoot), a URL (ZAP)
    ...(SCANNABLE.has(kind) ? [{ label: `Scan ${value}…`, icon: <Radar size={13} aria-hidden="true" />, run: () => navigate(scansHref(value)) }] : []),
    { label: 'Copy', icon: <Copy size={13} aria-hidden="true" />, run: () => void copy(value) },
  ];

  useEffect(() => {
    if (!at) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (menu.current && e.target instanceof Node && !menu.current.contains(e.target)) setAt(null);
    };
    const onScroll = () => setAt(null);
    document.addEventListener('mousedown', onDown);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('scroll', onScroll, true);
    };
  }, [at]);

  const close = (refocus: boolean) => {
    setAt(null);
    if (refocus) anchor.current?.focus();
  };
  const openBelow = () => {
    const r = anchor.current?.getBoundingClientRect();
    if (r) setAt({ x: r.left, y: r.bottom + 2 });
  };
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    // the menu's keys are its own: not the grid's or the screen's shortcuts around the value
    e.stopPropagation();
    const all = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      all[(i + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      close(true);
    }
  };

  return (
    <>
      <span
        ref={anchor}
        className="value"
        tabIndex={tabbable ? 0 : undefined}
        data-value-kind={kind}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        aria-controls={at ? id : undefined}
        title={`${value} (right-click or Shift+F10 for actions)`}
        onContextMenu={(e) => {
          e.preventDefault();
          setAt({ x: e.clientX, y: e.clientY });
        }}
        onKeyDown={(e) => {
          if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
            e.preventDefault();
            e.stopPropagation();
            openBelow();
          }
        }}
      >
        {children ?? value}
      </span>
      {/* in the body: a virtual grid's row is moved by a transform, which would carry (and clip) a fixed menu with it */}
      {at
        ? createPortal(
            <div
              ref={menu}
              id={id}
              role="menu"
              aria-label={`Actions on ${value}`}
              className="value-menu"
              style={{ left: Math.min(at.x, window.innerWidth - 280), top: Math.min(at.y, window.innerHeight - 120) }}
              onKeyDown={onMenuKey}
            >
              {items.map((item) => (
                <button
                  key={item.label}
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className="value-menu-item"
                  onClick={() => {
                    close(false);
                    item.run();
                  }}
                >
                  {item.icon}
                  <span className="ellipsis">{item.label}</span>
                </button>
              ))}
            </div>,
            document.body,
          )
        : null}
    </>
  );
}
