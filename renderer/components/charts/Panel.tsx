import { useId, type ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** Small text next to the title (units, totals). */
  subtitle?: ReactNode;
  icon?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Test hook and CSS hook. */
  testId?: string;
  /** Dims the body while a refresh is in flight (the data stays on screen). */
  busy?: boolean;
}

/** A titled dashboard panel: a labelled region with an h2. */
export function Panel({ title, subtitle, icon, actions, children, className, testId, busy }: PanelProps) {
  const id = useId();
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={id} data-testid={testId} aria-busy={busy || undefined}>
      <div className="panel-head">
        {icon ? (
          <span className="panel-icon" aria-hidden="true">
            {icon}
          </span>
        ) : null}
        <h2 id={id}>{title}</h2>
        {subtitle ? <span className="panel-sub">{subtitle}</span> : null}
        <div className="panel-spacer" />
        {actions}
      </div>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** Placeholder inside a panel while it has nothing to show. */
export function PanelNote({ children, tone = 'muted' }: { children: ReactNode; tone?: 'muted' | 'error' }) {
  return <div className={`panel-note panel-note-${tone}`}>{children}</div>;
}

/** Skeleton block for a panel body. */
export function PanelSkeleton({ height = 160, rows = 0 }: { height?: number; rows?: number }) {
  if (rows > 0) {
    return (
      <div className="panel-skeleton-rows" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <span key={i} className="skeleton" style={{ width: `${90 - i * 9}%` }} />
        ))}
      </div>
    );
  }
  return <span className="skeleton panel-skeleton" style={{ height }} aria-hidden="true" />;
}
