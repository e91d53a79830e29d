import type { ReactNode } from 'react';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  tone?: 'neutral' | 'error';
  /** Heading level inside the screen (the screen's own h1 is above). */
  headingLevel?: 2 | 3;
  role?: 'alert' | 'status';
}

/** Centered panel for empty, no-match and error states. */
export function EmptyState({ icon, title, children, actions, tone = 'neutral', headingLevel = 2, role }: EmptyStateProps) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={`empty-state empty-${tone}`} role={role}>
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <H className="empty-title">{title}</H>
      {children ? <div className="empty-body">{children}</div> : null}
      {actions ? <div className="empty-actions">{actions}</div> : null}
    </div>
  );
}
