import { formatCount } from '../lib/format.js';
import './count-bars.css';

export interface CountBar {
  /** Stable key (the drill-down query serves). */
  key: string;
  label: string;
  count: number;
  /** Where the row leads (a drill-down). */
  href: string;
  /** The link's title (what following it does). */
  title: string;
}

/**
 * Counts largest first, each a link with a bar to scale with the largest: the Hunt screen's top
 * values, a host's ports.
 */
export function CountBars({ rows, testId, className }: { rows: readonly CountBar[]; testId: string; className?: string }) {
  const max = rows.reduce((m, r) => Math.max(m, r.count), 0);
  return (
    <ol className={`count-bars${className ? ` ${className}` : ''}`}>
      {rows.map((r) => (
        <li key={r.key}>
          <a href={r.href} title={r.title} data-testid={testId}>
            <span className="count-bar" style={{ width: `${max ? Math.max(2, (r.count / max) * 100) : 0}%` }} aria-hidden="true" />
            <span className="count-bar-label mono">{r.label}</span>
            <span className="count-bar-count num">{formatCount(r.count)}</span>
          </a>
        </li>
      ))}
    </ol>
  );
}
