import { Bookmark, BookmarkPlus, LoaderCircle, Trash2 } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog.js';
import { Popover } from '../../components/Popover.js';
import { describeFilter, fromContractFilter, isFilterActive, toSavedFilter, useAlerts } from '../../stores/alerts.js';
import { useSavedFilters } from '../../stores/savedFilters.js';
import { useTriage } from '../../stores/triage.js';

/** "Saved filters" menu: apply, delete, save the current one. */
export function SavedFiltersMenu() {
  const items = useSavedFilters((s) => s.items);
  const loaded = useSavedFilters((s) => s.loaded);
  const loading = useSavedFilters((s) => s.loading);
  const error = useSavedFilters((s) => s.error);
  const active = useAlerts((s) => isFilterActive(s.filter));

  useEffect(() => {
    const s = useSavedFilters.getState();
    if (!s.loaded && !s.loading) void s.load();
  }, []);

  return (
    <Popover
      label="Saved filters"
      testId="saved-filters-button"
      trigger={
        <>
          <Bookmark size={14} aria-hidden="true" />
          Saved filters
          {items.length > 0 ? <span className="tri-count-pill num">{items.length}</span> : null}
        </>
      }
    >
      {(close) => (
        <>
          <div className="ui-popover-head">Saved filters</div>
          <div className="ui-popover-section tri-saved-list">
            {loading && !loaded ? (
              <p className="ui-popover-empty">
                <LoaderCircle size={12} className="spin" aria-hidden="true" /> Loading…
              </p>
            ) : error ? (
              <p className="ui-popover-empty error-text" role="alert">
                Could not load saved filters: {error}{' '}
                <button type="button" className="link-button" onClick={() => void useSavedFilters.getState().load()}>
                  Retry
                </button>
              </p>
            ) : items.length === 0 ? (
              <p className="ui-popover-empty">Nothing saved yet. Set some filters, then save them here for the next shift.</p>
            ) : (
              items.map((f) => (
                <div key={f.id} className="tri-saved-item">
                  <button
                    type="button"
                    className="ui-popover-item tri-saved-apply"
                    onClick={() => {
                      const cur = useAlerts.getState().filter;
                      useAlerts.getState().replaceFilter(fromContractFilter(f.filter, cur));
                      close();
                    }}
                  >
                    <span className="tri-saved-name">{f.name}</span>
                    <span className="tri-saved-desc">{describeFilter(f.filter)}</span>
                  </button>
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Delete saved filter ${f.name}`}
                    title="Delete"
                    onClick={() => void useSavedFilters.getState().remove(f.id)}
                  >
                    <Trash2 size={13} aria-hidden="true" />
                  </button>
                </div>
              ))
            )}
          </div>
          <div className="ui-popover-foot">
            <button
              type="button"
              className="button small"
              disabled={!active}
              title={active ? undefined : 'Set a filter first'}
              onClick={() => {
                close();
                useTriage.getState().openDialog({ kind: 'saveFilter' });
              }}
            >
              <BookmarkPlus size={13} aria-hidden="true" />
              Save current filter…
            </button>
          </div>
        </>
      )}
    </Popover>
  );
}

export function SaveFilterDialog() {
  const close = useTriage((s) => s.closeDialog);
  const filter = useAlerts((s) => s.filter);
  const existing = useSavedFilters((s) => s.items);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const saved = toSavedFilter(filter);
  const relative = filter.range !== 'all' && filter.range !== 'custom';
  const clash = existing.some((f) => f.name.toLowerCase() === name.trim().toLowerCase());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the filter a name.');
      return;
    }
    setBusy(true);
    const err = await useSavedFilters.getState().save(name.trim(), saved);
    setBusy(false);
    if (err) setError(err);
    else close();
  };

  return (
    <Dialog
      title="Save filter"
      description={describeFilter(saved)}
      onClose={close}
      busy={busy}
      size="sm"
      testId="save-filter-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-form`} className="button primary" disabled={busy}>
            {clash ? 'Replace' : 'Save'}
          </button>
        </>
      }
    >
      <form id={`${id}-form`} className="ui-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={id}>
            Name
          </label>
          <input
            id={id}
            className="ui-input"
            value={name}
            maxLength={80}
            autoComplete="off"
            placeholder="e.g. Open P1 from the DMZ"
            aria-invalid={error !== null}
            onChange={(e) => (setName(e.target.value), setError(null))}
          />
          {error ? (
            <span className="ui-field-error" role="alert">
              {error}
            </span>
          ) : clash ? (
            <span className="ui-field-hint">A saved filter with this name exists: saving replaces it.</span>
          ) : null}
        </div>
        {relative ? <p className="ui-field-hint">The relative time range is not saved: it applies the range you pick at the time.</p> : null}
      </form>
    </Dialog>
  );
}
