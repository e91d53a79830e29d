import { RefreshCw, TriangleAlert } from 'lucide-react';
import { EmptyState } from './EmptyState.js';

interface LoadFailedProps {
  /** What could not be loaded, as a heading ("Could not load sources"). */
  title: string;
  /** The error, as the user should read it. */
  message: string;
  onRetry: () => void;
  headingLevel?: 2 | 3;
  iconSize?: number;
}

/** The one "could not load" state: the error, announced, with a Retry button. */
export function LoadFailed({ title, message, onRetry, headingLevel = 2, iconSize = 28 }: LoadFailedProps) {
  return (
    <EmptyState
      tone="error"
      role="alert"
      icon={<TriangleAlert size={iconSize} />}
      title={title}
      headingLevel={headingLevel}
      actions={
        <button type="button" className="button primary" onClick={onRetry}>
          <RefreshCw size={14} aria-hidden="true" />
          Retry
        </button>
      }
    >
      <p>{message}</p>
    </EmptyState>
  );
}
