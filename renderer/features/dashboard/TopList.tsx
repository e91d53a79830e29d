import { ChevronRight } from 'lucide-react';
import type { ReactNode } from 'react';
import type { DashboardTop } from '../../../main/contract/console.js';
import { PanelNote, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount } from '../../lib/format.js';

type Item = DashboardTop['items'][number];

interface TopListProps {
  items: Item[] | null;
  /** Which figure ranks and sizes the bars. */
  measure: 'events' | 'alerts';
  /** Accessible name of the list ("Top source IPs by events"). */
  label: string;
  primary(item: Item): ReactNode;
  secondary?(item: Item): ReactNode;
  /** Link for an item (click-through to Alerts); null for rows that do not link. */
  href?(item: Item): string | null;
  /** Accessible name of a row's link. */
  linkLabel?(item: Item): string;
  emptyText: string;
  max?: number;
  testId?: string;
}

/** Ranked bar list: rank, label, proportional bar, count. Rows link to the filtered alerts. */
export function TopList({ items, measure, label, primary, secondary, href, linkLabel, emptyText, max = 8, testId }: TopListProps) {
  if (items === null) return <PanelSkeleton rows={6} />;
  const shown = items.slice(0, max);
  if (shown.length === 0) return <PanelNote>{emptyText}</PanelNote>;
  const top = Math.max(1, ...shown.map((i) => i[measure]));
  const other = measure === 'events' ? 'alerts' : 'events';
  return (
    <ol className="toplist" aria-label={label} data-testid={testId}>
      {shown.map((item, i) => {
        const link = href?.(item) ?? null;
        const pct = Math.max(2, (item[measure] / top) * 100);
        const content = (
          <>
            <span className="toplist-rank num" aria-hidden="true">
              {i + 1}
            </span>
            <span className="toplist-main">
              <span className="toplist-label">
                <span className="toplist-primary">{primary(item)}</span>
                {secondary ? <span className="toplist-secondary">{secondary(item)}</span> : null}
              </span>
              <span className="toplist-track" aria-hidden="true">
                <span className="toplist-bar" style={{ width: `${pct}%` }} />
              </span>
            </span>
            <span className="toplist-value num">
              {formatCount(item[measure])}
              <span className="visually-hidden"> {measure}</span>
              <span className="toplist-other">
                {formatCount(item[other])} {item[other] === 1 ? other.slice(0, -1) : other}
              </span>
            </span>
            {link ? <ChevronRight size={14} className="toplist-chevron" aria-hidden="true" /> : <span className="toplist-chevron" />}
          </>
        );
        return (
          <li key={item.key}>
            {link ? (
              <a className="toplist-row" href={link} aria-label={linkLabel?.(item)} title={linkLabel?.(item)}>
                {content}
              </a>
            ) : (
              <div className="toplist-row">{content}</div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
