import { CircleAlert, LoaderCircle } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import type { LiveSource } from '../../../main/contract/console.js';
import { errorMessage } from '../../api/index.js';
import { useSources } from '../../stores/sources.js';
import { Dialog } from './Dialog.js';
import { TimeZoneField } from './TimeZoneField.js';
import { sourceName } from './sourceState.js';

/** Sets or clears a source's time zone for timestamps written without a UTC offset. */
export function TimeZoneDialog({ source, onClose }: { source: LiveSource; onClose: () => void }) {
  const [value, setValue] = useState(source.assume_tz ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const errId = useId();

  const save = async (tz: string | null) => {
    setBusy(true);
    setError(null);
    try {
      await useSources.getState().setAssumeTz(source.id, tz);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <Dialog
      title={`Time zone of ${sourceName(source)}`}
      description="Applies to lines read from now on; lines already quarantined stay there."
      onClose={onClose}
      initialFocus={inputRef}
      busy={busy}
      width={520}
      testId="timezone-dialog"
    >
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          const tz = value.trim();
          void save(tz.length > 0 ? tz : null);
        }}
        noValidate
      >
        <TimeZoneField value={value} onChange={setValue} inputRef={inputRef} invalid={error !== null} {...(error ? { describedBy: errId } : {})} />
        {error ? (
          <div id={errId} className="inline-error" role="alert" data-testid="timezone-error">
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">{error}</div>
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
            Save time zone
          </button>
        </div>
      </form>
    </Dialog>
  );
}
