import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import './virtual-grid.css';

/** A sortable column's header: its current direction (null: not the sort) and what a click does. */
export interface GridSort {
  dir: 'ascending' | 'descending' | null;
  onSort: () => void;
  title?: string;
}

export interface GridColumn<T> {
  key: string;
  /** The header text (the sort button's text on a sortable column). */
  label: string;
  /** Header content in place of the label (a select-all box). */
  header?: ReactNode;
  /** The column's track in grid-template-columns: "150px", "minmax(120px, 1fr)". */
  width: string;
  cell: (row: T, index: number) => ReactNode;
  /** The class of the cells ("mono ellipsis", "num"). */
  className?: string;
  /** The class of the header and the cells (a check-box column). */
  columnClassName?: string;
  /** Numbers line up on the right, the header too. */
  alignEnd?: boolean;
  sort?: GridSort;
  /** A click in this cell does not open the row: the cell holds its own control (a check box). */
  ownsClicks?: boolean;
}

/** How one row shows: the selection (aria-selected), the row whose detail is open, nothing to open. */
export interface GridRowState {
  selected?: boolean;
  open?: boolean;
  inert?: boolean;
  title?: string;
  /** data-* attributes the tests and the screen find the row by. */
  data?: Record<string, string>;
}

export interface VirtualGridProps<T> {
  label: string;
  testId: string;
  /** data-testid of every data row. */
  rowTestId: string;
  columns: GridColumn<T>[];
  rowHeight: number;
  /** Rows in the list; rowAt(i) is undefined for one not loaded yet (a placeholder row shows). */
  count: number;
  rowAt: (index: number) => T | undefined;
  /**
   * A row's identity. Without it rows are keyed by position: a list that reloads under the analyst
   * (the agent inventory) updates the rows in place instead of building them again.
   */
  rowKey?: (row: T) => string;
  rowState?: (row: T) => GridRowState;
  /** A last row under the data: loading more, a retry. */
  footer?: ReactNode;
  /** Enter on a row, or a click. */
  onOpen?: (row: T, index: number) => void;
  /** The keyboard moved the cursor to this row. */
  onCursor?: (row: T, index: number) => void;
  /** Other keys on the focused row (Space, Escape): returns true when it used the key. */
  onRowKey?: (key: string, row: T | undefined) => boolean;
  /** The rendered rows changed (load more near the end, fetch the pages in view). */
  onRange?: (first: number, last: number) => void;
  /** A new list: the cursor goes back to the first row and the list to the top. */
  resetKey?: unknown;
  /** false while more rows may come (aria-rowcount -1). */
  complete?: boolean;
  multiselectable?: boolean;
  /** Shown in place of the grid when there is no row. */
  empty?: ReactNode;
  /** Whether the cursor row is highlighted (off where the check boxes are the highlight). */
  markCursor?: boolean;
  overscan?: number;
  className?: string;
}

/** Keys that move the cursor, to the row index they lead to. */
function cursorMoves(cursor: number, page: number, last: number): Record<string, number> {
  return { ArrowDown: cursor + 1, j: cursor + 1, ArrowUp: cursor - 1, k: cursor - 1, PageDown: cursor + page, PageUp: cursor - page, Home: 0, End: last };
}

function HeaderCell<T>({ column: c }: { column: GridColumn<T> }) {
  const cls = [c.columnClassName, c.alignEnd ? 'vg-end' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <span role="columnheader" className={cls} aria-sort={c.sort?.dir ?? undefined}>
      {c.header ??
        (c.sort ? (
          <button type="button" className="vg-sort" onClick={c.sort.onSort} title={c.sort.title}>
            {c.label}
            {c.sort.dir === 'ascending' ? <ArrowUp size={11} aria-hidden="true" /> : c.sort.dir === 'descending' ? <ArrowDown size={11} aria-hidden="true" /> : null}
          </button>
        ) : (
          c.label
        ))}
    </span>
  );
}

/**
 * A virtualised list of rows in columns, the one the Hunt, Hosts and Agents screens share: fixed row
 * height, only the rows in view rendered, a header that stays while the rows scroll, one tab stop
 * (the cursor row) moved with ↑/↓ (j/k), PgUp/PgDn, Home/End, Enter opens the row.
 */
export function VirtualGrid<T>(props: VirtualGridProps<T>) {
  const { columns, rowHeight, count, rowAt, footer, onOpen, onCursor, onRowKey, onRange, resetKey, markCursor = true } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const virtualizer = useVirtualizer({
    count: count + (footer ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: props.overscan ?? 16,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => onRange?.(first, last), [first, last, count, onRange]);
  useEffect(() => {
    setCursor(0);
    // not when already there: scrollToOffset measures the scroll range, a synchronous layout
    if (virtualizer.scrollOffset !== 0) virtualizer.scrollToOffset(0);
  }, [resetKey, virtualizer]);

  /** Focuses a row once it is rendered (a page scrolled to may still be loading). */
  const focusIndex = useCallback((idx: number, tries = 6) => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${idx}"]`);
    if (el) el.focus({ preventScroll: true });
    else if (tries > 0) requestAnimationFrame(() => focusIndex(idx, tries - 1));
  }, []);

  const moveTo = (i: number) => {
    const idx = Math.max(0, Math.min(count - 1, i));
    setCursor(idx);
    virtualizer.scrollToIndex(idx, { align: 'auto' });
    requestAnimationFrame(() => focusIndex(idx));
    const row = rowAt(idx);
    if (row !== undefined) onCursor?.(row, idx);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // a row's own keys: not those of a control or a value menu inside it
    if (e.altKey || e.ctrlKey || e.metaKey || !(e.target instanceof HTMLElement) || e.target.getAttribute('role') !== 'row') return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const to = cursorMoves(cursor, page, count - 1)[e.key];
    const row = rowAt(cursor);
    if (to !== undefined) {
      e.preventDefault();
      if (count > 0) moveTo(to);
    } else if (e.key === 'Enter' && row !== undefined && onOpen) {
      e.preventDefault();
      onOpen(row, cursor);
    } else if (onRowKey?.(e.key, row)) e.preventDefault();
  };

  const onRowClick = (e: MouseEvent<HTMLDivElement>, row: T, index: number) => {
    // a value menu's item, or a cell's own control, is not a click on the row
    if (e.target instanceof Element && e.target.closest('[role="menu"], [data-owns-clicks]')) return;
    onOpen?.(row, index);
  };

  if (count === 0 && !footer && props.empty) return <>{props.empty}</>;

  // one tab stop: the cursor row when rendered, else the first row in view
  const rendered = items.filter((v) => v.index < count && rowAt(v.index) !== undefined);
  const tabIndexAt = rendered.some((v) => v.index === cursor) ? cursor : (rendered[0]?.index ?? -1);
  const style = { '--vg-cols': columns.map((c) => c.width).join(' ') } as CSSProperties;

  return (
    <div
      className={`vg-grid${props.className ? ` ${props.className}` : ''}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={props.complete === false ? -1 : count + 1}
      aria-multiselectable={props.multiselectable || undefined}
      data-testid={props.testId}
      style={style}
    >
      <div className="vg-row vg-head" role="row" aria-rowindex={1}>
        {columns.map((c) => (
          <HeaderCell key={c.key} column={c} />
        ))}
      </div>
      <div ref={scrollRef} className="vg-scroll" onKeyDown={onKeyDown}>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const place = { transform: `translateY(${v.start}px)`, height: rowHeight };
            if (v.index >= count) {
              return (
                <div key="footer" role="row" aria-rowindex={v.index + 2} className="vg-row vg-footer" style={place}>
                  <span role="gridcell">{footer}</span>
                </div>
              );
            }
            const row = rowAt(v.index);
            if (row === undefined) {
              return (
                <div key={props.rowKey ? `loading-${v.index}` : v.key} role="row" aria-rowindex={v.index + 2} className="vg-row vg-loading" style={place}>
                  <span className="skeleton" />
                </div>
              );
            }
            const state = props.rowState?.(row) ?? {};
            const cls = ['vg-row', markCursor && v.index === cursor ? 'cursor' : '', state.selected ? 'selected' : '', state.open ? 'open' : '', state.inert ? 'vg-inert' : ''];
            return (
              <div
                key={props.rowKey?.(row) ?? v.key}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={state.selected}
                data-index={v.index}
                data-testid={props.rowTestId}
                {...state.data}
                className={cls.filter(Boolean).join(' ')}
                style={place}
                title={state.title}
                tabIndex={v.index === tabIndexAt ? 0 : -1}
                onFocus={() => setCursor(v.index)}
                onClick={(e) => onRowClick(e, row, v.index)}
              >
                {columns.map((c) => (
                  <span
                    key={c.key}
                    role="gridcell"
                    className={[c.columnClassName, c.className, c.alignEnd ? 'vg-end' : ''].filter(Boolean).join(' ') || undefined}
                    data-owns-clicks={c.ownsClicks || undefined}
                  >
                    {c.cell(row, v.index)}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
