import { Pencil, Trash2 } from 'lucide-react';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { TimelineItem } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { FormError } from '../../components/FormError.js';
import { localInputValue } from '../../lib/format.js';
import { toastFailure } from '../../stores/toasts.js';

/** Entries added by hand and pinned events: the timeline items an analyst wrote, so can change. */
export function editable(it: TimelineItem): it is TimelineItem & { kind: 'entry' | 'event'; ref: number } {
  return (it.kind === 'entry' || it.kind === 'event') && it.ref !== null;
}

/** Edit and Remove on an entry or a pinned event (each audited with what it said). */
export function EntryActions({ item, onEdit }: { item: TimelineItem & { ref: number }; onEdit(): void }) {
  const remove = () => api.call('cases.timeline.remove', { entry_id: item.ref }).catch(toastFailure);
  return (
    <span className="tl-actions">
      <button type="button" className="icon-button small" onClick={onEdit} aria-label={`Edit “${item.title}”`} title="Edit">
        <Pencil size={12} aria-hidden="true" />
      </button>
      <button type="button" className="icon-button small" onClick={() => void remove()} aria-label={`Remove “${item.title}”`} title="Remove (kept in the case's history)">
        <Trash2 size={12} aria-hidden="true" />
      </button>
    </span>
  );
}

/**
 * What an entry says, and when it happened; a pinned event stays at its event's time, so only what
 * it says changes. Saved with cases.timeline.update; Escape leaves it as it was.
 */
export function EntryEditor({ item, onDone }: { item: TimelineItem & { kind: 'entry' | 'event'; ref: number }; onDone(): void }) {
  const id = useId();
  const [when, setWhen] = useState(() => localInputValue(Date.parse(item.ts), true));
  const [title, setTitle] = useState(item.title);
  const [body, setBody] = useState(item.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const at = new Date(when);
    if (item.kind === 'entry' && Number.isNaN(at.getTime())) {
      setError('Give the time the thing happened.');
      return;
    }
    if (!title.trim()) {
      setError('Say what happened.');
      return;
    }
    setBusy(true);
    try {
      await api.call('cases.timeline.update', {
        entry_id: item.ref,
        title: title.trim(),
        body: body.trim() ? body : null,
        ...(item.kind === 'entry' ? { ts: at.toISOString() } : {}),
      });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onDone();
    }
  };
  return (
    <form className="tl-edit" onSubmit={(e) => void save(e)} onKeyDown={keys} aria-label="Edit the timeline entry" noValidate>
      <div className="tl-edit-row">
        {item.kind === 'entry' ? (
          <input id={`${id}-ts`} className="ui-input small" type="datetime-local" step={1} aria-label="When (local time)" value={when} onChange={(e) => setWhen(e.target.value)} />
        ) : (
          <span className="faint text-sm">At its event&apos;s time</span>
        )}
        <input className="ui-input small tl-edit-title" aria-label="What happened" value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} autoFocus />
      </div>
      <textarea className="ui-textarea" rows={3} aria-label="Details" placeholder="Details (optional)" value={body} maxLength={20_000} onChange={(e) => setBody(e.target.value)} />
      <div className="tl-edit-row">
        <button type="submit" className="button small primary" disabled={busy}>
          Save
        </button>
        <button type="button" className="button small ghost" onClick={onDone} disabled={busy}>
          Cancel
        </button>
        <FormError error={error} />
      </div>
    </form>
  );
}
