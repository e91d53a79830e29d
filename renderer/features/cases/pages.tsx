import { LoaderCircle } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../api/index.js';
import { FormError } from '../../components/FormError.js';

/** A page of a case's list (alerts, timeline, kept records) and the cursor of the next. */
export interface CasePage<T, C> {
  items: T[];
  next: C | null;
}

/** A case list with the pages read after its first. */
export interface MorePages<T, C> {
  items: T[];
  next: C | null;
  more: () => Promise<void>;
  busy: boolean;
  error: string | null;
}

/**
 * The pages a case tab reads after its first ("Show more"): `more()` appends the next one. They
 * belong to the first page they follow, so a new first page (the case changed, a filter) starts
 * over. A failed read is kept as `error` for the tab to show, never thrown.
 */
export function useMorePages<T, C>(first: CasePage<T, C> | null | undefined, read: (cursor: C) => Promise<CasePage<T, C>>, what: string): MorePages<T, C> {
  const [later, setLater] = useState<{ after: unknown; items: T[]; next: C | null } | null>(null);
  const [state, setState] = useState<{ after: unknown; busy: boolean; error: string | null }>({ after: null, busy: false, error: null });
  const mine = later && later.after === first ? later : null;
  const items = first ? (mine ? [...first.items, ...mine.items] : first.items) : [];
  const next = mine ? mine.next : (first?.next ?? null);
  const current = state.after === first ? state : { busy: false, error: null };
  const more = async () => {
    if (!next || !first || current.busy) return;
    setState({ after: first, busy: true, error: null });
    try {
      const page = await read(next);
      setLater((l) => ({ after: first, items: [...(l && l.after === first ? l.items : []), ...page.items], next: page.next }));
      setState({ after: first, busy: false, error: null });
    } catch (err) {
      setState({ after: first, busy: false, error: `Could not read more ${what}: ${errorMessage(err)}` });
    }
  };
  return { items, next, more, busy: current.busy, error: current.error };
}

/** The button that reads the next page ("Older", "Load more"), busy while it reads, and a failed read. */
export function MoreButton<T, C>({ pages, label }: { pages: MorePages<T, C>; label: string }) {
  return (
    <>
      {pages.next ? (
        <button type="button" className="button small case-more" onClick={() => void pages.more()} disabled={pages.busy}>
          {pages.busy ? <LoaderCircle size={12} className="spin" aria-hidden="true" /> : null}
          {label}
        </button>
      ) : null}
      <FormError error={pages.error} />
    </>
  );
}
