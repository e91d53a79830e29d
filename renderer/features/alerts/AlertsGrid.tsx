import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, ChevronsUpDown, LoaderCircle, RefreshCw } from 'lucide-react';
import {
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type Ref,
  type RefObject,
  useMemo,
  useState,
} from 'react';
import type { Alert, AlertSort } from '../../../main/contract/alerts.js';
import { currentViewHref, useAlerts, type SortField } from '../../stores/alerts.js';
import { navigate } from '../../app/router.js';
import { modalOpen } from '../../components/Dialog.js';
import { useDisplayZone } from '../../stores/settings.js';
import { zoneLabel } from '../../lib/format.js';
import { CellContent, COLUMN_DEFS, fitColumns, gridTemplate, type ColumnKey } from './columns.js';

export const ROW_HEIGHT = 36;
export const HEADER_HEIGHT = 32;

/** What the screen can ask of the grid (keyboard triage lives in the screen). */
export interface AlertsGridHandle {
  /** Scrolls the row at a grid index into view and (optionally) focuses it. */
  revealIndex(index: number, focus: boolean): void;
  scrollToTop(): void;
  /** Rows that fit in the viewport (for PageUp/PageDown). */
  pageRows(): number;
}

/** The element's inner width (no scrollbar), kept up to date. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

/** The columns that fit the grid's width (low-value ones collapse first); published for the Columns menu. */
function useFitted(ref: RefObject<HTMLElement | null>, cols: readonly ColumnKey[]): readonly ColumnKey[] {
  const width = useWidth(ref);
  const fit = useMemo(() => fitColumns(cols, width), [cols, width]);
  const key = fit.collapsed.join(',');
  useEffect(() => {
    useAlerts.getState().setCollapsedColumns(key ? (key.split(',') as ColumnKey[]) : []);
  }, [key]);
  return fit.shown;
}

function openAlert(id: number): void {
  navigate(currentViewHref(id));
}

interface RowProps {
  alert: Alert;
  /** The display zone (a change re-renders the times of memoized rows). */
  zone: string;
  index: number;
  start: number;
  cols: readonly ColumnKey[];
  cursor: boolean;
  checked: boolean;
  tabbable: boolean;
  onCursor(id: number): void;
  onCheck(id: number, range: boolean): void;
}

const AlertRow = memo(function AlertRow({ alert: a, zone: _zone, index, start, cols, cursor, checked, tabbable, onCursor, onCheck }: RowProps) {
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (e.shiftKey) {
      e.preventDefault();
      onCheck(a.id, true);
    }
    onCursor(a.id);
  };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      aria-current={cursor ? 'true' : undefined}
      tabIndex={tabbable ? 0 : -1}
      data-row-id={a.id}
      data-severity={a.severity}
      data-status={a.status}
      className={`grid-row${cursor ? ' cursor' : ''}${checked ? ' checked' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      onFocus={() => onCursor(a.id)}
      onClick={onClick}
      onDoubleClick={() => openAlert(a.id)}
    >
      <div role="gridcell" className="cell c-check">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={checked}
          aria-label={`Select alert ${a.id}`}
          onChange={() => undefined}
          onClick={(e) => {
            e.stopPropagation();
            onCheck(a.id, e.shiftKey);
            onCursor(a.id);
            // keep the keyboard on the row (j / k / x go on working)
            e.currentTarget.closest<HTMLElement>('[role="row"]')?.focus({ preventScroll: true });
          }}
        />
      </div>
      {cols.map((c) => (
        <div key={c} role="gridcell" className={`cell c-${c.replace('_', '-')}`}>
          <CellContent col={c} alert={a} />
        </div>
      ))}
    </div>
  );
});

/** "Last seen" with the zone its times are in ("CET", "UTC"). */
function HeaderLabel({ col }: { col: ColumnKey }) {
  useDisplayZone();
  const def = COLUMN_DEFS[col];
  if (col !== 'first_seen' && col !== 'last_seen') return <span>{def.label}</span>;
  return (
    <span>
      {def.label} <span className="col-zone">{zoneLabel()}</span>
    </span>
  );
}

function SortIcon({ active, dir }: { active: boolean; dir: AlertSort['dir'] }) {
  if (!active) return <ChevronsUpDown size={12} className="sort-icon idle" aria-hidden="true" />;
  return dir === 'asc' ? <ArrowUp size={12} className="sort-icon" aria-hidden="true" /> : <ArrowDown size={12} className="sort-icon" aria-hidden="true" />;
}

function HeaderRow({ cols, interactive }: { cols: readonly ColumnKey[]; interactive: boolean }) {
  const sort = useAlerts((s) => s.sort);
  const itemsLength = useAlerts((s) => s.items.length);
  const checkedSize = useAlerts((s) => s.checked.size);
  const matchAll = useAlerts((s) => s.matchAll);
  const all = matchAll || (itemsLength > 0 && checkedSize >= itemsLength);
  const some = !all && checkedSize > 0;
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = some;
  }, [some]);

  return (
    <div role="rowgroup" className="grid-head">
      <div role="row" aria-rowindex={1} className="grid-row head-row">
        <div role="columnheader" className="cell c-check">
          {interactive ? (
            <input
              ref={box}
              type="checkbox"
              checked={all}
              aria-label="Select all loaded alerts"
              title="Select all loaded alerts"
              onChange={() => {
                const s = useAlerts.getState();
                if (all || some) s.clearChecked();
                else s.checkAllLoaded();
              }}
            />
          ) : (
            <span className="visually-hidden">Select</span>
          )}
        </div>
        {cols.map((c) => {
          const def = COLUMN_DEFS[c];
          const field: SortField | undefined = def.sort;
          const active = field !== undefined && sort.field === field;
          return (
            <div
              key={c}
              role="columnheader"
              aria-sort={field === undefined ? undefined : active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              className={`cell c-${c.replace('_', '-')}${active ? ' sorted' : ''}`}
            >
              {field !== undefined && interactive ? (
                <button
                  type="button"
                  className="sort-button"
                  title={`Sort by ${def.label.toLowerCase()}`}
                  onClick={() => useAlerts.getState().toggleSort(field)}
                >
                  <HeaderLabel col={c} />
                  <SortIcon active={active} dir={sort.dir} />
                </button>
              ) : (
                <HeaderLabel col={c} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function gridStyle(cols: readonly ColumnKey[]): CSSProperties {
  const g = gridTemplate(cols);
  return { '--grid-cols': g.template, '--grid-min': `${g.floor}px` } as CSSProperties;
}

/** Placeholder rows while the first page loads. */
export function SkeletonGrid({ cols: chosen }: { cols: readonly ColumnKey[] }) {
  const wrap = useRef<HTMLDivElement>(null);
  const cols = useFitted(wrap, chosen);
  return (
    <div className="grid-wrap" ref={wrap} style={gridStyle(cols)}>
      <div role="grid" aria-label="Alerts" aria-busy="true" aria-colcount={cols.length + 1} className="grid skeleton-grid">
        <HeaderRow cols={cols} interactive={false} />
        <div role="rowgroup" className="grid-body skeleton-body" aria-hidden="true">
          {Array.from({ length: 24 }, (_, i) => (
            <div key={i} className="grid-row skeleton-row">
              <div className="cell c-check" />
              {cols.map((c) => (
                <div key={c} className={`cell c-${c.replace('_', '-')}`}>
                  <span className={`skeleton sk-${c.replace('_', '-')}`} />
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

function PlaceholderRow({ start, cols }: { start: number; cols: readonly ColumnKey[] }) {
  return (
    <div className="grid-row placeholder-row" aria-hidden="true" style={{ transform: `translateY(${start}px)` }}>
      <div className="cell c-check" />
      {cols.map((c) => (
        <div key={c} className={`cell c-${c.replace('_', '-')}`}>
          <span className={`skeleton sk-${c.replace('_', '-')}`} />
        </div>
      ))}
    </div>
  );
}

export function AlertsGrid({ handle, refreshing, cols: chosen }: { handle: Ref<AlertsGridHandle>; refreshing: boolean; cols: readonly ColumnKey[] }) {
  const items = useAlerts((s) => s.items);
  const windowStart = useAlerts((s) => s.windowStart);
  const next = useAlerts((s) => s.next);
  const loading = useAlerts((s) => s.loading);
  const moreError = useAlerts((s) => s.moreError);
  const selectedId = useAlerts((s) => s.selectedId);
  const checked = useAlerts((s) => s.checked);
  const matchAll = useAlerts((s) => s.matchAll);
  const listSeq = useAlerts((s) => s.listSeq);
  const shift = useAlerts((s) => s.shift);
  const prevError = useAlerts((s) => s.prevError);
  const zone = useDisplayZone();
  const scrollRef = useRef<HTMLDivElement>(null);
  const cols = useFitted(scrollRef, chosen);

  const hasFooter = next !== null || moreError !== null;
  const count = windowStart + items.length + (hasFooter ? 1 : 0);

  // A new list's first frame renders the rows in view only; the rows above and below it (for
  // smooth scrolling) follow a frame later. Half the rows to build, lay out and paint before the
  // analyst sees the answer.
  const [settledSeq, setSettledSeq] = useState(listSeq);
  const fresh = settledSeq !== listSeq;
  useEffect(() => {
    if (!fresh) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const raf = requestAnimationFrame(() => (timer = setTimeout(() => setSettledSeq(listSeq), 0)));
    return () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }, [fresh, listSeq]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: fresh ? 1 : 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (i) => (i < windowStart ? `ph-${i}` : (items[i - windowStart]?.id ?? 'footer')),
  });
  const virtualItems = virtualizer.getVirtualItems();
  const firstIndex = virtualItems[0]?.index ?? 0;
  const lastIndex = virtualItems.length > 0 ? virtualItems[virtualItems.length - 1]!.index : -1;

  // Keyset paging both ways around the rendered range; far pages are dropped by the store.
  useEffect(() => {
    if (lastIndex >= 0) useAlerts.getState().ensureRange(firstIndex, lastIndex);
  }, [firstIndex, lastIndex, items.length, windowStart, next, loading, moreError, prevError]);

  // A new list (filter, sort, reload) starts at the top. Only when it is not there already:
  // scrollToOffset measures the scroll range, which lays out the new rows synchronously in the
  // middle of the commit (~35 ms on a search's first page), and the frame lays them out again.
  const seenSeq = useRef(listSeq);
  useLayoutEffect(() => {
    if (seenSeq.current === listSeq) return;
    seenSeq.current = listSeq;
    if (virtualizer.scrollOffset !== 0) virtualizer.scrollToOffset(0);
  }, [listSeq, virtualizer]);

  // The index space was re-based: scroll by the same number of rows so the same rows stay in view.
  const seenShift = useRef(shift.seq);
  useLayoutEffect(() => {
    if (seenShift.current === shift.seq) return;
    seenShift.current = shift.seq;
    const el = scrollRef.current;
    if (el) el.scrollTop = Math.max(0, el.scrollTop + shift.delta * ROW_HEIGHT);
  }, [shift]);

  /**
   * Focuses the cursor row once it is rendered. Runs a frame later, so it looks the cursor up
   * then: a key pressed in between (j, a …) may have moved it, and a stale focus would move it back;
   * a dialog that key opened keeps the focus.
   */
  const focusCursor = useCallback((tries = 6) => {
    const id = useAlerts.getState().selectedId;
    // a dialog opened meanwhile (j then n at once) keeps its focus
    if (id === null || modalOpen()) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-row-id="${id}"]`);
    if (el) {
      if (document.activeElement !== el) el.focus({ preventScroll: true });
    } else if (tries > 0) requestAnimationFrame(() => focusCursor(tries - 1));
  }, []);

  const pageRows = useCallback(() => {
    const h = scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10;
    return Math.max(1, Math.floor((h - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
  }, []);

  useImperativeHandle(
    handle,
    () => ({
      revealIndex(index, focus) {
        virtualizer.scrollToIndex(index, { align: 'auto' });
        if (focus) requestAnimationFrame(() => focusCursor());
      },
      scrollToTop() {
        virtualizer.scrollToOffset(0);
      },
      pageRows,
    }),
    [virtualizer, focusCursor, pageRows],
  );

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el) useAlerts.getState().setAtTop(el.scrollTop < 4 && useAlerts.getState().windowStart === 0);
  }, []);

  const onCursor = useCallback((id: number) => useAlerts.getState().select(id), []);
  const onCheck = useCallback((id: number, range: boolean) => useAlerts.getState().toggleChecked(id, range), []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target instanceof HTMLElement && e.target.closest('.grid-head')) return; // header buttons keep their keys
    const s = useAlerts.getState();
    let idx: number | null;
    switch (e.key) {
      case 'ArrowDown':
        idx = s.moveSelection(1);
        break;
      case 'ArrowUp':
        idx = s.moveSelection(-1);
        break;
      case 'PageDown':
        idx = s.moveSelection(pageRows());
        break;
      case 'PageUp':
        idx = s.moveSelection(-pageRows());
        break;
      case 'Home':
        idx = s.selectIndex(s.windowStart);
        break;
      case 'End':
        idx = s.selectIndex(s.windowStart + s.items.length - 1);
        break;
      case ' ':
        if (s.selectedId !== null) {
          e.preventDefault();
          s.toggleChecked(s.selectedId, e.shiftKey);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (idx !== null) {
      virtualizer.scrollToIndex(idx, { align: 'auto' });
      requestAnimationFrame(() => focusCursor());
    }
  };

  // Roving tabindex: the cursor row if rendered, else the first rendered row.
  const rendered = virtualItems.filter((v) => v.index >= windowStart && v.index < windowStart + items.length);
  const cursorRendered = selectedId !== null && rendered.some((v) => items[v.index - windowStart]?.id === selectedId);
  const tabbableId = cursorRendered ? selectedId : (items[(rendered[0]?.index ?? -1) - windowStart]?.id ?? null);

  return (
    <div className={`grid-wrap${refreshing ? ' refreshing' : ''}`} style={gridStyle(cols)}>
      {refreshing ? <div className="progress-bar" aria-hidden="true" /> : null}
      <div
        ref={scrollRef}
        role="grid"
        aria-label="Alerts"
        aria-multiselectable="true"
        aria-rowcount={next === null && windowStart === 0 ? items.length + 1 : -1}
        aria-colcount={cols.length + 1}
        aria-busy={refreshing || loading === 'more'}
        className="grid"
        data-testid="alerts-grid"
        data-list-seq={listSeq}
        data-window={`${windowStart}+${items.length}`}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <HeaderRow cols={cols} interactive />
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((v) => {
            const start = v.start - HEADER_HEIGHT;
            if (v.index < windowStart) return <PlaceholderRow key={v.key} start={start} cols={cols} />;
            const a = items[v.index - windowStart];
            if (!a) {
              return (
                <div key="footer" role="row" aria-rowindex={v.index + 2} className="grid-row footer-row" style={{ transform: `translateY(${start}px)` }}>
                  <div role="gridcell" aria-colspan={cols.length + 1} className="cell footer-cell">
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
                zone={zone}
                index={v.index}
                start={start}
                cols={cols}
                cursor={a.id === selectedId}
                checked={matchAll || checked.has(a.id)}
                tabbable={a.id === tabbableId}
                onCursor={onCursor}
                onCheck={onCheck}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
