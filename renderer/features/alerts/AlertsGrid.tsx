import { useVirtualizer } from '@tanstack/react-virtual';
import { LoaderCircle, RefreshCw } from 'lucide-react';
import { memo, useCallback, useEffect, useImperativeHandle, useRef, type KeyboardEvent, type Ref } from 'react';
import type { Alert } from '../../../main/contract/alerts.js';
import { PriorityBadge, RiskMeter, SeverityBadge, StatusBadge } from '../../components/badges.js';
import { formatCount, formatEndpoint, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useAlerts } from '../../stores/alerts.js';

export const ROW_HEIGHT = 36;
export const HEADER_HEIGHT = 32;

export const COLUMNS = [
  { key: 'severity', label: 'Severity' },
  { key: 'priority', label: 'Priority' },
  { key: 'status', label: 'Status' },
  { key: 'title', label: 'Title' },
  { key: 'source', label: 'Source' },
  { key: 'src', label: 'Src' },
  { key: 'dst', label: 'Dst' },
  { key: 'count', label: 'Count' },
  { key: 'risk', label: 'Risk' },
  { key: 'last_seen', label: 'Last seen' },
] as const;

/** What the screen can ask of the grid (keyboard triage lives in the screen). */
export interface AlertsGridHandle {
  /** Scrolls the row at index into view and focuses it. */
  revealIndex(index: number, focus: boolean): void;
  scrollToTop(): void;
  /** Rows that fit in the viewport (for PageUp/PageDown). */
  pageRows(): number;
}

function Endpoint({ ip, port }: { ip: string | null; port: number | null }) {
  const text = formatEndpoint(ip, port);
  if (!text) return <span className="faint">—</span>;
  return (
    <span className="mono ellipsis" title={text}>
      {text}
    </span>
  );
}

interface RowProps {
  alert: Alert;
  index: number;
  start: number;
  selected: boolean;
  tabbable: boolean;
  onSelect(id: number): void;
}

const AlertRow = memo(function AlertRow({ alert: a, index, start, selected, tabbable, onSelect }: RowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      data-row-id={a.id}
      data-severity={a.severity}
      className={`grid-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      onFocus={() => onSelect(a.id)}
      onClick={() => onSelect(a.id)}
    >
      <div role="gridcell" className="cell c-severity">
        <SeverityBadge severity={a.severity} />
      </div>
      <div role="gridcell" className="cell c-priority">
        <PriorityBadge priority={a.priority} />
      </div>
      <div role="gridcell" className="cell c-status">
        <StatusBadge status={a.status} />
      </div>
      <div role="gridcell" className="cell c-title">
        <span className="title-text ellipsis" title={a.rule_id ? `${a.title}\nRule ${a.rule_id}` : a.title}>
          {a.title}
        </span>
      </div>
      <div role="gridcell" className="cell c-source">
        <span className="ellipsis source-text" title={a.source}>
          {a.source}
        </span>
      </div>
      <div role="gridcell" className="cell c-src">
        <Endpoint ip={a.src_ip} port={a.src_port} />
      </div>
      <div role="gridcell" className="cell c-dst">
        <Endpoint ip={a.dst_ip} port={a.dst_port} />
      </div>
      <div role="gridcell" className="cell c-count num">
        {formatCount(a.count)}
      </div>
      <div role="gridcell" className="cell c-risk">
        <RiskMeter score={a.risk_score} />
      </div>
      <div role="gridcell" className="cell c-last-seen">
        <time dateTime={a.last_seen} title={utcTitle(a.last_seen)} className="num">
          {formatLocalTime(a.last_seen)}
        </time>
      </div>
    </div>
  );
});

function HeaderRow() {
  return (
    <div role="rowgroup" className="grid-head">
      <div role="row" aria-rowindex={1} className="grid-row head-row">
        {COLUMNS.map((c) => (
          <div key={c.key} role="columnheader" className={`cell c-${c.key.replace('_', '-')}`}>
            {c.label}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Placeholder rows while the first page loads. */
export function SkeletonGrid() {
  return (
    <div className="grid-wrap">
      <div role="grid" aria-label="Alerts" aria-busy="true" aria-colcount={COLUMNS.length} className="grid skeleton-grid">
        <HeaderRow />
        <div role="rowgroup" className="grid-body skeleton-body" aria-hidden="true">
          {Array.from({ length: 24 }, (_, i) => (
            <div key={i} className="grid-row skeleton-row">
              {COLUMNS.map((c) => (
                <div key={c.key} className={`cell c-${c.key.replace('_', '-')}`}>
                  <span className={`skeleton sk-${c.key.replace('_', '-')}`} />
                </div>
              ))}
            </div>
          ))}
        </div>
      </div>
      <span className="visually-hidden" role="status">
        Loading alerts…
      </span>
    </div>
  );
}

export function AlertsGrid({ handle, refreshing }: { handle: Ref<AlertsGridHandle>; refreshing: boolean }) {
  const items = useAlerts((s) => s.items);
  const next = useAlerts((s) => s.next);
  const loading = useAlerts((s) => s.loading);
  const moreError = useAlerts((s) => s.moreError);
  const selectedId = useAlerts((s) => s.selectedId);
  const scrollRef = useRef<HTMLDivElement>(null);

  const hasFooter = next !== null || moreError !== null;
  const count = items.length + (hasFooter ? 1 : 0);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (i) => items[i]?.id ?? 'footer',
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.length > 0 ? virtualItems[virtualItems.length - 1]!.index : -1;

  // Keyset paging: ask for the next page when the rendered range nears the end.
  useEffect(() => {
    if (next !== null && loading === 'idle' && moreError === null && lastIndex >= items.length - 15) {
      void useAlerts.getState().loadMore();
    }
  }, [lastIndex, items.length, next, loading, moreError]);

  const focusRow = useCallback((id: number, tries = 6) => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-row-id="${id}"]`);
    if (el) el.focus({ preventScroll: true });
    else if (tries > 0) requestAnimationFrame(() => focusRow(id, tries - 1));
  }, []);

  useImperativeHandle(
    handle,
    () => ({
      revealIndex(index, focus) {
        virtualizer.scrollToIndex(index, { align: 'auto' });
        const id = useAlerts.getState().items[index]?.id;
        if (focus && id !== undefined) requestAnimationFrame(() => focusRow(id));
      },
      scrollToTop() {
        virtualizer.scrollToOffset(0);
      },
      pageRows() {
        const h = scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10;
        return Math.max(1, Math.floor((h - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
      },
    }),
    [virtualizer, focusRow],
  );

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el) useAlerts.getState().setAtTop(el.scrollTop < 4);
  }, []);

  const onSelect = useCallback((id: number) => {
    if (useAlerts.getState().selectedId !== id) useAlerts.getState().select(id);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const s = useAlerts.getState();
    let idx: number | null;
    const page = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 360) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        idx = s.moveSelection(1);
        break;
      case 'ArrowUp':
        idx = s.moveSelection(-1);
        break;
      case 'PageDown':
        idx = s.moveSelection(page);
        break;
      case 'PageUp':
        idx = s.moveSelection(-page);
        break;
      case 'Home':
        idx = s.selectIndex(0);
        break;
      case 'End':
        idx = s.selectIndex(s.items.length - 1);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (idx !== null) {
      virtualizer.scrollToIndex(idx, { align: 'auto' });
      const id = useAlerts.getState().items[idx]?.id;
      if (id !== undefined) requestAnimationFrame(() => focusRow(id));
    }
  };

  // Roving tabindex: the selected row if rendered, else the first rendered row.
  const rendered = virtualItems.filter((v) => v.index < items.length);
  const selectedRendered = selectedId !== null && rendered.some((v) => items[v.index]?.id === selectedId);
  const tabbableId = selectedRendered ? selectedId : (items[rendered[0]?.index ?? -1]?.id ?? null);

  return (
    <div className={`grid-wrap${refreshing ? ' refreshing' : ''}`}>
      {refreshing ? <div className="progress-bar" aria-hidden="true" /> : null}
      <div
        ref={scrollRef}
        role="grid"
        aria-label="Alerts"
        aria-rowcount={next === null ? items.length + 1 : -1}
        aria-colcount={COLUMNS.length}
        aria-busy={refreshing || loading === 'more'}
        className="grid"
        data-testid="alerts-grid"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <HeaderRow />
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((v) => {
            const a = items[v.index];
            const start = v.start - HEADER_HEIGHT;
            if (!a) {
              return (
                <div
                  key="footer"
                  role="row"
                  aria-rowindex={v.index + 2}
                  className="grid-row footer-row"
                  style={{ transform: `translateY(${start}px)` }}
                >
                  <div role="gridcell" aria-colspan={COLUMNS.length} className="cell footer-cell">
                    {moreError ? (
                      <>
                        <span className="error-text">Could not load more alerts: {moreError.describe()}</span>
                        <button type="button" className="button small" onClick={() => void useAlerts.getState().loadMore()}>
                          <RefreshCw size={12} aria-hidden="true" />
                          Retry
                        </button>
                      </>
                    ) : (
                      <span className="muted loading-more">
                        <LoaderCircle size={14} className="spin" aria-hidden="true" />
                        Loading more alerts…
                      </span>
                    )}
                  </div>
                </div>
              );
            }
            return (
              <AlertRow
                key={a.id}
                alert={a}
                index={v.index}
                start={start}
                selected={a.id === selectedId}
                tabbable={a.id === tabbableId}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
